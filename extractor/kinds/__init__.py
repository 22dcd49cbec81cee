"""The fields of csx's records that csx's own code reads (the pictures, the
report, the deposition checks), named once, a module per record kind:
map_info.py, fsc.py, table1.py, job.py. A record's shape is its schema's
(schemas/<kind>.schema.json) and its spec's; code reads a record through the
paths named here, so a reader finds every use of a field by its name, and a
test checks each path against the kind's schema."""


def value_at(record, path: tuple):
    """The value at `path` (a tuple of keys) in a record; None where a step is missing or no object (a
    record read back from a database may be of an older csx, or written with --no-validate)."""
    for key in path:
        record = record.get(key) if isinstance(record, dict) else None
    return record


JOB_INFO = ("job_info",)  # every kind names its job so
PUID = (*JOB_INFO, "puid")
JUID = (*JOB_INFO, "juid")


def job_label(record: dict) -> str:
    """P30/J180: the job a record is of; KeyError for a record that does not say."""
    puid, juid = value_at(record, PUID), value_at(record, JUID)
    if puid is None or juid is None:
        raise KeyError("job_info")
    return f"{puid}/{juid}"
