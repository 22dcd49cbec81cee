"""Record files as csx validate reads them: a JSON object per file, or JSON
lines; `-` is stdin. A file with no record, or a record that is not strict
JSON (NaN, Infinity, a number past a double), is an error naming the line."""

import json
import math
import re

from ..errors import RecordError, UsageError
from ..regularfiles import Unreadable, read_named_text

MAX_RECORD_FILE_BYTES = 2**30
# a JSON string (skipped), or a token Python's json reads as a float
FLOAT_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)')


class NotFinite(ValueError):
    """A number a record must not hold: NaN and Infinity are no JSON, and a number
    too large for a double would become Infinity."""


def _float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise NotFinite(token)
    return value


def _constant(token: str):
    raise NotFinite(token)


def _loads(text: str):
    return json.loads(text, parse_constant=_constant, parse_float=_float)


def _not_finite(token: str) -> bool:
    if token in ("NaN", "Infinity", "-Infinity"):
        return True
    # integers stay exact; only a fraction or an exponent makes a float
    return any(c in token for c in ".eE") and math.isinf(float(token))


def _non_finite_error(where: str, text: str, first_line: int) -> RecordError:
    """Name the line and column of the first number that is not finite."""
    for found in FLOAT_TOKEN.finditer(text):
        token = found.group(1)
        if token and _not_finite(token):
            before = text[:found.start(1)]
            line, col = first_line + before.count("\n"), found.start(1) - before.rfind("\n")
            shown = token if len(token) <= 20 else token[:17] + "..."
            return RecordError(f"{where}:{line}:{col}: {shown} is not a finite number "
                               "(records hold no NaN or Infinity)")
    return RecordError(f"{where}:{first_line}: a number is not finite (records hold no NaN or Infinity)")


def _text(name: str) -> str:
    try:
        return read_named_text(name, MAX_RECORD_FILE_BYTES)
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror}") from exc
    except Unreadable as exc:
        raise RecordError(f"{name}:{exc.line}:{exc.col}: {exc.message}") from exc


def records_in_file(name: str):
    """(line number, record) of a file holding one JSON object, or JSON lines."""
    where = "<stdin>" if name == "-" else name
    text = _text(name)
    if not text.strip():
        raise RecordError(f"{where}: no records (the file is empty)")
    try:
        yield 1, _loads(text)
        return
    except NotFinite:
        raise _non_finite_error(where, text, 1) from None
    except RecursionError:
        raise RecordError(f"{where}:1: nested too deeply to be a record") from None
    except json.JSONDecodeError:
        pass
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, _loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{where}:{number}:{exc.colno}: not JSON ({exc.msg})") from exc
        except NotFinite:
            raise _non_finite_error(where, line, number) from None
        except RecursionError:
            raise RecordError(f"{where}:{number}: nested too deeply to be a record") from None
