"""csx's own reader of numpy-format .cs files gives the columns cryosparc-tools' Dataset.load gives, on every
.cs of every fixture project in every shape and on random structured arrays; what it does not cover goes to
Dataset.load (the compressed format, column types Dataset refuses), with Dataset's own errors."""

import hashlib
import io
import math

import pytest

pytest.importorskip("cryosparc")

import numpy  # noqa: E402  (after the skip: cryosparc brings numpy)
from cryosparc.dataset import CSDAT_FORMAT, Dataset  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from extractor.sources.dataset_files import Columns, read_dataset  # noqa: E402
from tests.fixturegen import PIPELINE_PROJECTS, REFERENCE_PROJECTS, VARIANTS  # noqa: E402


def values(loaded, name):
    return numpy.asarray(loaded[name])


def assert_same_columns(mine, theirs, made_up_uids=False):
    """`made_up_uids`: the file has no uid column, so Dataset gives random ones."""
    assert mine.fields() == theirs.fields()
    assert len(mine) == len(theirs)
    for name in theirs.fields():
        if made_up_uids and name == "uid":
            continue
        got, expected = values(mine, name), values(theirs, name)
        assert got.dtype == expected.dtype, name
        assert got.shape == expected.shape, name
        if expected.dtype.kind in "fc":
            numpy.testing.assert_array_equal(got, expected, err_msg=name)  # NaN equals NaN here
        else:
            assert got.tolist() == expected.tolist(), name


def read_both(path, **wanted):
    """(csx's reader, Dataset.load) on one file; either may be an exception."""
    def attempt(read):
        try:
            return read()
        except Exception as exc:  # noqa: BLE001 - the two must fail alike
            return exc

    def mine():
        with open(path, "rb") as file:
            return read_dataset(file, path, **wanted)

    return attempt(mine), attempt(lambda: Dataset.load(path, **wanted))


@pytest.fixture(scope="module")
def every_fixture_cs(shaped_project):
    """One path of each distinct .cs file of every fixture shape (the shapes share many byte for byte)."""
    distinct = {}
    for variant in VARIANTS.values():
        for puid in {**REFERENCE_PROJECTS, **PIPELINE_PROJECTS}:
            for path in sorted(shaped_project(variant, puid).glob("J*/*.cs")):
                distinct.setdefault(hashlib.sha256(path.read_bytes()).digest(), path)
    return list(distinct.values())


def test_every_fixture_cs_file_reads_as_dataset_load_reads_it(every_fixture_cs):
    assert len(every_fixture_cs) > 200
    for n, path in enumerate(every_fixture_cs):
        mine, theirs = read_both(path)
        assert isinstance(mine, Columns), path  # the fixtures are all numpy-format: the fast path reads them
        assert_same_columns(mine, theirs)
        if n % 8:
            continue  # choices of columns on some of the files, for time
        first_prefix = theirs.fields()[-1].split("/")[0]
        for wanted in ({"prefixes": [first_prefix]}, {"fields": theirs.fields()[-2:]}, {"fields": ["nothing/here"]}):
            mine, theirs = read_both(path, **wanted)
            assert_same_columns(mine, theirs)


def test_a_compressed_cs_file_is_read_by_dataset_load(tmp_path):
    dataset = Dataset([("uid", numpy.array([7, 9], dtype=numpy.uint64)),
                       ("map/path", numpy.array(["J1/a.mrc", "J1/b.mrc"], dtype=object)),
                       ("map/psize_A", numpy.array([0.83, 1.1], dtype=numpy.float32))])
    dataset.save(tmp_path / "stream.cs", format=CSDAT_FORMAT)
    mine, theirs = read_both(tmp_path / "stream.cs", fields=["map/path"])
    assert isinstance(mine, Dataset)
    assert values(mine, "map/path").tolist() == ["J1/a.mrc", "J1/b.mrc"]
    assert_same_columns(mine, theirs)


def test_an_object_column_is_refused_as_dataset_load_refuses_it(tmp_path):
    table = numpy.array([(1, "J1/a.mrc")], dtype=[("uid", "<u8"), ("map/path", object)])
    with open(tmp_path / "pickled.cs", "wb") as file:
        numpy.save(file, table, allow_pickle=True)
    mine, theirs = read_both(tmp_path / "pickled.cs")
    assert type(mine) is type(theirs) and type(mine.__cause__) is type(theirs.__cause__) is ValueError


