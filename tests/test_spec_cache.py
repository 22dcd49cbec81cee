"""The registry cache: a warm start reads no spec, and any change to a file a
registry was made from rebuilds it."""

import textwrap

import pytest

from extractor.language import registry as registry_module
from extractor.language.registry import Registry
from extractor.resources import specs_dir

SPEC = """\
    kind: map-info
    match: {layout: v4, job_types: [homo_refine_new]}
    fields:
      gsfsc: {expr: job.uid, required: true}
"""


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "csx"


def test_a_warm_start_loads_no_spec(cache_home, monkeypatch):
    cold = Registry()
    assert len(list(cache_home.glob("registry-*.pickle"))) == 1

    def no_loading(self, file):
        raise AssertionError(f"{file} was loaded again")

    monkeypatch.setattr(registry_module.Registry, "load_checked", no_loading)
    warm = Registry()
    assert [s.file for s in warm.specs] == [s.file for s in cold.specs]
    assert [f.expression.text for f in warm.specs[0].fields] == [f.expression.text for f in cold.specs[0].fields]


def test_an_edited_spec_is_loaded_again(cache_home, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.yaml").write_text(textwrap.dedent(SPEC))
    assert Registry([mine]).tiers[0][0].fields[0].required is True
    # same size, other content: only the content tells
    (mine / "a.yaml").write_text(textwrap.dedent(SPEC).replace("required: true", "required: fals"))
    with pytest.raises(Exception, match="spec schema"):
        Registry([mine])
    (mine / "a.yaml").write_text(textwrap.dedent(SPEC).replace("required: true", "required: false"))
    assert Registry([mine]).tiers[0][0].fields[0].required is False
    (mine / "b.yaml").write_text(textwrap.dedent(SPEC).replace("homo_refine_new", "homo_reconstruct"))
    assert [s.name for s in Registry([mine]).tiers[0]] == ["a", "b"]


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shipped = sorted(path.stem for path in specs_dir().glob("*.yaml") if not path.name.startswith("_"))
    assert sorted(spec.name for spec in Registry().specs) == shipped  # every shipped spec, loaded from its file
    assert sorted(spec.name for spec in Registry().specs) == shipped  # and again: nothing cached, nothing lost
    assert (tmp_path / "cache").read_text() == "a file where the cache folder would be"
