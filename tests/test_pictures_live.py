"""csx plot fsc, csx fsc and csx report from a running instance: the real
cryosparc-tools client installed (4.x or 5.x) against the CryoSPARC
look-alike on 127.0.0.1, giving what the project directory gives."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

cryosparc = pytest.importorskip("cryosparc")

from tests.fixturegen import REFERENCE_PROJECTS  # noqa: E402
from tests.helpers import run_csx  # noqa: E402
from tests.live import GENERATION, instance_file, server, write_project  # noqa: E402,F401 (fixtures)
from tests.test_report import Page, labels  # noqa: E402

PUID = {"4": "P30", "5": "P446"}[GENERATION]
FIXTURE = REFERENCE_PROJECTS[PUID]
REFINEMENTS = {"P30": ["J180", "J181", "J182", "J183"], "P446": ["J66", "J329", "J330", "J331"]}[PUID]
pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return write_project(tmp_path_factory.mktemp("instance"), FIXTURE)


def test_emdb_xml_from_the_instance_is_the_project_directory_s(project, instance_file, capsys):
    job = REFINEMENTS[1]
    live = run_csx(capsys, "fsc", "--instance", instance_file, "--project", PUID, job)
    offline = run_csx(capsys, "fsc", "--project-dir", project, job)
    assert live == offline and live[0] == 0
    doc = json.loads((project / job / "job.json").read_text())
    stats = (doc["spec"]["outputs"]["volume"] if GENERATION == "5"
             else next(g for g in doc["output_result_groups"] if g["name"] == "volume"))["latest_summary_stats"]
    corrected = stats["fsc_info_best"]["fsc_autotight_noisesub" if GENERATION == "5" else "fsc_noisesub"]
    points = [float(c.find("y").text) for c in ET.fromstring(live[1].encode()).iter("coordinate")]
    assert points == corrected


def test_plot_from_the_instance(instance_file, capsys, tmp_path):
    target = tmp_path / "live.svg"
    code, out, err = run_csx(capsys, "plot", "fsc", "--instance", instance_file, "--project", PUID,
                             *REFINEMENTS, "--mask", "corrected", "-o", target)
    assert (code, err) == (0, [])
    text = target.read_text()
    assert all(f"<!-- {PUID}/{job} " in text for job in REFINEMENTS)


def test_report_from_the_instance_equals_the_project_directory_s(project, instance_file, capsys, tmp_path):
    code, _, err = run_csx(capsys, "report", "--instance", instance_file, "--project", PUID,
                           "-o", tmp_path / "live.html")
    assert (code, err) == (0, [])
    code, _, err = run_csx(capsys, "report", "--project-dir", project, "-o", tmp_path / "offline.html")
    live, offline = (tmp_path / "live.html").read_text(), (tmp_path / "offline.html").read_text()
    assert labels(Page(live).data) == [f"{PUID}/{job}" for job in REFINEMENTS]
    # the same page, but for the minute it was made in, where the records came from, and the milliseconds of
    # the dates (the 4.x client's documents give dates to the second, job.json to the millisecond)
    assert same_page(live) == same_page(offline)


def same_page(html: str) -> str:
    html = html.split("made by csx on")[1][17:]
    # the timeline's points, by name and resolution (their places move with the dates' milliseconds)
    html = re.sub(r'<svg class="timeline".*?</svg>', lambda m: str(re.findall("<title>([^<]*)</title>", m[0])), html)
    html = re.sub(r'"source":"[^"]*"', '"source":""', html)
    return re.sub(r'("\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z"', r"\1Z", html)
