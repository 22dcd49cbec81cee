"""The CryoSPARC database of the look-alike: project directories on disk.

A project is any folder under the projects root holding a `project.json`
with a `uid`; its jobs are the `J<n>/job.json` files inside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

PROJECT_UID = re.compile(r"P\d+")
JOB_UID = re.compile(r"J\d+")


class UnknownProject(LookupError):
    pass


class UnknownJob(LookupError):
    pass


class OutsideProject(ValueError):
    pass


class ProjectStore:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self._dirs: dict[str, Path] = {}

    def _scan(self) -> None:
        dirs = {}
        for project_json in self.root.glob("*/project.json"):
            uid = json.loads(project_json.read_text()).get("uid")
            if isinstance(uid, str):
                dirs[uid] = project_json.parent
        self._dirs = dirs  # one assignment, so concurrent readers see the old or the new map

    def project_uids(self) -> list[str]:
        self._scan()
        return sorted(self._dirs, key=lambda uid: int(uid[1:]) if PROJECT_UID.fullmatch(uid) else 0)

    def project_dir(self, puid: str) -> Path:
        if puid not in self._dirs:
            self._scan()  # a project made after the server started
        if puid not in self._dirs:
            raise UnknownProject(puid)
        return self._dirs[puid]

    def project_doc(self, puid: str) -> dict[str, Any]:
        return json.loads((self.project_dir(puid) / "project.json").read_text())

    def job_dir(self, puid: str, juid: str) -> Path:
        path = self.project_dir(puid) / juid
        if not JOB_UID.fullmatch(juid) or not (path / "job.json").is_file():
            raise UnknownJob(f"{puid}-{juid}")
        return path

    def job_doc(self, puid: str, juid: str) -> dict[str, Any]:
        return json.loads((self.job_dir(puid, juid) / "job.json").read_text())

    def job_docs(self, puid: str) -> list[dict[str, Any]]:
        """Every job of the project, in job number order."""
        juids = [p.parent.name for p in self.project_dir(puid).glob("J*/job.json") if JOB_UID.fullmatch(p.parent.name)]
        return [self.job_doc(puid, juid) for juid in sorted(juids, key=lambda uid: int(uid[1:]))]

    def file_path(self, puid: str, path: str) -> Path:
        """A file named relative to the project directory, or absolute inside it."""
        project_dir = self.project_dir(puid)
        resolved = (project_dir / path).resolve()
        if not resolved.is_relative_to(project_dir.resolve()):
            raise OutsideProject(f"Invalid file path {path}; must be in project directory for {puid}")
        if not resolved.is_file():
            raise FileNotFoundError(f"No such file in project {puid}: {path}")
        return resolved
