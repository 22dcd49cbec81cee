"""Secrets never reach any output, tracebacks and --debug included: the
instance password in every form a client or server may write it (as typed,
JSON-escaped, repr'd, URL-encoded, and its SHA-256, which the 5.x client sends
instead), and bearer tokens, whichever server issued them."""

import hashlib
import json
import logging
import re
from urllib.parse import quote, quote_plus

MASK = "********"
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
    # longest first, so that no spelling is left half-masked by a shorter one inside it
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return TOKEN.sub(lambda found: found.group(1) + MASK, text)


class RedactingFormatter(logging.Formatter):
    def format(self, record) -> str:
        return redact(super().format(record))
