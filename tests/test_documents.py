"""Job documents: any JSON Python's json can write parses, extended JSON in any whitespace, non-finite
numbers become None, integers stay exact, errors name the line and column; and the fast path (orjson on
rewritten bytes) gives exactly what the general path (the standard library) gives, on every shape."""

import json
import math
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import extractor.sources.jobjson
from extractor.sources.jobjson import DocumentError, parse_exact, parse_job_json
from tests.helpers import records, run_csx

# --- values --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    (b'{"a": NaN}', {"a": None}),
    (b'[Infinity, -Infinity, 1e999, -1e999, 1E400, 0.1e310]', [None] * 6),
    (b'{"s": [1.0, NaN], "t": "NaN Infinity"}', {"s": [1.0, None], "t": "NaN Infinity"}),
    (b'{"n": 18446744073709551617}', {"n": 18446744073709551617}),
    (b'{"n": -9223372036854775809}', {"n": -9223372036854775809}),
    (b'{"n": 123456789012345678901234567890123}', {"n": 123456789012345678901234567890123}),
    (b'{"n": 18446744073709551615, "m": -9223372036854775808}', {"n": 2**64 - 1, "m": -(2**63)}),
    (b'{"n": 1e-999}', {"n": 0.0}),
    (b'18446744073709551617', 18446744073709551617),
    (b'[1.00000000000000000000001e-5, 0.0018631417334169713]', [1e-05, 0.0018631417334169713]),
])
def test_every_number_pythons_json_writes(text, expected):
    assert parse_job_json(text) == expected


def test_an_integer_past_64_bits_stays_exact_beside_extended_json():
    doc = parse_job_json(b'{"at": {"$date": "2025-06-02T14:01:22Z"}, "size": 340282366920938463463374607431768211457}')
    assert doc == {"at": "2025-06-02T14:01:22Z", "size": 2**128 + 1}
    assert type(doc["size"]) is int


@pytest.mark.parametrize("text", [
    b'{"at": {"$date": "2025-06-02T14:01:22.123Z"}}',
    b'{"at": {\n    "$date": "2025-06-02T14:01:22.123Z"\n}}',
    b'{"at":{"$date":"2025-06-02T14:01:22.123Z"}}',
    b'{"at": {\r\n\t"$date" :\r\n\t\t"2025-06-02T14:01:22.123Z"\r\n}\n}',
    b'{"at": {"$date": {"$numberLong": "1748872882123"}}}',
    b'{"at": {\n    "$date": {\n        "$numberLong": "1748872882123"\n    }\n}}',
    b'{"at": {"$date": 1748872882123}}',  # older bson json_util: epoch milliseconds
    b'{"at": {\n    "$date": 1748872882123\n}, "n": NaN}',
])
def test_extended_json_whatever_its_whitespace(text):
    """What iso_date() reads: the ISO text, or the milliseconds since 1970 as an integer."""
    expected = "2025-06-02T14:01:22.123Z" if b"2025" in text else 1748872882123
    assert parse_job_json(text)["at"] == expected


@pytest.mark.parametrize("text, expected", [
    (b'{"a": {"$numberLong": "-12"}, "b": {"$numberInt": "7"}}', {"a": -12, "b": 7}),
    (b'{"a": {"$numberDouble": "2.5"}, "b": {"$numberDouble": "NaN"}, "c": {"$numberDouble": "-Infinity"}}',
     {"a": 2.5, "b": None, "c": None}),
    (b'{"_id": {"$oid": "6372a35e821ed2b71d9fe4e3"}}', {"_id": "6372a35e821ed2b71d9fe4e3"}),
    (b'{"two": {"$date": "x", "other": 1}}', {"two": {"$date": "x", "other": 1}}),
])
def test_the_other_extended_values(text, expected):
    assert parse_job_json(text) == expected


# --- errors --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, line, col, message", [
    (b'{\n  "a": {"$numberLong": "12x"}\n}', 2, 24, '{"$numberLong": ...} that holds no number in a string'),
    (b'{"a": {"$numberLong": 12}, "b": 1}', 1, 23, '{"$numberLong": ...} that holds no number in a string'),
    (b'{"a": {"$numberInt": " 5"}}', 1, 22, '{"$numberInt": ...} that holds no number in a string'),
    (b'{\n  "a": [1, 2,]\n}', 2, 14, "Expecting value"),
    (b'{"secret-ish": "\xff\xfe"}', 1, 17, "not UTF-8 text (invalid start byte)"),
    (b'{"a": 1', 1, 8, "Expecting ',' delimiter"),
    (b'[' + b'1' * 5000 + b']', 1, 2, "an integer of more than 4300 digits"),
])
def test_a_parse_error_names_line_and_column_and_never_the_bytes(text, line, col, message):
    with pytest.raises(DocumentError) as caught:
        parse_job_json(text)
    error = caught.value
    assert (error.line, error.col) == (line, col)
    assert message in error.message
    assert "12x" not in str(error) and "\\xff" not in str(error) and "secret" not in str(error)


