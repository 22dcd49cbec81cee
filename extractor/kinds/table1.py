"""What csx's code beyond deposition/ reads of a table1 record (schemas/table1.schema.json); deposition/
table1.py, which makes Table 1 of these records, reads the rest."""

LINEAGE = ("lineage",)  # [{juid, type, input, num_items, note?}]
LOCAL_RESOLUTION_MEDIAN_A = ("map", "local_resolution_median_A")
# the keys of a record that are no section of Table 1
NOT_SECTIONS = ("kind", "job_info", "lineage")
