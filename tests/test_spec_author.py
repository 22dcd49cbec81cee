"""The spec author's loop: extends reaching the shipped specs from a folder of one's own, and
csx lint --job reporting every problem of every matching spec in one pass."""

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
        f"P30/J180 ({job}): field cfar ({spec}:9): required, but `job.no_such_key` is null for this job",
        f"{spec}:10:3: field box_size_vox: record fails map-info.schema.json at box_size_vox: 'big' is not of "
        "type 'integer'",
        f"{spec}: record fails map-info.schema.json at gsfsc: {{'exp': 1.5}} is not of type 'number'",
    ]
    assert err == [f"csx lint: P30/J180 ({job}): 5 problem(s)"]


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
