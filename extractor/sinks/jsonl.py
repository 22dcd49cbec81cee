"""JSON lines on stdout, one record per line, flushed as each job finishes."""

import json
import sys

from ..errors import RecordWriteError, StdoutClosed


def record_json(outcome, indent=None) -> str:
    """A record as JSON text. The engine makes NaN and infinities null; should one get past it, the
    record is refused rather than written as the NaN token that strict JSON readers reject."""
    try:
        return json.dumps(outcome.record, indent=indent, allow_nan=False)
    except ValueError as exc:  # NaN or infinity; an integer of more digits than Python writes
        raise RecordWriteError(f"{outcome.label}: its record holds NaN, an infinity or an integer too long "
                               "to write as JSON; not written") from exc
    except TypeError as exc:  # bytes or a complex number from a dataset column, under --no-validate
        raise RecordWriteError(f"{outcome.label}: its record holds a value JSON has no type for; not "
                               "written") from exc


class JsonLinesSink:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def write(self, outcome):
        try:
            self.stream.write(record_json(outcome) + "\n")
            self.stream.flush()
        except BrokenPipeError as exc:
            raise StdoutClosed from exc
        return [outcome]

    def flush(self) -> list:
        return []

    def close(self, completed=True):
        pass
