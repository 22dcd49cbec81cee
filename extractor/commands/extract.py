"""csx extract: records for jobs, written to a sink as the jobs finish; a bad
job never stops the batch."""

import os
import sys
from dataclasses import dataclass, field

from ..errors import RecordWriteError, SinkError, UsageError
from ..language.registry import Registry
from ..run.extraction import ANY_STATUS, DEFAULT_STATUSES, Extraction, ExtractOptions, job_types, listed_statuses, made_kinds
from ..run.jobhandles import job_handles
from ..run.pools import batch_size, open_pool, ordered_map
from ..sinks import open_sink
from .options import add_source_options
from .progress import Progress

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


DESCRIPTION = "Records for CryoSPARC jobs, as JSON lines on stdout, files in -o DIR, or rows of a database."


def add_arguments(parser):
    parser.add_argument("jobs", nargs="*", metavar="JOB",
                        help="job directories; with --project-dir or --instance, job uids or ranges (J180 J190-J199)")
    add_source_options(parser)
    parser.add_argument("--workers", type=int, metavar="N",
                        help="jobs worked on at once (default 8 with --instance, else 1)")
    parser.add_argument("--all", action="store_true", help="every job of the project (completed ones unless --status)")
    parser.add_argument("--type", action="append", metavar="T",
                        help="only jobs of this type, or of the types of this record kind, e.g. map-info (may repeat)")
    parser.add_argument("--status", action="append", metavar="S",
                        help=f"only jobs with this status (may repeat; default completed; {ANY_STATUS}: every status; "
                             "--all skips the others, a named job with another status fails)")
    parser.add_argument("--spec", metavar="KIND|FILE", help="record kind to extract, or one spec file to use")
    parser.add_argument("-o", "--output", metavar="DIR",
                        help="write P30-J180.json per job into DIR (with --format csv: <kind>.csv, which keeps the "
                             "rows of earlier runs: a job extracted again replaces its row)")
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl",
                        help="jsonl (default) or csv: on stdout, or files in -o DIR")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="upsert records into this SQLite file or postgresql://user@host:port/dbname, "
                             "skipping jobs unchanged since")
    parser.add_argument("--force", action="store_true", help="with --db: extract unchanged jobs again")
    parser.add_argument("--prune", action="store_true",
                        help="with --db and --project-dir DIR --all: delete the rows of the project's jobs that "
                             "no longer exist")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display and no summary line")
    parser.add_argument("--no-validate", action="store_true", help="do not check records against their schema")


def options_from_args(args, spec=None) -> ExtractOptions:
    """The extraction options the arguments give; `spec` stands for --spec where a command fixes the kind."""
    return ExtractOptions(spec=spec or getattr(args, "spec", None), types=tuple(args.type or ()),
                          statuses=tuple(args.status or DEFAULT_STATUSES),
                          validate=not getattr(args, "no_validate", False), all_jobs=bool(args.all))


def handles_from_args(args, registry: Registry) -> list:
    return job_handles(args.jobs, args.project_dir, args.instance, args.project, all_jobs=args.all,
                       types=job_types(registry, args.type or ()), statuses=listed_statuses(args.status),
                       timeout=args.timeout)


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


def _count(summary: Summary, outcome, log, debug: bool):
    if outcome.error is not None:
        summary.failed.append((outcome.label, str(outcome.error)))
        log.error(str(outcome.error), exc_info=(type(outcome.error), outcome.error,
                                                outcome.error.__traceback__) if debug else None)
    elif outcome.skipped:
        summary.skipped.append((outcome.label, outcome.skipped))
    else:
        summary.done += 1


def run(args, log) -> int:
    if args.force and not args.db:
        raise UsageError("--force goes with --db (it re-extracts jobs the database already has)")
    _check_prune(args)
    registry = Registry(args.specs)
    handles = handles_from_args(args, registry)
    sink = open_sink(registry.record_schema, args.output, args.format, args.db)
    stored = {}
    if args.db and not args.force:
        kinds = made_kinds(registry, args.spec)
        for source in {handle.source for handle in handles}:
            stored.update({(source, *key): fp for key, fp in sink.fingerprints(source, kinds).items()})
    extraction = Extraction(registry, options_from_args(args), stored)
    live = args.instance is not None or args.project
    if args.workers:
        workers = args.workers
    elif live:
        workers = 8
    else:
        workers = min(os.cpu_count() or 1, 8) if len(handles) >= PROCESS_BATCH else 1
    # --debug keeps the workers in this process, where tracebacks are whole
    kind = "threads" if live or args.debug else "processes"
    pool, work = open_pool(kind, workers, extraction, args.specs)
    summary = Summary()
    progress = Progress(len(handles), enabled=not args.quiet,
                        output=None if args.output or args.db else sys.stdout)
    completed = False
    try:
        outcomes = ordered_map(pool, work, handles, window=4 * workers, settled=extraction.settled,
                               batch=batch_size(len(handles), workers, kind))
        for outcome in outcomes:
            settled = [outcome] if outcome.record is None else _write(sink, outcome, summary.done)
            for each in settled:
                _count(summary, each, log, args.debug)
                progress.step(summary)
        for each in _flush(sink, summary.done):
            _count(summary, each, log, args.debug)
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
