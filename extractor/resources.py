"""Where the shipped specs and schemas are.

In a source checkout they are the repository's top-level specs/ and schemas/;
an installed csx carries them as the extractor.specs / extractor.schemas
package data (see pyproject.toml).
"""

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    if (_CHECKOUT / "pyproject.toml").exists():
        return _CHECKOUT / name
    return Path(str(resources.files(f"extractor.{name}")))


def specs_dir() -> Path:
    return _shipped("specs")


def schemas_dir() -> Path:
    return _shipped("schemas")
