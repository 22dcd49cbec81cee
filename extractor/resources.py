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
