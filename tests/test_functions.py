"""csx's JMESPath functions, each on plain lists and on numpy-backed columns."""

import numpy
import pytest
from jmespath.exceptions import JMESPathTypeError

from extractor.language.values import Column, plain
from extractor.language.expressions import compile_expression
from extractor.language.functions import CsxFunctions


def search(expression, scope):
    return compile_expression(expression).search(scope, CsxFunctions(None, scope))


@pytest.fixture
def scope():
    df1 = numpy.array([12000.0, 15000.0, 21000.0, 9000.0], dtype="f4")
    df2 = numpy.array([12500.0, 14000.0, 21800.0, 9100.0], dtype="f4")
    return {
        "datasets": {"x": {"ctf/df1_A": Column(df1), "ctf/df2_A": Column(df2),
                           "blob/path": Column(numpy.array(["a.mrc", "b.mrc"], dtype=object))}},
        "plain": [3, 1, 2],
        "job": {"spec": {"outputs": {"volume": {"num_items": 1}, "particles": {"num_items": 440847}}}},
    }


def test_aggregates_on_a_column(scope):
    assert search('length(datasets.x."ctf/df1_A")', scope) == 4
    assert search('min(datasets.x."ctf/df1_A")', scope) == 9000.0
    assert search('max(datasets.x."ctf/df1_A")', scope) == 21000.0
    assert search('sum(datasets.x."ctf/df1_A")', scope) == 57000.0
    assert search('avg(datasets.x."ctf/df1_A")', scope) == 14250.0
    assert search('median(datasets.x."ctf/df1_A")', scope) == 13500.0


def test_aggregates_on_plain_lists_keep_jmespath_meaning(scope):
    assert search("min(plain)", scope) == 1 and search("max(plain)", scope) == 3
    assert search("median(plain)", scope) == 2.0 and search("avg(plain)", scope) == 2.0
    assert search("median(`[]`)", scope) is None and search("max(`[]`)", scope) is None
    assert search("min(`[\"b\", \"a\"]`)", scope) == "a"


def test_row_by_row_columns(scope):
    means = search('mean_of(datasets.x."ctf/df1_A", datasets.x."ctf/df2_A")', scope)
    assert plain(means) == [12250.0, 14500.0, 21400.0, 9050.0]
    assert search('median(abs_diff(datasets.x."ctf/df1_A", datasets.x."ctf/df2_A"))', scope) == 650.0


def test_a_column_still_indexes_and_projects_like_a_list(scope):
    assert search('datasets.x."ctf/df1_A"[1]', scope) == 15000.0
    assert search('datasets.x."ctf/df1_A"[-1:]', scope) == [9000.0]
    assert search('datasets.x."blob/path"[?contains(@, `"b"`)]', scope) == ["b.mrc"]


def test_type_errors_are_short_even_for_big_columns(scope):
    with pytest.raises(JMESPathTypeError) as caught:
        search('sum(datasets.x."blob/path")', scope)
    assert "<column of 2 object>" in str(caught.value)


def test_items_get_and_root(scope):
    assert search("items(job.spec.outputs)[*][0]", scope) == ["volume", "particles"]
    assert search("get(job.spec.outputs, 'particles').num_items", scope) == 440847
    assert search("get(`null`, 'x')", scope) is None
    assert search("items(job.spec.outputs)[*].get(root().job.spec.outputs, [0]).num_items", scope) == [1, 440847]


def test_a_million_rows_summarised_without_python_lists():
    rows = numpy.random.default_rng(7).normal(15000, 3000, 1_000_000).astype("f4")
    column = Column(rows)
    scope = {"datasets": {"x": {"ctf/df1_A": column}}}
    assert search('median(datasets.x."ctf/df1_A")', scope) == float(numpy.median(rows))
    assert list.__len__(column) == 0  # its list storage was never filled


def test_zip_pairs_lists_and_columns_row_by_row(scope):
    assert search("zip(plain, `[\"a\", \"b\", \"c\", \"d\"]`)", scope) == [[3, "a"], [1, "b"], [2, "c"]]
    assert search('zip(datasets.x."blob/path", plain)', scope) == [["a.mrc", 3], ["b.mrc", 1]]
    assert search("zip(`[]`, plain)", scope) == []


def test_shell_frequencies_divide_by_box_and_pixel_size():
    fsc = {"radwns": [0, 1, 2, 175], "N": 350, "psize": 0.5}
    assert search("shell_frequencies(radwns, N, psize)", fsc) == [0.0, 1 / 175, 2 / 175, 1.0]
    assert search("shell_frequencies(missing, N, psize)", fsc) is None
    assert search("shell_frequencies(radwns, missing, psize)", fsc) is None
    with pytest.raises(JMESPathTypeError):
        search("shell_frequencies(`[\"a\"]`, N, psize)", fsc)


# each form a CryoSPARC document has carried a date in, and the one text they all become
DATES = [
    ("2025-06-02T17:09:51.733Z", "2025-06-02T17:09:51.733Z"),  # job.json {"$date": ISO}, as the source gives it
    ("2025-10-07T23:28:50.209000Z", "2025-10-07T23:28:50.209Z"),  # v5, microseconds
    ("2025-10-07T23:28:50.209+02:00", "2025-10-07T21:28:50.209Z"),  # an offset
    ("2025-10-07T23:28:50", "2025-10-07T23:28:50.000Z"),  # no zone: CryoSPARC's times are UTC
    ("Tue, 11 Oct 2022 20:38:10 GMT", "2022-10-11T20:38:10.000Z"),  # v4 command_core (Flask)
    (1665520690000, "2022-10-11T20:38:10.000Z"),  # {"$date": <epoch ms>}, older bson json_util
    ({"$date": {"$numberLong": "1665520690123"}}, "2022-10-11T20:38:10.123Z"),
    ("1665520690123", "2022-10-11T20:38:10.123Z"),  # $numberLong's digits
]


@pytest.mark.parametrize("value, iso", DATES)
def test_iso_date_reads_every_form_of_date(value, iso):
    assert search("iso_date(d)", {"d": value}) == iso


def test_iso_date_keeps_null_and_refuses_what_is_no_date():
    from jmespath.exceptions import JMESPathError

    assert search("iso_date(missing)", {}) is None
    for value in ["yesterday", "", -1, 10 ** 20, "0001-01-01T00:00:00+01:00"]:
        with pytest.raises(JMESPathError, match=r"^iso_date\(\): "):
            search("iso_date(d)", {"d": value})
    with pytest.raises(JMESPathTypeError):
        search("iso_date(d)", {"d": [1]})


def test_first_key_takes_the_first_name_present_even_where_it_holds_null():
    best = {"radwn_noisesub_A": 2.31, "radwn_final_A": None, "radwn_tightmask_A": 0.0}
    assert search("first_key(@, 'radwn_final_A', 'radwn_noisesub_A')", best) is None  # a NaN stays a NaN
    assert search("first_key(@, 'radwn_final_A', 'radwn_noisesub_A') || 'x'", best) == "x"
    assert search("first_key(@, 'radwn_resmask_A', 'radwn_noisesub_A')", best) == 2.31
    assert search("first_key(@, 'radwn_tightmask_A', 'radwn_resmask_A')", best) == 0.0
    assert search("first_key(@, 'a', 'b')", best) is None and search("first_key(nothing, 'a')", best) is None
    with pytest.raises(JMESPathTypeError):
        search("first_key(`[1]`, 'a')", best)
