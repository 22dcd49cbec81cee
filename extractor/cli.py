"""The csx command line: parse arguments, run one command, map errors to
one line on stderr and to the exit code (0 all done, 1 some jobs failed,
2 nothing could run)."""

import argparse
import io
import logging
import os
import signal
import sys
import time
import warnings
from importlib import import_module

from . import __version__
from .errors import CsxError, StdoutClosed
from .redaction import RedactingFormatter

EXIT_NOTHING_RAN = 2  # commands themselves return 0 (all done) or 1 (some jobs failed)
EXIT_PIPE_CLOSED = 128 + signal.SIGPIPE  # what a shell reports for a program SIGPIPE ended


# where the jobs named by table1 and check live
def _add_source_options(parser):
    """Where named jobs are, the same for every command that takes jobs as csx extract does."""
    parser.add_argument("--project-dir", metavar="DIR", help="a CryoSPARC project directory")
    parser.add_argument("--instance", metavar="FILE", nargs="?", const="",
                        help="a running CryoSPARC: the JSON of CryoSPARC(**info) arguments (without FILE: the "
                             "CRYOSPARC_* environment variables)")
    parser.add_argument("--project", metavar="P", help="project uid on the instance, e.g. P30")
    parser.add_argument("--timeout", type=float, default=30, metavar="S",
                        help="seconds each request to the instance may take, start to last byte "
                             "(default 30; connecting: twice that)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csx",
        description="Extract validated facts (resolution, maps, masks, particles) from CryoSPARC jobs.",
    )
    parser.add_argument("--version", action="version", version=f"csx {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks with errors")
    common.add_argument("-v", "--verbose", action="store_true", help="also say which jobs were skipped and why")
    common.add_argument("--log-time", action="store_true",
                        help="begin each line on stderr with the UTC time (ISO 8601), for cron logs")
    common.add_argument("--specs", action="append", default=[], metavar="DIR",
                        help="your own spec folder (its specs win over the shipped ones; may repeat)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser("extract", parents=[common], help="records for jobs",
                                  description="Records for CryoSPARC jobs, as JSON lines on stdout or files in -o DIR.")
    extract.add_argument("jobs", nargs="*", metavar="JOB",
                         help="job directories; with --project-dir or --instance, job uids or ranges (J180 J190-J199)")
    _add_source_options(extract)
    extract.add_argument("--workers", type=int, metavar="N",
                         help="jobs worked on at once (default 8 with --instance, else 1)")
    extract.add_argument("--all", action="store_true", help="every job of the project (completed ones unless --status)")
    extract.add_argument("--type", action="append", metavar="T",
                         help="only jobs of this type, or of the types of this record kind, e.g. map-info (may repeat)")
    extract.add_argument("--status", action="append", metavar="S",
                         help="only jobs with this status (may repeat; default completed; --all skips the others, "
                              "a named job with another status fails)")
    extract.add_argument("--spec", metavar="KIND|FILE", help="record kind to extract, or one spec file to use")
    extract.add_argument("-o", "--output", metavar="DIR",
                         help="write P30-J180.json per job into DIR (with --format csv: <kind>.csv)")
    extract.add_argument("--format", choices=["jsonl", "csv"], default="jsonl",
                         help="jsonl (default: stdout, or a .json file per job with -o) or csv (-o DIR)")
    extract.add_argument("--db", metavar="PATH|URL",
                         help="upsert records into this SQLite file or postgresql://user@host:port/dbname, "
                              "skipping jobs unchanged since")
    extract.add_argument("--force", action="store_true", help="with --db: extract unchanged jobs again")
    extract.add_argument("--prune", action="store_true",
                         help="with --db and --project-dir DIR --all: delete the rows of the project's jobs that "
                              "no longer exist")
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress display and no summary line")
    extract.add_argument("--no-validate", action="store_true", help="do not check records against their schema")

    query = commands.add_parser("query", parents=[common], help="evaluate one expression against a job",
                                description="Evaluate one JMESPath expression over a job's context "
                                            "(job, project, datasets.<output>, source; related.<alias> and "
                                            "lineage.<alias> where the spec names related jobs).")
    query.add_argument("expression", metavar="EXPR")
    query.add_argument("job_dir", metavar="JOB_DIR")
    query.add_argument("--spec", metavar="KIND",
                       help="see the job as the spec of this record kind does: its dataset aliases and related jobs "
                            "(related.<alias>, lineage.<alias>), e.g. --spec table1")
    query.add_argument("--keys", action="store_true",
                       help="list what is under EXPR (keys and their types) instead of printing it whole")

    lint = commands.add_parser("lint", parents=[common], help="check spec files",
                               description="Check spec files; every problem as file:line:col: message.")
    lint.add_argument("paths", nargs="*", metavar="SPEC", help="spec files or folders (default: the shipped specs)")

    validate = commands.add_parser("validate", parents=[common], help="check records against their schemas")
    validate.add_argument("records", nargs="+", metavar="RECORD.json")
    validate.add_argument("--kind", help="record kind, for records without a \"kind\" key")

    table1 = commands.add_parser("table1", parents=[common], help="the cryo-EM Table 1 of maps",
                                 description="Cryo-EM data collection and processing (Table 1) of refined maps: "
                                             "one row per quantity, one column per map, from the jobs related to "
                                             "each map (imports, CTF, extraction, local resolution).")
    table1.add_argument("jobs", nargs="+", metavar="JOB",
                        help="map jobs: job directories; with --project-dir or --instance, job uids")
    _add_source_options(table1)
    table1.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown",
                        help="markdown (default), csv, or json (the table1 records, one per line)")

    check = commands.add_parser("check", parents=[common], help="is a map ready for deposition?",
                                description="Check that the map, half maps and masks of map jobs exist, are whole "
                                            "MRC files and agree with the record (box, pixel size) and with each "
                                            "other. One line per problem; exit 1 if any.")
    check.add_argument("jobs", nargs="+", metavar="JOB",
                       help="map jobs: job directories; with --project-dir or --instance, job uids")
    _add_source_options(check)

    specs = commands.add_parser("specs", parents=[common], help="list specs and what they match")
    specs.add_argument("--explain", metavar="JOB_DIR", help="say which spec matches this job, and why the others do not")
    _picture_commands(commands, common)
    return parser