def test_a_truncated_file_fails_as_dataset_load_fails(tmp_path):
    table = numpy.zeros(50, dtype=[("uid", "<u8"), ("ctf/df1_A", "<f4")])
    buffer = io.BytesIO()
    numpy.save(buffer, table)
    (tmp_path / "short.cs").write_bytes(buffer.getvalue()[:-7])
    mine, theirs = read_both(tmp_path / "short.cs")
    assert isinstance(theirs, Exception)
    assert type(mine) is type(theirs) and type(mine.__cause__) is type(theirs.__cause__)


# column types numpy writes, those Dataset keeps and those it converts or refuses
FIELD_TYPES = st.sampled_from(["<i1", "<i2", ">i4", "<i8", "|u1", "<u2", "<u4", ">u8", "<f4", ">f8", "<f2", "<c8",
                               ">c16", "|b1", "S1", "S6", "<U4", "<M8[s]"])
NAMES = st.sampled_from(["uid", "map/path", "map/psize_A", "map/shape", "ctf/df1_A", "blob/idx", "x", "a/b/c"])


@st.composite
def structured_arrays(draw):
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    fields = []
    for name in names:
        shape = draw(st.sampled_from([(), (), (2,), (3,)]))
        fields.append((name, draw(FIELD_TYPES), shape) if shape else (name, draw(FIELD_TYPES)))
    dtype = numpy.dtype(fields)
    elements = st.binary(max_size=6) if dtype.names and all(dtype[n].kind == "S" for n in dtype.names) else None
    rows = draw(st.integers(0, 4))
    if elements is not None:
        return draw(hnp.arrays(dtype, rows, elements=st.tuples(*[elements] * len(names))))
    return draw(hnp.arrays(dtype, rows))


# Dataset's own warnings, when it converts complex subarrays and NaN to what it keeps
@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=structured_arrays(), wanted=st.sampled_from([{}, {"prefixes": ["map"]}, {"fields": ["x", "map/path"]}]))
def test_random_structured_arrays_read_as_dataset_load_reads_them(tmp_path, table, wanted):
    path = tmp_path / "random.cs"
    with open(path, "wb") as file:
        numpy.save(file, table)
    mine, theirs = read_both(path, **wanted)
    if isinstance(theirs, Exception):
        assert type(mine) is type(theirs), (mine, theirs)
        assert type(mine.__cause__) is type(theirs.__cause__)
        return
    assert_same_columns(mine, theirs, made_up_uids="uid" not in table.dtype.names)
    if isinstance(mine, Columns):  # the join's way: the columns made a Dataset again
        assert_same_columns(mine.as_dataset(), theirs)


def test_nan_in_a_column_survives(tmp_path):
    table = numpy.array([(1, math.nan), (2, math.inf)], dtype=[("uid", "<u8"), ("map/psize_A", "<f4")])
    with open(tmp_path / "nan.cs", "wb") as file:
        numpy.save(file, table)
    mine, theirs = read_both(tmp_path / "nan.cs")
    assert isinstance(mine, Columns)
    assert [math.isnan(v) or v for v in values(mine, "map/psize_A").tolist()] == [True, math.inf]
    assert_same_columns(mine, theirs)


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_every_numpy_format_version_reads_as_dataset_load_reads_it(tmp_path, version):
    table = numpy.array([(5, b"J1/a.mrc", 1.5)], dtype=[("uid", "<u8"), ("map/path", "S8"), ("map/psize_A", "<f4")])
    with open(tmp_path / "versioned.cs", "wb") as file:
        numpy.lib.format.write_array(file, table, version=version)
    mine, theirs = read_both(tmp_path / "versioned.cs")
    assert isinstance(mine, Columns) is (version != (3, 0))  # version 3: Dataset.load
    assert values(mine, "map/path").tolist() == ["J1/a.mrc"]
    assert_same_columns(mine, theirs)


def test_a_large_file_is_mapped_and_reads_as_dataset_load_reads_it(tmp_path):
    rows = 120_000  # 2.9 MB: past the size where both map the file rather than read it
    table = numpy.zeros(rows, dtype=[("uid", "<u8"), ("ctf/df1_A", "<f4"), ("ctf/path", "S12")])
    table["uid"] = numpy.arange(rows) * 7
    table["ctf/df1_A"] = numpy.linspace(5000, 25000, rows)
    table["ctf/path"] = [f"J3/m{n % 1000}.mrc".encode() for n in range(rows)]
    with open(tmp_path / "large.cs", "wb") as file:
        numpy.save(file, table)
    mine, theirs = read_both(tmp_path / "large.cs", fields=["ctf/df1_A"])
    assert isinstance(mine, Columns) and len(mine) == rows
    assert values(mine, "ctf/df1_A")[-1] == 25000.0
    assert_same_columns(mine, theirs)
