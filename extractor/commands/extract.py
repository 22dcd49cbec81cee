"""csx extract: records for jobs, written to a sink as the jobs finish; a bad
job never stops the batch."""

import sys
from contextlib import closing
from dataclasses import dataclass, field

from ..errors import UsageError
from ..language.registry import Registry
from ..run.batch import WORKERS_DEFAULT, Batch, BatchOptions
from ..run.extraction import ANY_STATUS, DEFAULT_STATUSES, JOB_STATUSES
from ..run.selection import Selection
from ..sinks import open_sink
from .options import add_source_options
from .progress import Progress


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
    parser.add_argument("--workers", type=int, metavar="N", help=f"jobs worked on at once (default: {WORKERS_DEFAULT})")
    parser.add_argument("--all", action="store_true", help="every job of the project (completed ones unless --status)")
    parser.add_argument("--type", action="append", metavar="T",
                        help="only jobs of this type, or of the types of this record kind, e.g. map-info (may repeat; "
                             "a name that is neither is refused)")
    parser.add_argument("--status", action="append", metavar="S",
                        help=f"only jobs with this status: {', '.join(JOB_STATUSES)} (may repeat; default completed; "
                             f"{ANY_STATUS}: every status; --all skips the others, a named job with another status "
                             "fails)")
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


def selection_from_args(args) -> Selection:
    """The jobs the arguments name, as the batch runner takes them (the picture commands have no --all
    and no --type: they name their jobs)."""
    return Selection(tuple(args.jobs), args.project_dir, args.instance, args.project,
                     all_jobs=bool(getattr(args, "all", False)), types=tuple(getattr(args, "type", None) or ()),
                     statuses=tuple(args.status or DEFAULT_STATUSES), timeout=args.timeout)


def _check_db_flags(args):
    if args.force and not args.db:
        raise UsageError("--force goes with --db (it re-extracts jobs the database already has)")
    if args.prune and not args.db:
        raise UsageError("--prune goes with --db (it deletes the rows of jobs that no longer exist)")


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
    _check_db_flags(args)
    registry = Registry(args.specs)
    # --debug keeps the workers in this process, where tracebacks are whole
    jobs = Batch(registry, selection_from_args(args), BatchOptions(
        spec=args.spec, validate=not args.no_validate, workers=args.workers, in_process=args.debug, force=args.force,
        prune=args.prune))
    sink = open_sink(registry.record_schema, args.output, args.format, args.db)
    summary = Summary()
    progress = Progress(len(jobs), enabled=not args.quiet, output=None if args.output or args.db else sys.stdout)
    try:
        with closing(jobs.run(sink)) as outcomes:
            for outcome in outcomes:
                _count(summary, outcome, log, args.debug)
                progress.step(summary)
        summary.pruned = jobs.pruned
    finally:
        progress.finish()
    for label, reason in summary.skipped:
        log.info(f"csx: skipped {label}: {reason}")
    if len(jobs) > 1 and not args.quiet:
        log.warning(summary.line())
    return 1 if summary.failed else 0
