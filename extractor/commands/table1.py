"""csx table1: the cryo-EM Table 1 of maps, as Markdown, CSV or JSON records;
a map whose record cannot be made is one line on stderr (exit 1), the others
are still printed."""

import sys

from ..deposition.table1 import FORMATS, table1_records
from .options import add_map_jobs

DESCRIPTION = ("Cryo-EM data collection and processing (Table 1) of refined maps: one row per quantity, one "
               "column per map, from the jobs related to each map (imports, CTF, extraction, local resolution).")


def add_arguments(parser):
    add_map_jobs(parser)
    parser.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown",
                        help="markdown (default), csv, or json (the table1 records, one per line)")


def run(args, log) -> int:
    outcomes = table1_records(args.jobs, project_dir=args.project_dir, instance=args.instance,
                              project=args.project, specs=args.specs, timeout=args.timeout)
    records = [outcome.record for outcome in outcomes if outcome.record is not None]
    for outcome in outcomes:
        if outcome.record is None:
            reason = str(outcome.error) if outcome.error is not None else outcome.skipped
            log.error(f"csx: {outcome.label}: {reason}" if outcome.error is None else f"csx: {reason}")
    if records:
        sys.stdout.write(FORMATS[args.format](records))
    return 0 if len(records) == len(outcomes) else 1
