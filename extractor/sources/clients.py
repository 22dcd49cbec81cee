"""What differs between the two generations of the cryosparc-tools client,
and nothing else: how a project's directory and title, a job's document and
a project's job list are asked for. Everything else is the same calls."""

import re
from email.utils import parsedate_to_datetime

# Flask (CryoSPARC v4's command_core) sends datetimes as RFC 1123 text
RFC1123 = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$")


def _plain(value):
    """A v4 document as the offline source gives it: RFC 1123 dates as ISO 8601 UTC."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str) and RFC1123.match(value):
        return parsedate_to_datetime(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


class _Tools:
    """`ask(call, *args)` makes one request's call, under csx's deadline for a request."""

    def __init__(self, client, ask):
        self.client, self.ask = client, ask

    def download(self, puid: str, relative: str) -> bytes:
        """A project file's bytes (the same call in both generations)."""
        return self.ask(self._read, puid, relative)

    def _read(self, puid: str, relative: str) -> bytes:
        with self.client.download(puid, relative) as response:
            return response.read()


def _every_status() -> tuple:
    """The statuses a v4 job may have, as the installed client declares them (cryosparc.spec.JobStatus)."""
    from typing import get_args

    from cryosparc.spec import JobStatus

    return get_args(JobStatus)


class Tools4(_Tools):
    """cryosparc-tools 4.x: JSON-RPC to command_core; job.doc, project.dir()."""

    def project(self, puid: str) -> tuple:
        project = self.ask(self.client.find_project, puid)
        return str(self.ask(project.dir)), project.doc.get("title")

    def job_document(self, puid: str, juid: str) -> dict:
        return _plain(self.ask(self.client.find_job, puid, juid).doc)

    @staticmethod
    def says_no_such_job(exc: BaseException) -> bool:
        """Whether command_core answered get_job with an error of its own (a JSON-RPC error reply, which
        the client raises without a cause) rather than failing to answer: it has no such job."""
        from cryosparc.errors import CommandError

        return (isinstance(exc, CommandError) and exc.__cause__ is None
                and "Encountered " in str(exc) and " from JSONRPC function " in str(exc))

    def job_uids(self, puid: str, types, statuses) -> list:
        """Uids of the project's jobs of these types (all without) and statuses (all without)."""
        # command_core lists by type within a project, or by status across projects
        if types:
            docs = self.ask(self.client.cli.get_jobs_by_type, project_uid=puid, types=list(types))
        else:
            docs = [d for s in statuses or _every_status() for d in self.ask(self.client.cli.get_jobs_by_status,
                                                                              status=s)
                    if d.get("project_uid") == puid]
        return [d["uid"] for d in docs if not statuses or d.get("status") in statuses]


class Tools5(_Tools):
    """cryosparc-tools 5.x: REST; job.model (dumped as JSON), project.dir."""

    def project(self, puid: str) -> tuple:
        project = self.ask(self.client.find_project, puid)
        return str(self.ask(getattr, project, "dir")), project.model.title

    def job_document(self, puid: str, juid: str) -> dict:
        return self.ask(self.client.find_job, puid, juid).model.model_dump(mode="json", by_alias=True)

    @staticmethod
    def says_no_such_job(exc: BaseException) -> bool:
        """Whether the API answered HTTP 404 (Not Found) for the job."""
        return getattr(exc, "code", None) == 404

    def job_uids(self, puid: str, types, statuses) -> list:
        """Uids of the project's jobs of these types (all without) and statuses (all without)."""
        search = {"type": list(types)} if types else {}
        if statuses:
            search["status"] = list(statuses)
        pages = self.ask(self.client.find_project, puid).find_jobs(**search)
        uids = []
        # the client asks for the list a page at a time, as it is iterated
        while (job := self.ask(next, pages, None)) is not None:
            uids.append(job.uid)
        return uids


GENERATIONS = {"4": Tools4, "5": Tools5}
