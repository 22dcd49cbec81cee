"""The functions the job record's specs need: seconds_between (run times from dates in any form), from_items
(an object's keys kept, its values changed), with_key (a name carried into a projection) and subtract."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jmespath.exceptions import JMESPathError, JMESPathTypeError

from extractor.language.expressions import compile_expression
from extractor.language.functions import CsxFunctions


def search(expression, scope):
    return compile_expression(expression).search(scope, CsxFunctions(None, scope))


@pytest.mark.parametrize("start, end, seconds", [
    ({"$date": "2025-06-02T15:41:41.733Z"}, {"$date": "2025-06-02T17:09:51.733Z"}, 5290.0),  # v4 job.json
    ("2025-10-07T22:24:41.209000Z", "2025-10-07T23:28:50.209000Z", 3849.0),  # v5
    ("Tue, 11 Oct 2022 20:38:10 GMT", "2022-10-11T22:38:10.500+02:00", 0.5),  # RFC 1123 and an offset
    ({"$date": 1665520690000}, {"$date": {"$numberLong": "1665520690123"}}, 0.123),  # epoch milliseconds
    ("2025-01-01T00:00:10Z", "2025-01-01T00:00:00Z", -10.0),  # end before start: negative, as it is
    ("2025-01-01T00:00:00.0009Z", "2025-01-01T00:00:00.0011Z", 0.001),  # at iso_date's milliseconds
])
def test_seconds_between_dates_of_any_form(start, end, seconds):
    assert search("seconds_between(a, b)", {"a": start, "b": end}) == seconds


def test_seconds_between_is_the_difference_of_the_iso_texts():
    scope = {"a": "2025-10-07T22:24:41.209999Z", "b": "2025-10-07T23:28:50.210001Z"}
    assert (search("iso_date(a)", scope), search("iso_date(b)", scope)) == (
        "2025-10-07T22:24:41.209Z", "2025-10-07T23:28:50.210Z")
    assert search("seconds_between(a, b)", scope) == 3849.001


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)),
       st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_seconds_between_agrees_with_datetime(start, length):
    start = start.replace(microsecond=start.microsecond // 1000 * 1000, tzinfo=timezone.utc)
    end = start + timedelta(milliseconds=length // timedelta(milliseconds=1))
    scope = {"a": {"$date": start.isoformat()}, "b": end.isoformat().replace("+00:00", "Z")}
    assert search("seconds_between(a, b)", scope) == (end - start).total_seconds()


def test_seconds_between_null_and_refusals():
    assert search("seconds_between(a, missing)", {"a": "2025-01-01T00:00:00Z"}) is None
    assert search("seconds_between(missing, b)", {"b": "2025-01-01T00:00:00Z"}) is None
    with pytest.raises(JMESPathError, match=r"^seconds_between\(\): 'soon' is no ISO 8601 or RFC 1123 date"):
        search("seconds_between(a, b)", {"a": "2025-01-01T00:00:00Z", "b": "soon"})
    with pytest.raises(JMESPathTypeError):
        search("seconds_between(a, b)", {"a": [1], "b": None})


def test_from_items_is_the_inverse_of_items():
    params_spec = {"refine_symmetry": {"value": "C3"}, "compute_use_ssd": {"value": False}, "x": {}}
    assert search("from_items(items(p)[*].[[0], [1].value])", {"p": params_spec}) == {
        "refine_symmetry": "C3", "compute_use_ssd": False, "x": None}
    assert search("from_items(items(p))", {"p": {"a": 1, "b": [2]}}) == {"a": 1, "b": [2]}
    assert search("from_items(`[]`)", {}) == {}
    assert search("from_items(`[[\"a\", 1], [\"a\", 2]]`)", {}) == {"a": 2}  # the last pair of a key wins
    for bad in ('`[["a"]]`', '`[[1, 2]]`', '`["a"]`'):
        with pytest.raises(JMESPathError, match=r"^from_items\(\) takes \[key, value\] pairs with a string key"):
            search(f"from_items({bad})", {})


def test_with_key_carries_a_name_into_each_object():
    groups = [{"name": "particles", "connections": [{"job_uid": "J1"}, {"job_uid": "J2"}]},
              {"name": "volume", "connections": [{"job_uid": "J3"}]},
              {"name": "mask", "connections": []}, {"name": "none"}]
    assert search("g[].with_key(connections, 'input', name)[]", {"g": groups}) == [
        {"job_uid": "J1", "input": "particles"}, {"job_uid": "J2", "input": "particles"},
        {"job_uid": "J3", "input": "volume"}]
    assert groups[0]["connections"][0] == {"job_uid": "J1"}  # the document is left as it was
    assert search("with_key(missing, 'k', `1`)", {}) is None
    with pytest.raises(JMESPathError, match=r"^with_key\(\) takes a list of objects"):
        search("with_key(`[1]`, 'k', `1`)", {})


def test_subtract():
    assert search("subtract(a, b)", {"a": 1532877, "b": 1204311}) == 328566
    assert search("subtract(a, b)", {"a": 2.5, "b": 0.25}) == 2.25
    assert search("subtract(a, missing)", {"a": 1}) is None
    with pytest.raises(JMESPathTypeError):
        search("subtract(a, b)", {"a": "1", "b": 1})


class _Job:
    """What params() asks of a job: param(name), the value in force or None."""

    def __init__(self, params):
        self.params = params

    def param(self, name):
        return self.params.get(name)


def test_params_gives_those_with_a_value():
    job = _Job({"diameter": 100, "diameter_max": 160, "use_ring": False, "num_process": None})
    found = compile_expression("params(['diameter', 'use_ring', 'num_process', 'radius'])").search({}, CsxFunctions(job, {}))
    assert found == {"diameter": 100, "use_ring": False}  # False is a value; None and absence are not
    assert compile_expression("params(`[]`)").search({}, CsxFunctions(job, {})) == {}
    with pytest.raises(JMESPathError, match=r"^params\(\) takes a list of parameter names"):
        compile_expression("params(`[1]`)").search({}, CsxFunctions(job, {}))


def test_csx_lint_flags_a_param_the_job_lacks_but_not_params(tmp_path, capsys):
    from pathlib import Path

    from tests.helpers import run_csx

    job = Path(__file__).resolve().parent.parent / "examples" / "CS-transporter-nanodiscs" / "J66"
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "p.schema.json").write_text('{"type": "object"}')
    spec = "kind: p\nmatch: {layout: v5, job_types: [homo_refine_new]}\nfields:\n  a: EXPR\n"
    (tmp_path / "one.yaml").write_text(spec.replace("EXPR", "param('radius')"))
    code, out, _ = run_csx(capsys, "lint", "--specs", tmp_path, "--job", job)
    assert code == 1 and "param('radius'): the job's document has no parameter 'radius'" in out
    (tmp_path / "one.yaml").write_text(spec.replace("EXPR", '"params([\'radius\', \'refine_symmetry\']).radius"'))
    code, out, _ = run_csx(capsys, "lint", "--specs", tmp_path, "--job", job)
    assert code == 0, out
