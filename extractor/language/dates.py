"""Dates in every form CryoSPARC documents carry them, as one ISO 8601 UTC
text: "2025-06-02T17:09:51.733Z" (milliseconds, the precision of MongoDB's
dates, so that the texts sort as the times do).

The forms met: {"$date": "2025-06-02T17:09:51.733Z"} in job.json (its
string reaches expressions), {"$date": <epoch milliseconds>} and
{"$date": {"$numberLong": "..."}} from older bson tools (their number),
RFC 1123 text ("Tue, 11 Oct 2022 20:38:10 GMT") from v4's command_core, ISO
text with a "Z", an offset or none (taken as UTC, CryoSPARC's own zone) from
v5.
"""

import math
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

LATEST_MS = 253402300799999  # 9999-12-31T23:59:59.999Z, the last instant ISO 8601's four-digit years hold
EXTENDED_KEYS = ("$date", "$numberLong", "$numberDouble", "$numberInt")


class NotADate(ValueError):
    """A value that no form of date reads; the message says what it was."""


def iso_utc(value) -> str | None:
    """The ISO 8601 UTC text of a date in any of the forms above; None stays None. Raises NotADate."""
    moment = utc_moment(value)
    return None if moment is None else _format(moment)


def seconds_between(start, end) -> float | None:
    """The seconds from one date to another (either form above; negative when `end` is earlier), at the
    milliseconds the texts of iso_utc keep, so it is the difference of those texts; None when either is None."""
    first, last = utc_moment(start), utc_moment(end)
    if first is None or last is None:
        return None
    milliseconds = (_truncated(last) - _truncated(first)) // timedelta(milliseconds=1)
    return milliseconds / 1000


def _truncated(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_moment(value) -> datetime | None:
    """The moment of a date in any of the forms above, in UTC; None stays None. Raises NotADate."""
    while isinstance(value, dict) and len(value) == 1 and next(iter(value)) in EXTENDED_KEYS:
        value = next(iter(value.values()))
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotADate("true or false is no date")
    if isinstance(value, (int, float)):
        return _utc(_from_milliseconds(value))
    if isinstance(value, str):
        return _utc(_from_text(value.strip()))
    raise NotADate(f"{type(value).__name__} is no date")


def _from_milliseconds(value) -> datetime:
    if isinstance(value, float) and not math.isfinite(value) or not 0 <= value <= LATEST_MS:
        raise NotADate(f"{value} is no time in milliseconds since 1970 up to the year 9999")
    seconds, millis = divmod(int(value), 1000)
    return datetime.fromtimestamp(seconds, timezone.utc).replace(microsecond=millis * 1000)


def _from_text(text: str) -> datetime:
    if text.isascii() and text.isdigit():  # milliseconds written as text ($numberLong's digits)
        return _from_milliseconds(int(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as exc:
            raise NotADate(f"{text[:40]!r} is no ISO 8601 or RFC 1123 date") from exc
    if moment.tzinfo is None:  # CryoSPARC keeps its times in UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError as exc:  # an offset that takes year 1 or 9999 out of range
        raise NotADate(f"{moment.isoformat()} is outside the years 1 to 9999 in UTC") from exc


def _format(m: datetime) -> str:
    return (f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}."
            f"{m.microsecond // 1000:03d}Z")
