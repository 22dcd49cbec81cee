"""Running csx over broken project directories, the way the trust tests need it:
the exit code, the lines on stderr, the records written, and proof that
nothing was written anywhere but the output folder and that nothing hung."""

from __future__ import annotations

import json
import os
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import run_csx


@dataclass
class Result:
    code: int
    out: str
    err: list  # the lines on stderr
    written: dict  # record file name in the output folder -> the record


def tree(root: Path) -> dict:
    """{path: (mode, size, mtime)} of everything under root, by lstat alone (a FIFO is never opened)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            found[path] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return found


@contextmanager
def deadline(seconds: int = 60):
    """A hang becomes a failure: SIGALRM interrupts a blocking open or read."""
    def expire(signum, frame):
        raise TimeoutError(f"csx still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def csx(capsys, workdir: Path, *args) -> Result:
    """`csx ARGS` with `workdir` as the current folder. Checks that it neither hangs nor shows a traceback,
    and that it writes nothing under `workdir` but record files in workdir/out (when -o names it)."""
    out_dir = workdir / "out"

    def outside():
        return {path: info for path, info in tree(workdir).items() if out_dir not in (path, *path.parents)}

    before = outside()
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        with deadline():
            code, out, err = run_csx(capsys, *args)
    finally:
        os.chdir(cwd)
    assert outside() == before, "csx changed files outside its output folder"
    assert not any("Traceback" in line for line in err), err
    written = {}
    if out_dir.is_dir():
        assert not [path.name for path in out_dir.iterdir() if path.name.startswith(".")], "a temporary file is left"
        written = {path.name: json.loads(path.read_text()) for path in out_dir.glob("*.json")}
    return Result(code, out, err, written)


def extract(capsys, workdir: Path, *args) -> Result:
    """`csx extract -q -o workdir/out ARGS` (see csx)."""
    return csx(capsys, workdir, "extract", "-q", "-o", workdir / "out", *args)
