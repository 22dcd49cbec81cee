"""An installed csx carries every module, spec, layout and schema of the checkout."""

import re
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


def test_install_advice_names_no_package_of_the_index_called_csx():
    """`pip install 'csx[plot]'` would fetch an unrelated csx from PyPI: advice installs the checkout ('.[plot]')
    or the dependency itself."""
    texts = {path: path.read_text(encoding="utf-8") for path in [ROOT / "README.md", ROOT / "specs" / "README.md",
                                                                 ROOT / "examples" / "notebook.md",
                                                                 *(ROOT / "extractor").rglob("*.py")]}
    commands = [(path.name, command) for path, text in texts.items()
                for command in re.findall(r"pip install ([^&;#`)\n]*)", text)]
    assert len(commands) >= 5, "install advice not found: the test reads the wrong files"
    # a requirement named csx, with extras or a version or neither; `.` and `'.[plot]'` are the checkout
    wrong = [(name, command) for name, command in commands
             if any(re.fullmatch(r"csx(\[[^]]*\])?([<>=!~].*)?", word.strip("'\"")) for word in command.split())]
    assert not wrong, wrong
