"""One batch runner for the API and every command that runs jobs: the jobs selected (run.selection), the
batch's options and a sink in; each job's Outcome out, in the jobs' order, as it is done, its record
written to the sink on the way. It owns the worker and pool policy, the fingerprints that skip jobs a
database holds unchanged, and pruning.

How many jobs are worked on at once when the caller does not say (workers=None, no --workers) is
decided here and nowhere else: WORKERS_DEFAULT says it, default_workers() does it."""

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import RecordWriteError, SinkError, UsageError
from ..language.registry import Registry
from ..wording import PROJECT_DIR, WORKERS, Either, Words
from .extraction import Extraction, ExtractOptions, made_kinds
from .outcome import Outcome
from .pools import batch_size, open_pool, ordered_map
from .selection import Jobs, Selection, select

log = logging.getLogger("csx")

LIVE_WORKERS = 8  # threads on an instance: the time goes in waiting on the network
MAX_PROCESSES = 8
PROCESS_BATCH = 16  # below this many jobs on disk, starting worker processes costs more than it saves
WORKERS_DEFAULT = (f"{LIVE_WORKERS} on a running instance; on disk one per CPU (at most {MAX_PROCESSES}) from "
                   f"{PROCESS_BATCH} jobs on, else 1")


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity), not every CPU of the machine."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def default_workers(live: bool, jobs: int) -> int:
    """Jobs worked on at once when the caller does not say: WORKERS_DEFAULT (never more than the jobs)."""
    if live:
        return max(1, min(LIVE_WORKERS, jobs))
    if jobs < PROCESS_BATCH:
        return 1
    return min(usable_cpus(), MAX_PROCESSES)


def pool_kind(live: bool, in_process: bool = False) -> str:
    """Threads for an instance (the time goes in waiting on the network) or where tracebacks must stay
    whole (--debug); processes for files on disk (the time goes in parsing, which threads cannot share)."""
    return "threads" if live or in_process else "processes"


@dataclass(frozen=True)
class BatchOptions:
    """How a batch works on its jobs, whatever the surface that asked."""

    spec: str | None = None  # a record kind, or one spec file to use (default: each job's own kind)
    validate: bool = True
    workers: int | None = None  # None: default_workers()
    in_process: bool = False  # threads, never processes (--debug: a worker's traceback stays whole)
    force: bool = False  # extract again the jobs the sink holds unchanged
    prune: bool = False  # delete the sink's rows of the project's jobs that no longer exist
    status_option: bool = True  # the caller can ask for other statuses (a job's error says how)


