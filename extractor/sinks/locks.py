"""A lock several csx processes take on a folder they all write into, held
while one of them reads, merges and replaces a file there. A lock file (not
the folder itself, as POSIX locks on a network file system need a file open
for writing), removed by its holder before it lets go: a process that was
waiting on the removed file finds it gone and takes the lock again on the
file that is there now, so one process at a time holds it, and no file is
left in the folder."""

import errno
import fcntl
import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import SinkError

WAIT_SECONDS = 120  # a merge takes a fraction of a second: a lock held this long is stuck
POLL_SECONDS = 0.05


@contextmanager
def folder_lock(path: Path, wait: float = WAIT_SECONDS):
    """Hold an exclusive lock on `path` (made if missing, removed when let go) for the block; SinkError when
    `path` is no regular file or another process keeps the lock past `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        handle = _open(path)
        try:
            _take(handle, path, deadline, wait)
            if _still_there(handle, path):
                break
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # its holder removed it while this process waited: take the one there now
    try:
        yield
    finally:
        try:
            os.unlink(path)
        except OSError:  # gone already, or a folder that keeps it: the next holder takes it as it is
            pass
        os.close(handle)  # closing lets go


def _open(path: Path) -> int:
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise SinkError(f"{path}: cannot open the lock csx takes to merge its rows ({exc.strerror})") from exc
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise SinkError(f"{path}: not a regular file, so it cannot be the lock csx takes to merge its rows; "
                        "move it away")
    return handle


def _take(handle: int, path: Path, deadline: float, wait: float):
    while True:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):  # not: held by another process
                raise SinkError(f"{path}: cannot lock ({exc.strerror})") from exc
            if time.monotonic() > deadline:
                raise SinkError(f"{path}: another process has held this lock for {wait:g} s; if no csx "
                                "writes into this folder, delete it") from exc
            time.sleep(POLL_SECONDS)


def _still_there(handle: int, path: Path) -> bool:
    """The locked file is the one at `path`, not one its holder removed."""
    try:
        there = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(handle)
    return (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino)
