"""job.json and project.json as csx reads them: JSON with MongoDB extended
values (`{"$date": ...}`) made plain, and NaN and Infinity made null, fast
for the usual document and with a line and column for every error."""

import json
import math
import re
import sys
from itertools import repeat

SPACE = rb"[ \t\n\r]*"  # JSON's whitespace (re's \s has two more)
# {"$date": "..."} or {"$oid": "..."} holding a plain string, in any whitespace, where a value ends
# (group 1: the string). Splitting on it and joining the pieces rewrites every match in C.
PLAIN_EXTENDED = re.compile(rb"\{" + SPACE + rb'"\$(?:date|oid)"' + SPACE + rb":" + SPACE + rb'("[^"\\]*")'
                            + SPACE + rb"\}(?=" + SPACE + rb"(?:[,\]}]|\Z))")
# any other extended value: an object whose first key starts with "$"
OTHER_EXTENDED = re.compile(rb"\{" + SPACE + rb'"\$')
# Digits to "0", whatever may precede an integer (and most other bytes) to " ", the rest of a number to
# "x": an integer of 19 digits or more, the ones that may not fit in 64 bits, is " " and 19 "0"s.
NUMBER_SHAPES = bytes(ord("0") if b in b"0123456789" else ord("x") if b in b".eE" else ord(" ") for b in range(256))
LONG_INTEGER = b" " + b"0" * 19
# The extended values with a number in a string, and the strings the general path accepts in them.
NUMBER_TEXT = {
    "$numberLong": r"-?[0-9]+",
    "$numberInt": r"-?[0-9]+",
    "$numberDouble": r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|NaN|-?Infinity",
}