@pytest.mark.parametrize("text", [
    b'["a{"$date":",1,"}, "]',  # rewritten without regard to strings, it would read as ["a", 1, ", "]
    b'{"k": "x NaN", "v": "y}, NaN]',
    b'{{"$date": "x"}: 1}',  # an extended value where a key must be
])
def test_text_that_is_not_json_stays_refused_by_the_fast_path(text):
    with pytest.raises(DocumentError):
        parse_job_json(text)


@pytest.mark.parametrize("text, expected", [
    (b'{"path": "$HOME/x", "at": {"$date": "$now"}}', {"path": "$HOME/x", "at": "$now"}),
    (b'{"two": {"a": 1, "$date": "x"}}', {"two": {"a": 1, "$date": "x"}}),
    (b'{"t": "{\\"$date\\": \\"x\\"} NaN", "n": NaN}', {"t": '{"$date": "x"} NaN', "n": None}),
    (b'{"t": "back\\\\", "n": [NaN, "\\\\\\"NaN"]}', {"t": "back\\", "n": [None, '\\"NaN']}),
])
def test_dollars_and_nan_in_strings_are_text(text, expected):
    assert parse_job_json(text) == expected == parse_exact(text)


def test_nesting_deeper_than_python_reads_is_one_error():
    with pytest.raises(DocumentError, match="nested too deeply"):
        parse_job_json(b"[" * 100_000 + b"]" * 100_000)


def test_a_bad_job_json_is_one_line_naming_file_line_and_column(project_copy, capsys):
    project = project_copy("P30")
    path = project / "J181" / "job.json"
    path.write_bytes(b'{\n    "uid": "J181",\n    "size": {"$numberLong": "twelve"}\n}\n')
    code, _, err = run_csx(capsys, "extract", project / "J181")
    assert code == 1
    assert err[0] == (f"{path}:3:29: job.json is not valid JSON: a {{\"$numberLong\": ...}} that holds no number "
                      "in a string; is it truncated? re-export the job from CryoSPARC")
    assert "twelve" not in "\n".join(err)


# --- the fast path applies on the common shapes -------------------------------------------------------------


def _refuse(data):
    raise AssertionError("took the general path")


@pytest.mark.parametrize("indent", [None, 4])
@pytest.mark.parametrize("nonfinite", [False, True])
def test_orjson_reads_compact_and_indented_documents_with_or_without_nan(reference_projects, monkeypatch, indent,
                                                                         nonfinite):
    raw = (reference_projects["P30"] / "J180" / "job.json").read_bytes()
    doc = json.loads(raw)
    stats = doc["output_result_groups"][1]["latest_summary_stats"]
    if nonfinite:
        stats["fsc_info"]["fsc_nomask"][-1] = math.nan
        stats["extent"] = math.inf
    data = json.dumps(doc, indent=indent).encode()
    assert (b"NaN" in data) is nonfinite and data.count(b'"$date"') > 10
    expected = parse_exact(data)
    monkeypatch.setattr(extractor.sources.jobjson, "parse_exact", _refuse)
    assert parse_job_json(data) == expected
    assert expected["completed_at"] == "2025-06-02T17:09:51.733Z"  # a date, read through the rewrite


# --- the fast path gives what the general path gives ---------------------------------------------------------

EXTENDED_KEYS = ("$date", "$oid", "$numberLong", "$numberInt", "$numberDouble")
TRICKY_TEXT = st.sampled_from([
    '{"$date": "2025-06-02T14:01:22Z"}', '"$date"', "$date", "NaN", "Infinity", "-Infinity", "1e999", "\\u0024",
    '{"$oid": "x"}, NaN', "\\", '"', "é€😀", "\u2028", "\x00", "$", "{", "}", "[NaN]",
])
TEXT = st.one_of(st.text(max_size=12), TRICKY_TEXT)
NUMBERS = st.one_of(st.integers(), st.integers(min_value=-2**130, max_value=2**130),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([2**64, -(2**63) - 1, 10**19]))


def _extended(children):
    date_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\'), max_size=24)
    return st.one_of(
        st.builds(lambda s: {"$date": s}, st.one_of(date_text, TEXT)),
        st.builds(lambda s: {"$oid": s}, date_text),
        st.builds(lambda n: {"$numberLong": str(n)}, st.integers()),
        st.builds(lambda n: {"$date": {"$numberLong": str(n)}}, st.integers(min_value=0, max_value=2**45)),
        st.builds(lambda v: {"$date": v}, children),
    )


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, TEXT),
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(TEXT.filter(lambda k: k not in EXTENDED_KEYS), children, max_size=5),
        _extended(children),
    ),
    max_leaves=30,
)
# CSX_DOCUMENT_EXAMPLES=5000 runs more (about a second per 1000)
PROPERTY_SETTINGS = settings(max_examples=int(os.environ.get("CSX_DOCUMENT_EXAMPLES", "300")), deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])
INDENTS = st.sampled_from([None, 0, 1, 2, 4, "\t", " \r\n "])
SEPARATORS = st.sampled_from([None, (",", ":"), (" ,", " : "), (",\n", ":\n")])


