"""The spec author's loop: extends reaching the shipped specs from a folder of one's own, and
csx lint --job reporting every problem of every matching spec in one pass, fields null because the document
has none of their spellings included."""

import json

from extractor.resources import specs_dir
from tests.helpers import records, run_csx

FOUR_MISTAKES = """extends: csx:map-info-v4.yaml
description: a facility's map-info, with four mistakes
match:
  layout: v4
  job_types: [nonuniform_refine_new]
  cryosparc: ">=4.3,<5"
fields:
  gsfsc: {exp: "`1.5`"}
  cfar: {expr: job.no_such_key, required: true}
  box_size_vox: {expr: "`\\"big\\"`"}
  job_info:
    parameters:
      refine_symmetry: param('refine_symetry')
"""


def test_a_user_spec_extends_a_shipped_one(reference_projects, capsys, tmp_path):
    (tmp_path / "mine.yaml").write_text("extends: csx:map-info-v4.yaml\nfields:\n  cfar: {expr: '`0.75`'}\n")
    code, out, err = run_csx(capsys, "extract", "--specs", tmp_path, "--spec", tmp_path / "mine.yaml",
                             reference_projects["P30"] / "J180")
    (record,) = records(out)
    assert (code, record["cfar"], record["gsfsc"], record["box_size_vox"]) == (0, 0.75, 2.281461238861084, 350)


def test_a_user_spec_extends_a_shipped_fragment(reference_projects, capsys, tmp_path):
    (tmp_path / "maps.yaml").write_text(
        "extends: csx:_map-info-maps.yaml\nkind: map-info\ndescription: maps only\nmatch:\n  layout: v4\n"
        "  job_types: [nonuniform_refine_new]\nfields:\n  gsfsc: {expr: '`2.0`', type: number}\n"
        "  job_info:\n    type: job.job_type\n")
    assert run_csx(capsys, "lint", "--specs", tmp_path, tmp_path)[0] == 0
    code, out, _ = run_csx(capsys, "extract", "--spec", tmp_path / "maps.yaml", reference_projects["P30"] / "J180",
                           "--no-validate")
    (record,) = records(out)
    assert record["paths"]["map_half_B"] == f"{reference_projects['P30']}/J180/J180_009_volume_map_half_B.mrc"


def test_extends_of_a_shipped_file_that_does_not_exist(capsys, tmp_path):
    (tmp_path / "x.yaml").write_text("extends: csx:_no-such.yaml\nkind: map-info\nmatch: {layout: v4, job_types: [a]}\n"
                                     "fields:\n  a: job.uid\n")
    code, out, _ = run_csx(capsys, "lint", tmp_path / "x.yaml")
    assert code == 1
    assert out.splitlines()[0].startswith(f"{tmp_path}/x.yaml:1:1: extends: no file ")
    assert out.splitlines()[0].endswith("/_no-such.yaml")


def test_lint_job_reports_four_mistakes_in_one_run(reference_projects, capsys, tmp_path):
    (tmp_path / "mine.yaml").write_text(FOUR_MISTAKES)
    job = reference_projects["P30"] / "J180"
    code, out, err = run_csx(capsys, "lint", "--specs", tmp_path, "--job", job)
    spec = tmp_path / "mine.yaml"
    assert code == 1
    assert out.splitlines() == [
        f"{spec}:8:11: field gsfsc.exp: 'exp' looks like the field option 'expr'; as written, gsfsc is a group "
        "with a field named exp (a field's options: expr, required, type, default)",
        f"{spec}:13:7: field job_info.parameters.refine_symmetry: param('refine_symetry'): the job's document has "
        "no parameter 'refine_symetry'; did you mean 'refine_symmetry'?",
        f"P30/J180 ({job}): field cfar ({spec}:9): required, but `job.no_such_key` is null for this job: none of "
        "its spellings is in the document: job has no no_such_key",
        f"{spec}:10:3: field box_size_vox: record fails map-info.schema.json at box_size_vox: 'big' is not of "
        "type 'integer'",
        f"{spec}: record fails map-info.schema.json at gsfsc: {{'exp': 1.5}} is not of type 'number'",
        # the shipped spec, which matches the job as well
        f"P30/J180 ({job}): field cfar ({specs_dir()}/map-info-v4.yaml:19) is null: none of its spellings is in the "
        "document: job.output_result_groups[?name == 'volume'][0].latest_summary_stats has no cfar",
    ]
    assert err == [f"csx lint: P30/J180 ({job}): 6 problem(s)"]