class DocumentError(ValueError):
    """A document that is not JSON csx reads, with the 1-based line and column where known. The
    message never quotes the document."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        self.message, self.line, self.col = message, line, col
        super().__init__(message if line is None else f"line {line} column {col}: {message}")


def parse_job_json(data: bytes):
    """A JSON document (job.json, project.json) with MongoDB extended JSON turned into plain values, as
    the live client gives them, and every non-finite number (NaN, Infinity, 1e999) turned into None.
    Raises DocumentError.

    orjson parses a 100 KB document several times faster than the standard library but has no hooks,
    so the usual extended values, and NaN tokens when orjson refuses the document, are rewritten in the
    bytes first, by passes that run in C (a regex split, bytes.find), never Python at every match. Other
    extended JSON, and whatever orjson refuses or would not give exactly, takes the general path, which
    gives every error its line and column."""
    import orjson

    if _needs_exact(data):
        return parse_exact(data)
    plain = data
    if b"$" in data:
        pieces = PLAIN_EXTENDED.split(data)
        if not _matches_outside_strings(data, pieces):
            return parse_exact(data)  # text that only looks like extended JSON: no valid document has it
        plain = b"".join(pieces)
        if b"$" in plain and OTHER_EXTENDED.search(plain):
            return parse_exact(data)
    try:
        return orjson.loads(plain)
    except orjson.JSONDecodeError as exc:
        # looked for only now, as most documents have none, and from where orjson stopped (a count of
        # characters, never past the byte it stands for): there is none before
        tokens = _nonfinite_tokens(plain, exc.pos)
    if tokens:
        try:
            return orjson.loads(_rewrite(plain, tokens))
        except orjson.JSONDecodeError:
            pass  # a number past a double's range, or an error: the general path says which and where
    return parse_exact(data)


def _needs_exact(data: bytes) -> bool:
    """Whether orjson would not give the document exactly: it makes a float of an integer past 64 bits,
    and an escaped "$" would hide an extended key from the rewrite."""
    shapes = data.translate(NUMBER_SHAPES)
    # 19 digits in a row, found fast, are mostly a float's decimals; only then is the integer looked for
    long_digits = shapes.find(LONG_INTEGER[1:]) != -1 and (
        shapes.find(LONG_INTEGER) != -1 or shapes.startswith(LONG_INTEGER[1:]))
    return long_digits or (b"\\" in data and b"\\u0024" in data)


def _matches_outside_strings(data: bytes, pieces: list) -> bool:
    """Whether each PLAIN_EXTENDED match that split `data` into `pieces` starts outside a string, as it
    does in any valid document: an even number of unescaped quotes precedes it."""
    if b"\\" not in data or b'\\"' not in data:  # no escaped quote: count the quotes between matches
        return not any(map((1).__and__, map(bytes.count, pieces[0:-1:2], repeat(b'"'))))  # all in C
    # escaped backslashes blanked out (same length): every backslash left starts an escape
    shadow, at, quotes = data.replace(b"\\\\", b"__"), 0, 0
    for match in PLAIN_EXTENDED.finditer(data):
        quotes += shadow.count(b'"', at, match.start()) - shadow.count(b'\\"', at, match.start())
        if quotes & 1:
            return False
        at = match.end()
    return True


def _nonfinite_tokens(data: bytes, start: int) -> list:
    """(start, end, b"null") of each NaN, Infinity and -Infinity from `start` on, in strings or not."""
    edits = []
    for token in (b"NaN", b"Infinity"):
        at = data.find(token, max(start - 1, 0))
        while at != -1:
            negative = token == b"Infinity" and data[at - 1:at] == b"-"
            edits.append((at - negative, at + len(token), b"null"))
            at = data.find(token, at + len(token))
    return edits


def _rewrite(data: bytes, edits: list) -> bytes:
    """The document with the edits made that lie outside strings. A spot is inside a string when an odd
    number of unescaped quotes precede it."""
    # escaped backslashes blanked out (same length): every backslash left starts an escape
    shadow = data.replace(b"\\\\", b"__") if b"\\" in data else None
    pieces, kept_to, counted_to, quotes = [], 0, 0, 0
    for start, end, replacement in sorted(edits):
        quotes += data.count(b'"', counted_to, start)
        if shadow is not None:
            quotes -= shadow.count(b'\\"', counted_to, start)
        counted_to = start
        if quotes % 2 == 0:
            pieces += [data[kept_to:start], replacement]
            kept_to = end
    pieces.append(data[kept_to:])
    return b"".join(pieces)


def parse_exact(data: bytes):
    """parse_job_json's general path: the standard library, for any JSON Python's json can write."""
    try:
        return json.loads(data, object_hook=plain_json_object, parse_constant=_nonfinite, parse_float=_finite)
    except json.JSONDecodeError as exc:  # "Unterminated string starting at": the position says where
        raise DocumentError(exc.msg.removesuffix(" starting at"), exc.lineno, exc.colno) from None
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text ({exc.reason})", *_position(data, exc.start)) from None
    except RecursionError:
        raise DocumentError("nested too deeply to read") from None
    except BadExtendedValue as exc:
        raise DocumentError(f'a {{"{exc.key}": ...}} that holds no number in a string',
                            *_position(data, _bad_extended_value(data, exc.key))) from None
    except ValueError:  # int() of more digits than sys.get_int_max_str_digits()
        digits = sys.get_int_max_str_digits()
        found = re.search(rb"[0-9]{%d}" % (digits + 1), data)
        raise DocumentError(f"an integer of more than {digits} digits", *_position(data, found and found.start())
                            ) from None


class BadExtendedValue(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def plain_json_object(obj: dict):
    """json object_hook: MongoDB extended JSON ({"$date": ...}) to plain values."""
    if len(obj) == 1:
        (key, value), = obj.items()
        if key in ("$date", "$oid"):
            return value
        if key in NUMBER_TEXT:
            if not (isinstance(value, str) and re.fullmatch(NUMBER_TEXT[key], value)):
                raise BadExtendedValue(key)
            return _finite(value) if key == "$numberDouble" else int(value)
    return obj


def _nonfinite(token: str) -> None:
    """NaN, Infinity and -Infinity are no number: None, as JSON null."""
    return None


def _finite(text: str) -> float | None:
    number = float(text)
    return number if math.isfinite(number) else None  # 1e999 overflows to inf


def _bad_extended_value(data: bytes, key: str) -> int | None:
    """Offset of the first `"$numberLong": <value>` whose value is not a number in a string."""
    good = re.compile(rb'"(?:' + NUMBER_TEXT[key].encode() + rb')"')
    for found in re.finditer(b'"' + re.escape(key.encode()) + b'"' + SPACE + rb":" + SPACE, data):
        if not good.match(data, found.end()):
            return found.end()
    return None


def _position(data: bytes, offset: int | None) -> tuple:
    """(line, column), 1-based, of a byte offset; (None, None) when there is none."""
    if offset is None:
        return None, None
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode(errors="replace")) + 1
