"""CryoSPARC versions as real instances write them: the release number decides, whatever suffix follows."""

import pytest
from packaging.version import Version

from extractor.errors import NoSpecError
from extractor.language.registry import JobKey, Registry
from extractor.language.versions import release
from tests.fixturegen import REFERENCE_PROJECTS, VARIANTS, make_project
from tests.helpers import records, run_csx

WRITTEN = [
    ("v4.7.1", "4.7.1"),
    ("v4.7.1-cuda12+250814", "4.7.1"),  # a build of a release for CUDA 12
    ("v4.4.1+240110", "4.4.1"),  # a patch applied on 2024-01-10
    ("v5.0.4-beta", "5.0.4"),
    ("4.2.1", "4.2.1"),  # no leading v
    ("V4.3.0", "4.3.0"),
    (" v4.6.2 ", "4.6.2"),
]


@pytest.mark.parametrize("text, number", WRITTEN)
def test_a_version_is_its_release_number(text, number):
    assert release(text) == Version(number)


@pytest.mark.parametrize("text", [None, "", "develop", "vnext", "beta-4.7.1", 471])
def test_a_version_without_a_release_number_is_none(text):
    assert release(text) is None


@pytest.fixture(scope="module")
def registry():
    return Registry()


@pytest.mark.parametrize("version", ["v4.7.1-cuda12+250814", "v4.4.1+240110", "v4.2.1+230227", "v4.0.0-beta",
                                     "develop", None])
def test_the_shipped_specs_choose_by_layout_whatever_the_version(registry, version):
    assert registry.choose(JobKey("v4", "nonuniform_refine_new", version)).name == "map-info-v4"


@pytest.mark.parametrize("version", ["v4.7.1-cuda12+250814", "v4.2.1", "v3.3.2", "v5.0.3"])
def test_a_v5_document_gets_the_v5_spec_whoever_ran_the_job(registry, version):
    """After an upgrade to v5, the jobs v4 ran come back in the v5 layout with their own version."""
    assert registry.choose(JobKey("v5", "nonuniform_refine_new", version)).name == "map-info-v5"


SPLIT = """kind: map-info
match:
  layout: v4
  job_types: [nonuniform_refine_new]
  cryosparc: "{range}"
fields:
  gsfsc: job.uid
"""


@pytest.fixture(scope="module")
def split_registry(tmp_path_factory):
    """A folder of specs split by version, as a user may write them."""
    folder = tmp_path_factory.mktemp("split")
    (folder / "older.yaml").write_text(SPLIT.format(range=">=4.0,<4.3"))
    (folder / "newer.yaml").write_text(SPLIT.format(range=">=4.3,<5"))
    return Registry([folder])


@pytest.mark.parametrize("version, spec", [
    ("v4.7.1-cuda12+250814", "newer"),
    ("v4.4.1+240110", "newer"),
    ("v4.2.1+230227", "older"),
    ("v4.0.0-beta", "older"),
])
def test_suffixed_versions_choose_the_spec_of_their_release(split_registry, version, spec):
    assert split_registry.choose(JobKey("v4", "nonuniform_refine_new", version)).name == spec


def test_a_version_with_no_release_number_is_one_line_naming_it(split_registry):
    with pytest.raises(NoSpecError) as caught:
        split_registry.choose(JobKey("v4", "nonuniform_refine_new", "develop"))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("type nonuniform_refine_new, version develop, layout v4: the job's version has no "
                              "release number (such as v4.7.1)")
    assert "several specs match equally" not in message


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """P446 as an instance upgraded to v5 keeps it: v5 documents of jobs v4.7.1 ran."""
    fixture = REFERENCE_PROJECTS["P446"]
    return make_project(tmp_path_factory.mktemp("upgraded"), fixture.puid, fixture.title, fixture.jobs,
                        fixture.dirname, VARIANTS["upgraded"])


def test_an_upgraded_job_gets_its_record_by_default_and_with_spec_by_name(upgraded, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # --spec NAME finds the shipped spec from any folder
    for asked in ([], ["--spec", "map-info-v5.yaml"], ["--spec", "map-info"]):
        code, out, err = run_csx(capsys, "extract", *asked, upgraded / "J329")
        assert (code, err) == (0, [])
        (record,) = records(out)
        assert (record["gsfsc"], record["cfar"], record["fsc_resolution_A"]["tight"]) == (
            2.522837574905974, 0.8075670003890991, 2.5733)


def test_a_forced_spec_is_used_whatever_its_range_but_not_for_another_layout(upgraded, capsys, tmp_path):
    (tmp_path / "v5-only.yaml").write_text("extends: csx:map-info-v5.yaml\nmatch:\n  layout: v5\n"
                                           "  job_types: [nonuniform_refine_new]\n  cryosparc: \">=5.0,<6\"\n")
    code, out, _ = run_csx(capsys, "extract", "--spec", tmp_path / "v5-only.yaml", upgraded / "J329")
    assert (code, records(out)[0]["gsfsc"]) == (0, 2.522837574905974)
    code, out, err = run_csx(capsys, "extract", "--spec", "map-info-v4.yaml", upgraded / "J329")
    assert (code, out) == (1, "")
    assert err[0].endswith(f"map-info-v4.yaml does not fit: written for layout v4, the job's document is v5")


def test_a_retired_spec_says_which_replaced_it(capsys, tmp_path):
    code, out, err = run_csx(capsys, "extract", "--spec", "map-info-v4.0-4.2.yaml", tmp_path)
    assert (code, out) == (2, "")
    assert err == ["csx: --spec map-info-v4.0-4.2.yaml: csx no longer ships this spec; map-info-v4.yaml reads the "
                   "documents of every CryoSPARC 4.x, 4.0 to 4.2 included: use --spec map-info-v4.yaml"]
    (tmp_path / "mine.yaml").write_text("extends: csx:fsc-v4.0-4.2.yaml\n")
    code, out, _ = run_csx(capsys, "lint", tmp_path / "mine.yaml")
    assert (code, out.splitlines()[0]) == (1, f"{tmp_path}/mine.yaml:1:1: extends: csx no longer ships "
                                              "fsc-v4.0-4.2.yaml; fsc-v4.yaml reads the documents of every "
                                              "CryoSPARC 4.x, 4.0 to 4.2 included: extends: csx:fsc-v4.yaml")
