"""Text from records made safe for HTML, SVG and XML: characters XML 1.0
forbids (most control characters) dropped, and markup characters escaped, so
a hostile or broken title or path stays text."""

import re
from html import escape

# everything but XML 1.0's Char production: tab, newline, carriage return, and the printable planes
FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value) -> str:
    return FORBIDDEN.sub("", str(value))


def escaped(value) -> str:
    """Element content and attribute values alike (quotes escaped too)."""
    return escape(clean(value), quote=True)
