"""What the log masks: the password in every spelling a client or server may
write it, its SHA-256, and bearer tokens nobody registered."""

import hashlib
import logging
import sys

from extractor.redaction import RedactingFormatter, redact, register_secret


def test_every_spelling_of_the_password_and_its_hash_is_masked():
    password = 'pä"ss w\\rd&x'
    register_secret(password, hashed=True)
    digest = hashlib.sha256(password.encode()).hexdigest()
    text = (f"raw {password} | json \"pä\\\"ss w\\\\rd&x\" | repr {password!r} "
            "| form password=p%C3%A4%22ss+w%5Crd%26x "
            f"| quoted p%C3%A4%22ss%20w%5Crd%26x | hash {digest} | HASH {digest.upper()}")
    assert redact(text) == ("raw ******** | json \"********\" | repr '********' | form password=******** "
                            "| quoted ******** | hash ******** | HASH ********")


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
    assert "Traceback" in text and "tr4ceback-secret" not in text and "login failed for ********" in text
