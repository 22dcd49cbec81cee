"""map_stats: min, median and max of an MRC map's values, inside a mask, as
numpy computes them on the whole array (the reader goes slab by slab and finds
the median by counting bit patterns); and the maps it refuses, each with one
line naming the file. Through the spec language, map_stats() in csx query."""

import os
import struct

import mrcfile
import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import extractor
from extractor.sources import mapfiles
from extractor.sources.mapfiles import MapError, map_stats


def write(path, data, voxel=0.83):
    with mrcfile.new(path, overwrite=True) as mrc:
        mrc.set_data(data)
        mrc.voxel_size = voxel
    return path


def shortest(value) -> float:
    return float(str(numpy.float32(value)))


@settings(max_examples=30, deadline=None)
@given(data=hnp.arrays(numpy.float32, hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=9),
                       elements=st.floats(-1e6, 1e6, width=32)),
       threshold=st.floats(-0.2, 1.2), slab=st.integers(1, 300))
def test_statistics_are_numpys_over_the_voxels_inside_the_mask(tmp_path_factory, data, threshold, slab):
    folder = tmp_path_factory.mktemp("maps")
    mask = (numpy.arange(data.size).reshape(data.shape) % 7 / 6.0 > threshold).astype(numpy.float32)
    write(folder / "map.mrc", data)
    write(folder / "mask.mrc", mask)
    original = mapfiles.SLAB_VOXELS
    mapfiles.SLAB_VOXELS = slab  # slabs of a few voxels: the passes over many slabs agree with one
    try:
        found = map_stats(str(folder), "map.mrc", "mask.mrc")
        whole = map_stats(str(folder), "map.mrc")
    finally:
        mapfiles.SLAB_VOXELS = original
    inside = data[mask > 0.5]
    assert found["voxels"] == inside.size and found["masked"] is True
    if inside.size:
        assert (found["min"], found["median"], found["max"]) == (
            shortest(inside.min()), shortest(numpy.median(inside)), shortest(inside.max()))
    else:
        assert (found["min"], found["median"], found["max"]) == (None, None, None)
    assert (whole["median"], whole["voxels"], whole["masked"]) == (shortest(numpy.median(data)), data.size, False)


@pytest.mark.filterwarnings("ignore:Data array contains NaN values")  # mrcfile's, as the test writes one
def test_literal_values_nan_and_an_even_count(tmp_path):
    data = numpy.array([[[2.41, 3.0], [numpy.nan, 6.87]], [[3.5, -1.0], [numpy.inf, 4.0]]], dtype=numpy.float32)
    mask = numpy.array([[[1, 1], [1, 1]], [[1, 0], [1, 0]]], dtype=numpy.float32)
    write(tmp_path / "m.mrc", data)
    write(tmp_path / "k.mrc", mask)
    # the finite voxels inside the mask: 2.41, 3.0, 6.87, 3.5; median the mean of 3.0 and 3.5
    assert map_stats(str(tmp_path), "m.mrc", "k.mrc") == {"min": 2.41, "median": 3.25, "max": 6.87, "voxels": 4,
                                                          "masked": True}
    assert map_stats(str(tmp_path), "m.mrc") == {"min": -1.0, "median": 3.25, "max": 6.87, "voxels": 6,
                                                 "masked": False}


@pytest.mark.parametrize("dtype", [numpy.int8, numpy.int16, numpy.uint16, numpy.float16])
def test_every_real_valued_mode(tmp_path, dtype):
    write(tmp_path / "m.mrc", numpy.arange(27, dtype=dtype).reshape(3, 3, 3))
    assert map_stats(str(tmp_path), "m.mrc") == {"min": 0.0, "median": 13.0, "max": 26.0, "voxels": 27,
                                                 "masked": False}


def test_a_big_endian_map(tmp_path):
    data = numpy.linspace(1, 9, 27, dtype=">f4").reshape(3, 3, 3)
    with mrcfile.new(tmp_path / "b.mrc") as mrc:
        mrc.set_data(data)
    assert (tmp_path / "b.mrc").read_bytes()[212:214] == b"\x11\x11"
    assert map_stats(str(tmp_path), "b.mrc")["median"] == 5.0


