"""csx plot fsc and csx fsc on the shipped examples and the pipeline
projects, both document generations: the EMDB XML parsed back point by point
against the job document, the figures read back as images."""

import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import run_csx

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
P30 = EXAMPLES / "CS-ks-gastric-proton-pump-automation"
P446 = EXAMPLES / "CS-transporter-nanodiscs"


def fsc_info_best(job_dir: Path) -> dict:
    """The job document's fsc_info_best, read straight from job.json."""
    doc = json.loads((job_dir / "job.json").read_text())
    if "spec" in doc:
        return doc["spec"]["outputs"]["volume"]["latest_summary_stats"]["fsc_info_best"]
    volume = next(g for g in doc["output_result_groups"] if g["name"] == "volume")
    return volume["latest_summary_stats"]["fsc_info_best"]


def emdb_points(xml_text: bytes) -> tuple:
    root = ET.fromstring(xml_text)
    points = [(float(c.find("x").text), float(c.find("y").text)) for c in root.iter("coordinate")]
    return root, points


def assert_points_are_the_curve(points, info: dict, curve_key: str):
    assert [y for _, y in points] == info[curve_key]
    assert [x for x, _ in points] == pytest.approx([k / (info["N"] * info["psize"]) for k in info["radwns"]],
                                                   rel=1e-15)


def test_emdb_xml_of_v4_example_is_its_corrected_curve(capsys):
    code, out, err = run_csx(capsys, "fsc", P30 / "J180", "--format", "emdb-xml")
    assert (code, err) == (0, [])
    root, points = emdb_points(out.encode())
    assert root.tag == "fsc"
    assert root.attrib == {"title": "P30/J180 Non-uniform Refinement FSC, corrected",
                           "xaxis": "Resolution (A-1)", "yaxis": "Correlation Coefficient"}
    assert len(points) == 176 and points[0] == (0.0, 1.0)
    assert points[-1][0] == pytest.approx(0.5164527023823933, rel=1e-15)
    assert_points_are_the_curve(points, fsc_info_best(P30 / "J180"), "fsc_noisesub")


def test_emdb_xml_of_v5_example_any_mask_to_a_file(capsys, tmp_path):
    target = tmp_path / "J329_fsc.xml"
    code, out, err = run_csx(capsys, "fsc", "--project-dir", P446, "J329", "--mask", "tight", "-o", target)
    assert (code, out, err) == (0, "", [])
    root, points = emdb_points(target.read_bytes())
    assert root.attrib["title"] == "P446/J329 Non-uniform Refinement FSC, tight"
    assert len(points) == 175
    assert_points_are_the_curve(points, fsc_info_best(P446 / "J329"), "fsc_resmask")


@pytest.mark.parametrize("puid, juid, mask, key", [
    ("P31", "J15", "corrected", "fsc_noisesub"), ("P31", "J16", "no_mask", "fsc_nomask"),
    ("P447", "J15", "corrected", "fsc_autotight_noisesub"), ("P447", "J16", "loose", "fsc_loosemask"),
])
def test_emdb_xml_of_pipeline_reconstructions(pipeline_projects, capsys, puid, juid, mask, key):
    job_dir = pipeline_projects[puid] / juid
    code, out, err = run_csx(capsys, "fsc", job_dir, "--mask", mask)
    assert (code, err) == (0, [])
    _, points = emdb_points(out.encode())
    assert_points_are_the_curve(points, fsc_info_best(job_dir), key)


