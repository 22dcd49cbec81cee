"""Options in the caller's words: a flag on the command line (`--project-dir DIR`), a keyword in Python
(`project_dir=`).

A message that names an option is made of Words, which keep both spellings; an error made of them
(errors.CsxError) says itself in the words of whoever called: as keywords, unless the command line is
speaking (`csx` runs its command inside `command_line_speaking()`, and hands the same to the workers
that make messages). One error, two spellings: the place that raises it needs to know neither caller.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

_COMMAND_LINE = ContextVar("csx_command_line_speaking", default=False)


def command_line_is_speaking() -> bool:
    return _COMMAND_LINE.get()


@contextmanager
def command_line_speaking(speaking: bool = True):
    """Messages made or said inside the block speak in flags (`speaking`) or keywords."""
    token = _COMMAND_LINE.set(speaking)
    try:
        yield
    finally:
        _COMMAND_LINE.reset(token)


def speak_as(speaking: bool):
    """A worker's initializer: the thread or process says messages as its caller does."""
    _COMMAND_LINE.set(speaking)


@dataclass(frozen=True)
class Option:
    """One option of both surfaces: `keyword` in Python, `flag` (with `metavar` for its value) on the command
    line."""

    keyword: str
    flag: str
    metavar: str = ""

    def given(self, value) -> "Given":
        """The option with the value the caller gave it: `--status complete`, `statuses='complete'`."""
        return Given(self, value)

    @property
    def usage(self) -> "Usage":
        """The option as usage shows it: `--project-dir DIR`, `project_dir=`."""
        return Usage(self)

    def said(self, command_line: bool) -> str:
        return self.flag if command_line else f"{self.keyword}="


@dataclass(frozen=True)
class Given:
    option: Option
    value: object

    def said(self, command_line: bool) -> str:
        if command_line:
            return f"{self.option.flag} {_typed(self.value)}"
        return f"{self.option.keyword}={_python(self.value)}"


@dataclass(frozen=True)
class Usage:
    option: Option

    def said(self, command_line: bool) -> str:
        if command_line and self.option.metavar:
            return f"{self.option.flag} {self.option.metavar}"
        return self.option.said(command_line)


@dataclass(frozen=True)
class Either:
    """A phrase each surface says its own way (`--all` is, in Python, naming no jobs)."""

    command_line: str
    python: str

    def said(self, command_line: bool) -> str:
        return self.command_line if command_line else self.python


class Words:
    """A message of text, options (Option, Given, Usage), Either phrases and other messages (errors, Words),
    said in either spelling."""

    def __init__(self, *parts):
        self.parts = parts

    def said(self, command_line: bool | None = None) -> str:
        """In flags or in keywords; by default, in the words of whoever is speaking now."""
        if command_line is None:
            command_line = command_line_is_speaking()
        return "".join(part if isinstance(part, str) else _said(part, command_line) for part in self.parts)

    def __str__(self):
        return self.said()

    def __repr__(self):
        return f"Words({self.said(False)!r})"


def _said(part, command_line: bool) -> str:
    said = getattr(part, "said", None)
    return said(command_line) if said is not None else str(part)


def _typed(value) -> str:
    """A value as it was typed on the command line: as it is, unless a character in it is not printable
    (then quoted, so that no newline or escape sequence reaches the terminal)."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if text.isprintable() and text else repr(text)


def _python(value) -> str:
    """A value as Python writes it (a Path as its text, whole); anything but text cut short."""
    fspath = getattr(value, "__fspath__", None)
    value = fspath() if fspath is not None else value
    text = repr(value)
    return text if isinstance(value, (str, bytes)) or len(text) <= 80 else f"{text[:77]}..."


# The options both surfaces share. The command line's --spec takes a record kind or a spec file; Python
# has kind= and spec= for them.
PROJECT_DIR = Option("project_dir", "--project-dir", "DIR")
INSTANCE = Option("instance", "--instance", "FILE")
PROJECT = Option("project", "--project", "P")
TYPES = Option("types", "--type", "T")
STATUSES = Option("statuses", "--status", "S")
KIND = Option("kind", "--spec", "KIND")
SPEC = Option("spec", "--spec", "FILE")
SPECS = Option("specs", "--specs", "DIR")
WORKERS = Option("workers", "--workers", "N")
TIMEOUT = Option("timeout", "--timeout", "S")
DB = Option("db", "--db", "PATH|URL")
MASK = Option("masks", "--mask", "NAME")
WIDTH = Option("width", "--width", "INCHES")
COLUMNS = Option("columns", "--columns", "N")
