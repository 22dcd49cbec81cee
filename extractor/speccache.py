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
import tempfile
from pathlib import Path

from . import __version__


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "csx"


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
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


class RegistryCache:
    def __init__(self, spec_dirs):
        key = hashlib.sha1(repr((__version__, [str(Path(d).resolve()) for d in spec_dirs])).encode()).hexdigest()
        self.path = _cache_dir() / f"registry-{key}.pickle"

    def load(self, inputs: dict):
        try:
            with open(self.path, "rb") as handle:
                entry = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if entry.get("inputs") != inputs:
            return None
        if any(_digest(Path(path)) != digest for path, digest in entry.get("extra", {}).items()):
            return None
        return entry["value"]

    def store(self, inputs: dict, extra_files, value):
        extra = {str(path): _digest(Path(path)) for path in extra_files if str(path) not in inputs}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"inputs": inputs, "extra": extra, "value": value}, out)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only home: no cache, same results