def test_csv_and_json_hold_every_curve(capsys):
    info = fsc_info_best(P446 / "J66")
    code, out, err = run_csx(capsys, "fsc", P446 / "J66", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["frequency_invA", "no_mask", "spherical", "loose", "tight", "corrected"]
    assert len(rows) == 1 + 175
    assert [float(r[4]) for r in rows[1:]] == info["fsc_resmask"]
    code, out, err = run_csx(capsys, "fsc", P446 / "J66", "--format", "json", "--mask", "no_mask")
    data = json.loads(out)
    assert (data["job"], list(data["curves"]), data["resolution_A"]) == ("P446/J66", ["no_mask"],
                                                                          {"no_mask": 4.1212})
    assert data["curves"]["no_mask"] == info["fsc_nomask"]


def test_bad_mask_and_several_jobs_are_one_line_each(capsys):
    code, out, err = run_csx(capsys, "fsc", P30 / "J180", "--mask", "tigth")
    assert (code, err) == (2, ["csx: --mask tigth: no such mask (masks: no_mask, spherical, loose, tight, "
                               "corrected)"])
    code, out, err = run_csx(capsys, "fsc", P30 / "J180", P30 / "J181")
    assert code == 2 and err == ["csx: fsc: name one job (its directory, or its uid with --project-dir or "
                                 "--instance)"]
    code, out, err = run_csx(capsys, "fsc", P30 / "J180", "--mask", "tight", "--mask", "corrected")
    assert code == 2 and err == ["csx: fsc --format emdb-xml: an EMDB FSC file holds one curve; give one --mask"]


def test_a_job_without_fsc_is_named(capsys):
    code, out, err = run_csx(capsys, "fsc", P30 / "J1")
    assert code == 1 and len(err) == 1
    assert err[0].startswith("P30/J1 (") and "no spec of kind fsc for job type import_movies" in err[0]


def read_png(path: Path):
    from PIL import Image

    with Image.open(path) as image:
        return image.size, image.convert("L")


def test_plot_of_one_job_every_mask(capsys, tmp_path):
    target = tmp_path / "J180.png"
    code, out, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "-o", target)
    assert (code, out, err) == (0, "", [])
    (width, height), grey = read_png(target)
    assert width == 1050 and 700 <= height <= 800  # 3.5 in at 300 dpi
    histogram = grey.histogram()
    dark = sum(histogram[:200]) / (width * height)
    assert 0.02 < dark < 0.5  # lines and text, not a blank or filled image
    assert len([n for n in histogram if n]) > 20  # anti-aliased curves in several colours


def test_plot_of_both_generations_overlaid_as_svg(capsys, tmp_path, pipeline_projects):
    target = tmp_path / "overlay.svg"
    code, out, err = run_csx(capsys, "plot", "fsc", P30 / "J180", P446 / "J329", pipeline_projects["P31"] / "J15",
                             pipeline_projects["P447"] / "J16", "--mask", "corrected", "-o", target)
    assert (code, err) == (0, [])
    svg = ET.parse(target).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.attrib["width"] == "252pt"  # 3.5 in
    text = target.read_text()  # matplotlib draws text as paths and names each in a comment
    for label in ("P30/J180 2.28 Å", "P446/J329 2.52 Å", "P31/J15 3.41 Å", "P447/J16 3.66 Å"):
        assert f"<!-- {label} -->" in text


def test_plot_by_uids_with_a_failing_job_still_draws_the_others(capsys, tmp_path):
    target = tmp_path / "p30.png"
    code, out, err = run_csx(capsys, "plot", "fsc", "--project-dir", P30, "J180", "J184", "J182", "-o", target)
    assert code == 1 and len(err) == 1 and err[0].startswith("P30/J184 (")
    assert read_png(target)[0][0] == 1050


def test_plot_refuses_other_formats_and_unknown_masks(capsys, tmp_path):
    code, out, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "-o", tmp_path / "x.jpg")
    assert (code, err) == (2, ["csx: plot: cannot write .jpg (write .pdf, .png or .svg)"])
    code, out, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "--mask", "soft", "-o", tmp_path / "x.png")
    assert code == 2 and err[0].startswith("csx: --mask soft: no such mask")
    assert not list(tmp_path.iterdir())


def test_a_failed_job_is_named_with_what_to_do(capsys, tmp_path):
    code, out, err = run_csx(capsys, "fsc", "--project-dir", P30, "J184")
    assert code == 1 and len(err) == 1
    assert err[0].endswith("the job is failed, not completed; add --status failed to extract it anyway")
    code, out, err = run_csx(capsys, "fsc", "--project-dir", P30, "J184", "--status", "failed")
    assert code == 1 and "job.output_result_groups" in err[0]  # a failed refinement has no FSC statistics


