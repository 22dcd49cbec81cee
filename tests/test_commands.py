"""The authoring and checking commands: query, lint, validate, specs."""

import json
import subprocess
import sys
import textwrap

from extractor.resources import specs_dir
from tests.helpers import run_csx


def test_query_evaluates_over_document_params_and_datasets(reference_projects, capsys):
    job = reference_projects["P30"] / "J181"
    assert run_csx(capsys, "query", "param('refine_symmetry')", job)[1] == '"C2"\n'
    assert run_csx(capsys, "query", "param('refine_relax_symmetry')", job)[1] == '"none"\n'
    code, out, _ = run_csx(capsys, "query", 'datasets.volume."map/shape"', job)
    assert (code, json.loads(out)) == (0, [[350, 350, 350]])
    code, out, _ = run_csx(capsys, "query", "job.output_result_groups[].name", job)
    assert json.loads(out) == ["particles", "volume", "mask"]


def test_query_in_a_v5_document(reference_projects, capsys):
    job = reference_projects["P446"] / "J329"
    code, out, _ = run_csx(capsys, "query", "job.spec.outputs.volume.latest_summary_stats.cfar", job)
    assert (code, out) == (0, "0.8075670003890991\n")
    code, out, _ = run_csx(capsys, "query", "keys(job.spec.outputs.volume.latest_summary_stats)", job)
    assert json.loads(out) == ["cfar", "extent", "fsc_info", "fsc_info_best", "guinier_bfactor",
                               "processed_fraction", "version"]


def test_query_errors(reference_projects, capsys):
    job = reference_projects["P30"] / "J180"
    code, _, err = run_csx(capsys, "query", "job.[", job)
    assert code == 2 and err[0].startswith("csx: query: bad expression") and "column 6" in err[0]
    code, _, err = run_csx(capsys, "query", "datasets.nothing", job)
    assert code == 2 and err[0] == "csx: query: datasets.nothing: the job has no such output (available: particles, volume, mask)"


def test_lint_passes_on_the_shipped_specs(capsys):
    files = list(specs_dir().glob("*.yaml"))
    fragments = sum(1 for f in files if f.name.startswith("_"))
    code, out, _ = run_csx(capsys, "lint", specs_dir())
    assert fragments >= 1
    *warnings, summary = out.splitlines()
    assert (code, summary) == (0, f"csx lint: {len(files) - fragments} spec(s), {fragments} fragment(s) and "
                                  "2 layout(s) are fine")
    # a job type no public source names is a warning, not a failure (tests/test_job_type_names.py)
    assert all(": warning: job type " in line for line in warnings)


def test_lint_reports_every_broken_spec_with_file_and_line(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("kind: map-info\nmatch: {layout: v4, job_types: [x]\n")
    (tmp_path / "b.yaml").write_text(textwrap.dedent("""\
        kind: map-info
        match: {layout: v9, job_types: [x]}
        fields:
          gsfsc: job.[
          psize_A: nope(job)
    """))
    code, out, _ = run_csx(capsys, "lint", tmp_path)
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"{tmp_path}/a.yaml:3:1: YAML syntax")
    assert lines[1] == f"{tmp_path}/b.yaml:4:15: field gsfsc: bad expression: Invalid jmespath expression at end of expression"
    assert lines[2:4] == ["    job.[", "         ^"]
    assert lines[4].startswith(f"{tmp_path}/b.yaml:5:12: field psize_A: unknown function nope()")


def test_lint_reports_an_unknown_layout_and_a_kind_without_schema(tmp_path, capsys):
    (tmp_path / "c.yaml").write_text("kind: map-info\nmatch: {layout: v9, job_types: [sharpen]}\nfields: {gsfsc: job.uid}\n")
    (tmp_path / "d.yaml").write_text("kind: nothing\nmatch: {layout: v4, job_types: [sharpen]}\nfields: {a: job.uid}\n")
    code, out, _ = run_csx(capsys, "lint", tmp_path)
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path}/c.yaml:2:9: match.layout: no layout named 'v9' (known: v4, v5)",
        f"{tmp_path}/d.yaml:1:1: kind: no record schema nothing.schema.json in {specs_dir().parent / 'schemas'}",
    ]


