"""Errors that reach the user as one line each.

Every error names its culprit (a file and line, a job, a field) and, where
there is one, what to do about it. The CLI prints `str(error)`; tracebacks
only appear with --debug.
"""


class CsxError(Exception):
    """Base of every error csx reports to the user."""


class SpecError(CsxError):
    """A spec or layout file is unreadable, breaks its schema, or has a bad expression."""

    def __init__(self, file, line, col, message, detail=""):
        self.file, self.line, self.col, self.message = str(file), line, col, message
        self.detail = detail  # e.g. the expression with a caret under the broken spot
        super().__init__(f"{self.file}:{line}:{col}: {message}")


class NoSpecError(CsxError):
    """No spec matches a job (or more than one does, equally well)."""


class JobError(CsxError):
    """A job cannot be read: its document is missing, truncated or of no known layout."""


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


class StdoutClosed(Exception):
    """The reader of stdout went away (csx ... | head). No CsxError and no OSError: no
    message is due, and no write-failure handling may take it for one job's fault."""