def test_plot_without_matplotlib_says_how_to_install_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import matplotlib` meets where it is missing
    code, out, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "-o", tmp_path / "x.png")
    assert (code, err) == (2, ["csx: csx plot needs matplotlib: pip install matplotlib"])
    assert not (tmp_path / "x.png").exists()


def test_plot_as_pdf_for_a_journal_one_or_two_columns_wide(capsys, tmp_path):
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    assert run_csx(capsys, "plot", "fsc", P30 / "J180", "-o", one)[0] == 0
    assert run_csx(capsys, "plot", "fsc", P30 / "J180", "--columns", "2", "-o", two)[0] == 0
    data = one.read_bytes()
    assert data.startswith(b"%PDF-") and b"/MediaBox [ 0 0 252 187.2 ]" in data  # 3.5 x 2.6 in
    assert b"/FontFile2" in data and b"/Type3" not in data  # TrueType text, which a journal can still edit
    assert b"/CreationDate" not in data  # the same curves make the same file
    assert b"/MediaBox [ 0 0 518.4 253.8 ]" in two.read_bytes()  # 7.2 in, a little taller
    code, _, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "--width", "40", "-o", two)
    assert (code, err) == (2, ["csx: plot: --width 40: give a width from 1.5 to 20 inches"])


def test_plot_legend_labels_name_the_jobs(capsys, tmp_path):
    target = tmp_path / "labelled.svg"
    code, _, err = run_csx(capsys, "plot", "fsc", P30 / "J180", P446 / "J329", "--mask", "corrected",
                           "--label", "J180=EMD-11111", "--label", "P446/J329=apo, pH 7", "-o", target)
    assert (code, err) == (0, [])
    text = target.read_text()
    assert "<!-- EMD-11111 2.28 Å -->" in text and "<!-- apo, pH 7 2.52 Å -->" in text
    assert "<!-- P30/J180 2.28 Å -->" not in text
    code, _, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "--label", "J180=EMD-11111", "-o", target)
    assert "<!-- EMD-11111 -->" in target.read_text()  # one job: its label heads the masks' legend
    code, _, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "--label", "J999=x", "-o", target)
    assert (code, err) == (2, ["csx: plot: --label J999=x: J999 is none of the jobs plotted (P30/J180)"])
    code, _, err = run_csx(capsys, "plot", "fsc", P30 / "J180", "--label", "J180", "-o", target)
    assert (code, err) == (2, ["csx: --label J180: give JOB=TEXT, e.g. --label J10=EMD-50123"])


def _cut_axis(project: Path, juid: str, key: str, keep):
    """The job's fsc_info_best with its list `key` cut to `keep` items."""
    job_json = project / juid / "job.json"
    doc = json.loads(job_json.read_text())
    volume = next(g for g in doc["output_result_groups"] if g["name"] == "volume")
    info = volume["latest_summary_stats"]["fsc_info_best"]
    info[key] = info[key][:keep]
    job_json.write_text(json.dumps(doc))


def test_an_axis_of_another_length_than_the_curves_fails_that_job(capsys, tmp_path, project_copy):
    project = project_copy("P30")
    _cut_axis(project, "J180", "radwns", -1)  # 175 shells of FSC, 174 frequencies
    code, out, err = run_csx(capsys, "fsc", "--project-dir", project, "J180", "--format", "csv")
    assert (code, out) == (1, "")
    assert err == ["P30/J180: its no_mask FSC curve has 176 shells and its frequency axis 175: the curve cannot be "
                   "placed on the axis; is the job document whole? extract it again (csx extract --spec fsc)"]
    code, out, err = run_csx(capsys, "fsc", "--project-dir", project, "J180")
    assert code == 1 and err[0].startswith("P30/J180: its corrected FSC curve has 176 shells and its frequency "
                                           "axis 175")
    target = tmp_path / "two.png"
    code, out, err = run_csx(capsys, "plot", "fsc", "--project-dir", project, "J180", "J181", "-o", target)
    assert code == 1 and len(err) == 1 and err[0].startswith("P30/J180: its no_mask FSC curve has 176 shells")
    assert read_png(target)[0][0] == 1050  # J181 is drawn


def test_empty_curves_are_no_traceback(capsys, tmp_path, project_copy):
    project = project_copy("P30")
    for key in ("fsc_nomask", "fsc_sphericalmask", "fsc_loosemask", "fsc_tightmask", "fsc_noisesub"):
        _cut_axis(project, "J180", key, 0)
    code, out, err = run_csx(capsys, "plot", "fsc", "--project-dir", project, "J180", "-o", tmp_path / "x.png")
    assert (code, err) == (2, ["csx: plot: none of the jobs has an FSC curve under the masks asked for"])
    code, out, err = run_csx(capsys, "fsc", "--project-dir", project, "J180")
    assert (code, err) == (2, ["csx: P30/J180: no corrected FSC curve in its document (curves: none)"])
    code, out, err = run_csx(capsys, "report", "--project-dir", project, "J180", "-o", tmp_path / "r.html")
    assert (code, err) == (0, [])
    _cut_axis(project, "J181", "radwns", 0)  # no axis at all: the fsc record fails its schema, a line
    code, out, err = run_csx(capsys, "fsc", "--project-dir", project, "J181")
    assert code == 1 and len(err) == 1 and "frequency_invA" in err[0]
