"""A cache of the loaded registry, so that every csx run does not parse, check
and compile every spec again (most of csx's start-up otherwise).

An entry is used only when every file it was made from (the spec and layout
files of each folder, the record schemas, the files specs extend) has the
same content as then, and the folders hold the same files; anything else
rebuilds it. It lives in $XDG_CACHE_HOME/csx (~/.cache/csx); where that
cannot be written, csx simply loads the specs each time."""

import hashlib
import os
import pickle
import stat
import tempfile
from pathlib import Path

from .. import __version__
from .layouts import Layout
from .specfile import Spec


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "csx"


def _digest(path: Path) -> str | None:
    """The content's digest; None for what is no regular file (never waiting on a FIFO)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as file:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
            return hashlib.file_digest(file, "sha1").hexdigest()
    except OSError:
        return None


def folder_inputs(spec_dirs, schema_dirs) -> dict:
    """{path: content digest} of every file a registry over these folders reads."""
    files = []
    for directory in map(Path, spec_dirs):
        files += sorted(directory.glob("*.yaml")) + sorted((directory / "layouts").glob("*.yaml"))
    for directory in map(Path, schema_dirs):
        files += sorted(directory.glob("*.json"))
    return {str(path): _digest(path) for path in files}


def _code_stamp() -> list:
    """(name, modification time, size) of the modules whose objects the cache holds: a checkout whose
    code changed under the same version number must not get objects pickled by the old code."""
    here = os.path.dirname(__file__)
    with os.scandir(here) as entries:
        return sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in entries
                      if entry.name.endswith(".py"))


class RegistryCache:
    def __init__(self, spec_dirs):
        key = hashlib.sha1(repr((__version__, _code_stamp(), [str(Path(d).resolve()) for d in spec_dirs])
                                ).encode()).hexdigest()
        self.path = _cache_dir() / f"registry-{key}.pickle"

    def load(self, inputs: dict):
        """The cached (layouts, tiers), or None. The cache is only csx's own speed-up,
        so whatever is in the file (torn, truncated, a FIFO, another csx's pickle) means
        no cache, never a failure."""
        try:
            handle = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(handle, "rb") as file:
                if not stat.S_ISREG(os.fstat(handle).st_mode):
                    return None
                entry = pickle.load(file)
            if entry["inputs"] != inputs:
                return None
            if any(_digest(Path(path)) != digest for path, digest in entry["extra"].items()):
                return None
            layouts, tiers = entry["value"]
            if not (isinstance(layouts, dict) and all(isinstance(layout, Layout) for layout in layouts.values())
                    and all(isinstance(spec, Spec) for tier in tiers for spec in tier)):
                return None
            return layouts, tiers
        except Exception:  # unpickling garbage can raise nearly anything
            return None

    def store(self, inputs: dict, extra_files, value):
        extra = {str(path): _digest(Path(path)) for path in extra_files if str(path) not in inputs}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        except OSError:
            return  # a read-only home: no cache, same results
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"inputs": inputs, "extra": extra, "value": value}, out)
            os.replace(temporary, self.path)
        except OSError:  # a full disk, or a directory where the cache file goes
            os.unlink(temporary)