def _job_selection(parser, jobs_help):
    """The jobs of a picture command, named as csx extract names them."""
    parser.add_argument("jobs", nargs="*", metavar="JOB", help=jobs_help)
    _add_source_options(parser)
    parser.add_argument("--status", action="append", metavar="S",
                        help="jobs with this status too (may repeat; default completed)")
    parser.set_defaults(all=False, type=None)


def _picture_commands(commands, common):
    masks = "no_mask, spherical, loose, tight or corrected"
    jobs = "job directories; with --project-dir or --instance, job uids (J180 J190-J199)"
    plots = commands.add_parser("plot", help="figures (PNG or SVG)", description="Figures made from records.")
    plots = plots.add_subparsers(dest="what", required=True, metavar="WHAT")
    plot = plots.add_parser("fsc", parents=[common], help="FSC curves of jobs",
                            description="FSC curves of one or more jobs in one panel, with the 0.143 line and "
                                        "a resolution axis, 3.5 in wide. Needs matplotlib (csx[plot]).")
    _job_selection(plot, jobs)
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.png or FILE.svg")
    plot.add_argument("--mask", action="append", metavar="NAME", help=f"only this mask's curve: {masks} (may repeat)")

    fsc = commands.add_parser("fsc", parents=[common], help="a job's FSC curve as a file (EMDB XML, JSON, CSV)",
                              description="A job's FSC curve as the XML EMDB deposition takes, or its curves as "
                                          "JSON or CSV, on stdout or in -o FILE.")
    _job_selection(fsc, "the job: its directory, or its uid with --project-dir or --instance")
    fsc.add_argument("--format", choices=["emdb-xml", "json", "csv"], default="emdb-xml",
                     help="emdb-xml (default: one curve), json or csv (every curve, or those of --mask)")
    fsc.add_argument("--mask", action="append", metavar="NAME",
                     help=f"the curve: {masks} (default corrected for emdb-xml; json and csv may repeat it)")
    fsc.add_argument("-o", "--output", metavar="FILE", help="write the file here instead of stdout")

    report = commands.add_parser("report", parents=[common], help="one HTML file on a project's maps",
                                 description="A self-contained HTML report (no network needed to open it): the "
                                             "refinements in a sortable table, FSC thumbnails, resolution over time.")
    _job_selection(report, "only these jobs (default: every refinement of the project)")
    report.add_argument("--db", metavar="SQLITE", help="a database csx extract --db filled (every project in it)")
    report.add_argument("-o", "--output", required=True, metavar="FILE.html")
    report.add_argument("--title", help="the report's heading (default: the projects' titles)")


def _log(verbose: bool, log_time: bool) -> logging.Logger:
    log = logging.getLogger("csx")
    log.handlers[:] = [logging.StreamHandler(sys.stderr)]
    formatter = RedactingFormatter("%(asctime)s %(message)s" if log_time else "%(message)s",
                                   datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    log.handlers[0].setFormatter(formatter)
    log.setLevel(logging.INFO if verbose else logging.WARNING)
    log.propagate = False
    return log


def main(argv=None) -> int:
    try:
        code = _run(argv)
        sys.stdout.flush()  # here, where a reader gone away is caught, not in Python's flush at exit
        return code
    except (BrokenPipeError, StdoutClosed):
        return _stdout_closed()


def _stdout_closed() -> int:
    """The reader of stdout went away (csx ... | head): end quietly, with the status of a
    program SIGPIPE ended, and point stdout at /dev/null so that Python's flush at exit
    meets no closed pipe either."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # stdout is no file (tests capture it)
        pass
    return EXIT_PIPE_CLOSED


def _run(argv) -> int:
    args = _parser().parse_args(argv)
    log = _log(args.verbose, args.log_time)
    command = import_module(f".commands.{args.command}", __package__)
    try:
        with warnings.catch_warnings():
            if not args.debug:
                # the clients warn about each retry; errors reach the user as csx's own lines
                warnings.simplefilter("ignore")
            else:  # shown, but through the log's redaction: a client's warning may quote a server's answer
                warnings.showwarning = lambda *warning, **_: log.warning(warnings.formatwarning(*warning[:4]).rstrip())
            return command.run(args, log)
    except CsxError as exc:
        log.error(f"csx: {exc}", exc_info=args.debug)
        return EXIT_NOTHING_RAN
    except KeyboardInterrupt:
        log.error("csx: interrupted")
        return 130
