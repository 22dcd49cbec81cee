"""Command-line options several commands share: where named jobs are."""

import argparse

from ..errors import UsageError
from ..sources.deadline import seconds_problem


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = None
    problem = seconds_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(f"{text} {problem}")
    return value


def add_source_options(parser):
    """Where named jobs are, the same for every command that takes jobs as csx extract does."""
    parser.add_argument("--project-dir", metavar="DIR", help="a CryoSPARC project directory")
    parser.add_argument("--instance", metavar="FILE", nargs="?", const="",
                        help="a running CryoSPARC: the JSON file of CryoSPARC(**info) arguments (- for stdin; without FILE: the "
                             "CRYOSPARC_* environment variables)")
    parser.add_argument("--project", metavar="P", help="project uid on the instance, e.g. P30")
    parser.add_argument("--timeout", type=_seconds, default=30, metavar="S",
                        help="seconds each request to the instance may take, start to last byte "
                             "(default 30; connecting: twice that)")


def add_map_jobs(parser):
    """The map jobs a deposition command (check, table1) takes, and where they are."""
    parser.add_argument("jobs", nargs="+", metavar="JOB",
                        help="map jobs: job directories; with --project-dir or --instance, job uids")
    add_source_options(parser)


def add_job_selection(parser, jobs_help):
    """The jobs of a picture command, named as csx extract names them."""
    parser.add_argument("jobs", nargs="*", metavar="JOB", help=jobs_help)
    add_source_options(parser)
    parser.add_argument("--status", action="append", metavar="S",
                        help="jobs with this status too (may repeat; default completed)")


def job_labels(pairs) -> dict:
    """{job: text} of --label JOB=TEXT options (plot fsc's legend, table1's columns)."""
    labels = {}
    for pair in pairs or ():
        job, equals, text = pair.partition("=")
        if not equals or not job or not text:
            raise UsageError(f"--label {pair}: give JOB=TEXT, e.g. --label J10=EMD-50123")
        labels[job] = text
    return labels


JOBS = "job directories; with --project-dir or --instance, job uids (J180 J190-J199)"
