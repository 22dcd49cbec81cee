"""The files of a project as sources open them: through the one reader of
regular files (regularfiles.py), each refusal the source's own error naming
the file, and (for the paths a document names) only inside the project
directory, checked on the opened file."""

import os
import posixpath
from contextlib import contextmanager

from .. import regularfiles
from ..regularfiles import GIB, MIB, NotRegular

# the largest real job.json files are a few MB; project.json is far smaller
DOCUMENT_LIMIT = 64 * MIB
# a refinement's particles .cs with tens of millions of rows stays under this
DATASET_LIMIT = 16 * GIB
# where an open descriptor's real path can be read, and reopened without a path lookup (Linux)
_PROC_FD = "/proc/self/fd"
_HAS_PROC_FD = os.path.isdir(_PROC_FD)


@contextmanager
def open_regular(path, subject: str, limit: int, error):
    """regularfiles.open_regular, its refusal an `error` that begins with `subject`, which names the file
    ("/data/P30/J180/job.json: job.json"). OSError from opening passes through for the caller to word."""
    try:
        with regularfiles.open_regular(path, limit) as file:
            yield file
    except NotRegular as exc:
        raise error(f"{subject} is {exc.message}") from None


def read_regular(path, subject: str, limit: int, error, inside: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see open_regular); with `inside` (a directory,
    its symlinks resolved), only a file that really is in it."""
    with open_regular(path, subject, limit, error) as file:
        if inside is not None and not is_inside(opened_path(file), inside):
            raise error(f"{subject} resolves to {opened_path(file)}, outside the project directory {inside}; "
                        "csx reads only files of the project")
        return regularfiles.read_opened(file, limit)


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
