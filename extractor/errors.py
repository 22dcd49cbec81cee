"""Errors that reach the user as one line each.

Every error names its culprit (a file and line, a job, a field) and, where
there is one, what to do about it. The CLI prints `str(error)`; tracebacks
only appear with --debug.
"""

import re

from .wording import Words


class CsxError(Exception):
    """Base of every error csx reports to the user. Beside its one line, an error carries what it
    names where that is known: `job` (P30/J180), `file`, `line`, `field`; None otherwise.

    Made of Words (wording.Words), its line names options in the caller's words: flags on the command
    line, keywords in Python."""

    job = file = line = field = None
    words = None

    def __init__(self, *args):
        if args and isinstance(args[0], Words):
            self.words = args[0]
            args = (args[0].said(False), *args[1:])
        super().__init__(*args)

    def __str__(self):
        return self.words.said() if self.words is not None else super().__str__()

    def said(self, command_line: bool) -> str:
        """The line in flags (command_line=True) or in keywords (False), whoever is speaking now."""
        return self.words.said(command_line) if self.words is not None else super().__str__()

    def __reduce__(self):
        # rebuilt from its message and attributes, not by calling __init__ again (whose arguments
        # differ from class to class): a worker process's error arrives as itself
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls, args, attributes):
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(attributes)
    return error


class SpecError(CsxError):
    """A spec or layout file is unreadable, breaks its schema, or has a bad expression."""

    def __init__(self, file, line, col, message, detail=""):
        self.file, self.line, self.col, self.message = str(file), line, col, message
        self.detail = detail  # e.g. the expression with a caret under the broken spot
        super().__init__(Words(f"{self.file}:{line}:{col}: ", message))


class NoSpecError(CsxError):
    """No spec matches a job (or more than one does, equally well)."""


class JobError(CsxError):
    """A job cannot be read: its document is missing, truncated or of no known layout."""


class MissingJobError(JobError):
    """A job its source does not have (no job.json in its folder; the instance has no such job): deleted, or
    never there. Unlike a JobError, which may be a job that exists but cannot be read."""


class ForeignJobError(JobError):
    """A job document that belongs to another project than the one it was found in."""

    def __init__(self, message, project_uid=None):
        super().__init__(message)
        self.project_uid = project_uid


class DatasetError(CsxError):
    """A .cs file an expression needs is missing or unreadable."""


class FieldError(CsxError):
    """A field of a spec could not be evaluated for a job (a required value is missing, wrong type)."""


class RecordError(CsxError):
    """A record does not satisfy its record kind's JSON Schema."""


class SinkError(CsxError):
    """Records cannot be written where the command line says (a folder or database that cannot be written)."""


class UsageError(CsxError):
    """Bad command-line arguments: nothing could run."""


class NothingToReport(CsxError):
    """A report with no map in it: no file is written, and the command exits 1."""


class RecordWriteError(CsxError):
    """One job's record cannot be written (its file name is refused, it holds what the sink cannot store):
    that job fails, the others are written."""


def shown(value, width: int = 60) -> str:
    """A value taken from a document, as a message quotes it: a scalar's repr (control characters
    escaped) cut short; a list or object by its size, as it may be huge or nest deep."""
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object of {len(value)} keys"
    try:
        text = repr(value)
    except ValueError:  # an integer of more digits than Python turns into text
        return "a number too long to show"
    return text if len(text) <= width else f"{text[:width - 3]}..."


NAME = re.compile(r"[\w.+-]+", re.ASCII)  # nonuniform_refine_new, v4.7.1, completed


def named(text: str) -> str:
    """A name read from a document (a job type, version, status), as a message names it: as it is when it
    reads as a name, else quoted by shown(), so that a newline in it cannot split the message."""
    return text if NAME.fullmatch(text) else shown(text)


def printable(text: str) -> str:
    """Text from a job (a path, a title) as a line-per-item output shows it: as it is when every character
    is printable, else quoted whole as Python writes a string (control characters escaped), so that no
    newline or terminal escape in it reaches the output."""
    return text if text.isprintable() else repr(text)


def json_type(value) -> str:
    """What JSON calls a value's type, with its article: "a string", "an object", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"
class StdoutClosed(Exception):
    """The reader of stdout went away (csx ... | head). No CsxError and no OSError: no
    message is due, and no write-failure handling may take it for one job's fault."""
