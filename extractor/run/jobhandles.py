"""The jobs a command or a call names, as handles from the source they live in."""

from collections.abc import Sequence
from pathlib import Path

from ..errors import UsageError


def job_handles(jobs=(), project_dir=None, instance=None, project=None, client=None, all_jobs=False,
                types=(), statuses=(), timeout=30.0, confined=False) -> Sequence:
    """Handles of job directories; or of job uids (or ranges, J190-J199) of `project_dir`; or of job uids
    of `project` on a running instance: through `client` (a CryoSPARC client already connected), or one
    made of `instance` (the CryoSPARC(**info) dict, or the path of its JSON file; "" for the CRYOSPARC_*
    variables). `all_jobs`: every job of the project, of `types` and `statuses` on an instance. `confined`:
    a project directory's documents are read only from files that really are in it."""
    jobs = [str(job) for job in jobs]
    if client is not None or instance is not None or project:
        return _instance_handles(jobs, instance, project, client, all_jobs, types, statuses, timeout)
    from ..sources.files import job_dir_handles, project_handles

    if project_dir:
        return project_handles(Path(project_dir), jobs, all_jobs, confined)
    if all_jobs:
        raise UsageError("--all needs --project-dir DIR, or --instance FILE with --project P")
    if not jobs:
        raise UsageError("give job directories, --project-dir DIR with job uids or --all, "
                         "or --instance FILE --project P")
    return job_dir_handles(jobs)


def _instance_handles(jobs, instance, project, client, all_jobs, types, statuses, timeout) -> list:
    from ..sources.instance import Instance, client_generation, instance_handles, instance_info

    if not project:
        raise UsageError("--instance needs --project P (the project uid, e.g. P30)")
    generation, tools_version = client_generation()
    info = {} if client is not None else instance_info(instance or None, generation)
    live = Instance(info, generation, tools_version, timeout, client=client)
    return instance_handles(live, project, jobs, all_jobs, sorted(types), statuses)


def named_jobs(jobs, project_dir=None, instance=None, project=None, timeout=30.0, client=None) -> list:
    """Handles of the map jobs a command names (job_handles without --all)."""
    if not jobs:
        raise UsageError("name the map jobs (job directories, or uids with --project-dir or --instance)")
    return job_handles(jobs, project_dir, instance, project, client, timeout=timeout)
