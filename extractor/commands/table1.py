"""csx table1: the cryo-EM Table 1 of maps, as Markdown (for people), LaTeX (for a
paper), CSV or JSON (data: numbers as numbers) or the table1 records; a map
whose record cannot be made is one line on stderr (exit 1), the others are
still printed."""

import sys

from ..deposition.table1 import build_table, table1_records
from ..deposition.table1_formats import FORMATS
from ..deposition.table1_meta import read_meta
from .options import add_map_jobs, job_labels

DESCRIPTION = ("Cryo-EM data collection and processing (Table 1) of refined maps: one row per quantity, one "
               "column per map, from the jobs related to each map (imports, curation, CTF, extraction, 2D and 3D "
               "classification, sharpening, local resolution) and, for what CryoSPARC does not know, a meta file.")


def add_arguments(parser):
    add_map_jobs(parser)
    parser.add_argument("--format", choices=list(FORMATS), default="markdown",
                        help="markdown (default), latex (a tabular), csv or json (one value per row, numbers as "
                             "numbers), records (the table1 records, one JSON per line)")
    parser.add_argument("--label", action="append", default=[], metavar="JOB=TEXT",
                        help="name a map's column (an EMDB entry, a sample): JOB is P32/J10, or J10 (may repeat)")
    parser.add_argument("--meta", metavar="FILE",
                        help="YAML file of rows CryoSPARC does not know (microscope, detector, magnification, "
                             "energy_filter_slit_eV, exposure_time_s, rows of your own), for all maps or per job; "
                             "checked against schemas/table1.meta.schema.json")


def run(args, log) -> int:
    labels, meta = job_labels(args.label), read_meta(args.meta)  # bad arguments stop before any job is read
    outcomes = table1_records(args.jobs, project_dir=args.project_dir, instance=args.instance,
                              project=args.project, specs=args.specs, timeout=args.timeout)
    failed = [outcome for outcome in outcomes if outcome.record is None]
    for outcome in failed:
        reason = str(outcome.error) if outcome.error is not None else outcome.skipped
        log.error(f"csx: {outcome.label}: {reason}" if outcome.error is None else f"csx: {reason}")
    records = [outcome.record for outcome in outcomes if outcome.record is not None]
    if records:
        sys.stdout.write(build_table(records, labels=labels, meta=meta, failed=failed).text(args.format))
    return 1 if failed else 0
