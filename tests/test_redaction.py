"""What the log keeps back: a line holding the password in any spelling a
client or server may write it, or its SHA-256, is withheld whole; bearer
tokens nobody registered are masked where they stand."""

import hashlib
import logging
import sys

from extractor.redaction import WITHHELD, WITHHELD_QUOTE, RedactingFormatter, Secrets, run_scope, run_secrets


def test_every_spelling_of_the_password_and_its_hash_withholds_its_line():
    password = 'pä"ss w\\rd&x'
    secrets = Secrets()
    secrets.add(password, hashed=True)
    redact = secrets.redact
    digest = hashlib.sha256(password.encode()).hexdigest()
    lines = [f"raw {password}", 'json "pä\\"ss w\\\\rd&x"', f"repr {password!r}", "form password=p%C3%A4%22ss+w%5Crd%26x",
             "quoted p%C3%A4%22ss%20w%5Crd%26x", f"hash {digest}", f"HASH {digest.upper()}"]
    assert redact("\n".join(["before", *lines, "after"])) == "\n".join(
        ["before", *[WITHHELD] * len(lines), "after"])


def test_a_password_that_is_a_word_of_the_message_is_not_told_by_a_mask():
    secrets = Secrets()
    secrets.add("credentials")
    redact = secrets.redact
    assert redact("csx: 127.0.0.1:39000: CryoSPARC refused the credentials of ali@example.com") == (
        "csx: [a line withheld: it held a password given to csx]")
    assert redact("2026-06-02T02:00:07Z csx: the credentials of ali") == (
        "2026-06-02T02:00:07Z csx: [a line withheld: it held a password given to csx]")


def test_tokens_are_masked_by_their_shape():
    text = ('Authorization: Bearer eyJhbGciOi.J9x_y | {"access_token": "abc123", "token_type": "bearer"} '
            "| access_token=zz9&grant=1 | 'access_token': 'q-1'")
    assert Secrets().redact(text) == ('Authorization: Bearer ******** | {"access_token": "********", "token_type": "bearer"} '
                            "| access_token=********&grant=1 | 'access_token': '********'")


def test_the_log_masks_tracebacks_too():
    secrets = Secrets()
    secrets.add("tr4ceback-secret")
    try:
        raise RuntimeError("login failed for tr4ceback-secret")
    except RuntimeError:
        record = logging.LogRecord("csx", logging.ERROR, __file__, 1, "csx: failed", None, sys.exc_info())
    text = RedactingFormatter(secrets, "%(message)s").format(record)
    assert "Traceback" in text and "tr4ceback-secret" not in text and f"RuntimeError: {WITHHELD}" not in text
    assert WITHHELD in text.splitlines() and "csx: failed" in text.splitlines()


def test_what_a_server_says_is_quoted_only_without_the_password():
    secrets = Secrets()
    secrets.add("hunter2-wrong")
    quoted = secrets.quoted
    assert quoted("with params ('ali@example.com', 'hunter2-wrong')") == WITHHELD_QUOTE
    assert quoted("Client error '401 Unauthorized'") == "Client error '401 Unauthorized'"
    assert quoted("Authorization: Bearer abc.def") == "Authorization: Bearer ********"


def test_secrets_belong_to_a_run_not_to_the_process():
    """Inside a run (the command line's), every object that learns a secret adds to the run's Secrets; outside
    one (a library call), each keeps its own, and nothing is left behind for the next run."""
    with run_scope() as run:
        run_secrets().add("s3cret-of-run-1")
        assert run_secrets() is run
        assert run.quoted("login s3cret-of-run-1") == WITHHELD_QUOTE
    with run_scope() as later:
        assert later.quoted("login s3cret-of-run-1") == "login s3cret-of-run-1"
    own, other = run_secrets(), run_secrets()
    own.add("instance-a-password")
    assert own is not other
    assert other.quoted("instance-a-password") == "instance-a-password"
    assert own.quoted("instance-a-password") == WITHHELD_QUOTE