def test_a_missing_map_has_no_numbers(tmp_path):
    assert map_stats(str(tmp_path), "J11/J11_map_locres.mrc") is None


def header_with(path, **words):
    """The 1024-byte header of a 2x2x2 map with some of its first 24 words changed."""
    write(path, numpy.ones((2, 2, 2), dtype=numpy.float32))
    data = bytearray(path.read_bytes())
    for index, value in words.items():
        struct.pack_into("<i", data, 4 * int(index.lstrip("w")), value)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("words, message", [
    ({"w0": 100000}, "a header no map has (box 100000x2x2, extended header 0 bytes)"),
    ({"w0": -3}, "a header no map has (box -3x2x2"),
    ({"w3": 4}, "MRC mode 4, not a map of real values"),
    ({"w0": 4000, "w1": 4000, "w2": 4000}, "truncated: 1,056 bytes, its header needs 256,000,001,024"),
    ({"w23": 1 << 30}, "truncated: 1,056 bytes, its header needs 1,073,742,880"),
])
def test_an_absurd_header_is_refused_before_any_data_is_read(tmp_path, words, message):
    header_with(tmp_path / "m.mrc", **words)
    with pytest.raises(MapError) as raised:
        map_stats(str(tmp_path), "m.mrc")
    assert str(raised.value).startswith(f"{tmp_path}/m.mrc: {message}")


def test_files_that_are_no_map_or_lie_outside_the_project(tmp_path):
    project = tmp_path / "P1"
    project.mkdir()
    (project / "short.mrc").write_bytes(b"MAP " * 10)
    os.mkfifo(project / "fifo.mrc")
    write(tmp_path / "elsewhere.mrc", numpy.ones((2, 2, 2), dtype=numpy.float32))
    (project / "link.mrc").symlink_to(tmp_path / "elsewhere.mrc")
    write(project / "m.mrc", numpy.ones((4, 4, 4), dtype=numpy.float32))
    write(project / "small_mask.mrc", numpy.ones((2, 2, 2), dtype=numpy.float32))
    problems = {
        "short.mrc": f"{project}/short.mrc: not an MRC map (shorter than its 1024-byte header)",
        "fifo.mrc": f"{project}/fifo.mrc is a FIFO (named pipe), not a regular file",
        "../elsewhere.mrc": "../elsewhere.mrc: outside the project directory",
        "link.mrc": f"{project}/link.mrc: resolves outside the project directory {project}",
        "m\0.mrc": "'m\\x00.mrc': not a file name",
        "J1": f"{project}/J1 is a directory, not a regular file",
    }
    (project / "J1").mkdir()
    for relative, message in problems.items():
        with pytest.raises(MapError) as raised:
            map_stats(str(project), relative)
        assert str(raised.value).startswith(message)
    with pytest.raises(MapError, match=r"^small_mask.mrc: the mask's box 2x2x2 is not the map's 4x4x4$"):
        map_stats(str(project), "m.mrc", "small_mask.mrc")
    with pytest.raises(MapError, match=r"^gone.mrc: the mask is missing$"):
        map_stats(str(project), "m.mrc", "gone.mrc")


def test_map_stats_in_the_spec_language(lineage_projects, tmp_path):
    job = lineage_projects["P32"] / "J11"
    found = extractor.query("map_stats(datasets.volume.\"map_locres/path\"[0], datasets.volume.\"mask_refine/path\"[0])",
                            job)
    assert found == {"min": 2.41, "median": 2.9675, "max": 6.87, "voxels": 1045, "masked": True}
    assert extractor.query("map_stats(`null`, `null`)", job) is None
    with pytest.raises(extractor.FieldError, match=r"map_stats\(.*\): map .*/J11/J11_volume_map_locres.cs: not an MRC map \(shorter than its 1024-byte header\)$"):
        extractor.query("map_stats('J11/J11_volume_map_locres.cs', `null`)", job)
