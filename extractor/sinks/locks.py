"""A lock several csx processes take on a folder they all write into, held
while one of them reads, merges and replaces a file there. A lock file (not
the folder itself) because POSIX locks on a network file system need a file
open for writing; it stays in the folder, empty."""

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
    """Hold an exclusive lock on `path` (made if missing) for the block; SinkError when `path` is no regular
    file or another process keeps the lock past `wait` seconds."""
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise SinkError(f"{path}: cannot open the lock csx takes to merge its rows ({exc.strerror})") from exc
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise SinkError(f"{path}: not a regular file, so it cannot be the lock csx takes to merge its rows; "
                            "move it away")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):  # not: held by another process
                    raise SinkError(f"{path}: cannot lock ({exc.strerror})") from exc
                if time.monotonic() > deadline:
                    raise SinkError(f"{path}: another process has held this lock for {wait:g} s; if no csx "
                                    "writes into this folder, delete it") from exc
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(handle)  # closing releases the lock
