"""csx extract: records for jobs, written to a sink as the jobs finish; a bad
job never stops the batch."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RecordWriteError, SinkError, UsageError
from ..extraction import DEFAULT_STATUSES, Extraction, job_types, made_kinds
from ..pools import open_pool, ordered_map
from ..progress import Progress
from ..registry import Registry
from ..sinks import open_sink
from ..sources.files import job_dir_handles, project_handles

# below this many jobs, starting worker processes costs more than it saves
PROCESS_BATCH = 16


@dataclass
class Summary:
    done: int = 0
    skipped: list = field(default_factory=list)  # (label, reason)
    failed: list = field(default_factory=list)  # (label, message)
    pruned: int | None = None  # jobs whose rows --prune deleted

    def line(self) -> str:
        text = f"csx: {self.done} done, {len(self.skipped)} skipped, {len(self.failed)} failed"
        if self.pruned is not None:
            text += f", {self.pruned} pruned"
        if self.failed:
            text += ": " + ", ".join(label for label, _ in self.failed)
        return text


def handles_from_args(args, registry: Registry) -> list:
    if args.instance is not None or args.project:
        return _instance_handles(args, registry)
    if args.project_dir:
        return project_handles(Path(args.project_dir), args.jobs, args.all)
    if args.all:
        raise UsageError("--all needs --project-dir DIR, or --instance FILE with --project P")
    if not args.jobs:
        raise UsageError("extract: give job directories, --project-dir DIR with job uids or --all, "
                         "or --instance FILE --project P")
    return job_dir_handles(args.jobs)


def _instance_handles(args, registry: Registry) -> list:
    from ..sources.instance import Instance, client_generation, instance_handles, instance_info

    if not args.project:
        raise UsageError("--instance needs --project P (the project uid, e.g. P30)")
    generation, tools_version = client_generation()
    info = instance_info(args.instance or None, generation)
    instance = Instance(info, generation, tools_version, args.timeout)
    # the instance filters its job list itself, so kinds given as --type go as their job types
    return instance_handles(instance, args.project, args.jobs, args.all, sorted(job_types(registry, args.type or ())),
                            args.status or DEFAULT_STATUSES)


def _write(sink, outcome, written: int):
    """Write an outcome's record; when that record alone cannot be written, it becomes the outcome's error."""
    try:
        sink.write(outcome)
    except RecordWriteError as exc:  # the next records may well be written
        outcome.record, outcome.error = None, exc
    except (OSError, SinkError) as exc:  # a full disk, a database gone: no point going on
        raise SinkError(f"{outcome.label}: cannot write its record ({exc}); {written} written before it") from exc


def _check_prune(args):
    if not args.prune:
        return
    if not args.db:
        raise UsageError("--prune goes with --db (it deletes the rows of jobs that no longer exist)")
    if not (args.all and args.project_dir):
        # an instance lists jobs by type and status, so a job missing from its list may still exist
        raise UsageError("--prune needs --project-dir DIR --all: only a listing of every job of a project "
                         "says which jobs are gone")


def _listed(handles) -> dict:
    """{(source, project uid): job uids} of a full listing: what --prune keeps."""
    listed = {}
    for handle in handles:
        puid, juid = handle.label.split("/")[-2:]
        listed.setdefault((handle.source, puid), set()).add(juid)
    return listed


def run(args, log) -> int:
    if args.force and not args.db:
        raise UsageError("--force goes with --db (it re-extracts jobs the database already has)")
    _check_prune(args)
    registry = Registry(args.specs)
    handles = handles_from_args(args, registry)
    sink = open_sink(args, registry.record_schema)
    stored = {}
    if args.db and not args.force:
        kinds = made_kinds(registry, args.spec)
        for source in {handle.source for handle in handles}:
            stored.update({(source, *key): fp for key, fp in sink.fingerprints(source, kinds).items()})
    extraction = Extraction(args, registry, stored)
    live = args.instance is not None or args.project
    if args.workers:
        workers = args.workers
    elif live:
        workers = 8
    else:
        workers = min(os.cpu_count() or 1, 8) if len(handles) >= PROCESS_BATCH else 1
    # --debug keeps the workers in this process, where tracebacks are whole
    kind = "threads" if live or args.debug else "processes"
    pool, work = open_pool(kind, workers, extraction, args, stored)
    summary = Summary()
    progress = Progress(len(handles), enabled=not args.quiet)
    completed = False
    try:
        for outcome in ordered_map(pool, work, handles, window=4 * workers):
            if outcome.record is not None:
                _write(sink, outcome, summary.done)
            if outcome.error is not None:
                summary.failed.append((outcome.label, str(outcome.error)))
                log.error(str(outcome.error), exc_info=(type(outcome.error), outcome.error,
                                                        outcome.error.__traceback__) if args.debug else None)
            elif outcome.skipped:
                summary.skipped.append((outcome.label, outcome.skipped))
            else:
                summary.done += 1
            progress.step(summary)
        if args.prune:
            summary.pruned = sum(sink.prune(source, puid, uids) for (source, puid), uids in _listed(handles).items())
        completed = True
    finally:
        if pool is not None:
            # on Ctrl-C: drop the queued jobs; what was written stays whole, the rest is not written
            pool.shutdown(wait=completed, cancel_futures=True)
        progress.finish()
        sink.close(completed)
    for label, reason in summary.skipped:
        log.info(f"csx: skipped {label}: {reason}")
    if len(handles) > 1 and not args.quiet:
        log.warning(summary.line())
    return 1 if summary.failed else 0
