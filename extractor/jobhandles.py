"""The jobs a command names, as handles from the source they live in."""

from pathlib import Path

from .errors import UsageError


def named_jobs(jobs, project_dir=None, instance=None, project=None, timeout=30.0) -> list:
    """Handles of the jobs a command names: job directories, uids of project_dir, or uids of
    `project` on `instance` (a CryoSPARC(**info) JSON file; "" for the CRYOSPARC_* variables)."""
    if not jobs:
        raise UsageError("name the map jobs (job directories, or uids with --project-dir or --instance)")
    if instance is not None or project:
        from .sources.instance import Instance, client_generation, instance_handles, instance_info

        if not project:
            raise UsageError("--instance needs --project P (the project uid, e.g. P30)")
        generation, tools_version = client_generation()
        live = Instance(instance_info(instance or None, generation), generation, tools_version, timeout)
        return instance_handles(live, project, jobs)
    from .sources.files import job_dir_handles, project_handles

    if project_dir:
        return project_handles(Path(project_dir), jobs)
    return job_dir_handles(jobs)
