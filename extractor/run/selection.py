"""The jobs a caller names, checked and turned into handles, the same for the API and every command:
job directories; job uids (and ranges, J190-J199) of a project directory; or job uids of a project on
a running CryoSPARC; with none named, every job of the project. The statuses and job types asked for
are names checked here, before any job is read: a typo is refused with the names it may have meant,
never a run that matches nothing and says "0 done"."""

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import UsageError
from ..language.jobtypes import public_job_types
from ..language.registry import Registry
from ..wording import PROJECT, STATUSES, TYPES, Either, Words
from .extraction import ANY_STATUS, DEFAULT_STATUSES, JOB_STATUSES, job_types, listed_statuses


@dataclass(frozen=True, eq=False)
class Selection:
    """Which jobs, as the caller named them (api keywords, command-line flags)."""

    jobs: tuple = ()  # job directories; or uids and ranges of project_dir, or of project on an instance
    project_dir: str | None = None
    instance: object = None  # the CryoSPARC(**info) dict, or the path of its JSON file ("": CRYOSPARC_*)
    project: str | None = None
    client: object = None  # a CryoSPARC client already connected (a notebook's)
    all_jobs: bool = False  # every job of the project (of `types` and `statuses`)
    types: tuple = ()  # job types, or record kinds standing for their specs' job types
    statuses: tuple = DEFAULT_STATUSES
    timeout: float = 30.0
    confined: bool = False  # a project directory's documents only from files that really are in it

    @property
    def live(self) -> bool:
        return self.client is not None or self.instance is not None or bool(self.project)


@dataclass
class Jobs:
    """The handles of the jobs a Selection names."""

    handles: Sequence
    selection: Selection

    @property
    def live(self) -> bool:  # on a running instance: threads, not processes, work on them
        return self.selection.live

    def __len__(self) -> int:
        return len(self.handles)

    def only(self, handles) -> "Jobs":
        """Some of the jobs, as if named one by one."""
        return Jobs(handles, replace(self.selection, all_jobs=False))


def checked_statuses(statuses) -> tuple:
    """The statuses asked for, each one CryoSPARC's (or any); an unknown one is refused with the list."""
    statuses = tuple(statuses or DEFAULT_STATUSES)
    for status in statuses:
        if status not in JOB_STATUSES and status != ANY_STATUS:
            raise UsageError(Words(STATUSES.given(status), ": no such job status; CryoSPARC's are "
                                   f"{', '.join(JOB_STATUSES)} ({ANY_STATUS}: every status)"))
    return statuses


def select(registry: Registry, selection: Selection) -> Jobs:
    """The handles of the jobs `selection` names, its statuses and types checked first."""
    checked_statuses(selection.statuses)
    jobs = [str(job) for job in selection.jobs]
    if selection.live:
        return _instance_jobs(registry, selection, jobs)
    from ..sources.files import job_dir_handles, project_handles

    if selection.project_dir:
        handles = project_handles(Path(selection.project_dir), jobs, selection.all_jobs, selection.confined)
        _check_types(registry, selection.types, lambda name: _project_has(selection.project_dir, name),
                     f"project directory {selection.project_dir}")
        return Jobs(handles, selection)
    if selection.all_jobs:
        raise UsageError(Words(Either("--all needs --project-dir DIR, or --instance FILE with --project P",
                                      "give jobs, project_dir=, or project= with client= or instance=")))
    if not jobs:
        raise UsageError(Words(Either("give job directories, --project-dir DIR with job uids or --all, or --instance "
                                      "FILE --project P",
                                      "give jobs (job directories), project_dir=, or project= with client= or "
                                      "instance=")))
    _check_types(registry, selection.types, lambda name: _dirs_have(jobs, name), "the jobs named")
    return Jobs(job_dir_handles(jobs), selection)


def _project_has(project_dir, job_type: str) -> bool:
    from ..sources.files import has_job_of_type, project_job_uids

    directory = Path(project_dir)
    return has_job_of_type((directory / uid for uid in project_job_uids(directory)), job_type)


def _dirs_have(job_dirs, job_type: str) -> bool:
    from ..sources.files import has_job_of_type

    return has_job_of_type(job_dirs, job_type)


def _instance_jobs(registry: Registry, selection: Selection, jobs: list) -> Jobs:
    from ..sources.instance import Instance, client_generation, instance_handles, instance_info

    if not selection.project:
        raise UsageError(Words(Either("--instance", "client= or instance="), " needs ", PROJECT.usage,
                               " (the project uid, e.g. P30)"))
    generation, tools_version = client_generation()
    info = {} if selection.client is not None else instance_info(selection.instance or None, generation)
    live = Instance(info, generation, tools_version, selection.timeout, client=selection.client)
    live.project(selection.project)  # an unknown project is said before any type is looked for
    # an instance lists a project's jobs of a type: one question, not a listing of every job
    _check_types(registry, selection.types, lambda name: bool(live.job_uids(selection.project, (name,))),
                 f"project {selection.project}")
    types = job_types(registry, selection.types)
    return Jobs(instance_handles(live, selection.project, jobs, selection.all_jobs, sorted(types),
                                 listed_statuses(selection.statuses)), selection)


def _check_types(registry: Registry, names, found, where: str):
    """Each name is a record kind, a job type a spec names, or the type of a job of the source (`found(name)`,
    asked only for the other names); else it is refused with the nearest names."""
    known = {spec.kind for spec in registry.specs} | {t for spec in registry.specs for t in spec.job_types}
    for name in names:
        if name in known or found(name):
            continue
        # the names offered: those csx reads, and those public sources show (a name may be a real but
        # legacy type, nonuniform_refine: it is still none of this project's)
        offered = sorted((known | public_job_types(registry.user_dirs)) - {name})
        nearest = difflib.get_close_matches(name, offered, n=3, cutoff=0.6)
        hint = f"; the nearest names: {', '.join(nearest)}" if nearest else ""
        raise UsageError(Words(TYPES.given(name), f": no spec reads this job type or record kind, and no job of "
                               f"{where} has it{hint}"))