def test_lint_job_on_a_v5_job_with_the_shipped_specs(reference_projects, capsys):
    job = reference_projects["P446"] / "J329"
    code, out, _ = run_csx(capsys, "lint", "--job", job)
    assert (code, out) == (0, f"csx lint: P446/J329 ({job}): fsc-v5, job-v5, map-info-v5, table1-v5: fine\n")


def test_lint_job_knows_the_parameters_of_a_v5_document(reference_projects, capsys, tmp_path):
    (tmp_path / "p.yaml").write_text("extends: csx:map-info-v5.yaml\nfields:\n  job_info:\n    parameters:\n"
                                     "      refine_symmetry: param('refine_symmetry')\n      "
                                     "refine_relax_symmetry: param('relax')\n")
    code, out, _ = run_csx(capsys, "lint", "--specs", tmp_path, "--job", reference_projects["P446"] / "J329")
    assert code == 1
    assert [line.split(": ", 2)[2] for line in out.splitlines()] == [
        "param('relax'): the job's document has no parameter 'relax'"]


def test_query_keys_shows_a_sample_value_or_the_type_of_each_key(reference_projects, capsys):
    job = reference_projects["P30"] / "J180"
    code, out, _ = run_csx(capsys, "query", "--keys", "job.output_result_groups[0]", job)
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert lines["name"] == '"particles"' and lines["num_items"] == "656974"
    assert lines["contains"].startswith("array, ")


def test_lint_job_names_the_spelling_a_job_lacks(reference_projects, capsys):
    """CryoSPARC's v4.7.1 example job reports no cFAR: the one field lint has to say something of."""
    job = reference_projects["P30"] / "J180"
    code, out, err = run_csx(capsys, "lint", "--job", job)
    assert code == 1
    assert out.splitlines() == [
        f"P30/J180 ({job}): field cfar ({specs_dir()}/map-info-v4.yaml:19) is null: none of its spellings is in the "
        "document: job.output_result_groups[?name == 'volume'][0].latest_summary_stats has no cfar"]
    assert err == [f"csx lint: P30/J180 ({job}): 1 problem(s)"]


def _volume_stats(doc: dict) -> dict:
    return next(g for g in doc["output_result_groups"] if g["name"] == "volume")["latest_summary_stats"]


def test_lint_job_names_every_spelling_tried_for_a_member_of_a_field(project_copy, capsys):
    job = project_copy("P30") / "J180"
    doc = json.loads((job / "job.json").read_text())
    del _volume_stats(doc)["fsc_info_best"]["radwn_tightmask_A"]
    (job / "job.json").write_text(json.dumps(doc))
    code, out, _ = run_csx(capsys, "lint", "--job", job)
    where = "job.output_result_groups[?name == 'volume'][0].latest_summary_stats.fsc_info_best"
    assert code == 1
    assert out.splitlines() == [
        f"P30/J180 ({job}): field resolution_A.tight ({specs_dir()}/fsc-v4.yaml:18) is null: none of its spellings "
        f"is in the document: {where} has none of radwn_tightmask_A, radwn_resmask_A",
        f"P30/J180 ({job}): field cfar ({specs_dir()}/map-info-v4.yaml:19) is null: none of its spellings is in the "
        "document: job.output_result_groups[?name == 'volume'][0].latest_summary_stats has no cfar",
        f"P30/J180 ({job}): field fsc_resolution_A.tight ({specs_dir()}/map-info-v4.yaml:21) is null: none of its "
        f"spellings is in the document: {where} has none of radwn_tightmask_A, radwn_resmask_A"]


