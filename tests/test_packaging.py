"""An installed csx carries every module, spec, layout and schema of the checkout."""

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_of_the_checkout_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    in_tree = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "extractor").rglob("__init__.py")}
    assert in_tree <= listed
    mapped = config["package-dir"]
    assert (ROOT / mapped["extractor.specs"]).resolve() == ROOT / "specs"
    assert (ROOT / mapped["extractor.schemas"]).resolve() == ROOT / "schemas"
    data = config["package-data"]
    assert {"*.yaml"} <= set(data["extractor.specs"]) and data["extractor.specs.layouts"] == ["*.yaml"]
    assert data["extractor.specs.names"] == ["*.yaml"]  # the job type names lint checks against
    assert data["extractor.schemas"] == ["*.json"]
