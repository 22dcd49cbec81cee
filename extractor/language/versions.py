"""CryoSPARC version strings as instances write them, compared by their
release number.

Real instances report more than a release: "v4.7.1-cuda12+250814",
"v4.4.1+240110", "v5.0.4-beta", sometimes without the leading "v". PEP 440
cannot parse most of these, so a spec's version range is held against the
release number alone (the first run of dot-separated numbers): the build
and channel suffixes say how CryoSPARC was built, not which documents it
writes.
"""

import re

from packaging.version import Version

RELEASE = re.compile(r"\s*[vV]?(\d+(?:\.\d+)*)")


def release(text) -> Version | None:
    """The release number of a version string ("v4.7.1-cuda12+250814" -> 4.7.1); None where the text has
    none at its start (null, "develop", "")."""
    if not isinstance(text, str):
        return None
    found = RELEASE.match(text)
    if found is None:
        return None
    return Version(found.group(1))
