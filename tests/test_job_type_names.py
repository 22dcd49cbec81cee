"""`csx lint` warns on a job type that no public source names (specs/names/job-types.yaml): a
misspelt type matches no job, silently. The warning names the file, line and column of the name
and the nearest public name; it follows the problems on stdout and leaves the exit status alone."""

import yaml

from extractor.resources import specs_dir
from tests.helpers import run_csx

UNKNOWN = "is named by no public source csx knows (specs/names/job-types.yaml); check the spelling"


def write_spec(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "mine.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


def column(text, line, name):
    """1-based column of `name` on 1-based line `line` of `text`."""
    return text.splitlines()[line - 1].index(name) + 1


def test_a_misspelt_job_type_is_a_warning_with_the_nearest_public_name(tmp_path, capsys):
    text = "kind: map-info\nmatch: {layout: v4, job_types: [homo_refine_new, var3D]}\nfields: {gsfsc: job.uid}\n"
    spec = write_spec(tmp_path, text)
    code, out, err = run_csx(capsys, "lint", spec)
    assert (code, out.splitlines(), err) == (0, [
        f"{spec}:2:{column(text, 2, 'var3D')}: warning: job type var3D {UNKNOWN} (did you mean var_3D?)",
        "csx lint: 1 spec(s), 0 fragment(s) and 0 layout(s) are fine"], [])


def test_related_job_types_are_checked_too_and_a_name_like_none_gets_no_guess(tmp_path, capsys):
    text = ("kind: table1\non_request: true\nmatch: {layout: v4, job_types: [homo_refine_new]}\n"
            "related:\n"
            "  extraction: {upstream: [particles], job_types: [extract_micrographs_cpu_parallel, qqqqzzzz]}\n"
            "fields:\n  lineage: lineage.extraction\n")
    spec = write_spec(tmp_path, text)
    code, out, err = run_csx(capsys, "lint", spec)
    assert (code, out.splitlines()[0]) == (0, f"{spec}:5:{column(text, 5, 'qqqqzzzz')}: warning: job type "
                                              f"qqqqzzzz {UNKNOWN}")
    assert len(out.splitlines()) == 2


def test_a_wrong_job_type_does_not_hide_the_problems(tmp_path, capsys):
    text = "kind: map-info\nmatch: {layout: v9, job_types: [Homo_Refine_New]}\nfields: {gsfsc: job.uid}\n"
    spec = write_spec(tmp_path, text)
    code, out, err = run_csx(capsys, "lint", spec)
    assert (code, out.splitlines(), err) == (1, [
        f"{spec}:2:9: match.layout: no layout named 'v9' (known: v4, v5)",
        f"{spec}:2:{column(text, 2, 'Homo_')}: warning: job type Homo_Refine_New {UNKNOWN} "
        "(did you mean homo_refine_new?)"], ["csx lint: 1 problem(s)"])


def test_a_folder_of_specs_may_name_its_own_job_types(tmp_path, capsys):
    text = "kind: map-info\nmatch: {layout: v4, job_types: [site_refine]}\nfields: {gsfsc: job.uid}\n"
    mine = tmp_path / "mine"
    spec = write_spec(mine, text)
    (mine / "names").mkdir()
    (mine / "names" / "job-types.yaml").write_text("job_types:\n  site_refine: {note: our plugin}\n")
    assert run_csx(capsys, "lint", "--specs", mine, spec) == (
        0, "csx lint: 1 spec(s), 0 fragment(s) and 0 layout(s) are fine\n", [])
    (mine / "names" / "job-types.yaml").write_text("job_types: [site_refine]\n")
    code, out, err = run_csx(capsys, "lint", "--specs", mine, spec)
    assert (code, out) == (1, f"{mine / 'names' / 'job-types.yaml'}:1:1: job_types: a mapping from job type "
                              "names to their sources was expected\n")


def test_the_shipped_list_names_the_types_public_sources_print():
    # the names cryosparc-tools' docs print (jobs.ipynb, custom-workflow.ipynb) and scipion's legacy ones
    public = yaml.safe_load((specs_dir() / "names" / "job-types.yaml").read_text(encoding="utf-8"))["job_types"]
    for name in ("extract_micrographs_cpu_parallel", "downsample_particles", "restack_particles",
                 "hetero_reconstruct_new", "hetero_reconstruct", "rigid_motion_correction_multi", "inspect_picks_v2",
                 "var_3D", "var_3D_disp", "homo_refine", "nonuniform_refine", "class_2D", "snowflake"):
        assert public[name]["sources"], name
    assert "extract_micrographs_cpu_multi" not in public and "extract_micrographs" not in public
