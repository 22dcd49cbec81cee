"""The one reader of the files csx is given (specs, layouts, schemas, records,
job.json and project.json, datasets, maps, the instance file, a CSV file it
adds to): regular files only, never a wait, within a size limit, and one way
of saying why not.

A file is opened without blocking (O_NONBLOCK: a FIFO opens at once instead
of waiting for a writer) and the opened descriptor is what gets checked, so
nothing can be swapped in between the check and the read. Messages say what a
file is, never what it holds: the end of a sentence about the file ("is a
FIFO (named pipe), not a regular file"), which the caller begins with its
own name for the file."""

import errno
import hashlib
import os
import stat
import sys
from contextlib import contextmanager

from .errors import SpecError

STDIN = "-"  # wherever csx reads a file, this name means standard input
MIB = 1024 ** 2
GIB = 1024 ** 3

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class Unreadable(ValueError):
    """A file csx does not read, or whose bytes are no text. `message` says why, as what follows the
    file's name and "is" ("a FIFO (named pipe), not a regular file"); `line` and `col` say where in it
    (1, 1: the file as a whole)."""

    def __init__(self, message: str, line: int = 1, col: int = 1):
        self.message, self.line, self.col = message, line, col
        super().__init__(message)


class NotRegular(Unreadable):
    """Not a regular file (a FIFO would block, a device never end), or larger than csx reads."""


class NotText(Unreadable):
    """Bytes that are not UTF-8 text."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def size_text(count: int) -> str:
    return f"{count / GIB:.1f} GiB" if count >= GIB else f"{count / MIB:.1f} MiB"


@contextmanager
def open_regular(path, limit: int):
    """`path` open for binary reading, when it is a regular file of at most `limit` bytes; NotRegular
    otherwise. OSError from opening (missing, no permission) passes through for the caller to word."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (or a device without its driver) cannot be opened at all
            try:
                kind = _kind(os.stat(path).st_mode)
            except OSError:
                kind = "not a regular file"
            raise NotRegular(f"{kind}, not a regular file") from exc
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"{_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise NotRegular(f"{size_text(info.st_size)}, over the {size_text(limit)} csx reads at most")
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with file:
        yield file


def read_opened(file, limit: int) -> bytes:
    """The bytes of a file open_regular opened; NotRegular when it grew past `limit` since."""
    # read(n) sets n bytes aside first: n is the file's size, not the limit (a 64 MiB buffer per file)
    size = os.fstat(file.fileno()).st_size
    data = file.read(size + 1)
    if len(data) > size:  # it grew after it was opened
        data += file.read(limit + 1 - len(data))
    if len(data) > limit:
        raise NotRegular(f"over the {size_text(limit)} csx reads at most")
    return data


def read_regular(path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotRegular otherwise, OSError when it cannot
    be opened."""
    with open_regular(path, limit) as file:
        return read_opened(file, limit)


def read_text(path, limit: int) -> str:
    """The UTF-8 text of a regular file; NotRegular, NotText (with the line and column of the first byte
    that is not UTF-8), or OSError."""
    return decode_utf8(read_regular(path, limit))


def read_named_text(name, limit: int) -> str:
    """read_text, where the name "-" means stdin."""
    if str(name) != STDIN:
        return read_text(name, limit)
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise NotRegular(f"over the {size_text(limit)} csx reads at most")
    return decode_utf8(data)


def decode_utf8(data: bytes) -> str:
    """The text of UTF-8 bytes (a leading byte-order mark, as some editors write, dropped)."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8")
        line_start = before.rfind("\n") + 1
        # the bytes themselves stay unsaid: they may be anything
        line, col = before.count("\n") + 1, len(before) - line_start + 1
        raise NotText("not UTF-8 text; save it as UTF-8", line, col) from None


def read_source_text(path, limit: int) -> str:
    """read_text for the files csx reads as its own language (specs, layouts, schemas): any failure is a
    SpecError naming the file, and the line and column where there is one."""
    try:
        return read_text(path, limit)
    except OSError as exc:
        raise SpecError(path, 1, 1, f"cannot read: {exc.strerror}") from exc
    except Unreadable as exc:
        raise SpecError(path, exc.line, exc.col, exc.message) from exc


def file_digest(path) -> str | None:
    """The SHA-1 of a regular file's content, read as it streams (any size); None for what cannot be read
    or is no regular file (never waiting on a FIFO)."""
    try:
        with open_regular(path, sys.maxsize) as file:
            return hashlib.file_digest(file, "sha1").hexdigest()
    except (OSError, NotRegular):
        return None
