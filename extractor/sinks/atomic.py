"""Writing a file whole or not at all: a temporary file beside it, renamed
over the target on commit, deleted on abort.

No fsync per file: the rename is what keeps an interrupted or killed run from
leaving a partial file, and a sync per record costs more than all the rest
of writing it. The directory sink syncs once when the run ends."""

import itertools
import os
from pathlib import Path

from ..errors import SinkError

_numbers = itertools.count()


def _open_temporary(target: Path) -> tuple:
    """(descriptor, path) of a new file beside `target`, created with mode 0666 so that the system applies
    the umask (and a folder's default ACL) as it does to any file: records, figures and reports in a
    shared folder are for colleagues to read. The name is unique to this process; O_EXCL settles the
    rest (another host's process of the same pid on a shared folder)."""
    while True:
        # the name cut short: a target name near the system's limit must not make the temporary one too long
        temporary = target.parent / f".{target.name[:128]}.{os.getpid()}.{next(_numbers)}.tmp"
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temporary
        except FileExistsError:
            continue


def _commit(temporary: Path, target: Path):
    try:
        os.replace(temporary, target)
    except BaseException:  # e.g. a target name the file system refuses: leave nothing behind
        temporary.unlink(missing_ok=True)
        raise


class AtomicFile:
    def __init__(self, target: Path, newline=None):
        self.target = Path(target)
        handle, self.temporary = _open_temporary(self.target)
        self.stream = os.fdopen(handle, "w", encoding="utf-8", newline=newline)

    def commit(self):
        try:
            self.stream.close()  # the last writes happen here: a full disk may refuse them
        except BaseException:
            self.temporary.unlink(missing_ok=True)
            raise
        _commit(self.temporary, self.target)

    def abort(self):
        try:
            self.stream.close()
        except OSError:  # what could not be written is thrown away anyway
            pass
        self.temporary.unlink(missing_ok=True)


def write_atomically(target: Path, data: bytes):
    """`data` as the whole of `target`, or no file there when writing fails."""
    target = Path(target)
    handle, temporary = _open_temporary(target)
    try:
        with open(handle, "wb") as stream:
            stream.write(data)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _commit(temporary, target)


def write_output(target, data: bytes, named: str):
    """write_atomically for a file the user named: where it cannot be written (no such folder, no
    permission, a full disk), a SinkError beginning with `named`, the target as the caller gave it
    ("-o report.html", "output='report.html'")."""
    try:
        write_atomically(Path(target), data)
    except OSError as exc:
        raise SinkError(f"{named}: cannot write there ({exc.strerror or exc})") from exc
