"""Opening files csx did not make: regular files only, never a wait, within a
size limit, and (for the paths a document names) inside the project directory.

A file is opened without blocking (O_NONBLOCK: a FIFO opens at once instead
of waiting for a writer) and the opened descriptor is what gets checked, so
nothing can be swapped in between the check and the read. Messages say what a
file is, never what it holds.
"""

import errno
import os
import posixpath
import stat
from contextlib import contextmanager

MIB = 1024 ** 2
GIB = 1024 ** 3
# the largest real job.json files are a few MB; project.json is far smaller
DOCUMENT_LIMIT = 64 * MIB
# a refinement's particles .cs with tens of millions of rows stays under this
DATASET_LIMIT = 16 * GIB

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
# where an open descriptor's real path can be read, and reopened without a path lookup (Linux)
_PROC_FD = "/proc/self/fd"
_HAS_PROC_FD = os.path.isdir(_PROC_FD)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _size(count: int) -> str:
    return f"{count / GIB:.1f} GiB" if count >= GIB else f"{count / MIB:.1f} MiB"


@contextmanager
def open_regular(path, subject: str, limit: int, error):
    """`path` open for binary reading, when it is a regular file of at most `limit` bytes.

    `subject` names the file in messages ("/data/P30/J180/job.json: job.json");
    anything else raises `error`. OSError from opening (missing, no permission)
    passes through for the caller to word.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (or a device without its driver) cannot be opened at all
            try:
                kind = _kind(os.stat(path).st_mode)
            except OSError:
                kind = "not a regular file"
            raise error(f"{subject} is {kind}, not a regular file") from exc
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{subject} is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise error(f"{subject} is {_size(info.st_size)}, over the {_size(limit)} csx reads at most")
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with file:
        yield file


def read_regular(path, subject: str, limit: int, error, inside: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see open_regular); with `inside` (a directory,
    its symlinks resolved), only a file that really is in it."""
    with open_regular(path, subject, limit, error) as file:
        if inside is not None and not is_inside(opened_path(file), inside):
            raise error(f"{subject} resolves to {opened_path(file)}, outside the project directory {inside}; "
                        "csx reads only files of the project")
        # read(n) sets n bytes aside first: n is the file's size, not the limit (a 64 MiB buffer per file)
        size = os.fstat(file.fileno()).st_size
        data = file.read(size + 1)
        if len(data) > size:  # it grew after it was opened
            data += file.read(limit + 1 - len(data))
    if len(data) > limit:
        raise error(f"{subject} is over the {_size(limit)} csx reads at most")
    return data


def is_inside(path: str, directory: str) -> bool:
    return path.startswith(directory.rstrip("/") + "/")


def lexically_inside(directory: str, relative: str) -> tuple:
    """(`relative` joined to `directory` with `.` and `..` worked out, whether that stays inside `directory`).

    The cheap first check, before opening: `../` and absolute paths. Symlinks are checked on the
    opened file (opened_path)."""
    joined = posixpath.normpath(posixpath.join(directory, relative))
    return joined, is_inside(joined, directory)


def opened_path(file) -> str:
    """Where an open file really is, every symlink resolved: read from its descriptor where the
    system can say (Linux), so nothing can be swapped in after the check; else from its name."""
    if _HAS_PROC_FD:
        return os.readlink(f"{_PROC_FD}/{file.fileno()}")
    return os.path.realpath(file.name)


def reopenable(file):
    """A path that opens this very file again (so a reader can map it into memory rather than read
    it whole), or the open file itself where the system has no such path."""
    return f"{_PROC_FD}/{file.fileno()}" if _HAS_PROC_FD else file


def unreadable_dataset(where: str, exc: Exception) -> str:
    """Why a dataset could not be read, in words of csx's own: the reader's message may quote the
    file's first bytes, which are not shown."""
    return (f"{where}: not a CryoSPARC dataset (.cs) file, or a damaged one "
            f"({type(exc.__cause__ or exc).__name__})")
