"""What became of one job: a record (with what the sinks need to file it), a
reason to skip it, or an error."""

from dataclasses import dataclass


@dataclass
class Outcome:
    label: str  # P30/J180
    source: str = ""  # the project directory, or the instance's address
    record: dict | None = None
    spec: str | None = None  # the spec file that produced the record
    fingerprint: str | None = None  # what says the job changed since it was last extracted
    skipped: str | None = None
    error: Exception | None = None
    project_title: str | None = None  # as the job's project says it, once its document is read

    @property
    def project_uid(self) -> str:
        return self.label.split("/")[0]

    @property
    def job_uid(self) -> str:
        return self.label.split("/")[-1]

    @property
    def file_stem(self) -> str:
        """P30-J180, the notebook's file name for a job's record."""
        return self.label.replace("/", "-")
