"""csx validate: check record files (a JSON object, or JSON lines) against their kind's schema."""

import json
from pathlib import Path

from ..errors import CsxError, RecordError, UsageError
from ..records import check_record
from ..registry import Registry


def _records(path: Path):
    """(line number, record) of a .json file holding one object, or of a JSON-lines file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        yield 1, json.loads(text)
        return
    except json.JSONDecodeError:
        pass
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{path}:{number}: not JSON ({exc.msg} at column {exc.colno})") from exc


def run(args, log) -> int:
    registry = Registry(args.specs, load_specs=False)
    checked, problems = 0, 0
    for name in args.records:
        try:
            for number, record in _records(Path(name)):
                checked += 1
                try:
                    _check(registry, record, f"{name}:{number}", args.kind)
                except RecordError as exc:
                    problems += 1
                    log.error(str(exc))
        except CsxError as exc:  # a file that cannot be read, or a line that is not JSON
            problems += 1
            log.error(str(exc))
    log.info(f"csx validate: {checked} record(s) checked, {problems} problem(s)")
    return 1 if problems else 0


def _check(registry: Registry, record, where: str, kind: str | None):
    kind = kind or (record.get("kind") if isinstance(record, dict) else None)
    if not kind:
        raise RecordError(f"{where}: no \"kind\" in the record; say which with --kind")
    schema = registry.record_schema(kind)
    if schema is None:
        raise RecordError(f"{where}: no schema for record kind {kind!r}")
    check_record(record, schema, origin=where)
