"""Properties of the picture code on curves of any shape: the EMDB file
holds every point exactly, the report's compact curves decode (by a reader
written here from the format's description, not csx's) to lines that stay
within a pixel of the curve, and the timeline's ticks are round and span the
maps, whatever their values and dates."""

import math
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.pictures.compact import ALPHABET, PASSES, TOLERANCE_PX, encode_curves
from extractor.pictures.curves import Curve
from extractor.pictures.fscfiles import emdb_xml
from extractor.pictures.timeline import date_domain, date_ticks, nice_ticks, project_colours

values = st.floats(min_value=-1, max_value=1, allow_nan=False, width=64)
curves = st.lists(values, min_size=2, max_size=400)
gappy = st.lists(st.one_of(values, st.none()), min_size=1, max_size=300)
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
# the page draws FSC from -0.05 to 1.05 in 300 px, shells over 500 px; values are kept from -0.2 to 1.2
PX_PER_FSC, LOW, HIGH = 300 / 1.1, -0.2, 1.2


def decode(text: str) -> list:
    """[[(shell, value), ...] per line] of a compact curve: two base64url characters a code of twelve bits,
    two for a step of 1 to 4 shells and ten for a value level (0 to 1022 from -0.2 to 1.2); level 1023 with
    step bits 0 breaks the line, with step bits 1 skips the shells the next code says."""
    lines, line, shell, at = [], [], -1, 0
    codes = [ALPHABET.index(text[k]) * 64 + ALPHABET.index(text[k + 1]) for k in range(0, len(text), 2)]
    while at < len(codes):
        code = codes[at]
        step, level = code >> 10, code & 1023
        at += 1
        if level == 1023:
            if step == 0:
                lines, line = lines + [line] if line else lines, []
            else:
                shell += codes[at]
                at += 1
            continue
        shell += step + 1
        line.append((shell, LOW + level / 1022 * (HIGH - LOW)))
    return lines + [line] if line else lines


def _distance_to_line(px, py, xs, ys) -> float:
    """Distance from a point to the nearest segment of a polyline."""
    best = math.inf
    for x1, y1, x2, y2 in zip(xs, ys, xs[1:], ys[1:]):
        dx, dy = x2 - x1, y2 - y1
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(px - (x1 + t * dx), py - (y1 + t * dy)))
    if len(xs) == 1:
        best = math.hypot(px - xs[0], py - ys[0])
    return best


@settings(max_examples=60, deadline=None)
@given(curves, st.floats(min_value=0.4, max_value=5), texts)
def test_emdb_xml_holds_every_point_exactly(fsc, psize, title):
    frequencies = [k / (2 * (len(fsc) - 1) * psize) for k in range(len(fsc))]
    xml = emdb_xml(Curve("P1/J2", title, "corrected", frequencies, fsc, None))
    root = ET.fromstring(xml)
    points = [(float(c.find("x").text), float(c.find("y").text)) for c in root.iter("coordinate")]
    assert points == list(zip(frequencies, fsc))
    assert root.attrib["xaxis"] == "Resolution (A-1)"


@settings(max_examples=80, deadline=None)
@given(st.lists(gappy, min_size=1, max_size=4))
def test_compact_curves_decode_to_lines_within_a_pixel_of_each_curve(batch):
    """Curves coded together decode one by one; each finite run of shells is a line, ends kept, every shell
    within PASSES * TOLERANCE_PX (and the value levels' half step) of it, in the page's drawing."""
    for values, text in zip(batch, encode_curves(batch)):
        runs, run = [], []
        for shell, value in enumerate(values):
            if value is None:
                runs, run = runs + [run] if run else runs, []
            else:
                run.append(shell)
        runs += [run] if run else []
        lines = decode(text)
        assert len(lines) == len(runs)
        x_per_shell = 500 / max(len(values) - 1, 1)
        level_px = (HIGH - LOW) / 1022 / 2 * PX_PER_FSC
        for line, run in zip(lines, runs):
            assert (line[0][0], line[-1][0]) == (run[0], run[-1])
            xs, ys = [s * x_per_shell for s, _ in line], [v * PX_PER_FSC for _, v in line]
            clamped = {s: min(max(values[s], LOW), HIGH) * PX_PER_FSC for s in run}  # as the format says
            worst = max(_distance_to_line(s * x_per_shell, clamped[s], xs, ys) for s in run)
            assert worst <= PASSES * TOLERANCE_PX + level_px + 1e-6


