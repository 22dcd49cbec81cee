"""One JSON file per job in a directory: P30-J180.json, the notebook's naming."""

import errno
import os
from pathlib import Path

from ..errors import RecordWriteError
from .atomic import write_atomically
from .jsonl import record_json


class DirectorySink:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def write(self, outcome):
        text = record_json(outcome, indent=2)
        target = self.directory / f"{outcome.file_stem}.json"
        try:
            write_atomically(target, (text + "\n").encode())
        except OSError as exc:
            if exc.errno != errno.ENAMETOOLONG:  # a full disk, a read-only folder: the other records fail too
                raise
            raise RecordWriteError(f"{outcome.label}: cannot write its record: the file name {target.name[:40]}... "
                                   f"is too long for {self.directory}") from exc
        return [outcome]

    def flush(self) -> list:
        return []

    def close(self, completed=True):
        os.sync()  # once for the whole run: the records survive a power cut from here on
