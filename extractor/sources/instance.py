"""The live source: jobs of a running CryoSPARC instance, through whichever
cryosparc-tools client is installed (4.x: JSON-RPC, job.doc; 5.x: REST,
job.model). The document reaches the engine as the offline source gives it,
and datasets are the job's own metafiles, downloaded and read with Dataset,
so one spec and one join serve both sources."""

import io
import json
import os
import re
import warnings
from pathlib import Path

from ..errors import DatasetError, JobError, MissingJobError, UsageError, shown
from ..redaction import Secrets, run_secrets
from ..uids import is_job_uid, uid_number
from ..regularfiles import STDIN, Unreadable, read_named_text
from ..wording import INSTANCE, TIMEOUT, Words
from . import JobDocument, JobHandle, select_uids
from .checked_files import unreadable_dataset
from .dataset_files import dataset_header
from .clients import GENERATIONS
from .deadline import NoAnswer, within

ENVIRONMENT = {
    "4": {"license": "CRYOSPARC_LICENSE_ID", "host": "CRYOSPARC_MASTER_HOSTNAME", "base_port": "CRYOSPARC_BASE_PORT",
          "email": "CRYOSPARC_EMAIL", "password": "CRYOSPARC_PASSWORD"},
    "5": {"base_url": "CRYOSPARC_BASE_URL", "host": "CRYOSPARC_MASTER_HOSTNAME", "base_port": "CRYOSPARC_BASE_PORT",
          "email": "CRYOSPARC_EMAIL", "password": "CRYOSPARC_PASSWORD"},
}
REQUIRED = {"4": ("license", "host", "base_port", "email", "password"), "5": ("email", "password")}
MAX_INFO_BYTES = 2**20
MATCHING_TOOLS = {"4": "cryosparc-tools~=4.7.0", "5": "cryosparc-tools~=5.0.0"}


class InstanceError(UsageError):
    """The instance cannot be used at all: nothing can run (exit 2)."""


class GaveUp(Exception):
    """A call not made: the instance stopped answering an earlier one."""

    def __init__(self, stalled: NoAnswer):
        self.stalled = stalled
        super().__init__(f"not asked: the instance had stopped answering ({stalled})")


def client_generation() -> tuple:
    try:
        import cryosparc
    except ImportError as exc:
        raise InstanceError("cryosparc-tools is not installed; pip install the one matching your instance "
                            f"({MATCHING_TOOLS['4']} for CryoSPARC v4.7, {MATCHING_TOOLS['5']} for v5.0)") from exc
    return cryosparc.__version__.split(".")[0], cryosparc.__version__


def instance_info(path, generation: str) -> dict:
    """The CryoSPARC(**info) arguments: the dict itself, from the JSON file, else from CRYOSPARC_* variables."""
    if isinstance(path, dict):
        info, where = dict(path), "instance"
    elif path:
        where = INSTANCE.given(path)
        try:
            info = json.loads(read_named_text(path if path == STDIN else Path(path).expanduser(), MAX_INFO_BYTES))
        except OSError as exc:
            raise InstanceError(Words(where, f": cannot read: {exc.strerror}")) from exc
        except Unreadable as exc:
            raise InstanceError(Words(where, f":{exc.line}:{exc.col}: {exc.message}")) from exc
        except json.JSONDecodeError as exc:
            raise InstanceError(Words(where, f":{exc.lineno}:{exc.colno}: not JSON ({exc.msg})")) from exc
        except RecursionError as exc:
            raise InstanceError(Words(where, ": not the JSON of CryoSPARC(**info) arguments")) from exc
        if not isinstance(info, dict):
            raise InstanceError(Words(where, ": a JSON object of CryoSPARC(**info) arguments was expected"))
    else:
        names = ENVIRONMENT[generation]
        info = {key: os.environ[var] for key, var in names.items() if os.environ.get(var)}
        where = "the CRYOSPARC_* environment (" + ", ".join(sorted(set(names.values()))) + ")"
    missing = [key for key in REQUIRED[generation] if not info.get(key)]
    if generation == "5" and not (info.get("base_url") or info.get("host")):
        missing.append("base_url")
    if missing:
        raise InstanceError(Words(where, f": missing {', '.join(missing)} for cryosparc-tools {generation}.x"
                                  + _generation_hint(info, generation)))
    if "base_port" in info:
        info["base_port"] = int(info["base_port"])
    return info


def _generation_hint(info: dict, generation: str) -> str:
    looks_like = "5" if "base_url" in info else "4" if "license" in info else generation
    if looks_like == generation:
        return ""
    return (f"; these are arguments for a CryoSPARC v{looks_like} instance: "
            f"pip install '{MATCHING_TOOLS[looks_like]}'")