def test_a_compact_curve_by_hand():
    """A straight line keeps its ends; a NaN shell breaks the line; a flat stretch is skipped over."""
    ((start, end),) = decode(encode_curves([[0.0, 0.25, 0.5, 0.75, 1.0]])[0])
    assert (start[0], round(start[1], 9), end[0], round(end[1], 9)) == (0, 0.0, 4, 1.0)
    assert [[s for s, _ in line] for line in decode(encode_curves([[1.0, 0.0, None, 0.5, 0.5]])[0])] == \
        [[0, 1], [3, 4]]
    flat = [1.0] * 100 + [0.0]  # each of four passes drops every other point of the flat stretch
    assert [s for s, _ in decode(encode_curves([flat])[0])[0]] == [0, 16, 32, 48, 64, 80, 96, 99, 100]
    assert encode_curves([[None, None], []]) == ["", ""]


def test_round_ticks():
    assert nice_ticks(2.28, 3.05) == ([2.2, 2.4, 2.6, 2.8, 3.0, 3.2], 1)
    assert nice_ticks(2.5, 2.5) == ([2.4, 2.45, 2.5, 2.55, 2.6], 2)  # one map: a tenth of an Angstrom around it
    assert nice_ticks(1.9, 8.7) == ([0, 2, 4, 6, 8, 10], 0)
    assert nice_ticks(3.11, 3.54) == ([3.1, 3.2, 3.3, 3.4, 3.5, 3.6], 1)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.5, max_value=50), st.floats(min_value=0, max_value=30))
def test_ticks_are_round_and_cover_the_values(low, span):
    ticks, decimals = nice_ticks(low, low + span)
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert any(abs(mantissa - m) < 1e-6 for m in (1, 2, 2.5, 5, 10))
    assert ticks[0] <= low + 1e-9 and ticks[-1] >= low + span - 1e-9 and 2 <= len(ticks) <= 6
    assert all(abs(t - round(t, decimals)) < 1e-9 for t in ticks)  # the labels show every tick exactly


UTC = timezone.utc


def test_date_ticks_of_one_day_one_map_and_years():
    ticks, note = date_ticks(*date_domain(datetime(2026, 6, 2, 9, 13, tzinfo=UTC), datetime(2026, 6, 2, 17, 40,
                                                                                             tzinfo=UTC)))
    assert ([label for _, label in ticks], note) == (["10:00", "12:00", "14:00", "16:00"], " (2026-06-02, UTC)")
    single = datetime(2026, 6, 2, 9, 13, tzinfo=UTC)
    ticks, note = date_ticks(*date_domain(single, single))
    assert ([label for _, label in ticks], note) == (["08:30", "09:00", "09:30", "10:00"], " (2026-06-02, UTC)")
    ticks, note = date_ticks(*date_domain(datetime(2026, 6, 1, 22, tzinfo=UTC), datetime(2026, 6, 2, 9, tzinfo=UTC)))
    assert [label for _, label in ticks] == ["06-01 22:00", "06-02 00:00", "06-02 02:00", "06-02 04:00",
                                             "06-02 06:00", "06-02 08:00"] and note == " (UTC)"
    ticks, _ = date_ticks(*date_domain(datetime(2016, 5, 30, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC)))
    assert [label for _, label in ticks] == ["2018", "2020", "2022", "2024", "2026"]


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2035, 1, 1)),
       st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4000)))
def test_date_ticks_span_the_dates_and_are_few(first, span):
    first = first.replace(tzinfo=UTC)
    low, high = date_domain(first, first + span)
    ticks, _ = date_ticks(low, high)
    times = [t for t, _ in ticks]
    assert 2 <= len(times) <= 7 and all(low <= t <= high for t in times)
    assert len({label for _, label in ticks}) == len(ticks)  # no two ticks read the same
    assert all(t.minute % 5 == t.second == t.microsecond == 0 for t in times)


def test_every_project_has_a_colour_of_its_own():
    for count in (1, 10, 11, 300):
        colours = project_colours(count)
        assert len(colours) == len(set(colours)) == count
    assert project_colours(2) == ["#1f77b4", "#ff7f0e"]
