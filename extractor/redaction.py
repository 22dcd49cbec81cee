"""Secrets (the instance password) never reach any output, tracebacks included."""

import logging

_secrets: set = set()


def register_secret(value):
    if isinstance(value, str) and value:
        _secrets.add(value)


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "********")
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record) -> str:
        return redact(super().format(record))