def _dump(value, indent, separators, ensure_ascii) -> bytes:
    return json.dumps(value, indent=indent, separators=separators, ensure_ascii=ensure_ascii).encode()


def _general(data):
    try:
        return "value", parse_exact(data)
    except DocumentError:
        return "error", None


def _fast(data):
    try:
        return "value", parse_job_json(data)
    except DocumentError:
        return "error", None


@PROPERTY_SETTINGS
@given(VALUES, INDENTS, SEPARATORS, st.booleans())
def test_fast_path_equals_general_path_on_generated_documents(value, indent, separators, ensure_ascii):
    data = _dump({"doc": value}, indent, separators, ensure_ascii)
    assert _fast(data) == _general(data) != ("error", None)


# numbers as any JSON text may spell them, not only as Python's repr does
NUMBER_TEXT = st.from_regex(r"\A-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,3})?\Z")


@PROPERTY_SETTINGS
@given(st.lists(NUMBER_TEXT, min_size=1, max_size=6), st.booleans())
def test_fast_path_equals_general_path_on_number_text(numbers, dated):
    data = ("[" + ", ".join(numbers) + (', {"$date": "2025-06-02T14:01:22Z"}' if dated else "") + "]").encode()
    fast, general = _fast(data), _general(data)
    assert fast == general
    assert [type(n) for n in fast[1]] == [type(n) for n in general[1]]  # 1 stays an int, 1.0 a float


@PROPERTY_SETTINGS
@given(VALUES, INDENTS, st.data())
def test_fast_path_equals_general_path_on_broken_documents(value, indent, data):
    """A byte deleted, or one put in: both paths refuse it, or both read the same thing."""
    text = _dump([value, {"at": {"$date": "2025-06-02T14:01:22Z"}}, math.nan], indent, None, False)
    at = data.draw(st.integers(0, len(text) - 1))
    insert = data.draw(st.sampled_from([b"", b"{", b"}", b'"', b",", b":", b"\\", b"-", b"N", b"\xff", b" "]))
    broken = text[:at] + insert + text[at + (not insert):]
    assert _fast(broken) == _general(broken)


def test_a_document_error_never_quotes_the_document():
    with pytest.raises(DocumentError) as caught:
        parse_job_json(b'{"password": "hunter2", "x": hunter2}')
    assert not re.search("hunter", str(caught.value))


# --- what a record field with NaN in the document becomes -------------------------------------------------


def _volume_stats(project: Path) -> tuple:
    """(J329's job.json path, its document, the volume's statistics in it)."""
    path = project / "J329" / "job.json"
    doc = json.loads(path.read_text())
    return path, doc, doc["spec"]["outputs"]["volume"]["latest_summary_stats"]


def test_a_field_that_reads_nan_is_null_in_the_record(project_copy, capsys):
    project = project_copy("P446")
    path, doc, stats = _volume_stats(project)
    stats.update(cfar=math.nan, guinier_bfactor=-math.inf)
    path.write_text(json.dumps(doc, indent=4))
    code, out, err = run_csx(capsys, "extract", project / "J329")
    assert (code, err) == (0, [])
    (record,) = records(out)
    assert (record["cfar"], record["guinier_bfactor"], record["gsfsc"]) == (None, None, 2.522837574905974)
    assert "NaN" not in out and "Infinity" not in out


def test_a_required_field_that_reads_nan_fails_that_job_naming_the_field(project_copy, capsys):
    project = project_copy("P446")
    path, doc, stats = _volume_stats(project)
    # the corrected resolution beside it is no stand-in: a spelling present but NaN is the answer
    stats["fsc_info_best"]["radwn_final_A"] = math.nan
    assert stats["fsc_info_best"]["radwn_autotight_noisesub_A"] == 2.522837574905974
    path.write_text(json.dumps(doc))
    code, out, err = run_csx(capsys, "extract", project / "J329")
    assert (code, out) == (1, "")
    assert err[0].startswith(f"P446/J329 ({project}/J329): field gsfsc (")
    assert "required, but `$volume | $gsfsc` is null for this job: " in err[0]
    assert err[0].endswith("job.spec.outputs.volume.latest_summary_stats.fsc_info_best.radwn_final_A is null in the "
                           "document (NaN, Infinity or null there)")


def test_query_shows_null_where_the_document_holds_nan(project_copy, capsys):
    project = project_copy("P446")
    path, doc, stats = _volume_stats(project)
    stats["fsc_info_best"]["fsc_nomask"][-1] = math.nan
    path.write_text(json.dumps(doc, indent=4))
    expression = "job.spec.outputs.volume.latest_summary_stats.fsc_info_best.fsc_nomask[-1]"
    code, out, err = run_csx(capsys, "query", expression, project / "J329")
    assert (code, out.strip(), err) == (0, "null", [])
