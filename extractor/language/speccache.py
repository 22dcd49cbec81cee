"""A cache of the loaded registry, so that every csx run does not parse, check
and compile every spec again (most of csx's start-up otherwise).

An entry is used only when every file it was made from (the spec and layout
files of each folder, the record schemas, the files specs extend) has the
same content as then, and the folders hold the same files; anything else
rebuilds it. It lives in $XDG_CACHE_HOME/csx (~/.cache/csx); where that
cannot be written, csx simply loads the specs each time.

An entry is a pickle, and loading a pickle runs what it says: csx uses a
cache folder and file only when they are the user's own and nobody else can
write them (a folder planted in a shared $XDG_CACHE_HOME, or left writable,
is passed over, and the specs are loaded from their files)."""

import hashlib
import os
import pickle
import secrets
import stat
from pathlib import Path

from .. import __version__
from ..regularfiles import file_digest
from .layouts import Layout
from .specfile import Spec


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "csx"


def _private(status: os.stat_result) -> bool:
    """Owned by this user, and writable by no one else."""
    return status.st_uid == os.geteuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _open_private_dir(path: Path) -> int | None:
    """A descriptor of the cache folder, when it is a private one (not a symlink), else None."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    if _private(os.fstat(handle)):
        return handle
    os.close(handle)
    return None


def folder_inputs(spec_dirs, schema_dirs) -> dict:
    """{path: content digest} of every file a registry over these folders reads."""
    files = []
    for directory in map(Path, spec_dirs):
        files += sorted(directory.glob("*.yaml")) + sorted((directory / "layouts").glob("*.yaml"))
    for directory in map(Path, schema_dirs):
        files += sorted(directory.glob("*.json"))
    return {str(path): file_digest(path) for path in files}


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
        no cache, never a failure; and a file or folder someone else could have written is
        never unpickled."""
        folder = _open_private_dir(self.path.parent)
        if folder is None:
            return None
        try:
            handle = os.open(self.path.name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC,
                             dir_fd=folder)
            with os.fdopen(handle, "rb") as file:
                status = os.fstat(handle)
                if not (stat.S_ISREG(status.st_mode) and _private(status)):
                    return None
                entry = pickle.load(file)
            if entry["inputs"] != inputs:
                return None
            if any(file_digest(Path(path)) != digest for path, digest in entry["extra"].items()):
                return None
            layouts, tiers = entry["value"]
            if not (isinstance(layouts, dict) and all(isinstance(layout, Layout) for layout in layouts.values())
                    and all(isinstance(spec, Spec) for tier in tiers for spec in tier)):
                return None
            return layouts, tiers
        except Exception:  # unpickling garbage can raise nearly anything
            return None
        finally:
            os.close(folder)

    def store(self, inputs: dict, extra_files, value):
        extra = {str(path): file_digest(Path(path)) for path in extra_files if str(path) not in inputs}
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return  # a read-only home: no cache, same results
        folder = _open_private_dir(self.path.parent)
        if folder is None:
            return  # not a folder of the user's own: nothing is left there
        # opened through the folder's descriptor, not its path: the file lands in the folder checked
        name = f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                             dir_fd=folder)
        except OSError:
            os.close(folder)
            return
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"inputs": inputs, "extra": extra, "value": value}, out)
            os.replace(name, self.path.name, src_dir_fd=folder, dst_dir_fd=folder)
        except OSError:  # a full disk, or a directory where the cache file goes
            os.unlink(name, dir_fd=folder)
        finally:
            os.close(folder)
