"""Specs of any job type (match.job_types: any): chosen where no spec of their tier names the job's type, never
in competition with one that does; two of them for the same jobs are refused at load. csx specs shows them, and
--coverage and --kinds say what the specs cover."""

import re
from pathlib import Path

import pytest

from extractor.errors import SpecError
from extractor.language.coverage import kind_coverage, type_coverage
from extractor.language.registry import JobKey, Registry
from tests.helpers import records, run_csx

ROOT = Path(__file__).resolve().parent.parent
P446 = ROOT / "examples" / "CS-transporter-nanodiscs"
README = (ROOT / "README.md").read_text()

DEFAULT_ANY = """kind: job
match: {layout: v5, job_types: any}
fields:
  job_info: {puid: project.uid, juid: job.uid, type: job.spec.type, title: job.title, status: job.status,
             version: job.version}
  times: {created_at: job.created_at, started_at: job.started_at, completed_at: job.completed_at,
          run_seconds: job.uid}
  inputs: {expr: '`[]`'}
  outputs: {expr: '`[]`'}
  params: {expr: '`{}`'}
  disk_bytes: job.job_dir_size
"""


def _folder(tmp_path, **files) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text)
    return folder


def test_a_spec_of_any_type_matches_every_job_of_its_layout():
    registry = Registry()
    for job_type in ("nonuniform_refine_new", "snowflake", "a_type_of_2031"):
        assert registry.choose(JobKey("v5", job_type, "v5.0.3"), "job").name == "job-v5"
        assert registry.choose(JobKey("v4", job_type, "v4.7.1"), "job").name == "job-v4"
    # and an upgraded instance's v5-shaped document of a job v4 ran (no version range)
    assert registry.choose(JobKey("v5", "homo_refine_new", "v4.7.1"), "job").name == "job-v5"


def test_a_spec_naming_the_type_wins_over_a_default_spec_of_any_type(tmp_path, capsys):
    """A user's default spec of any type gives a record to every job no spec of theirs names; the shipped
    specs' kinds are not replaced for the types the user's folder names (none here: the user's tier wins)."""
    folder = _folder(tmp_path, anything=DEFAULT_ANY.replace("kind: job", "kind: job"),
                     refinements=DEFAULT_ANY.replace("job_types: any", "job_types: [nonuniform_refine_new]")
                     .replace("disk_bytes: job.job_dir_size", "disk_bytes: job.uid_num"))
    registry = Registry([folder])
    assert registry.choose(JobKey("v5", "nonuniform_refine_new", "v5.0.3")).name == "refinements"
    assert registry.choose(JobKey("v5", "homo_refine_new", "v5.0.3")).name == "anything"
    code, out, _ = run_csx(capsys, "extract", "--specs", folder, "--no-validate", P446 / "J329", P446 / "J66")
    assert [r["disk_bytes"] for r in records(out)] == [329, 0]  # J329 by refinements (uid_num), J66 by anything


def test_two_specs_of_any_type_for_the_same_jobs_are_refused_at_load(tmp_path):
    folder = _folder(tmp_path, first=DEFAULT_ANY, second=DEFAULT_ANY)
    with pytest.raises(SpecError, match=r"second\.yaml:2:\d+: matches the same jobs as .*first\.yaml \(any job "
                                        r"type, layout v5"):
        Registry([folder])


def test_any_type_specs_of_other_layouts_or_ranges_coexist(tmp_path):
    folder = _folder(tmp_path, old=DEFAULT_ANY.replace("job_types: any}", "job_types: any, cryosparc: '<5'}"),
                     new=DEFAULT_ANY.replace("job_types: any}", "job_types: any, cryosparc: '>=5'}"),
                     four=DEFAULT_ANY.replace("layout: v5", "layout: v4"))
    registry = Registry([folder])
    assert registry.choose(JobKey("v5", "x", "v4.7.1")).name == "old"
    assert registry.choose(JobKey("v5", "x", "v5.0.3")).name == "new"
    assert registry.choose(JobKey("v4", "x", "v4.7.1")).name == "four"


def test_job_types_is_a_list_or_any(tmp_path, capsys):
    folder = _folder(tmp_path, bad=DEFAULT_ANY.replace("job_types: any", "job_types: all"))
    code, out, _ = run_csx(capsys, "lint", "--specs", folder, folder / "bad.yaml")
    assert code == 1 and re.search(r"bad\.yaml:2:\d+: spec schema: match/job_types: 'any' was expected", out)


def test_csx_specs_lists_any_and_explains_it(capsys):
    code, out, _ = run_csx(capsys, "specs")
    assert code == 0
    job_v5 = next(line for line in out.splitlines() if line.startswith("job-v5 "))
    assert re.match(r"job-v5\s+job\s+v5\s+any\s+any\s+", job_v5)
    code, out, _ = run_csx(capsys, "specs", "--explain", P446 / "J1")
    assert "  job-v5 (" in out and "job-v5.yaml) matches when asked for (--spec job)" in out
    assert "  picking-v5 (" in out and "does not match: job type import_movies is not among blob_picker_gpu" in out


# --- coverage --------------------------------------------------------------------------------------------------


def test_coverage_says_which_kinds_each_job_type_gets(capsys):
    code, out, _ = run_csx(capsys, "specs", "--coverage")
    assert code == 0
    rows = {line.split()[0]: re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[1:]}
    assert rows["blob_picker_gpu"] == ["blob_picker_gpu", "picking (v4, v5)", "job (v4, v5)"]
    assert rows["nonuniform_refine_new"] == ["nonuniform_refine_new", "map-info (v4, v5)",
                                             "fsc (v4, v5), job (v4, v5), table1 (v4, v5)"]
    assert rows["(any"] == ["(any other type)", "-", "job (v4, v5)"]
    assert out.splitlines()[0].split() == ["JOB", "TYPE", "RECORD", "ON", "REQUEST"]


def test_coverage_of_a_registry_with_a_default_spec_of_any_type(tmp_path):
    registry = Registry([_folder(tmp_path, anything=DEFAULT_ANY)])
    rows = {row.job_type: row for row in type_coverage(registry)}
    # the user's default spec of any type is the default of the types no shipped spec names, and beside
    # the shipped default of those that one names
    assert rows[None].default == ("job (v5)",)
    assert rows["sharpen"].default == ("sharpen (v4, v5)",)


def test_the_readme_kinds_table_is_what_the_specs_say(capsys):
    """README.md's list of record kinds is `csx specs --kinds --markdown`, pasted between its markers."""
    code, out, _ = run_csx(capsys, "specs", "--kinds", "--markdown")
    assert code == 0
    table = re.search(r"<!-- kinds: csx specs --kinds --markdown -->\n(.*?)<!-- /kinds -->", README, re.S)
    assert table is not None, "README.md has no generated kinds table"
    assert table.group(1) == out


def test_every_kind_has_its_schema_description_and_types():
    rows = {row.kind: row for row in kind_coverage(Registry())}
    assert rows["job"].any_type and rows["job"].on_request and rows["job"].layouts == ("v4", "v5")
    assert rows["picking"].job_types == ("blob_picker_gpu", "filament_tracer_gpu", "template_picker_gpu",
                                         "topaz_extract")
    assert rows["curation"].description.startswith("Curation and selection (manual exposure curation")
    assert not rows["picking"].on_request


def test_coverage_options_go_alone(capsys):
    assert run_csx(capsys, "specs", "--coverage", "--kinds")[0] == 2
    assert run_csx(capsys, "specs", "--markdown")[0] == 2
