"""What csx's code reads of a job record (schemas/job.schema.json)."""

TYPE = ("job_info", "type")
TITLE = ("job_info", "title")
COMPLETED = ("times", "completed_at")
DISK_BYTES = ("disk_bytes",)
