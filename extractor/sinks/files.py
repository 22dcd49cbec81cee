"""One JSON file per job in a directory: P30-J180.json, the notebook's naming.
Two jobs of one name in one run (P30/J180 of two project directories) would
share a file: the first keeps it, the second fails, naming both."""

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
        self.written = {}  # file name -> the source whose job's record it holds, in this run

    def write(self, outcome):
        text = record_json(outcome, indent=2)
        target = self.directory / f"{outcome.file_stem}.json"
        first = self.written.setdefault(target.name, outcome.source)
        if first != outcome.source:
            raise RecordWriteError(f"{outcome.label} of {outcome.source}: not written: {target.name} holds the record "
                                   f"of {outcome.label} of {first}, written in this run (two jobs of one name: give "
                                   "each project an -o of its own)")
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
