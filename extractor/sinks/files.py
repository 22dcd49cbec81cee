"""One JSON file per job in a directory: P30-J180.json, the notebook's naming."""

import json
import os
from pathlib import Path

from .atomic import atomic_file


class DirectorySink:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def write(self, outcome):
        with atomic_file(self.directory / f"{outcome.file_stem}.json") as out:
            json.dump(outcome.record, out, indent=2)
            out.write("\n")

    def close(self, completed=True):
        os.sync()  # once for the whole run: the records survive a power cut from here on
