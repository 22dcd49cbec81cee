"""A value of the wrong type wherever a layout or a spec reads fails that job
with one line naming the field, never a traceback; nesting is bounded."""

import json

import pytest

from extractor.resources import specs_dir
from tests.trust_helpers import csx, extract


def spec_line(name, start):
    """file:line of the line of a shipped spec that starts with `start`."""
    path = specs_dir() / name
    number = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))
    return f"{path}:{number}"


@pytest.fixture
def p30(project_copy):
    return project_copy("P30")


@pytest.fixture
def p446(project_copy):
    return project_copy("P446")


def edit(job_json, change):
    doc = json.loads(job_json.read_text())
    change(doc)
    job_json.write_text(json.dumps(doc))


def v4_result(doc, name):
    return next(r for r in doc["output_results"] if r["name"] == name and r["group_name"] == "volume")


def v5_result(doc, name):
    return next(r for r in doc["spec"]["outputs"]["volume"]["results"] if r["name"] == name)


def nested(depth, leaf="C1"):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def run_one_bad_job(capsys, tmp_path, project, bad, good):
    """Extract a broken job beside a good one: the good one is written, the broken one gives one line."""
    result = extract(capsys, tmp_path, "--project-dir", project, bad, good)
    assert result.code == 1
    assert list(result.written) == [f"{_puid(project)}-{good}.json"]
    assert len(result.err) == 1
    return result.err[0]


def _puid(project):
    return json.loads((project / "project.json").read_text())["uid"]


@pytest.mark.parametrize("value, kind", [(["completed"], "a list"), ({"state": "completed"}, "an object"),
                                         (3, "a number"), (None, "null"), (True, "a boolean")])
def test_a_status_of_another_type(p30, tmp_path, capsys, value, kind):
    edit(p30 / "J180" / "job.json", lambda doc: doc.update(status=value))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line == f"P30/J180 ({p30}/J180): the job's status (job.status) is {kind}, not a string"


