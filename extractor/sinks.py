"""Where records go: JSON lines on stdout, or one file per job in a directory."""

import json
import os
import sys
import tempfile
from pathlib import Path


class JsonLinesSink:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def write(self, label: str, record: dict):
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def close(self):
        pass


class DirectorySink:
    """`<DIR>/P30-J180.json` per job (the notebook's naming), each written whole or not at all."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def write(self, label: str, record: dict):
        target = self.directory / f"{label}.json"
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{label}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(record, out, indent=2)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def close(self):
        pass
