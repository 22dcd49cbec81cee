"""--db as a postgresql:// URL: telling it from an SQLite path, and showing it
without its password (which goes to the URL's Secrets, so no message or
traceback shows it)."""

from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from ..redaction import Secrets, run_secrets

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


def url_secrets(url: str) -> Secrets:
    """The Secrets a sink or reader of this database keeps (run_secrets()), with the URL's password in."""
    secrets = run_secrets()
    parts = urlsplit(url) if is_postgresql_url(url) else None
    passwords = [value for key, value in parse_qsl(parts.query) if key == "password"] if parts else []
    if parts and parts.password:
        passwords += [parts.password, unquote(parts.password)]
    if passwords:
        secrets.add(url)
    for password in passwords:
        secrets.add(password)
    return secrets
