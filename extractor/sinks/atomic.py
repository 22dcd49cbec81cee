"""Writing a file whole or not at all: a temporary file beside it, renamed
over the target on commit, deleted on abort.

No fsync per file: the rename is what keeps an interrupted or killed run from
leaving a partial file, and a sync per record costs more than all the rest
of writing it. The directory sink syncs once when the run ends."""

import os
import tempfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path


@cache  # read once: setting the umask to read it would race with files other threads create
def new_file_mode() -> int:
    """The mode a file created now gets under the umask, not mkstemp's 0600: records, figures and
    reports in a shared folder are for colleagues to read."""
    umask = os.umask(0)  # the umask can only be read by setting it
    os.umask(umask)
    return 0o666 & ~umask


class AtomicFile:
    def __init__(self, target: Path, newline=None):
        self.target = Path(target)
        # the name cut short: a target name near the system's limit must not make the temporary one too long
        handle, self.temporary = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name[:128]}.",
                                                  suffix=".tmp")
        os.chmod(self.temporary, new_file_mode())
        self.stream = os.fdopen(handle, "w", encoding="utf-8", newline=newline)

    def commit(self):
        self.stream.close()
        try:
            os.replace(self.temporary, self.target)
        except BaseException:  # e.g. a target name the file system refuses: leave nothing behind
            Path(self.temporary).unlink(missing_ok=True)
            raise

    def abort(self):
        self.stream.close()
        Path(self.temporary).unlink(missing_ok=True)


@contextmanager
def atomic_file(target: Path, newline=None):
    """An open text file that becomes `target` when the block ends normally, and vanishes otherwise."""
    atomic = AtomicFile(target, newline)
    try:
        yield atomic.stream
    except BaseException:
        atomic.abort()
        raise
    atomic.commit()


def write_atomically(target: Path, data: bytes):
    """`data` as the whole of `target`, or no file there when writing fails."""
    handle, temporary = tempfile.mkstemp(dir=Path(target).parent, prefix=f".{Path(target).name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, new_file_mode())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
