"""Secrets never reach any output, tracebacks and --debug included: the
instance password in every form a client or server may write it (as typed,
JSON-escaped, repr'd, URL-encoded, and its SHA-256, which the 5.x client sends
instead), and bearer tokens, whichever server issued them.

Nothing is masked where the password stands: a password that is also a word
of the message ("credentials") would be told by the place of its mask. What
a client or a server says is quoted in csx's messages only when it holds no
password (Secrets.quoted); a line that still holds one is withheld whole. Tokens,
which no message is made of, are masked where they stand.

Secrets are kept per run, never for the process: whatever learns one (an
Instance its password and token, a database sink its URL's password) keeps a
Secrets of its own and quotes through it, from any thread. The command line
runs each command in a run_scope(), and everything made inside it adds to the
run's Secrets, which its log redacts; a library call outside any scope gives
each such object a Secrets of its own, gone with the object."""

import hashlib
import json
import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import quote, quote_plus

MASK = "********"
WITHHELD = "[a line withheld: it held a password given to csx]"
WITHHELD_QUOTE = "[its words withheld: they quote a password given to csx]"
KEPT = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ )?(csx: )?")  # what a withheld line keeps: --log-time's time
# a token as HTTP headers, JSON bodies and form bodies carry it
TOKEN = re.compile(r"(?i)(\bbearer\s+|[\"']?access_token[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+")


def _spellings(value: str) -> set:
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1],
            quote(value, safe=""), quote_plus(value)}


class Secrets:
    """What must stay out of every output, and the quoting and redaction that keep it out."""

    def __init__(self):
        self._values = set()

    def add(self, value, hashed=False):
        """Keep `value` out of every output; with `hashed`, its SHA-256 (hex) too."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value:
            return
        self._values.update(_spellings(value))
        if hashed:
            digest = hashlib.sha256(value.encode()).hexdigest()
            self._values.update({digest, digest.upper()})

    def _held_in(self, text: str) -> bool:
        return any(secret in text for secret in self._values)

    def quoted(self, text: str) -> str:
        """What a client or a server said (a server may echo the password it was sent), as a message of
        csx's may quote it: withheld when it holds a password, so that the rest of the message can be
        shown."""
        return WITHHELD_QUOTE if self._held_in(text) else _tokens_masked(text)

    def redact(self, text: str) -> str:
        """Text about to be shown: each line that holds a password withheld whole, tokens masked."""
        return "\n".join(map(self._redacted_line, text.split("\n")))

    def _redacted_line(self, line: str) -> str:
        if self._held_in(line):
            return KEPT.match(line).group() + WITHHELD
        return _tokens_masked(line)


_run: ContextVar = ContextVar("csx_run_secrets", default=None)


@contextmanager
def run_scope():
    """The Secrets of one run (the command line sets one up around a command): every object that learns
    a secret inside it adds to these; they end with the run."""
    secrets = Secrets()
    token = _run.set(secrets)
    try:
        yield secrets
    finally:
        _run.reset(token)


def run_secrets() -> Secrets:
    """The Secrets an object that learns a secret keeps: the run's, inside a run_scope(); else its own."""
    return _run.get() or Secrets()


def _tokens_masked(text: str) -> str:
    return TOKEN.sub(lambda found: found.group(1) + MASK, text)


class RedactingFormatter(logging.Formatter):
    """A log's formatter that redacts what a run's Secrets hold (tracebacks included)."""

    def __init__(self, secrets: Secrets, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.secrets = secrets

    def format(self, record) -> str:
        return self.secrets.redact(super().format(record))