OLD_NAMES = """extends: csx:map-info-v4.yaml
fields:
  fsc_resolution_A:
    expr: >-
      job.output_result_groups[?name=='volume'] | [0].latest_summary_stats.fsc_info_best.{
      tight: radwn_tightmask_A, corrected: radwn_noisesub_A}
"""


def test_lint_job_says_a_field_is_null_where_the_document_renamed_the_curves(project_copy, capsys, tmp_path):
    """A v4-shaped job.json of 2026 with the v5 names, read by a spec that knows only the v4 ones."""
    job = project_copy("P30") / "J180"
    doc = json.loads((job / "job.json").read_text())
    best = _volume_stats(doc)["fsc_info_best"]
    best["radwn_resmask_A"], best["radwn_autotight_noisesub_A"] = best.pop("radwn_tightmask_A"), best.pop(
        "radwn_noisesub_A")
    (job / "job.json").write_text(json.dumps(doc))
    (tmp_path / "mine.yaml").write_text(OLD_NAMES)
    code, out, _ = run_csx(capsys, "lint", "--specs", tmp_path, "--job", job)
    where = "job.output_result_groups[?name == 'volume'][0].latest_summary_stats.fsc_info_best"
    mine = [line for line in out.splitlines() if "mine.yaml" in line]
    assert code == 1
    assert mine == [f"P30/J180 ({job}): field fsc_resolution_A.{name} ({tmp_path}/mine.yaml:3) is null: none of its "
                    f"spellings is in the document: {where} has no {key}"
                    for name, key in (("tight", "radwn_tightmask_A"), ("corrected", "radwn_noisesub_A"))]
    # the shipped spec reads both names
    code, out, _ = run_csx(capsys, "extract", job)
    assert (code, records(out)[0]["fsc_resolution_A"]) == (0, {
        "no_mask": 3.08, "spherical": 2.7378, "loose": 2.5096, "tight": 2.3271, "corrected": 2.281461238861084})


V4_KEYS_FOR_V5 = """extends: csx:map-info-v5.yaml
fields:
  cfar: job.output_result_groups[?name=='volume'] | [0].latest_summary_stats.cfar
"""


def test_lint_job_says_a_field_reads_another_layouts_keys(reference_projects, capsys, tmp_path):
    (tmp_path / "mine.yaml").write_text(V4_KEYS_FOR_V5)
    job = reference_projects["P446"] / "J329"
    code, out, _ = run_csx(capsys, "lint", "--specs", tmp_path, "--job", job)
    assert code == 1
    assert out.splitlines() == [
        f"P446/J329 ({job}): field cfar ({tmp_path}/mine.yaml:3) is null: it reads job.output_result_groups, which "
        f"documents of layout v4 have ({specs_dir()}/layouts/v4.yaml); this job's document is layout v5: the spec "
        "is written for another layout"]


def test_lint_job_says_a_required_field_reads_another_layouts_keys(reference_projects, capsys, tmp_path):
    (tmp_path / "mine.yaml").write_text(V4_KEYS_FOR_V5.replace("  cfar: job", "  cfar:\n    required: true\n"
                                                                              "    expr: job"))
    job = reference_projects["P446"] / "J329"
    code, out, _ = run_csx(capsys, "lint", "--specs", tmp_path, "--job", job)
    assert code == 1
    assert out.splitlines() == [
        f"P446/J329 ({job}): field cfar ({tmp_path}/mine.yaml:3): required, but `job.output_result_groups[?name=="
        "'volume'] | [0].latest_summary_stats.cfar` is null for this job: none of its spellings is in the document: "
        "no job.output_result_groups[?name == 'volume']; it reads job.output_result_groups, which documents of "
        f"layout v4 have ({specs_dir()}/layouts/v4.yaml); this job's document is layout v5: the spec is written for "
        "another layout"]
