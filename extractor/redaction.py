"""Secrets never reach any output, tracebacks and --debug included: the
instance password in every form a client or server may write it (as typed,
JSON-escaped, repr'd, URL-encoded, and its SHA-256, which the 5.x client sends
instead), and bearer tokens, whichever server issued them.

Nothing is masked where the password stands: a password that is also a word
of the message ("credentials") would be told by the place of its mask. What
a client or a server says is quoted in csx's messages only when it holds no
password (quoted()); a line that still holds one is withheld whole. Tokens,
which no message is made of, are masked where they stand."""

import hashlib
import json
import logging
import re
from urllib.parse import quote, quote_plus

MASK = "********"
WITHHELD = "[a line withheld: it held a password given to csx]"
WITHHELD_QUOTE = "[its words withheld: they quote a password given to csx]"
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


def _holds_secret(text: str) -> bool:
    return any(secret in text for secret in _secrets)


def _tokens_masked(text: str) -> str:
    return TOKEN.sub(lambda found: found.group(1) + MASK, text)


def quoted(text: str) -> str:
    """What a client or a server said (a server may echo the password it was sent), as a message of csx's
    may quote it: withheld when it holds a password, so that the rest of the message can be shown."""
    return WITHHELD_QUOTE if _holds_secret(text) else _tokens_masked(text)


def redact(text: str) -> str:
    """Text about to be shown: each line that holds a password withheld whole, tokens masked."""
    return "\n".join(map(_redacted_line, text.split("\n")))


def _redacted_line(line: str) -> str:
    if _holds_secret(line):
        return KEPT.match(line).group() + WITHHELD
    return _tokens_masked(line)


class RedactingFormatter(logging.Formatter):
    def format(self, record) -> str:
        return redact(super().format(record))
