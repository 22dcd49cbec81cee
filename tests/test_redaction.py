"""What the log keeps back: a line holding the password in any spelling a
client or server may write it, or its SHA-256, is withheld whole; bearer
tokens nobody registered are masked where they stand."""

import hashlib
import logging
import sys

import pytest

from extractor import redaction
from extractor.redaction import WITHHELD, WITHHELD_QUOTE, RedactingFormatter, quoted, redact, register_secret


def test_every_spelling_of_the_password_and_its_hash_withholds_its_line():
    password = 'pä"ss w\\rd&x'
    register_secret(password, hashed=True)
    digest = hashlib.sha256(password.encode()).hexdigest()
    lines = [f"raw {password}", 'json "pä\\"ss w\\\\rd&x"', f"repr {password!r}", "form password=p%C3%A4%22ss+w%5Crd%26x",
             "quoted p%C3%A4%22ss%20w%5Crd%26x", f"hash {digest}", f"HASH {digest.upper()}"]
    assert redact("\n".join(["before", *lines, "after"])) == "\n".join(
        ["before", *[WITHHELD] * len(lines), "after"])


@pytest.fixture
def forgotten():
    """The secrets registered in a test are forgotten after it: a common word stays out of other tests' output."""
    kept = set(redaction._secrets)
    yield
    redaction._secrets.intersection_update(kept)


def test_a_password_that_is_a_word_of_the_message_is_not_told_by_a_mask(forgotten):
    register_secret("credentials")
    assert redact("csx: 127.0.0.1:39000: CryoSPARC refused the credentials of ali@example.com") == (
        "csx: [a line withheld: it held a password given to csx]")
    assert redact("2026-06-02T02:00:07Z csx: the credentials of ali") == (
        "2026-06-02T02:00:07Z csx: [a line withheld: it held a password given to csx]")


def test_tokens_are_masked_by_their_shape():
    text = ('Authorization: Bearer eyJhbGciOi.J9x_y | {"access_token": "abc123", "token_type": "bearer"} '
            "| access_token=zz9&grant=1 | 'access_token': 'q-1'")
    assert redact(text) == ('Authorization: Bearer ******** | {"access_token": "********", "token_type": "bearer"} '
                            "| access_token=********&grant=1 | 'access_token': '********'")


def test_the_log_masks_tracebacks_too():
    register_secret("tr4ceback-secret")
    try:
        raise RuntimeError("login failed for tr4ceback-secret")
    except RuntimeError:
        record = logging.LogRecord("csx", logging.ERROR, __file__, 1, "csx: failed", None, sys.exc_info())
    text = RedactingFormatter("%(message)s").format(record)
    assert "Traceback" in text and "tr4ceback-secret" not in text and f"RuntimeError: {WITHHELD}" not in text
    assert WITHHELD in text.splitlines() and "csx: failed" in text.splitlines()


def test_what_a_server_says_is_quoted_only_without_the_password(forgotten):
    register_secret("hunter2-wrong")
    assert quoted("with params ('ali@example.com', 'hunter2-wrong')") == WITHHELD_QUOTE
    assert quoted("Client error '401 Unauthorized'") == "Client error '401 Unauthorized'"
    assert quoted("Authorization: Bearer abc.def") == "Authorization: Bearer ********"
