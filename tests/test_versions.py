"""CryoSPARC versions as real instances write them: the release number decides, whatever suffix follows."""

import pytest
from packaging.version import Version

from extractor.errors import NoSpecError
from extractor.language.registry import JobKey, Registry
from extractor.language.versions import release

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