def test_validate_good_and_bad_records(reference_projects, capsys, tmp_path):
    out_dir = tmp_path / "records"
    assert run_csx(capsys, "extract", reference_projects["P30"] / "J180", "-o", out_dir)[0] == 0
    good = out_dir / "P30-J180.json"
    assert run_csx(capsys, "validate", good)[0] == 0
    record = json.loads(good.read_text())
    record["gsfsc"] = "2.28"  # the notebook's string, which the schema refuses
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record))
    code, _, err = run_csx(capsys, "validate", good, bad)
    assert code == 1
    assert err == [f"{bad}:1: record fails map-info.schema.json at gsfsc: '2.28' is not of type 'number'"]


def test_validate_json_lines(reference_projects, capsys, tmp_path):
    code, out, _ = run_csx(capsys, "extract", "--project-dir", reference_projects["P446"], "J66", "J329")
    lines = tmp_path / "out.jsonl"
    lines.write_text(out + "{\"kind\": \"map-info\"}\n")
    code, _, err = run_csx(capsys, "validate", lines)
    assert code == 1
    assert err == [f"{lines}:3: record fails map-info.schema.json at (top level): 'psize_A' is a required property"]


def test_specs_lists_and_explains(reference_projects, capsys):
    code, out, _ = run_csx(capsys, "specs")
    assert code == 0
    rows = {line.split()[0]: line.split()[1:5] for line in out.splitlines()[1:]}
    assert rows["map-info-v4"] == ["map-info", "v4", "any", "homo_refine_new,"]
    assert rows["map-info-v5"] == ["map-info", "v5", "any", "homo_refine_new,"]
    code, out, _ = run_csx(capsys, "specs", "--explain", reference_projects["P446"] / "J66")
    lines = out.splitlines()
    assert lines[0] == f"P446/J66 ({reference_projects['P446']}/J66): type homo_refine_new, version v5.0.3, layout v5"
    assert (f"  map-info-v4 ({specs_dir()}/map-info-v4.yaml) does not match: written for layout v4, "
            "the job's document is v5") in lines
    assert [line for line in lines if line.endswith(" matches")] == [
        f"  map-info-v5 ({specs_dir()}/map-info-v5.yaml) matches"]


def test_python_dash_m_and_exit_codes_in_a_real_process(reference_projects):
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(reference_projects["P30"] / "J184")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_lint_refuses_a_field_the_record_schema_has_no_place_for(tmp_path, capsys):
    (tmp_path / "e.yaml").write_text(textwrap.dedent("""\
        kind: map-info
        match: {layout: v4, job_types: [sharpen]}
        fields:
          job_info:
            parameters:
              refine_symmetry: param('refine_symmetry')
            particles: job.uid
          resolution: job.uid
    """))
    code, out, _ = run_csx(capsys, "lint", tmp_path / "e.yaml")
    assert code == 1
    # parameters takes any key; job_info and the record itself do not
    assert out.splitlines() == [
        f"{tmp_path}/e.yaml:7:5: field job_info.particles: map-info.schema.json has no place for "
        "job_info.particles in a map-info record",
        f"{tmp_path}/e.yaml:8:3: field resolution: map-info.schema.json has no place for "
        "resolution in a map-info record",
    ]


def test_query_keys_outlines_what_is_under_a_path(reference_projects, capsys):
    job = reference_projects["P446"] / "J329"
    code, out, _ = run_csx(capsys, "query", "--keys", "job.spec.outputs.volume.latest_summary_stats", job)
    lines = out.splitlines()
    assert code == 0
    assert [line.split()[0] for line in lines] == ["cfar", "extent", "fsc_info", "fsc_info_best",
                                                   "guinier_bfactor", "processed_fraction", "version"]
    assert lines[0] == "cfar                0.8075670003890991"
    assert lines[3].startswith("fsc_info_best       object, ") and lines[3].endswith(" keys")
    assert lines[6] == "version             8"  # the iteration the statistics describe
    code, out, _ = run_csx(capsys, "query", "--keys", "job.spec.outputs.volume.results", job)
    assert out.splitlines()[:3] == ["array, 8 items", "[0]  object, 6 keys", '  name         "map"']