def _address(info: dict) -> str:
    return info.get("base_url") or f"{info.get('host', 'localhost')}:{info.get('base_port', 39000)}"


def _client_address(client) -> str:
    """Where a client made elsewhere is connected: 5.x keeps its base URL, 4.x its command_core URL."""
    url = getattr(client, "base_url", None) or getattr(getattr(client, "cli", None), "_url", None)
    return str(url) if url else "the CryoSPARC client given"


def _first_line(exc: BaseException, secrets: Secrets) -> str:
    """The gist of a client error: its first line, without the 4.x client's "*** " prefix (withheld when it
    quotes the password, as the 4.x client's does of a login's parameters)."""
    text = str(exc).strip() or type(exc).__name__
    return secrets.quoted(text.splitlines()[0].lstrip("* ").strip())


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


class Instance:
    """A connected CryoSPARC instance, as the jobs' source.

    `timeout` bounds each request, from its start to its last byte, and
    connecting (several requests) gets twice that. Once a request has had no
    complete answer in time, the instance counts as stalled: the calls after it
    fail at once rather than wait their own timeouts."""

    def __init__(self, info: dict, generation: str, tools_version: str, timeout: float, client=None):
        """`client`: a CryoSPARC client already connected (a notebook's), used as it is; else one is
        made of `info`, the CryoSPARC(**info) arguments."""
        self.generation, self.tools_version = generation, tools_version
        self.secrets = run_secrets()  # its password and session token: no message of its quotes them
        self.secrets.add(info.get("password"), hashed=True)
        self.address = _client_address(client) if client is not None else _address(info)
        self.timeout = timeout
        self._stalled = None  # the NoAnswer that gave the instance up
        if client is None:
            client = self._connect(info)
        self.client = GENERATIONS[generation](client, self._ask)
        self._projects = {}

    def _connect(self, info: dict):
        generation, tools_version, timeout = self.generation, self.tools_version, self.timeout
        # the 4.x client's retries are the process's to set (cli._client_retries), not the library's
        from cryosparc.tools import CryoSPARC

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                # csx's deadlines end every wait; the client's own timeout, a little longer,
                # only lets a request csx gave up on end by itself
                client = within(2 * timeout, CryoSPARC, **info, timeout=2 * timeout + 1)
            except TypeError as exc:
                raise InstanceError(f"{self.address}: {exc} for cryosparc-tools {tools_version}"
                                    + _generation_hint(info, generation)) from exc
            except NoAnswer as exc:
                raise InstanceError(Words(f"cannot connect to CryoSPARC at {self.address}: {exc} (twice ",
                                          TIMEOUT.given(timeout), ")")) from exc
            except Exception as exc:  # each client generation raises its own error and transport types
                raise InstanceError(self._connect_error(exc, info)) from exc
        # the 5.x client keeps its session token as a header
        authorization = getattr(getattr(getattr(client, "api", None), "_client", None), "headers", {})
        self.secrets.add(authorization.get("Authorization", "").partition(" ")[2])
        for warning in caught:
            found = re.search(r"with version (v\S+)", str(warning.message))
            if found and "may not be compatible" in str(warning.message):
                running = found.group(1)
                major_minor = ".".join(running.lstrip("v").split(".")[:2])
                raise InstanceError(f"{self.address} runs CryoSPARC {running}, but cryosparc-tools {tools_version} "
                                    f"is installed; pip install 'cryosparc-tools~={major_minor}.0'")
        return client

    def _ask(self, call, *args, **kwargs):
        """One request's call, given up on after the timeout; none at all once the instance stalled."""
        if self._stalled is not None:
            raise GaveUp(self._stalled)
        try:
            return within(self.timeout, call, *args, **kwargs)
        except NoAnswer as exc:
            self._stalled = exc
            raise

    def _failure(self, what: str, exc: BaseException) -> Words:
        """Why a call failed: a timeout as itself, anything else as `what` with the client's reason."""
        if isinstance(exc, NoAnswer):
            return Words(f"CryoSPARC at {self.address} gave {exc} (", TIMEOUT, ")")
        if isinstance(exc, GaveUp):
            return Words(f"not asked: CryoSPARC at {self.address} had stopped answering ({exc.stalled}, ", TIMEOUT, ")")
        return Words(f"{what} ({_first_line(exc, self.secrets)})")

    def _connect_error(self, exc: BaseException, info: dict) -> str:
        cause = _root_cause(exc)
        code = getattr(cause, "code", None) or getattr(getattr(cause, "response", None), "status_code", None)
        # 5.x: HTTP 401; 4.x: a RuntimeError about authentication over a JSON-RPC error (code 400)
        if code == 401 or (code == 400 and "authentication" in str(exc).lower()):
            return (f"{self.address}: CryoSPARC refused the credentials of {info.get('email')} "
                    f"({_first_line(cause, self.secrets)})")
        return (f"cannot connect to CryoSPARC at {self.address}: {_first_line(cause, self.secrets)}"
                + _generation_hint(info, self.generation))

    def project(self, puid: str) -> dict:
        """uid, title and directory of a project (asked once)."""
        if puid not in self._projects:
            try:
                directory, title = self.client.project(puid)
            except Exception as exc:  # the clients raise CommandError / APIError, with the server's reason
                raise JobError(Words(f"{puid}: ", self._failure(f"no such project on {self.address}", exc))) from exc
            self._projects[puid] = {"uid": puid, "title": title, "dir": directory}
        return self._projects[puid]

    def job_uids(self, puid: str, types=(), statuses=()) -> list:
        """Uids of the project's jobs, filtered by type and status on the instance."""
        try:
            uids = self.client.job_uids(puid, types, statuses)
        except Exception as exc:  # CommandError / APIError
            raise JobError(Words(f"{puid}: ", self._failure(f"cannot list the jobs on {self.address}", exc))) from exc
        # an answer that is not a job uid is kept, last, for its job to fail by name
        return sorted(set(uids), key=lambda uid: (0, uid_number(uid), "") if is_job_uid(uid) else (1, 0, str(uid)))

    def document(self, puid: str, juid: str) -> JobDocument:
        project = self.project(puid)
        origin = f"{puid}/{juid} ({self.address})"
        if not is_job_uid(juid):
            raise JobError(f"{puid}/{shown(juid)} ({self.address}): not a job uid (J followed by digits)")
        try:
            doc = self.client.job_document(puid, juid)
        except Exception as exc:  # CommandError / APIError
            if self.client.says_no_such_job(exc):
                raise MissingJobError(Words(f"{origin}: ", self._failure(f"no such job on {self.address}", exc))
                                      ) from exc
            raise JobError(Words(f"{origin}: ", self._failure("no such job, or it cannot be read", exc))) from exc
        return JobDocument(
            doc=doc,
            project_dir=project["dir"],
            project=project,
            origin=origin,
            source={"type": "instance", "instance": self.address, "cryosparc_tools": self.tools_version},
            load_dataset=lambda relative, fields=None, prefixes=None: self._dataset(puid, origin, relative,
                                                                                     fields, prefixes),
            # no header alone can be asked of an instance: the file is downloaded
            dataset_fields=lambda relative: dataset_header(self._dataset(puid, origin, relative, None, None)),
            project_jobs=InstanceProject(self, puid),
            uid=juid,  # the instance must answer with the job asked for
        )

    def _dataset(self, puid, origin, relative, fields, prefixes):
        from cryosparc.dataset import Dataset
        from cryosparc.errors import DatasetLoadError

        try:
            data = self.client.download(puid, relative)
        except Exception as exc:  # CommandError / APIError / httpx errors
            raise DatasetError(Words(f"{origin}: ", self._failure(f"cannot download dataset {relative}", exc))) from exc
        try:
            return Dataset.load(io.BytesIO(data), fields=fields, prefixes=prefixes)
        except DatasetLoadError as exc:
            raise DatasetError(unreadable_dataset(f"{origin}: cannot read dataset {relative}", exc)) from exc


class InstanceProject:
    """The jobs of a project on the instance, for related jobs."""

    def __init__(self, instance: Instance, puid: str):
        self.instance, self.puid = instance, puid
        self.key = instance.address

    def document(self, juid: str) -> JobDocument:
        return self.instance.document(self.puid, juid)

    def uids(self, types=()) -> list:
        """The project's jobs of these types, as the instance lists them."""
        return self.instance.job_uids(self.puid, types)


def instance_handles(instance: Instance, puid: str, job_uids=(), all_jobs=False, types=(), statuses=()) -> list:
    instance.project(puid)  # an unknown project stops everything, before any job
    if all_jobs:
        job_uids = instance.job_uids(puid, types, statuses)
    elif not job_uids:
        raise UsageError(Words(INSTANCE, ": name the jobs (J180 J181 J190-J199 ...) or give --all"))
    elif any("-" in uid for uid in job_uids):
        job_uids = select_uids(job_uids, instance.job_uids(puid, types, statuses))
    return [JobHandle(f"{puid}/{uid}", lambda uid=uid: instance.document(puid, uid), instance.address)
            for uid in job_uids]
