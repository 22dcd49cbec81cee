"""--db as a postgresql:// URL: telling it from an SQLite path, and showing it
without its password (which goes to redaction, so no message or traceback
shows it)."""

from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from ..redaction import register_secret

SCHEMES = ("postgresql://", "postgres://")


def is_postgresql_url(target) -> bool:
    return str(target).startswith(SCHEMES)


def safe_url(url: str) -> str:
    """The URL as it may be shown: no password, in the address or in the query."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    query = "&".join(f"{key}={'********' if key == 'password' else value}"
                     for key, value in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def register_url_secrets(url: str):
    parts = urlsplit(url)
    passwords = [value for key, value in parse_qsl(parts.query) if key == "password"]
    if parts.password:
        passwords += [parts.password, unquote(parts.password)]
    if passwords:
        register_secret(url)
    for password in passwords:
        register_secret(password)
