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
from .errors import CsxError, SinkError, StdoutClosed
from .redaction import RedactingFormatter, Secrets, run_scope
from .wording import command_line_speaking

EXIT_NOTHING_RAN = 2  # commands themselves return 0 (all done) or 1 (some jobs failed)
EXIT_PIPE_CLOSED = 128 + signal.SIGPIPE  # what a shell reports for a program SIGPIPE ended


# the commands in the order --help lists them, with their line there; each module describes itself
# (DESCRIPTION) and owns its arguments (add_arguments)
COMMANDS = {
    "extract": "records for jobs",
    "query": "evaluate one expression against a job",
    "lint": "check spec files",
    "validate": "check records against their schemas",
    "table1": "the cryo-EM Table 1 of maps",
    "check": "is a map ready for deposition?",
    "specs": "list specs and what they match",
    "plot": "figures (PDF, PNG or SVG)",
    "fsc": "a job's FSC curve as a file (EMDB XML, JSON, CSV)",
    "report": "one HTML file on the maps of a project or a database",
    "survey": "what a project's jobs hold, beside what the specs read",
}


class _CommandParser(argparse.ArgumentParser):
    """A command's parser: an option it does not know is refused with the command's own usage, not
    passed up to csx's."""

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras


def _parser(argv) -> argparse.ArgumentParser:
    """csx's parser. Only the command that `argv` names is imported and given its arguments (the
    others' modules, and what they import, cost start-up); with no known command, every one is."""
    named = next((word for word in argv if not word.startswith("-")), None)
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
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_CommandParser)
    for name, help_line in COMMANDS.items():
        if named in COMMANDS and name != named:
            commands.add_parser(name, help=help_line)
            continue
        module = import_module(f".commands.{name}", __package__)
        if getattr(module, "SUBCOMMANDS", False):  # csx plot WHAT: the options belong to each WHAT
            module.add_arguments(commands.add_parser(name, help=help_line, description=module.DESCRIPTION), common)
        else:
            module.add_arguments(commands.add_parser(name, parents=[common], help=help_line,
                                                     description=module.DESCRIPTION))
    return parser


def _log(verbose: bool, log_time: bool, secrets: Secrets) -> logging.Logger:
    log = logging.getLogger("csx")
    log.handlers[:] = [logging.StreamHandler(sys.stderr)]
    formatter = RedactingFormatter(secrets, "%(asctime)s %(message)s" if log_time else "%(message)s",
                                   datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    log.handlers[0].setFormatter(formatter)
    log.setLevel(logging.INFO if verbose else logging.WARNING)
    log.propagate = False
    return log


class _ClosedStdout(io.TextIOBase):
    """stdout when csx was started with it closed (`>&-`): what would be written there is an error, once
    something is; a run that writes nothing there (-o DIR) goes on."""

    def writable(self) -> bool:
        return True

    def write(self, text):
        raise SinkError("stdout is closed (>&-), so csx has nowhere to write its output: redirect it to a file, "
                        "or to /dev/null")

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 1


def _standard_streams():
    """Standard descriptors that were closed when csx started get /dev/null, before anything csx opens
    could take their numbers (a record file written through descriptor 2 would receive the log); stdout
    then refuses writes (_ClosedStdout), stdin reads nothing, stderr discards. Text the terminal's
    encoding cannot show (a latin-1 terminal, a lone surrogate) is written as backslash escapes, never
    an error."""
    for number, mode in ((0, os.O_RDONLY), (1, os.O_RDONLY), (2, os.O_WRONLY)):
        try:
            os.fstat(number)
            continue
        except OSError:
            pass
        opened = os.open(os.devnull, mode)
        if opened != number:
            os.dup2(opened, number)
            os.close(opened)
        if number == 0:
            sys.stdin = open(0, closefd=False)
        elif number == 1:
            sys.stdout = _ClosedStdout()
        else:
            sys.stderr = open(2, "w", closefd=False)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv=None) -> int:
    _standard_streams()
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


def _client_retries(timeout: float):
    """cryosparc-tools 4.x retries a failed request 3 times, 30 s apart, unless CRYOSPARC_COMMAND_RETRIES /
    CRYOSPARC_COMMAND_RETRY_SECONDS say otherwise, read once, as whole seconds, when cryosparc.command is
    imported (on connecting). csx's deadline (--timeout) ends every wait anyway; so that a call given up
    on does not go on retrying behind it, this process asks for two attempts (the client counts RETRIES
    as attempts + 1) with a pause that fits twice a short timeout. Only the command line sets them, for
    its own process, and never over the user's: the library leaves a notebook's environment alone."""
    os.environ.setdefault("CRYOSPARC_COMMAND_RETRIES", "3")
    os.environ.setdefault("CRYOSPARC_COMMAND_RETRY_SECONDS", "2" if timeout >= 4 else "0")


def _run(argv) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(argv).parse_args(argv)
    with run_scope() as secrets:  # the run's passwords and tokens: its log withholds them
        return _command(args, _log(args.verbose, args.log_time, secrets))


def _command(args, log) -> int:
    if getattr(args, "timeout", None) is not None:
        _client_retries(args.timeout)
    command = import_module(f".commands.{args.command}", __package__)
    with command_line_speaking():  # errors name flags, not the API's keywords
        return _run_command(command, args, log)


def _run_command(command, args, log) -> int:
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
