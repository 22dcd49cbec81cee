"""CryoSPARC v4 command servers, as cryosparc-tools 4.7 talks to them.

JSON-RPC 2.0 over `POST /api` on command_core, command_vis and command_rtp;
the client asks each for `system.describe` and turns every listed procedure
into a method (`cs.cli.get_job(...)`). command_vis also streams project files
from `POST /get_project_file`. Only the procedures the client and csx call
are listed.
"""

from __future__ import annotations

import datetime
from email.utils import format_datetime
from typing import Any, Callable

from .log import RequestLog
from .store import OutsideProject, ProjectStore, UnknownJob, UnknownProject
from .web import Request, Response, json_response

USER_ID = "6372a35e821ed2b71d9fe4e3"


class ServerError(Exception):
    """Raised by a procedure; reaches the client as CryoSPARC's ServerError."""


def command_core_json(value: Any) -> Any:
    """A stored document as command_core sends it: its Flask JSON encoder
    writes BSON dates as RFC 822 strings in GMT and ObjectIds as hex strings,
    where job.json holds MongoDB extended JSON ({"$date": ...}, {"$oid": ...})."""
    if isinstance(value, dict):
        if value.keys() == {"$date"}:
            return format_datetime(_bson_date(value["$date"]), usegmt=True)
        if value.keys() == {"$oid"}:
            return value["$oid"]
        return {key: command_core_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [command_core_json(item) for item in value]
    return value


def _bson_date(value: Any) -> datetime.datetime:
    if isinstance(value, dict):  # canonical form: {"$numberLong": "<ms>"}
        value = int(value["$numberLong"])
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc)
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(datetime.timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


class CommandCore:
    """The procedures of command_core (base_port + 2)."""

    def __init__(self, store: ProjectStore, email: str, password: str, version: str, echo_login: bool = False):
        self.store = store
        self.email = email
        self.password = password
        self.version = version
        self.echo_login = echo_login  # a careless server: the refusal repeats the password it was sent

    def procedures(self) -> dict[str, Callable[..., Any]]:
        return {
            "get_id_by_email_password": self.get_id_by_email_password,
            "get_running_version": self.get_running_version,
            "test_connection": self.test_connection,
            "get_project": self.get_project,
            "get_project_dir_abs": self.get_project_dir_abs,
            "get_job": self.get_job,
            "get_job_dir_abs": self.get_job_dir_abs,
            "get_jobs_by_type": self.get_jobs_by_type,
            "get_jobs_by_status": self.get_jobs_by_status,
        }

    def get_id_by_email_password(self, email: str, password: str) -> str:
        if (email, password) != (self.email, self.password):
            raise ServerError(f"Incorrect email or password: {email} / {password}" if self.echo_login
                              else "Incorrect email or password")
        return USER_ID

    def get_running_version(self) -> str:
        return self.version

    def test_connection(self) -> bool:
        return True

    def get_project(self, project_uid: str) -> dict[str, Any]:
        doc = command_core_json(self._project_doc(project_uid))
        return {**doc, "project_dir": str(self.store.project_dir(project_uid))}

    def get_project_dir_abs(self, project_uid: str) -> str:
        self._project_doc(project_uid)
        return str(self.store.project_dir(project_uid))

    def get_job(self, project_uid: str, job_uid: str) -> dict[str, Any]:
        return command_core_json(self._job_doc(project_uid, job_uid))

    def get_job_dir_abs(self, project_uid: str, job_uid: str) -> str:
        self._job_doc(project_uid, job_uid)
        return str(self.store.job_dir(project_uid, job_uid))

    def get_jobs_by_type(self, project_uid: str, types: list[str]) -> list[dict[str, Any]]:
        self._project_doc(project_uid)
        return [command_core_json(doc) for doc in self.store.job_docs(project_uid) if doc.get("job_type") in types]

    def get_jobs_by_status(self, status: str, count_only: bool = False) -> list[dict[str, Any]] | int:
        """Jobs of every project with the given status."""
        jobs = [
            command_core_json(doc)
            for puid in self.store.project_uids()
            for doc in self.store.job_docs(puid)
            if doc.get("status") == status
        ]
        return len(jobs) if count_only else jobs

    def _project_doc(self, project_uid: str) -> dict[str, Any]:
        try:
            return self.store.project_doc(project_uid)
        except UnknownProject:
            raise ServerError(f"Project {project_uid} does not exist") from None

    def _job_doc(self, project_uid: str, job_uid: str) -> dict[str, Any]:
        self._project_doc(project_uid)
        try:
            return self.store.job_doc(project_uid, job_uid)
        except UnknownJob:
            raise ServerError(f"Job {job_uid} does not exist in project {project_uid}") from None


def jsonrpc_app(
    service: str, procedures: dict[str, Callable[..., Any]], log: RequestLog, files: ProjectStore | None = None
) -> Callable[[Request], Response]:
    """The HTTP app of one command server; `files` adds command_vis's file download."""
    describe = {"sdversion": "1.0", "name": service, "procs": [{"name": name} for name in procedures]}

    def app(request: Request) -> Response:
        if request.method == "GET" and request.path in ("", "/"):
            return Response(200, f"Hello World from cryosparc {service}.".encode(), "text/plain")
        if request.method == "POST" and request.path == "/api":
            return _call(request.json())
        if files is not None and request.method == "POST" and request.path == "/get_project_file":
            return _project_file(request.json())
        return Response(404, b"Not Found", "text/plain")

    def _call(call: dict[str, Any]) -> Response:
        method, params = call.get("method", ""), call.get("params") or []
        log.add(method, params)
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": call.get("id")}
        if method == "system.describe":
            return json_response({**reply, "result": describe})
        if method not in procedures:
            error = {"name": "MethodNotFoundError", "code": -32601, "message": f"MethodNotFoundError: {method}"}
            return json_response({**reply, "error": error})
        try:
            result = procedures[method](**params) if isinstance(params, dict) else procedures[method](*params)
        except (ServerError, TypeError) as raised:
            # CryoSPARC answers HTTP 200 with the error in the body; the
            # client shows it as "(url, code 400) Encountered ServerError ..."
            error = {"name": "ServerError", "code": 400, "message": f"ServerError: {raised}", "data": None}
            return json_response({**reply, "error": error})
        return json_response({**reply, "result": result})

    def _project_file(body: dict[str, Any]) -> Response:
        log.add("get_project_file", body)
        try:
            path = files.file_path(body["project_uid"], body["path"])
        except (KeyError, UnknownProject, OutsideProject, FileNotFoundError):
            # command_vis logs the reason and answers werkzeug's bare 500 page
            return Response(500, INTERNAL_SERVER_ERROR_PAGE, "text/html; charset=utf-8", reason="INTERNAL SERVER ERROR")
        return Response(200, path, "application/octet-stream")

    return app


INTERNAL_SERVER_ERROR_PAGE = (
    b'<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n'
    b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete "
    b"your request. Either the server is overloaded or there is an error in the application.</p>\n"
)