class Batch:
    """The jobs of a selection, extracted under one set of options."""

    def __init__(self, registry: Registry, selection: Selection | Jobs, options: BatchOptions = BatchOptions()):
        """The jobs `selection` names (selected here; or Jobs, selected already). Every option is checked
        before any job is listed."""
        jobs = selection if isinstance(selection, Jobs) else None
        selection = jobs.selection if jobs is not None else selection
        _check_prune(selection, options)
        if options.workers is not None and options.workers < 1:
            raise UsageError(Words(WORKERS.given(options.workers), ": give 1 or more jobs at once"))
        self.extraction = Extraction(registry, ExtractOptions(
            spec=options.spec, types=tuple(selection.types), statuses=tuple(selection.statuses),
            validate=options.validate, all_jobs=selection.all_jobs, status_option=options.status_option))
        self.jobs = jobs if jobs is not None else select(registry, selection)
        self.registry, self.options = registry, options
        self.workers = options.workers or default_workers(self.jobs.live, len(self.jobs))
        self.pool_kind = pool_kind(self.jobs.live, options.in_process)
        self.pruned = None  # rows pruned, once run() is through

    def __len__(self) -> int:
        return len(self.jobs)

    def run(self, sink=None) -> Iterator[Outcome]:
        """Each job's Outcome, in order, its record written to `sink` (if any) first; a record that alone
        cannot be written becomes its outcome's error. The sink is closed at the end: as completed when
        every job went through (and, with prune, the rows of jobs gone were deleted), else as interrupted."""
        handles = self.jobs.handles
        if sink is not None and not self.options.force and hasattr(sink, "fingerprints"):
            kinds = made_kinds(self.registry, self.options.spec)
            stored = {}
            for source in {handle.source for handle in handles}:
                stored.update({(source, *key): fp for key, fp in sink.fingerprints(source, kinds).items()})
            self.extraction.stored = stored
        pool, work = open_pool(self.pool_kind, self.workers, self.extraction, self.registry.user_dirs)
        if pool is not None:
            log.info(f"csx: {len(handles):,} jobs, {self.workers} worker {self.pool_kind}")
        written, completed = 0, False
        try:
            outcomes = ordered_map(pool, work, handles, window=4 * self.workers, settled=self.extraction.settled,
                                   batch=batch_size(len(handles), self.workers, self.pool_kind))
            for outcome in outcomes:
                settled = [outcome] if outcome.record is None or sink is None else _write(sink, outcome, written)
                for each in settled:
                    written += each.error is None and each.record is not None
                    yield each
            if sink is not None:
                for each in _flush(sink, written):
                    written += each.error is None and each.record is not None
                    yield each
            if self.options.prune:
                self.pruned = sum(sink.prune(source, puid, uids) for (source, puid), uids in _listed(handles).items())
            completed = True
        finally:
            if pool is not None:
                # on Ctrl-C: drop the queued jobs; what was written stays whole, the rest is not written
                pool.shutdown(wait=completed, cancel_futures=True)
            if sink is not None:
                sink.close(completed)


def _check_prune(selection: Selection, options: BatchOptions):
    if options.prune and not (selection.all_jobs and not selection.live):
        # an instance lists jobs by type and status, so a job missing from its list may still exist
        raise UsageError(Words(Either("--prune needs --project-dir DIR --all: only a listing of every job of a "
                                      "project says which jobs are gone",
                                      "prune needs project_dir= and no jobs named: only a listing of every job of "
                                      "a project says which jobs are gone")))


def _write(sink, outcome, written: int) -> list:
    """Write an outcome's record; the outcomes settled by it: itself, or those of the batch a database
    sink wrote. A record that alone cannot be written has that error as its outcome's."""
    try:
        return sink.write(outcome)
    except RecordWriteError as exc:  # the next records may well be written
        outcome.record, outcome.error = None, exc
        return [outcome]
    except (OSError, SinkError) as exc:  # a full disk, a database gone: no point going on
        raise SinkError(f"{outcome.label}: cannot write its record ({exc}); {written} written before it") from exc


def _flush(sink, written: int) -> list:
    """The outcomes settled by writing what a sink still holds."""
    try:
        return sink.flush()
    except (OSError, SinkError) as exc:
        raise SinkError(f"cannot write the last records ({exc}); {written} written before them") from exc


def _listed(handles) -> dict:
    """{(source, project uid): job uids} of a full listing: what prune keeps."""
    listed = {}
    for handle in handles:
        puid, juid = handle.label.split("/")[-2:]
        listed.setdefault((handle.source, puid), set()).add(juid)
    return listed


def map_jobs_batch(registry: Registry, kind: str, jobs, *, project_dir=None, instance=None, project=None, client=None,
                   timeout=30.0) -> Batch:
    """The batch of a deposition command (check, table1): the map jobs it names (one, or a list), as `kind`
    records. Their status is not an option there: a job not completed fails without a hint."""
    jobs = [jobs] if isinstance(jobs, str) else list(jobs)
    if not jobs:
        raise UsageError(Words("name the map jobs (job directories, or uids with ", PROJECT_DIR, " or ",
                               Either("--instance", "project="), ")"))
    return Batch(registry, Selection(tuple(jobs), project_dir, instance, project, client, timeout=timeout),
                 BatchOptions(spec=kind, status_option=False))
