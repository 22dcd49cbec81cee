"""CryoSPARC v5 API server, as cryosparc-tools 5.0 talks to it.

The client reads `<base_url>/api/cmd/openapi.json` and makes one function per
operation, named by its `summary` ("jobs.find_one" becomes
`cs.api.jobs.find_one`); it fills path parameters positionally, query
parameters from keyword arguments, and parses each response into the model its
`$ref` names. The OpenAPI document is generated from `ENDPOINTS`, so what is
served and what is described cannot drift apart. Errors are FastAPI's:
a status code and `{"detail": ...}`.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass
from hashlib import sha256
from typing import Any, Callable

from .log import RequestLog
from .store import OutsideProject, ProjectStore, UnknownJob, UnknownProject
from .web import Request, Response, json_response

API_PREFIX = "/api/cmd"  # cryosparc.constants.API_SUFFIX: the client appends it to base_url
USER_ID = "6372a35e821ed2b71d9fe4e3"

STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
DATE_RANGE = {"type": "array", "prefixItems": [{"type": "string", "format": "date-time"}] * 2}
STREAM = {  # cryosparc.stream.Stream.api_schema()
    "description": "A binary stream representing a Stream class instance",
    "content": {"application/octet-stream": {"schema": {"title": "Stream", "type": "string", "format": "binary"}}},
}
# jobs.find's date filters, and the Job field each one ranges over
DATE_FILTERS = {
    "created_at": "created_at", "updated_at": "updated_at", "queued_at": "queued_at", "started_at": "started_at",
    "waiting_at": "waiting_at", "completed_at": "completed_at", "killed_at": "killed_at", "failed_at": "failed_at",
    "exported_at": "last_exported_at",
}


def ref(model: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model}"}


def returns(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "Successful Response", "content": {"application/json": {"schema": schema}}}


@dataclass(frozen=True)
class Endpoint:
    summary: str
    method: str
    path: str  # OpenAPI template, e.g. /projects/{project_uid}
    response: dict[str, Any]  # the 200 response object
    query: tuple[tuple[str, dict[str, Any]], ...] = ()
    form: tuple[str, ...] = ()  # fields of an x-www-form-urlencoded body
    public: bool = False  # served without a bearer token

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path))

    def operation(self) -> dict[str, Any]:
        path_params = re.findall(r"\{(\w+)\}", self.path)
        parameters = [{"name": name, "in": "path", "required": True, "schema": STRING} for name in path_params]
        parameters += [{"name": name, "in": "query", "required": False, "schema": schema}
                       for name, schema in self.query]
        operation = {
            "summary": self.summary,
            "operationId": self.summary.replace(".", "_"),
            "parameters": parameters,
            "responses": {"200": self.response},
        }
        if self.form:
            schema = {"title": f"Body_{operation['operationId']}", "type": "object",
                      "properties": {name: STRING for name in self.form}}
            operation["requestBody"] = {"required": True,
                                        "content": {"application/x-www-form-urlencoded": {"schema": schema}}}
        return operation


ENDPOINTS = (
    Endpoint("health", "get", "/health", returns(STRING), public=True),
    Endpoint("login", "post", "/login", returns(ref("Token")),
             form=("grant_type", "username", "password"), public=True),
    Endpoint("users.me", "get", "/users/me", returns(ref("User"))),
    Endpoint("config.get_version", "get", "/config/version", returns(STRING)),
    Endpoint("projects.find_one", "get", "/projects/{project_uid}", returns(ref("Project"))),
    Endpoint("projects.get_directory", "get", "/projects/{project_uid}/directory", returns(STRING)),
    Endpoint("projects.download_file", "get", "/projects/{project_uid}/files", STREAM, query=(("path", STRING),)),
    Endpoint("jobs.find", "get", "/jobs", returns({"type": "array", "items": ref("Job")}), query=(
        ("order", {"type": "integer"}), ("after", STRING), ("limit", {"type": "integer"}),
        ("project_uid", STRINGS), ("workspace_uid", STRINGS), ("uid", STRINGS), ("type", STRINGS),
        ("status", STRINGS), ("category", STRINGS),
        *((name, DATE_RANGE) for name in DATE_FILTERS),
        ("deleted", {"type": "boolean"}),
    )),
    Endpoint("jobs.find_one", "get", "/projects/{project_uid}/jobs/{job_uid}", returns(ref("Job"))),
    Endpoint("jobs.get_directory", "get", "/projects/{project_uid}/jobs/{job_uid}/directory", returns(STRING)),
)


def openapi(version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method] = endpoint.operation()
    models = ("Token", "User", "Project", "Job")  # parsed by the client's own pydantic models, by name
    return {
        "openapi": "3.1.0",
        "info": {"title": "CryoSPARC API (look-alike)", "version": version},
        "paths": paths,
        "components": {"schemas": {name: {"title": name, "type": "object"} for name in models}},
    }


class HTTPError(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


class APIServer:
    """The HTTP app: routes `<API_PREFIX><endpoint path>` to the method named by the summary."""

    def __init__(self, store: ProjectStore, email: str, password: str, version: str, log: RequestLog,
                 echo_login: bool = False):
        self.store = store
        self.echo_login = echo_login  # a careless server: the refusal repeats the form it was sent, hash included
        self.email = email
        self.password_sha256 = sha256(password.encode()).hexdigest()  # the client sends only the hash
        self.version = version
        self.log = log
        self.tokens: set[str] = set()
        self.routes = [(endpoint, endpoint.pattern, getattr(self, endpoint.summary.replace(".", "_")))
                       for endpoint in ENDPOINTS]

    def __call__(self, request: Request) -> Response:
        path = request.path.removeprefix(API_PREFIX)
        if request.method == "GET" and path == "/openapi.json":
            return json_response(openapi(self.version))
        for endpoint, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match and request.method == endpoint.method.upper():
                return self._serve(endpoint, handler, match.groupdict(), request)
        return json_response({"detail": "Not Found"}, 404)

    def _serve(self, endpoint: Endpoint, handler: Callable[..., Any], path_params: dict[str, str],
               request: Request) -> Response:
        try:
            query = {name: _parse(request.query[name], schema)
                     for name, schema in endpoint.query if name in request.query}
        except (ValueError, KeyError) as error:
            return json_response({"detail": f"invalid query parameter: {error}"}, 422)
        form = {name: value for name, value in request.form().items() if name != "password"} if endpoint.form else {}
        self.log.add(endpoint.summary, {**path_params, **query, **form})
        try:
            if not endpoint.public and self._token(request) not in self.tokens:
                raise HTTPError(401, "Not authenticated", {"WWW-Authenticate": "Bearer"})
            result = handler(request, **path_params, **query)
        except HTTPError as error:
            return json_response({"detail": error.detail}, error.status, error.headers)
        return result if isinstance(result, Response) else json_response(result)

    @staticmethod
    def _token(request: Request) -> str:
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        return token if scheme.lower() == "bearer" else ""

    def health(self, request: Request) -> str:
        return "OK"

    def login(self, request: Request) -> dict[str, str]:
        form = request.form()
        if (form.get("username"), form.get("password")) != (self.email, self.password_sha256):
            detail = f"Invalid email or password: {form}" if self.echo_login else "Invalid email or password"
            raise HTTPError(401, detail, {"WWW-Authenticate": "Bearer"})
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return {"access_token": token, "token_type": "bearer"}

    def users_me(self, request: Request) -> dict[str, Any]:
        local, _, _ = self.email.partition("@")
        return {"_id": USER_ID, "name": local, "first_name": local, "last_name": "",
                "emails": [{"address": self.email, "verified": True}], "roles": {"__global_roles__": ["admin"]}}

    def config_get_version(self, request: Request) -> str:
        return self.version

    def projects_find_one(self, request: Request, project_uid: str) -> dict[str, Any]:
        doc = self._project_doc(project_uid)
        # CryoSPARC keeps where the project is attached, whatever the dumped project.json says
        required = {"uid_num": int(project_uid[1:]), "owner_user_id": USER_ID,
                    "size_last_updated": doc.get("updated_at", "1970-01-01T00:00:00Z")}
        return {**required, **doc, "project_dir": str(self.store.project_dir(project_uid))}

    def projects_get_directory(self, request: Request, project_uid: str) -> str:
        self._project_doc(project_uid)
        return str(self.store.project_dir(project_uid))

    def projects_download_file(self, request: Request, project_uid: str, path: str = "") -> Response:
        self._project_doc(project_uid)
        try:
            return Response(200, self.store.file_path(project_uid, path), "application/octet-stream")
        except OutsideProject as error:
            raise HTTPError(400, str(error)) from None
        except FileNotFoundError as error:
            raise HTTPError(404, str(error)) from None

    def jobs_find_one(self, request: Request, project_uid: str, job_uid: str) -> dict[str, Any]:
        return self._job_doc(project_uid, job_uid)

    def jobs_get_directory(self, request: Request, project_uid: str, job_uid: str) -> str:
        self._job_doc(project_uid, job_uid)
        return str(self.store.job_dir(project_uid, job_uid))

    def jobs_find(self, request: Request, order: int = 1, after: str | None = None, limit: int = 100,
                  project_uid: list[str] | None = None, category: list[str] | None = None, deleted: bool = False,
                  **filters: list[str]) -> list[dict[str, Any]]:
        if category:
            raise HTTPError(422, "the look-alike does not filter by category (it has no job register)")
        known = self.store.project_uids()
        jobs = [job for puid in (project_uid or known) if puid in known for job in self.store.job_docs(puid)]
        jobs = [job for job in jobs if bool(job.get("deleted")) == deleted and _matches(job, filters)]
        jobs.sort(key=lambda job: job.get("_id", ""), reverse=order == -1)
        if after is not None:  # the `_id` of the last job of the previous page
            jobs = [job for job in jobs if (job.get("_id", "") > after if order == 1 else job.get("_id", "") < after)]
        return jobs[:limit]

    def _project_doc(self, project_uid: str) -> dict[str, Any]:
        try:
            return self.store.project_doc(project_uid)
        except UnknownProject:
            raise HTTPError(404, f"Project {project_uid} not found") from None

    def _job_doc(self, project_uid: str, job_uid: str) -> dict[str, Any]:
        self._project_doc(project_uid)
        try:
            return self.store.job_doc(project_uid, job_uid)
        except UnknownJob:
            raise HTTPError(404, f"Job {project_uid}-{job_uid} not found") from None


def _parse(values: list[str], schema: dict[str, Any]) -> Any:
    """A query parameter as FastAPI hands it over: a list for arrays, else the last value, typed."""
    if schema.get("type") == "array":
        return values
    return {"integer": int, "boolean": lambda value: {"true": True, "false": False}[value]}.get(
        schema.get("type"), str)(values[-1])


def _matches(job: dict[str, Any], query: dict[str, list[str]]) -> bool:
    fields = {
        "workspace_uid": job.get("workspace_uids") or [],
        "uid": [job.get("uid")],
        "type": [job.get("spec", {}).get("type")],
        "status": [job.get("status")],
    }
    if any(name in query and not set(query[name]) & set(values) for name, values in fields.items()):
        return False
    for name, field in DATE_FILTERS.items():
        if name in query:
            start, end = (_utc(value) for value in query[name])
            if not job.get(field) or not start <= _utc(job[field]) <= end:
                return False
    return True


def _utc(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
