"""csx survey: what a project's jobs hold, beside what csx's specs make of
them, for people (default) or as JSON; --shape FILE writes the redacted
shape of the documents, to attach to a bug report."""

import json
import sys
import textwrap
from pathlib import Path

from ..api import survey
from ..errors import UsageError
from ..run.batch import WORKERS_DEFAULT
from ..run.extraction import DEFAULT_STATUSES
from ..sinks.atomic import write_output
from .options import add_source_options
from .progress import Progress

DESCRIPTION = ("Survey a project's jobs: per job type, the versions, statuses and layouts; the specs that match "
               "and how often each field comes out null; the jobs that fail and why; the document keys and "
               "dataset fields no shipped spec reads. --shape FILE writes the documents' shape without any "
               "value, for a bug report.")
WIDTH = 100
LISTED = 40  # keys or fields listed per type before "and N more"
GROUPED = 4  # more unread keys than this under one parent are shown as parent.{N keys}


def add_arguments(parser):
    parser.add_argument("directory", nargs="?", metavar="PROJECT_DIR", help="a CryoSPARC project directory")
    add_source_options(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text for people (default), or json for programs")
    parser.add_argument("--shape", metavar="FILE",
                        help="write the shape of the documents (keys, types, list lengths; no values) to FILE")
    parser.add_argument("--status", action="append", metavar="S",
                        help="make records of jobs with this status (may repeat; default completed); jobs of "
                             "every status are counted and shaped")
    parser.add_argument("--samples", type=int, default=2, metavar="N",
                        help="jobs of each type, version and layout whose .cs fields are read (default 2; "
                             "on an instance each sampled file is downloaded)")
    parser.add_argument("--related", action="store_true",
                        help="also run the specs that walk related jobs (table1) on the sampled jobs; each walk "
                             "may read every job of the project")
    parser.add_argument("--failures", type=int, default=10, metavar="N",
                        help="failure lines shown per job type (default 10; all are counted)")
    parser.add_argument("--workers", type=int, metavar="N", help=f"jobs worked on at once (default: {WORKERS_DEFAULT})")
    parser.add_argument("--no-validate", action="store_true", help="do not check records against their schema")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")


def run(args, log) -> int:
    if args.directory and args.project_dir:
        raise UsageError("survey: give the project directory once (PROJECT_DIR or --project-dir)")
    project_dir = args.directory or args.project_dir
    live = args.instance is not None or args.project
    if live and project_dir:
        raise UsageError("survey: give a project directory, or --instance FILE --project P, not both")
    if not live and not project_dir:
        raise UsageError("survey: give a project directory, or --instance FILE --project P")
    if args.samples < 0 or args.failures < 0:
        raise UsageError("survey: --samples and --failures take a number of 0 or more")
    if args.shape and Path(args.shape).is_dir():
        raise UsageError(f"--shape {args.shape}: a directory; give a file name")
    if args.shape and not Path(args.shape).absolute().parent.is_dir():
        raise UsageError(f"--shape {args.shape}: no folder {Path(args.shape).absolute().parent}")
    shown = _Shown()
    found = survey(project_dir, project=args.project, instance=args.instance, specs=args.specs,
                   statuses=tuple(args.status or DEFAULT_STATUSES), shapes=bool(args.shape), samples=args.samples,
                   related=args.related, failures=args.failures, validate=not args.no_validate, timeout=args.timeout,
                   workers=args.workers, progress=shown.step if not args.quiet else None)
    shown.finish()
    shapes = found.pop("shapes", None)
    if args.shape:
        write_output(args.shape, (json.dumps(shapes, indent=1) + "\n").encode(), f"--shape {args.shape}")
    if args.format == "json":
        sys.stdout.write(json.dumps(found) + "\n")
    else:
        sys.stdout.write("\n".join(describe(found, tuple(args.status or DEFAULT_STATUSES))) + "\n")
    return 0


class _Shown:
    """The progress line of a terminal (commands.progress), fed by the survey's batches."""

    def __init__(self):
        self.progress, self.done, self.skipped, self.failed = None, 0, (), ()

    def step(self, done: int, jobs: int):
        if self.progress is None:
            self.progress = Progress(jobs, enabled=True, output=sys.stdout)
        while self.done < done:  # Progress counts one job a step
            self.done += 1
            self.progress.step(self)

    def finish(self):
        if self.progress is not None:
            self.progress.finish()


def describe(found: dict, statuses: tuple) -> list:
    """The survey for people: a paragraph per job type."""
    types = found["types"]
    lines = [f"{found['source']}: {_count(found['jobs'], 'job')} of {_count(len(types), 'type')}; records made "
             f"of {' and '.join(statuses)} jobs (--status)"]
    for entry in types:
        lines += [""] + _type_lines(entry)
    return lines


def _type_lines(entry: dict) -> list:
    lines = [f"{entry['type']}: {_count(entry['jobs'], 'job')}"]
    for what in ("versions", "statuses", "layouts"):
        if entry[what]:
            lines.append(f"  {what}: " + ", ".join(f"{name} ({count:,})" for name, count in entry[what].items()))
    specs = entry["specs"]
    if not specs and entry["layouts"]:
        lines.append("  no spec made records of these jobs: none matches them, or none has a status asked for")
    for spec in specs:
        request = ", on request" if spec["on_request"] else ""
        if spec["related"] and not spec["evaluated"]:
            lines.append(f"  {spec['spec']} ({spec['kind']}{request}): walks related jobs, not run (--related runs "
                         "it on the sampled jobs)")
            continue
        head = (f"  {spec['spec']} ({spec['kind']}{request}): {spec['evaluated']:,} evaluated, "
                f"{_count(spec['records'], 'record')}, {spec['failed']:,} failed")
        nulls = [f"{name} {count:,}/{spec['records']:,}" for name, count in spec["null"].items() if count]
        lines += _wrapped(head + ("; null: " if nulls else "; no field null"), nulls)
    if entry["failed"]:
        lines.append(f"  failed: {entry['failed']:,}")
        lines += [f"    {line}" for line in entry["failures"]]
        if entry["failed"] > len(entry["failures"]):
            lines.append(f"    ... and {entry['failed'] - len(entry['failures']):,} more (--failures N shows more)")
    for layout, paths in entry["unread_keys"].items():
        # the deepest first: a key beside those a spec reads says more than the bookkeeping at the top
        ordered = sorted(paths, key=lambda path: (-path.count(".") - path.count("[]"), path))
        lines += _wrapped(f"  keys of {layout} documents no shipped spec reads ({len(paths):,}): ",
                          _listed(_grouped(ordered, ".", "keys")))
    if entry["unread_columns"]:
        lines.append(f"  dataset fields no shipped spec reads ({_count(entry['sampled_datasets'], 'job')} sampled):")
        for output, columns in entry["unread_columns"].items():
            lines += _wrapped(f"    {output}: ", _listed(_grouped(columns, "/", "fields")), indent="      ")
    return lines


def _grouped(paths, separator: str, noun: str) -> list:
    """Paths, those of one parent together: parent.{a, b} or, for many, parent.{N keys}."""
    by_parent = {}
    for path in paths:
        parent, _, name = path.rpartition(separator)
        by_parent.setdefault(parent, []).append(name)
    shown = []
    for parent, names in by_parent.items():
        if not parent or len(names) == 1:
            shown += [f"{parent}{separator}{name}" if parent else name for name in names]
        elif len(names) > GROUPED:
            shown.append(f"{parent}{separator}{{{len(names)} {noun}}}")
        else:
            shown.append(f"{parent}{separator}{{{', '.join(names)}}}")
    return shown


def _listed(items: list) -> list:
    if len(items) > LISTED:
        return items[:LISTED] + [f"and {len(items) - LISTED:,} more (--format json lists all)"]
    return items


def _wrapped(head: str, items: list, indent: str = "    ") -> list:
    if not items:
        return [head.rstrip(": ").rstrip(";")]
    return textwrap.wrap(head + ", ".join(items), WIDTH, subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=False)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
