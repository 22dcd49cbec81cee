"""Records for report tests and benchmarks, stored through csx's own write side.

`job` records are made by hand here, in the shape of the `job` kind (issue 18: job_info.{puid, juid, type,
title, status, version}, times.{created_at, started_at, completed_at, run_seconds}, inputs, outputs, params,
disk_bytes), with a schema of that shape for the sink where csx itself has none, so the database holds
them as csx extract --db would."""

import json
import tempfile
from pathlib import Path

from extractor.language.registry import Registry
from extractor.run.outcome import Outcome
from extractor.sinks.database import DatabaseSink, open_database

JOB_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["kind", "job_info", "times", "inputs", "outputs", "params", "disk_bytes"],
    "properties": {
        "kind": {"const": "job"},
        "job_info": {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in
                                                       ("puid", "juid", "type", "title", "status", "version")}},
        "times": {"type": "object", "properties": {**{k: {"type": ["string", "null"]} for k in
                                                      ("created_at", "started_at", "completed_at")},
                                                   "run_seconds": {"type": ["number", "null"]}}},
        "inputs": {"type": "array"},
        "outputs": {"type": "array"},
        "params": {"type": "object"},
        "disk_bytes": {"type": ["integer", "null"]},
    },
}


def job_record(puid: str, juid: str, job_type: str, disk_bytes, title=None, status="completed",
               completed_at=None) -> dict:
    return {"kind": "job",
            "job_info": {"puid": puid, "juid": juid, "type": job_type, "title": title, "status": status,
                         "version": "v4.7.1"},
            "times": {"created_at": None, "started_at": None, "completed_at": completed_at, "run_seconds": None},
            "inputs": [], "outputs": [], "params": {}, "disk_bytes": disk_bytes}


class RecordStore:
    """csx's DatabaseSink on a database (an SQLite path or a postgresql:// URL), taking records of any kind
    csx has a schema for, and `job` records."""

    def __init__(self, target):
        self.registry = Registry()
        self.folder = tempfile.TemporaryDirectory(prefix="csx-job-schema-")
        self.job_schema = Path(self.folder.name) / "job.schema.json"
        self.job_schema.write_text(json.dumps(JOB_SCHEMA))
        self.sink = DatabaseSink(open_database(str(target)), self._schema)

    def _schema(self, kind: str) -> Path:
        return self.registry.record_schema(kind) or (self.job_schema if kind == "job" else None)

    def put(self, source: str, record: dict):
        info = record["job_info"]
        self.sink.write(Outcome(f"{info['puid']}/{info['juid']}", source=str(source), record=record,
                                spec="by hand"))

    def close(self):
        self.sink.close()
        self.folder.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