def test_a_status_with_a_newline_is_quoted(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json", lambda doc: doc.update(status="completed\n"))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    # a status CryoSPARC does not have is asked for as any (--status takes CryoSPARC's only)
    assert line == (f"P30/J180 ({p30}/J180): the job is 'completed\\n', not completed; add --status any to extract it "
                    "anyway")


def test_a_job_type_with_a_newline_is_quoted(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json", lambda doc: doc.update(job_type="nonuniform_refine_new\n"))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line.startswith(f"P30/J180 ({p30}/J180): no spec for job type 'nonuniform_refine_new\\n', version "
                           "v4.7.1, layout v4; specs for layout v4: ")


def test_v4_an_input_name_of_another_type(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json", lambda doc: doc["input_slot_groups"][0].update(name=["particles"]))
    result = extract(capsys, tmp_path, "--project-dir", p30, "--spec", "table1", "J180")
    assert (result.code, list(result.written)) == (1, [])
    assert result.err[0] == (f"P30/J180 ({p30}/J180): the job's inputs (job.input_slot_groups[].name) are not a "
                             "list of names")


def test_v4_a_connection_of_another_type(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json",
         lambda doc: doc["input_slot_groups"][0]["connections"][0].update(group_name={"name": "particles"}))
    result = extract(capsys, tmp_path, "--project-dir", p30, "--spec", "table1", "J180")
    assert (result.code, list(result.written)) == (1, [])
    assert result.err[0] == (f"P30/J180 ({p30}/J180): the connections of input 'particles' (job.input_slot_groups"
                             "[?name==`{input}`] | [0].connections[].{job_uid: job_uid, output: group_name, slots: "
                             "slots[].{job_uid: job_uid, output: group_name}}) are not a list of job uids and output "
                             "names")


def test_v4_a_slot_of_another_type(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json",
         lambda doc: doc["input_slot_groups"][0]["connections"][0]["slots"][1].update(job_uid=170))
    result = extract(capsys, tmp_path, "--project-dir", p30, "--spec", "table1", "J180")
    assert (result.code, list(result.written)) == (1, [])
    assert result.err[0] == (f"P30/J180 ({p30}/J180): the connections of input 'particles' (job.input_slot_groups"
                             "[?name==`{input}`] | [0].connections[].{job_uid: job_uid, output: group_name, slots: "
                             "slots[].{job_uid: job_uid, output: group_name}}): the slots of the connection to 'J170' "
                             "are not a list of job uids and output names")


def test_v5_inputs_of_another_type(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: doc["spec"].update(inputs=["particles"]))
    result = extract(capsys, tmp_path, "--project-dir", p446, "--spec", "table1", "J329")
    assert (result.code, list(result.written)) == (1, [])
    layout = specs_dir() / "layouts" / "v5.yaml"
    assert result.err[0] == (f"P446/J329 ({p446}/J329): the job's inputs (keys(job.spec.inputs || `{{}}`)) cannot be "
                             f"read (keys() takes object, not array; layout v5, {layout})")


def test_a_v5_type_of_another_type(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: doc["spec"].update(type=["nonuniform_refine_new"]))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    # a list is no job type: the v5 layout's detect expression finds nothing
    assert line == (f"P446/J329 ({p446}/J329): the job's type (job.spec.type) is a list, not a string")


def test_a_version_of_another_type(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: doc.update(version=5.0))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    assert line == f"P446/J329 ({p446}/J329): the job's version (job.version) is a number, not a string or null"


@pytest.mark.parametrize("value, problem", [
    (7, "the metafiles of result 'map' are a number, not a list of file names"),
    ("J180/J180_009_volume_map.cs", "the metafiles of result 'map' are a string, not a list of file names"),
    ({"0": "J180/J180_009_volume_map.cs"}, "the metafiles of result 'map' are an object, not a list of file names"),
    ([None, 3], "a metafile of result 'map' is null, not a file name"),
])
def test_v4_metafiles_of_another_type(p30, tmp_path, capsys, value, problem):
    edit(p30 / "J180" / "job.json", lambda doc: v4_result(doc, "map").update(metafiles=value))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line == f"P30/J180 ({p30}/J180): output 'volume': {problem}"


def test_v5_metafiles_of_another_type(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: v5_result(doc, "map_half_A").update(metafiles=12))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    assert line == (f"P446/J329 ({p446}/J329): output 'volume': the metafiles of result 'map_half_A' are a "
                    "number, not a list of file names")


def test_a_result_name_of_another_type(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: v5_result(doc, "map").update(name=["map"]))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    assert line == f"P446/J329 ({p446}/J329): output 'volume': a result's name is a list, not a string"


def test_a_passthrough_of_another_type(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json", lambda doc: v4_result(doc, "map").update(passthrough="no"))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line == (f"P30/J180 ({p30}/J180): output 'volume': the passthrough of result 'map' is a string, "
                    "not true or false")


@pytest.mark.parametrize("change, read, kind", [
    (lambda doc: doc.update(params_spec=["refine_symmetry"]), "job.params_spec", "a list"),
    (lambda doc: doc["params_spec"].update(refine_symmetry="C2"), "job.params_spec.refine_symmetry", "a string"),
])
def test_v4_parameters_of_another_type(p30, tmp_path, capsys, change, read, kind):
    edit(p30 / "J181" / "job.json", change)  # J181 sets refine_symmetry itself, so params_spec has it
    line = run_one_bad_job(capsys, tmp_path, p30, "J181", "J180")
    where = spec_line("_map-info-maps.yaml", "      refine_symmetry:")
    assert line == (f"P30/J181 ({p30}/J181): field job_info.parameters.refine_symmetry ({where}): {read} is "
                    f"{kind}, not an object")


def test_v5_parameters_a_list(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: doc["spec"].update(params=["refine_symmetry"]))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    where = spec_line("_map-info-maps.yaml", "      refine_symmetry:")
    assert line == (f"P446/J329 ({p446}/J329): field job_info.parameters.refine_symmetry ({where}): job.spec.params "
                    "is a list, not an object")


@pytest.mark.parametrize("value, kind", [([], "array"), ("volume", "string"), (5, "number")])
def test_v5_spec_outputs_that_are_no_object(p446, tmp_path, capsys, value, kind):
    edit(p446 / "J329" / "job.json", lambda doc: doc["spec"].update(outputs=value))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    layout = specs_dir() / "layouts" / "v5.yaml"
    if value == []:  # an empty list is no output at all
        assert line == f"P446/J329 ({p446}/J329): the job has no output 'volume' (its outputs: none)"
    else:
        assert line == (f"P446/J329 ({p446}/J329): the job's outputs (keys(job.spec.outputs || `{{}}`)) cannot be "
                        f"read (keys() takes object, not {kind}; layout v5, {layout})")


def test_v5_spec_outputs_a_list_of_outputs(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: doc["spec"].update(outputs=list(doc["spec"]["outputs"].values())))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    layout = specs_dir() / "layouts" / "v5.yaml"
    assert line == (f"P446/J329 ({p446}/J329): the job's outputs (keys(job.spec.outputs || `{{}}`)) cannot be "
                    f"read (keys() takes object, not array; layout v5, {layout})")


def test_v4_output_result_groups_an_object(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json",
         lambda doc: doc.update(output_result_groups={g["name"]: g for g in doc["output_result_groups"]}))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line == (f"P30/J180 ({p30}/J180): field gsfsc ({spec_line('map-info-v4.yaml', '  gsfsc:')}): required, "
                    "but `$volume | $gsfsc` is null for this job: none of its spellings is in the document: no "
                    "job.output_result_groups[?name == 'volume']")


def test_v4_output_results_an_object(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json", lambda doc: doc.update(output_results={"volume": doc["output_results"]}))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line == (f"P30/J180 ({p30}/J180): output 'volume' lists no results (job.output_results[?group_name=="
                    "`\"volume\"`].{name: name, metafiles: metafiles, passthrough: passthrough})")


def test_a_gsfsc_that_is_text(p30, tmp_path, capsys):
    def change(doc):
        group = next(g for g in doc["output_result_groups"] if g["name"] == "volume")
        group["latest_summary_stats"]["fsc_info_best"]["radwn_final_A"] = "2.28 A"

    edit(p30 / "J180" / "job.json", change)
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line == (f"P30/J180 ({p30}/J180): field gsfsc ({spec_line('map-info-v4.yaml', '  gsfsc:')}): expected "
                    "number, got a string ('2.28 A')")


def test_a_parameter_nested_past_the_limit(p30, tmp_path, capsys):
    edit(p30 / "J181" / "job.json",
         lambda doc: doc["params_spec"].update(refine_symmetry={"value": nested(500)}))
    line = run_one_bad_job(capsys, tmp_path, p30, "J181", "J180")
    where = spec_line("_map-info-maps.yaml", "      refine_symmetry:")
    assert line == (f"P30/J181 ({p30}/J181): field job_info.parameters.refine_symmetry ({where}): the value nests "
                    "deeper than 100 levels")


def add_deep_key(job_json, depth):
    """A key `ui_layout` nested `depth` levels deep, written as text (json.dumps itself stops near 1000)."""
    text = job_json.read_text()
    job_json.write_text('{"ui_layout": ' + "[" * depth + '"x"' + "]" * depth + ", " + text[1:])


def test_a_thousand_levels_nowhere_a_spec_reads_change_nothing(p30, tmp_path, capsys):
    add_deep_key(p30 / "J180" / "job.json", 1000)
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.err) == (0, [])
    assert result.written["P30-J180.json"]["gsfsc"] == 2.281461238861084


@pytest.mark.parametrize("depth", [101, 1000])
def test_query_on_a_value_nested_past_the_limit(p30, tmp_path, capsys, depth):
    add_deep_key(p30 / "J180" / "job.json", depth)
    result = csx(capsys, tmp_path, "query", "job.ui_layout", p30 / "J180")
    assert (result.code, result.out) == (1, "")  # this job's value, as a field of csx extract would fail
    assert result.err == [f"csx: P30/J180 ({p30}/J180): job.ui_layout: the value nests deeper than 100 levels"]


def test_query_on_a_value_nested_to_the_limit(p30, tmp_path, capsys):
    add_deep_key(p30 / "J180" / "job.json", 100)
    result = csx(capsys, tmp_path, "query", "job.ui_layout", p30 / "J180")
    assert (result.code, result.err) == (0, [])
    value = json.loads(result.out)
    for _ in range(100):
        (value,) = value
    assert value == "x"


def test_nesting_past_what_the_parser_reads_is_one_line(p30, tmp_path, capsys):
    # {"$numberLong": ...} is extended JSON the fast parser leaves to the standard one
    text = '{"count": {"$numberLong": "3"}, "deep": ' + "[" * 5000 + "]" * 5000 + "}"
    (p30 / "J180" / "job.json").write_text(text)
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert line.startswith(f"{p30}/J180/job.json: job.json ")


@pytest.mark.parametrize("value", [[], {}, "map", 3])
def test_v5_results_that_list_nothing(p446, tmp_path, capsys, value):
    edit(p446 / "J329" / "job.json", lambda doc: doc["spec"]["outputs"]["volume"].update(results=value))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    assert line == (f"P446/J329 ({p446}/J329): output 'volume' lists no results (job.spec.outputs.\"volume\""
                    ".results[].{name: name, metafiles: metafiles, passthrough: passthrough})")


def test_a_document_that_breaks_csx_unforeseen_fails_that_job_only(p30, tmp_path, capsys):
    # a $numberLong that is no number: whichever way the parser words it, the job fails alone, by name
    job_json = p30 / "J180" / "job.json"
    job_json.write_text(job_json.read_text().replace('"uid": "J180"', '"uid": "J180", "n": {"$numberLong": "ten"}', 1))
    line = run_one_bad_job(capsys, tmp_path, p30, "J180", "J181")
    assert "J180" in line


def test_a_layout_whose_detect_fails_on_a_document_names_it(p30, tmp_path, capsys):
    layouts = tmp_path / "myspecs" / "layouts"
    layouts.mkdir(parents=True)
    shipped = (specs_dir() / "layouts" / "v5.yaml").read_text()
    (layouts / "v6.yaml").write_text(shipped.replace("layout: v5", "layout: v6").replace(
        "detect: job.spec.type", "detect: \"keys(job.spec)[?@ == 'type6']\""))
    result = extract(capsys, tmp_path, "--specs", tmp_path / "myspecs", p30 / "J180", p30 / "J181")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/{job} ({p30}/{job}): layout v6 cannot tell whether it fits: `keys(job.spec)"
                          "[?@ == 'type6']` fails on this document (keys() takes object, not null; "
                          f"{layouts}/v6.yaml)" for job in ("J180", "J181")]


def test_an_update_time_of_another_type(p446, tmp_path, capsys):
    edit(p446 / "J329" / "job.json", lambda doc: doc.update(updated_at=["2025-06-02T14:01:22Z"]))
    line = run_one_bad_job(capsys, tmp_path, p446, "J329", "J66")
    assert line == f"P446/J329 ({p446}/J329): the job's updated (job.updated_at) is a list, not a date or null"
