"""Running csx as a user does: the `csx` command of the test's virtual
environment, in a subprocess of its own session, with a time limit (a hang
fails the case, not the suite), a memory limit (a run that reads /dev/zero
fails instead of taking the machine), and a sandbox whose home, working
directory and temporary folder must stay empty."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

MEMORY_LIMIT_KIB = 4 << 20  # 4 GiB of address space: far above what csx needs for these fixtures
# a run still going after this long has hung (a hang lasts forever): generous, so that a loaded machine never
# passes for a hang; only a failing case ever waits for it
HANG_LIMIT = 60
CSX = Path(sys.executable).parent / "csx"


@dataclass
class Run:
    argv: tuple
    code: int | None  # None: killed at the time limit
    out: str
    err: str
    elapsed: float
    stray: list = field(default_factory=list)  # files csx left in the sandbox's home, cwd or tmp
    checked: list = field(default_factory=list)  # the problems its case's own check found

    @property
    def timed_out(self) -> bool:
        return self.code is None

    @property
    def err_lines(self) -> list:
        return [line for line in self.err.splitlines() if line.strip()]

    def describe(self) -> str:
        code = "killed at the time limit" if self.timed_out else f"exit {self.code}"
        command = " ".join(self.argv)[:300]
        return f"csx {command}: {code} after {self.elapsed:.1f} s; stderr:\n{self.err[-3000:]}"


def run_csx(argv, sandbox: Path, timeout: float = HANG_LIMIT, pipe: bool = False, env: dict | None = None,
            shell: str = "", redirect: str = "", program: Path = CSX) -> Run:
    """`csx ARGV` in `sandbox` (made here: home/, cwd/, tmp/), killed after `timeout` seconds; with `pipe`,
    `csx ARGV | head -n 0`. `shell` runs first (a lower limit: `ulimit -f 4`), `redirect` follows the command
    (`>&-`: stdout closed); `program` is another program of the environment (its python, for the API)."""
    argv = tuple(str(a) for a in argv)
    dirs = {name: sandbox / name for name in ("home", "cwd", "tmp")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CRYOSPARC_", "PYTEST_"))}
    environment.update(HOME=str(dirs["home"]), TMPDIR=str(dirs["tmp"]),
                       PATH=f"{CSX.parent}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {}))
    script = f'ulimit -v {MEMORY_LIMIT_KIB}; {shell}\nexec "$@" {redirect}'
    if pipe:  # a reader that is gone before csx writes its first byte; csx's own status is the run's
        script = f'ulimit -v {MEMORY_LIMIT_KIB}; {shell}\n"$@" | head -n 0; exit "${{PIPESTATUS[0]}}"'
    started = time.monotonic()
    process = subprocess.Popen(["bash", "-c", script, "csx", str(program), *argv], cwd=dirs["cwd"], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
        code = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # csx and any worker processes it started
        out, err = process.communicate()
        code = None
    elapsed = time.monotonic() - started
    stray = [str(p) for d in dirs.values() for p in d.rglob("*")]
    return Run(argv, code, out.decode(errors="replace"), err.decode(errors="replace"), elapsed, stray)


def strict_json(text: str):
    """JSON as the standard has it: NaN, Infinity and -Infinity are errors."""

    def refuse(token):
        raise ValueError(f"{token} in output")

    return json.loads(text, parse_constant=refuse)


def snapshot(root: Path, skip: Path) -> dict:
    """path -> (type and mode, size, mtime) of everything under root but `skip`, symlinks not followed."""
    found = {}
    for directory, dirnames, filenames in os.walk(root):
        if Path(directory) == skip:
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            path = os.path.join(directory, name)
            st = os.lstat(path)
            found[path] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return found
