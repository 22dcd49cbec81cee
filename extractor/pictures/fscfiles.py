"""One FSC curve as a file: the XML EMDB deposition takes, CSV or JSON.

EMDB's FSC file is `<fsc title=... xaxis="Resolution (A-1)" yaxis="Correlation
Coefficient">` holding one `<coordinate><x>..</x><y>..</y></coordinate>` per
shell, x the spatial frequency in 1/Å. Numbers are written in full (repr), so
the file holds exactly the values of the job document."""

import csv
import io
import json
import xml.etree.ElementTree as ET

from .curves import Curve
from .markup import clean


def emdb_xml(curve: Curve) -> bytes:
    title = f"{curve.label} {curve.title or ''} FSC, {curve.mask.replace('_', ' ')}".replace("  ", " ")
    root = ET.Element("fsc", {"title": clean(title), "xaxis": "Resolution (A-1)", "yaxis": "Correlation Coefficient"})
    for x, y in zip(curve.frequency_invA, curve.fsc):
        if y is None:  # a shell CryoSPARC wrote as NaN: EMDB's file has no way to say it
            continue
        coordinate = ET.SubElement(root, "coordinate")
        ET.SubElement(coordinate, "x").text = repr(float(x))
        ET.SubElement(coordinate, "y").text = repr(float(y))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def curves_csv(curves: list) -> str:
    """One row per shell: the frequency, then one column per mask (the curves share one axis)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["frequency_invA", *(c.mask for c in curves)])
    for row in zip(curves[0].frequency_invA, *(c.fsc for c in curves)):
        writer.writerow(["" if v is None else repr(float(v)) for v in row])
    return out.getvalue()


def curves_json(curves: list) -> str:
    return json.dumps({"job": curves[0].label, "frequency_invA": curves[0].frequency_invA,
                       "curves": {c.mask: c.fsc for c in curves},
                       "resolution_A": {c.mask: c.resolution_A for c in curves}}) + "\n"
