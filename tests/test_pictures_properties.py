"""Properties of the picture code on curves of any shape: the EMDB file
holds every point exactly, the report's thinned lines stay on the curve, and
any text in a record stays text in the SVG."""

import math
import xml.etree.ElementTree as ET

import numpy
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.pictures.curves import Curve
from extractor.pictures.fscfiles import emdb_xml
from extractor.pictures.markup import clean
from extractor.pictures.svg import CURVE_SCALE, PASSES, TOLERANCE, _thinned, fsc_svg

values = st.floats(min_value=-1, max_value=1, allow_nan=False, width=64)
curves = st.lists(values, min_size=2, max_size=400)
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=60, deadline=None)
@given(curves, st.floats(min_value=0.4, max_value=5), texts)
def test_emdb_xml_holds_every_point_exactly(fsc, psize, title):
    frequencies = [k / (2 * (len(fsc) - 1) * psize) for k in range(len(fsc))]
    xml = emdb_xml(Curve("P1/J2", title, "corrected", frequencies, fsc, None))
    root = ET.fromstring(xml)
    points = [(float(c.find("x").text), float(c.find("y").text)) for c in root.iter("coordinate")]
    assert points == list(zip(frequencies, fsc))
    assert root.attrib["xaxis"] == "Resolution (A-1)"


def _distance_to_line(px, py, xs, ys) -> float:
    """Distance from a point to the nearest segment of a polyline."""
    best = math.inf
    for x1, y1, x2, y2 in zip(xs, ys, xs[1:], ys[1:]):
        dx, dy = x2 - x1, y2 - y1
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(px - (x1 + t * dx), py - (y1 + t * dy)))
    return best


@settings(max_examples=60, deadline=None)
@given(curves)
def test_a_thinned_line_stays_within_its_tolerance_of_the_curve(fsc):
    x = numpy.linspace(70, 570, len(fsc)) * CURVE_SCALE
    y = (344 - 300 * (numpy.asarray(fsc) + 0.05) / 1.1) * CURVE_SCALE
    kept_x, kept_y = _thinned(x, y)
    assert (kept_x[0], kept_x[-1]) == (round(x[0]), round(x[-1]))  # the ends stay
    assert len(kept_x) <= len(x)
    rounded = numpy.rint(x), numpy.rint(y)
    worst = max(_distance_to_line(px, py, kept_x, kept_y) for px, py in zip(*rounded))
    assert worst <= PASSES * TOLERANCE + 1e-9


@settings(max_examples=40, deadline=None)
@given(texts, curves)
def test_record_text_never_becomes_markup(title, fsc):
    record = {"job_info": {"puid": "P1", "juid": "J2", "title": title}, "frequency_invA": list(range(len(fsc))),
              "curves": {"corrected": fsc}, "resolution_A": {"corrected": 2.5}}
    svg = ET.fromstring(fsc_svg(record, f"P1/J2 {title}"))  # well-formed whatever the title
    # XML has no place for most control characters, and reads any line ending as \n
    shown = clean(title).replace("\r\n", "\n").replace("\r", "\n")
    assert svg[0].tag == "title" and svg[0].text == f"P1/J2 {shown}"
    assert {element.tag for element in svg.iter()} <= {"svg", "title", "path", "text", "g", "circle"}
