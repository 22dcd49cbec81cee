"""Numbers: NaN and infinities never reach output (a field reading one gets
null, a required one fails naming it), in every sink; integers reach the
record exactly or the job fails; the JSON writers refuse what slips past."""

import csv
import io
import json
import math
import sqlite3

import numpy
import pytest

from extractor.errors import RecordWriteError
from extractor.language.values import Column
from extractor.resources import specs_dir
from extractor.run.outcome import Outcome
from extractor.sinks.files import DirectorySink
from extractor.sinks.jsonl import JsonLinesSink
from tests.test_functions import search
from tests.trust_helpers import csx, extract

GSFSC_LINE = "  gsfsc:"


def spec_line(name, start):
    path = specs_dir() / name
    number = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))
    return f"{path}:{number}"


@pytest.fixture
def p30(project_copy):
    return project_copy("P30")


def volume_stats(doc):
    return next(g for g in doc["output_result_groups"] if g["name"] == "volume")["latest_summary_stats"]


def particles_group(doc):
    return next(g for g in doc["output_result_groups"] if g["name"] == "particles")


def edit(job_json, change):
    doc = json.loads(job_json.read_text())
    change(doc)
    job_json.write_text(json.dumps(doc))


def set_column(cs_file, field, value):
    from cryosparc.dataset import Dataset

    dataset = Dataset.load(cs_file)
    dataset[field][:] = value
    dataset.save(cs_file)


# MongoDB extended JSON spells the numbers JSON has no token for like this; the standard parser reads them
NAN, INFINITY, MINUS_INFINITY = ({"$numberDouble": text} for text in ("NaN", "Infinity", "-Infinity"))


def test_non_finite_statistics_become_null_in_every_sink(p30, tmp_path, capsys):
    def change(doc):
        volume_stats(doc).update(cfar=NAN, guinier_bfactor=MINUS_INFINITY)
        volume_stats(doc)["fsc_info_best"]["radwn_tightmask_A"] = INFINITY

    edit(p30 / "J180" / "job.json", change)
    out = tmp_path / "out"
    out.mkdir()
    runs = {
        "jsonl": csx(capsys, tmp_path, "extract", p30 / "J180"),
        "files": extract(capsys, tmp_path, p30 / "J180"),
        "csv": csx(capsys, tmp_path, "extract", "--format", "csv", "-o", out, p30 / "J180"),
        "sqlite": csx(capsys, tmp_path, "extract", "--db", out / "records.db", p30 / "J180"),
    }
    assert {name: (run.code, run.err) for name, run in runs.items()} == {name: (0, []) for name in runs}
    from_stdout = json.loads(runs["jsonl"].out)
    from_file = runs["files"].written["P30-J180.json"]
    row = next(csv.DictReader((out / "map-info.csv").read_text().splitlines()))
    with sqlite3.connect(out / "records.db") as db:
        (stored,) = db.execute("SELECT record FROM map_info").fetchone()
    for record in (from_stdout, from_file, json.loads(stored)):
        assert (record["cfar"], record["guinier_bfactor"], record["fsc_resolution_A"]["tight"]) == (None, None, None)
        assert record["gsfsc"] == 2.281461238861084
    assert (row["cfar"], row["guinier_bfactor"], row["fsc_resolution_A.tight"], row["gsfsc"]) == (
        "", "", "", "2.281461238861084")
    everything = runs["jsonl"].out + (out / "P30-J180.json").read_text() + (out / "map-info.csv").read_text() + stored
    assert "NaN" not in everything and "Infinity" not in everything and "nan" not in everything


@pytest.mark.parametrize("value", [NAN, INFINITY, MINUS_INFINITY])
def test_a_required_field_that_is_not_finite_fails_naming_it(p30, tmp_path, capsys, value):
    edit(p30 / "J180" / "job.json", lambda doc: volume_stats(doc)["fsc_info_best"].update(radwn_final_A=value))
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180", "J181")
    assert result.code == 1
    assert result.err == [f"P30/J180 ({p30}/J180): field gsfsc ({spec_line('map-info-v4.yaml', GSFSC_LINE)}): "
                          "required, but `$volume | $gsfsc` is null for this job: job.output_result_groups[?name == "
                          "'volume'][0].latest_summary_stats.fsc_info_best.radwn_final_A is null in the document (NaN, "
                          "Infinity or null there)"]  # the parser makes NaN null
    assert list(result.written) == ["P30-J181.json"]


def test_a_nan_in_a_dataset_column_that_is_required(p30, tmp_path, capsys):
    set_column(p30 / "J180" / "J180_009_volume_map.cs", "map/psize_A", math.nan)
    result = extract(capsys, tmp_path, p30 / "J180", p30 / "J181")
    assert result.code == 1
    where = spec_line("_map-info-maps.yaml", "  psize_A:")
    assert result.err == [f"P30/J180 ({p30}/J180): field psize_A ({where}): required, but "
                          '`datasets.volume."map/psize_A"[0]` is NaN, not a finite number for this job']
    assert list(result.written) == ["P30-J181.json"]


def test_query_shows_a_column_of_nan_as_nulls(p30, tmp_path, capsys):
    set_column(p30 / "J180" / "J180_009_volume_map.cs", "map/psize_A", math.inf)
    result = csx(capsys, tmp_path, "query", 'datasets.volume."map/psize_A"', p30 / "J180")
    assert (result.code, result.err, json.loads(result.out)) == (0, [], [None])


