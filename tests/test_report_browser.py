"""The report as a person meets it: opened from a file in headless Chromium
(Debian's `chromium`, installed by .ci/run), driven over the DevTools
protocol (tests/browser.py). A screenshot of each state is kept under
pytest's temporary directory; its path is printed."""

import json
import os
from pathlib import Path

import pytest

from tests.browser import Browser, chromium_path
from extractor.cli import main
from tests.helpers import run_csx

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
P30 = EXAMPLES / "CS-ks-gastric-proton-pump-automation"
P446 = EXAMPLES / "CS-transporter-nanodiscs"
BY_RESOLUTION = ["P30/J180", "P30/J182", "P446/J329", "P446/J330", "P30/J181", "P30/J183", "P446/J331", "P446/J66"]
FIRST_COLUMN = "Array.from(document.querySelectorAll('#maps tbody tr')).map(r => r.cells[0].textContent)"

if chromium_path() is None:
    # CI installs chromium: there a missing browser is a failure, not a reason to skip
    pytestmark = pytest.mark.skipif(not os.environ.get("CI"), reason="no chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    """The report of a database holding both example projects: eight maps."""
    folder = tmp_path_factory.mktemp("report")
    db = folder / "csx.sqlite"
    for project in (P30, P446):
        for extra in ([], ["--spec", "fsc", "--force"]):
            assert main(["extract", "--project-dir", str(project), "--all", "--db", str(db), "-q", *extra]) == 0
    assert main(["report", "--db", str(db), "-o", str(folder / "report.html")]) == 0
    return folder / "report.html"


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """$CSX_SCREENSHOTS, or a folder of this run's temporary directory (pytest keeps the last three runs')."""
    if os.environ.get("CSX_SCREENSHOTS"):
        folder = Path(os.environ["CSX_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def chromium():
    with Browser() as started:
        yield started


@pytest.fixture
def browser(chromium):
    """The module's Chromium, with the events of earlier tests forgotten."""
    chromium.events.clear()
    return chromium


def keep(browser: Browser, folder: Path, name: str) -> Path:
    path = folder / name
    browser.screenshot(path)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
    return path


def test_loads_with_every_map_and_no_error(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    assert browser.evaluate("document.querySelectorAll('#maps tbody tr').length") == 8
    assert browser.evaluate("document.querySelectorAll('#maps tbody svg.fsc').length") == 8
    assert browser.evaluate("document.querySelectorAll('svg.timeline circle').length") == 8
    keep(browser, screenshots, "report.png")
    assert browser.problems() == []
    assert browser.requests() == [report_file.as_uri()]  # nothing fetched but the file itself


def test_clicking_a_header_sorts_the_rows(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    browser.click("#maps thead th:nth-child(5)")  # Resolution (Å)
    assert browser.evaluate(FIRST_COLUMN) == BY_RESOLUTION
    assert browser.evaluate("document.querySelector('#maps thead th:nth-child(5)').getAttribute('aria-sort')") \
        == "ascending"
    browser.click("#maps thead th:nth-child(5)")
    assert browser.evaluate(FIRST_COLUMN) == BY_RESOLUTION[::-1]
    browser.click("#maps thead th:nth-child(6)")  # Particles, stable among equal counts
    assert browser.evaluate(FIRST_COLUMN) == ["P446/J331", "P446/J330", "P446/J329", "P446/J66",
                                              "P30/J183", "P30/J181", "P30/J182", "P30/J180"]
    browser.click("#maps thead th:nth-child(3)")  # Type
    assert browser.evaluate("Array.from(document.querySelectorAll('#maps tbody tr'))"
                            ".map(r => r.cells[2].textContent)") == [
        "homo_reconstruct", "homo_reconstruct", "homo_refine_new", "homo_refine_new",
        "new_local_refine", "new_local_refine", "nonuniform_refine_new", "nonuniform_refine_new"]
    browser.click("#maps thead th:nth-child(4)")  # Completed
    assert browser.evaluate(FIRST_COLUMN)[:4] == ["P30/J180", "P30/J181", "P30/J182", "P30/J183"]
    keep(browser, screenshots, "report-sorted.png")
    assert browser.problems() == []


def test_a_thumbnail_enlarges_on_click(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    assert browser.evaluate("document.getElementById('viewer').hidden") is True
    browser.click("#maps tbody tr:first-child button.thumb")
    assert browser.evaluate("document.getElementById('viewer').hidden") is False
    assert browser.evaluate("document.querySelector('#viewer h3').textContent") == "P30/J180 Non-uniform Refinement"
    width = browser.evaluate("document.querySelector('#viewer svg').getBoundingClientRect().width")
    assert width > 500  # the thumbnail is 120 px wide
    assert browser.evaluate("document.querySelectorAll('#viewer .curves path').length") == 5
    keep(browser, screenshots, "report-enlarged.png")
    browser.click("#viewer button.close")
    assert browser.evaluate("document.getElementById('viewer').hidden") is True
    assert browser.problems() == []


def test_hostile_titles_run_no_code(browser, project_copy, capsys, tmp_path, screenshots):
    project = project_copy("P446")
    job_json = project / "J329" / "job.json"
    doc = json.loads(job_json.read_text())
    doc["title"] = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    job_json.write_text(json.dumps(doc))
    target = tmp_path / "hostile.html"
    code, _, err = run_csx(capsys, "report", "--project-dir", project, "--title", "</title><script>alert(3)</script>",
                           "-o", target)
    assert (code, err) == (0, [])
    browser.open(target.as_uri())
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("document.images.length") == 0
    assert browser.evaluate("document.querySelector('h1').textContent") == "</title><script>alert(3)</script>"
    assert browser.evaluate("document.title") == "</title><script>alert(3)</script>"
    browser.click("#maps tbody tr:nth-child(2) button.thumb")
    assert browser.evaluate("document.querySelector('#viewer h3').textContent") == \
        "P446/J329 <img src=x onerror=alert(1)><script>alert(2)</script>"
    keep(browser, screenshots, "report-hostile.png")
    assert browser.problems() == []
