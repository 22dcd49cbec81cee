"""csx report: one HTML file on the maps of a project (a project directory or
an instance project, extracted now) or of every project in a database that
csx extract --db filled (SQLite or PostgreSQL)."""

from pathlib import Path

from ..errors import NothingToReport, UsageError
from ..reporting import from_database, from_jobs
from ..run.extraction import DEFAULT_STATUSES
from ..sinks.atomic import write_output
from .options import add_job_selection

DESCRIPTION = ("A self-contained HTML report (no network needed to open it): the maps in a table that filters, "
               "sorts and pages, each expanding into its Table 1 values, lineage, local resolution and check "
               "status; FSC curves; resolution over time per project; disk use per project and job type.")


def add_arguments(parser):
    add_job_selection(parser, "only these jobs (default: every refinement of the project)")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="a database csx extract --db filled: an SQLite file or postgresql://... (every project "
                             "in it)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.html")
    parser.add_argument("--title", help="the report's heading (default: the projects' titles)")
    parser.add_argument("--no-check", action="store_true",
                        help="do not check the maps' files (csx check), which the report otherwise does where "
                             "their folders are reachable")


def run(args, log) -> int:
    target = Path(args.output)
    live = args.instance is not None or args.project
    if args.db and (args.project_dir or live or args.jobs):
        raise UsageError("report: --db reports on the database; leave out --project-dir, --instance and jobs")
    check = not args.no_check
    try:
        if args.db:
            report = from_database(args.db, check=check, title=args.title)
        elif args.project_dir or live:
            report = from_jobs(args.jobs, project_dir=args.project_dir, project=args.project, instance=args.instance,
                               specs=args.specs, statuses=args.status or DEFAULT_STATUSES, timeout=args.timeout,
                               check=check, title=args.title, log=log.info)
        else:
            raise UsageError("report: give --project-dir DIR, --instance FILE --project P, or --db PATH|URL")
    except NothingToReport as exc:
        log.error(f"csx: {exc}")
        return 1
    for line in report.problems:  # a job that failed, a record left out: one line each, as csx extract says them
        log.error(line)
    write_output(target, report.html.encode("utf-8"), f"-o {target}")
    return 1 if report.problems else 0