def test_an_integer_past_64_bits_reaches_every_sink_exactly(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json",
         lambda doc: particles_group(doc).update(num_items={"$numberLong": "18446744073709551617"}))
    out = tmp_path / "out"
    out.mkdir()
    runs = {
        "jsonl": csx(capsys, tmp_path, "extract", p30 / "J180"),
        "files": extract(capsys, tmp_path, p30 / "J180"),
        "csv": csx(capsys, tmp_path, "extract", "--format", "csv", "-o", out, p30 / "J180"),
        "sqlite": csx(capsys, tmp_path, "extract", "--db", out / "records.db", p30 / "J180"),
    }
    assert {name: (run.code, run.err) for name, run in runs.items()} == {name: (0, []) for name in runs}
    assert json.loads(runs["jsonl"].out)["job_info"]["particle_count"] == 18446744073709551617
    assert runs["files"].written["P30-J180.json"]["job_info"]["particle_count"] == 18446744073709551617
    assert next(csv.DictReader((out / "map-info.csv").read_text().splitlines()))["job_info.particle_count"] == "18446744073709551617"
    with sqlite3.connect(out / "records.db") as db:
        (stored,) = db.execute("SELECT record FROM map_info").fetchone()
    assert json.loads(stored)["job_info"]["particle_count"] == 18446744073709551617


def test_an_integer_past_64_bits_as_a_plain_literal_is_exact_or_fails_the_job(p30, tmp_path, capsys):
    job_json = p30 / "J180" / "job.json"
    edit(job_json, lambda doc: particles_group(doc).update(num_items=123456789))
    job_json.write_text(job_json.read_text().replace('"num_items": 123456789', '"num_items": 18446744073709551617'))
    result = extract(capsys, tmp_path, p30 / "J180")
    if result.code == 0:
        assert result.written["P30-J180.json"]["job_info"]["particle_count"] == 18446744073709551617
    else:
        where = spec_line("map-info-v4.yaml", "    particle_count:")
        assert result.err == [f"P30/J180 ({p30}/J180): field job_info.particle_count ({where}): expected an "
                              "integer, got 1.8446744073709552e+19, a number too large to be an exact integer"]
        assert result.written == {}


@pytest.mark.parametrize("value, shown", [(1e20, "1e+20"), (-(2.0 ** 60), "-1.152921504606847e+18")])
def test_a_float_too_large_to_be_an_exact_integer_fails_the_job(p30, tmp_path, capsys, value, shown):
    edit(p30 / "J180" / "job.json", lambda doc: particles_group(doc).update(num_items=value))
    result = extract(capsys, tmp_path, p30 / "J180", p30 / "J181")
    assert result.code == 1
    where = spec_line("map-info-v4.yaml", "    particle_count:")
    assert result.err == [f"P30/J180 ({p30}/J180): field job_info.particle_count ({where}): expected an integer, "
                          f"got {shown}, a number too large to be an exact integer"]
    assert list(result.written) == ["P30-J181.json"]


def test_an_integral_float_within_exact_range_is_an_integer(p30, tmp_path, capsys):
    edit(p30 / "J180" / "job.json", lambda doc: particles_group(doc).update(num_items=2.0 ** 53))
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.err) == (0, [])
    assert result.written["P30-J180.json"]["job_info"]["particle_count"] == 9007199254740992


@pytest.mark.parametrize("dtype, values, total", [
    ("u8", [2 ** 63, 2 ** 63, 5], 18446744073709551621),
    ("i8", [-(2 ** 62), -(2 ** 62), -(2 ** 62)], -13835058055282163712),
    ("i8", [7, -3, 2], 6),
])
def test_the_sum_of_an_integer_column_is_exact_past_64_bits(dtype, values, total):
    scope = {"datasets": {"x": {"n": Column(numpy.array(values, dtype=dtype))}}}
    assert search("sum(datasets.x.n)", scope) == total


def test_the_average_of_integers_past_a_float_is_a_field_error():
    from jmespath.exceptions import JMESPathError

    with pytest.raises(JMESPathError, match=r"^avg\(\) meets an integer too large for it$"):
        search("avg(xs)", {"xs": [10 ** 400, 1]})


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_the_json_lines_writer_refuses_a_non_finite_number(number):
    stdout = io.StringIO()
    with pytest.raises(RecordWriteError, match=r"^P30/J180: its record holds NaN, an infinity or an integer too "
                                               r"long to write as JSON; not written$"):
        JsonLinesSink(stream=stdout).write(Outcome("P30/J180", record={"kind": "map-info", "gsfsc": number}))
    assert stdout.getvalue() == ""


def test_the_file_writer_refuses_a_non_finite_number_and_leaves_nothing(tmp_path):
    sink = DirectorySink(tmp_path / "out")
    with pytest.raises(RecordWriteError, match=r"^P30/J180: its record holds NaN"):
        sink.write(Outcome("P30/J180", record={"kind": "map-info", "curve": [0.5, math.nan]}))
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("value", [b"J180/map.mrc", 1 + 2j])
def test_the_json_writers_refuse_a_value_json_has_no_type_for(tmp_path, value):
    outcome = Outcome("P30/J180", record={"kind": "map-info", "paths": {"map": value}})
    stdout = io.StringIO()
    for sink in (JsonLinesSink(stream=stdout), DirectorySink(tmp_path / "out")):
        with pytest.raises(RecordWriteError, match=r"^P30/J180: its record holds a value JSON has no type for; "
                                                   r"not written$"):
            sink.write(outcome)
    assert stdout.getvalue() == "" and list((tmp_path / "out").iterdir()) == []
