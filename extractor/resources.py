"""Where the shipped specs and schemas are.

In a source checkout they are the repository's top-level specs/ and schemas/;
an installed csx carries them inside the package, as extractor/specs and
extractor/schemas (see the package-dir mapping in pyproject.toml).
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _shipped(name: str) -> Path:
    if (_CHECKOUT / "pyproject.toml").exists() and (_CHECKOUT / name).is_dir():
        return _CHECKOUT / name
    return _PACKAGE / name


def specs_dir() -> Path:
    return _shipped("specs")


def schemas_dir() -> Path:
    return _shipped("schemas")


# Shipped specs that another now does the work of: naming one (--spec, extends: csx:) gets a line saying
# which, rather than "no such file".
RETIRED_SPECS = {f"{kind}-v4.0-4.2.yaml": f"{kind}-v4.yaml"
                 for kind in ("map-info", "fsc", "table1", "classes-3d", "local-resolution")}


def retired_spec(name: str) -> str | None:
    """The spec that replaced a shipped spec csx no longer ships, or None."""
    return RETIRED_SPECS.get(name)
