"""Writing a file whole or not at all: a temporary file beside it, renamed
over the target on commit, deleted on abort.

No fsync per file: the rename is what keeps an interrupted or killed run from
leaving a partial file, and a sync per record costs more than all the rest
of writing it. The directory sink syncs once when the run ends."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


class AtomicFile:
    def __init__(self, target: Path, newline=None):
        self.target = Path(target)
        # the name cut short: a target name near the system's limit must not make the temporary one too long
        handle, self.temporary = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name[:128]}.",
                                                  suffix=".tmp")
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
        umask = os.umask(0)
        os.umask(umask)
        # a figure or a report is for others to open: the mode a new file gets, not mkstemp's 0600
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
