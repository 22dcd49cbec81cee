"""Secrets never reach any output, tracebacks and --debug included: the
instance password in every form a client or server may write it (as typed,
JSON-escaped, repr'd, URL-encoded, and its SHA-256, which the 5.x client sends
instead), and bearer tokens, whichever server issued them.

A line that holds a password is withheld whole, not masked where the password
stands: a password that is also a word of the message ("credentials") would
be told by the place of its mask. Tokens, which no message is made of, are
masked where they stand."""

import hashlib
import json
import logging
import re
from urllib.parse import quote, quote_plus

MASK = "********"
WITHHELD = "[a line withheld: it held a password given to csx]"
KEPT = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ )?(csx: )?")  # what a withheld line keeps: --log-time's time
_secrets: set = set()
# a token as HTTP headers, JSON bodies and form bodies carry it
TOKEN = re.compile(r"(?i)(\bbearer\s+|[\"']?access_token[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+")


def _spellings(value: str) -> set:
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1],
            quote(value, safe=""), quote_plus(value)}


def register_secret(value, hashed=False):
    """Keep `value` out of every output; with `hashed`, its SHA-256 (hex) too."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        return
    _secrets.update(_spellings(value))
    if hashed:
        digest = hashlib.sha256(value.encode()).hexdigest()
        _secrets.update({digest, digest.upper()})


def redact(text: str) -> str:
    return "\n".join(map(_redacted_line, text.split("\n")))


def _redacted_line(line: str) -> str:
    if any(secret in line for secret in _secrets):
        return KEPT.match(line).group() + WITHHELD
    return TOKEN.sub(lambda found: found.group(1) + MASK, line)


class RedactingFormatter(logging.Formatter):
    def format(self, record) -> str:
        return redact(super().format(record))
