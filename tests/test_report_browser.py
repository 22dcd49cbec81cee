"""The report as a person meets it: opened from a file in headless Chromium
(Debian's `chromium`, installed by .ci/run), driven over the DevTools
protocol (tests/browser.py). A screenshot of each state is kept under
pytest's temporary directory; its path is printed.

Benchmark mode: `python -m tests.benchmarks.bench_report --browser` times
first paint and a filter keystroke on reports of 1,000 and 10,000 maps."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from extractor.cli import main
from tests.browser import Browser, chromium_path
from tests.helpers import IN_CI, readme_nightly, run_csx
from tests.report_records import RecordStore, job_record

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
P30 = EXAMPLES / "CS-ks-gastric-proton-pump-automation"
P446 = EXAMPLES / "CS-transporter-nanodiscs"
BY_RESOLUTION = ["P30/J180", "P30/J182", "P446/J329", "P446/J330", "P30/J181", "P30/J183", "P446/J331", "P446/J66"]
ROWS = "Array.from(document.querySelectorAll('#maps tbody tr.map'))"
FIRST_COLUMN = f"{ROWS}.map(r => r.cells[0].textContent)"
HEADER = "#maps thead th:nth-child({})"  # Job, Project, Title, Type, Completed, Resolution, Particles, ...
KINDS = ("map-info", "fsc", "table1")

if chromium_path() is None:
    # CI installs chromium (.ci/run): there a missing browser fails every test here (Browser() says why), so CI
    # can never pass without them; elsewhere they are skipped, and tests/run says so in one line
    pytestmark = pytest.mark.skipif(not IN_CI, reason="no Chromium on PATH: apt-get install chromium (.ci/run does)")


def fill(db, *projects):
    for project in projects:
        for kind in KINDS:
            assert main(["extract", "--project-dir", str(project), "--all", "--db", str(db), "-q", "--spec", kind]) == 0


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    """The report of an SQLite database holding both example projects: eight maps, and job records."""
    folder = tmp_path_factory.mktemp("report")
    db = folder / "csx.sqlite"
    fill(db, P30, P446)
    with RecordStore(db) as store:
        store.put(P30, job_record("P30", "J1", "import_movies", 40 * 2**30))
        store.put(P446, job_record("P446", "J1", "import_movies", 20 * 2**30))
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


def keep(browser: Browser, folder: Path, name: str, full_page=False) -> Path:
    path = folder / name
    browser.screenshot(path, full_page)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
    return path


def colours(browser) -> dict:
    """{project uid: colour} of the timeline's groups, the legend's swatches and the rows' swatches."""
    return {
        "timeline": browser.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('svg.timeline "
                                     "g.project')).map(g => [g.dataset.project, g.getAttribute('fill')]))"),
        "legend": browser.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('ul.legend li'))"
                                   ".map(li => [li.dataset.project, getComputedStyle(li.querySelector('.swatch'))"
                                   ".backgroundColor]))"),
        "rows": browser.evaluate(f"Object.fromEntries({ROWS}.map(r => [r.cells[1].title, "
                                 "getComputedStyle(r.querySelector('.swatch')).backgroundColor]))"),
    }


def rgb(hex_colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))


def test_loads_with_every_map_a_colour_per_project_and_no_error(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    assert browser.evaluate(f"{ROWS}.length") == 8
    assert browser.evaluate("document.querySelectorAll('#maps tbody canvas.fsc').length") == 8
    assert browser.evaluate("document.querySelectorAll('svg.timeline circle').length") == 8
    seen = colours(browser)
    assert seen["timeline"] == {"P30": "#1f77b4", "P446": "#ff7f0e"}
    assert seen["legend"] == seen["rows"] == {"P30": rgb("#1f77b4"), "P446": rgb("#ff7f0e")}
    assert browser.evaluate("Array.from(document.querySelectorAll('ul.legend li')).map(li => li.textContent)") == [
        "Gastric proton pump automation P30", "Transporter in nanodiscs P446"]
    assert browser.evaluate("document.getElementById('shown').textContent") == "Maps 1–8 of 8"
    keep(browser, screenshots, "report.png", full_page=True)
    assert browser.problems() == []
    assert browser.requests() == [report_file.as_uri()]  # nothing fetched but the file itself


def test_the_axes_labels_do_not_overlap(browser, report_file):
    browser.open(report_file.as_uri())
    boxes = browser.evaluate("(() => { const s = document.querySelector('svg.timeline');"
                             " const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; };"
                             " const ticks = Array.from(s.querySelectorAll('text.tick[text-anchor=end]')).map(box);"
                             " const title = box(s.querySelectorAll('text.label')[1]);"
                             " return {ticks, title, labels: Array.from(s.querySelectorAll('text.tick'))"
                             ".map(t => t.textContent)}; })()")
    assert boxes["title"][1] < min(left for left, _ in boxes["ticks"])  # the axis title clear of its ticks
    # round resolutions around the maps' 2.28 to 3.05 Å, and the months from P30's June to P446's October
    assert boxes["labels"] == ["2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "2025-06", "2025-07", "2025-08", "2025-09",
                               "2025-10"]


def test_clicking_a_header_sorts_the_rows(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    browser.click(HEADER.format(6))  # Resolution (Å)
    assert browser.evaluate(FIRST_COLUMN) == BY_RESOLUTION
    assert browser.evaluate(f"document.querySelector('{HEADER.format(6)}').getAttribute('aria-sort')") == "ascending"
    browser.click(HEADER.format(6))
    assert browser.evaluate(FIRST_COLUMN) == BY_RESOLUTION[::-1]
    browser.click(HEADER.format(7))  # Particles, stable among equal counts
    assert browser.evaluate(FIRST_COLUMN) == ["P446/J331", "P446/J330", "P446/J329", "P446/J66",
                                              "P30/J183", "P30/J181", "P30/J182", "P30/J180"]
    browser.click(HEADER.format(4))  # Type
    assert browser.evaluate(f"{ROWS}.map(r => r.cells[3].textContent)") == [
        "homo_reconstruct", "homo_reconstruct", "homo_refine_new", "homo_refine_new",
        "new_local_refine", "new_local_refine", "nonuniform_refine_new", "nonuniform_refine_new"]
    browser.click(HEADER.format(5))  # Completed
    assert browser.evaluate(FIRST_COLUMN)[:4] == ["P30/J180", "P30/J181", "P30/J182", "P30/J183"]
    browser.click(HEADER.format(1))  # Job: P30/J99 would come before P30/J180, P446/J66 before P446/J329
    assert browser.evaluate(FIRST_COLUMN) == ["P30/J180", "P30/J181", "P30/J182", "P30/J183",
                                              "P446/J66", "P446/J329", "P446/J330", "P446/J331"]
    keep(browser, screenshots, "report-sorted.png")
    assert browser.problems() == []


def test_a_row_expands_into_its_details(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    browser.click("#maps tbody tr.map:first-child td:nth-child(4)")
    assert browser.evaluate("document.querySelectorAll('#maps tbody tr.details').length") == 1
    assert browser.evaluate("document.querySelector('#maps tbody tr.map button.expand')"
                            ".getAttribute('aria-expanded')") == "true"
    details = "document.querySelector('#maps tbody tr.details')"
    assert browser.evaluate(f"Array.from({details}.querySelectorAll('h4')).map(h => h.textContent)") == [
        "FSC", "Table 1", "Lineage, import to map", "Check", "Map"]
    table1 = browser.evaluate(f"Array.from({details}.querySelectorAll('table.table1 tr'))"
                              ".map(r => Array.from(r.cells).map(c => c.textContent))")
    assert ["Final", "656,974"] in table1 and ["Symmetry", "C1"] in table1 and ["Resolution (Å)", "2.281"] in table1
    assert browser.evaluate(f"{details}.querySelector('ol.lineage li').textContent").startswith("J180 ")
    assert browser.evaluate(f"Array.from({details}.querySelectorAll('ul.problems li')).map(l => l.textContent)") == [
        "map: missing", "map_half_A: missing", "map_half_B: missing", "mask_refine: missing", "mask_fsc: missing",
        "mask_fsc_auto: missing"]  # the examples ship no map files
    paths = browser.evaluate(f"Array.from({details}.querySelectorAll('dl.paths dd')).map(d => d.textContent)")
    assert paths[0] == f"{P30}/J180/J180_009_volume_map.mrc" and len(paths) == 7
    assert browser.evaluate(f"{details}.querySelectorAll('svg.fsc .curves path').length") == 5
    keep(browser, screenshots, "report-expanded.png", full_page=True)
    browser.click("#maps tbody tr.map:first-child button.expand")
    assert browser.evaluate("document.querySelectorAll('#maps tbody tr.details').length") == 0
    assert browser.problems() == []


def test_the_filter_filters(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    browser.type_text("#filter", "nanodiscs")  # a project's title
    assert browser.evaluate(FIRST_COLUMN) == ["P446/J66", "P446/J329", "P446/J330", "P446/J331"]
    assert browser.evaluate("document.getElementById('shown').textContent") == "Maps 1–4 of 4 (filtered from 8)"
    browser.type_text("#filter", " homo_recon")  # every word must match
    assert browser.evaluate(FIRST_COLUMN) == ["P446/J330"]
    keep(browser, screenshots, "report-filtered.png")
    browser.type_text("#filter", "x")
    assert browser.evaluate(f"{ROWS}.length") == 0
    assert browser.evaluate("document.getElementById('shown').textContent") == "No map matches (filtered from 8)"
    assert browser.problems() == []


def test_a_thumbnail_enlarges_on_click(browser, report_file, screenshots):
    browser.open(report_file.as_uri())
    assert browser.evaluate("document.getElementById('viewer').hidden") is True
    browser.click("#maps tbody tr:first-child button.thumb")
    assert browser.evaluate("document.getElementById('viewer').hidden") is False
    assert browser.evaluate("document.querySelector('#viewer h3').textContent") == "P30/J180 Non-uniform Refinement"
    width = browser.evaluate("document.querySelector('#viewer svg').getBoundingClientRect().width")
    assert width > 500  # the thumbnail is 90 px wide
    assert browser.evaluate("document.querySelectorAll('#viewer .curves path').length") == 5
    assert browser.evaluate("Array.from(document.querySelectorAll('#viewer text.key')).map(t => t.textContent)") == [
        "corrected 2.28 Å", "tight 2.33 Å", "loose 2.51 Å", "spherical 2.74 Å", "no mask 3.08 Å"]
    assert browser.evaluate("document.querySelectorAll('#maps tbody tr.details').length") == 0  # not expanded
    keep(browser, screenshots, "report-enlarged.png")
    browser.click("#viewer button.close")
    assert browser.evaluate("document.getElementById('viewer').hidden") is True
    assert browser.problems() == []


def test_pages_of_rows(browser, tmp_path):
    """250 maps: a hundred rows at a time, the pager moving between them, the filter over all of them."""
    db = tmp_path / "many.sqlite"
    fill(db, P446)
    from extractor.sinks.dbread import reading

    with reading(db) as reader:
        original = next(reader.records("map-info", "P446")).record
    with RecordStore(db) as store:
        for n in range(246):
            store.put(P446, {**original, "job_info": {**original["job_info"], "juid": f"J{1000 + n}"}})
    assert main(["report", "--db", str(db), "-o", str(tmp_path / "many.html")]) == 0
    browser.open((tmp_path / "many.html").as_uri())
    assert browser.evaluate(f"{ROWS}.length") == 100
    assert browser.evaluate("document.getElementById('shown').textContent") == "Maps 1–100 of 250"
    assert browser.evaluate("document.getElementById('previous').disabled") is True
    browser.click("#next")
    browser.click("#next")
    assert browser.evaluate("document.getElementById('shown').textContent") == "Maps 201–250 of 250"
    assert browser.evaluate(FIRST_COLUMN)[-1] == "P446/J1245"
    assert browser.evaluate("document.getElementById('next').disabled") is True
    browser.type_text("#filter", "j12")
    assert browser.evaluate("document.getElementById('shown').textContent") == "Maps 1–46 of 46 (filtered from 250)"
    assert browser.problems() == []


def test_hostile_titles_run_no_code(browser, project_copy, capsys, tmp_path, screenshots):
    project = project_copy("P446")
    job_json = project / "J329" / "job.json"
    doc = json.loads(job_json.read_text())
    doc["title"] = "<img src=x onerror=alert(1)><script>alert(2)</script></script><!--"
    job_json.write_text(json.dumps(doc))
    target = tmp_path / "hostile.html"
    code, _, err = run_csx(capsys, "report", "--project-dir", project, "--title", "</title><script>alert(3)</script>",
                           "-o", target)
    assert (code, err) == (0, [])
    browser.open(target.as_uri())
    assert browser.evaluate("document.scripts.length") == 2
    assert browser.evaluate("document.images.length") == 0
    assert browser.evaluate("document.querySelector('h1').textContent") == "</title><script>alert(3)</script>"
    assert browser.evaluate("document.title") == "</title><script>alert(3)</script>"
    assert browser.evaluate(f"{ROWS}[1].cells[2].textContent") == doc["title"]
    browser.click("#maps tbody tr:nth-child(2) button.thumb")
    assert browser.evaluate("document.querySelector('#viewer h3').textContent") == "P446/J329 " + doc["title"]
    browser.click("#viewer button.close")
    browser.click("#maps tbody tr.map:nth-child(2) td:nth-child(4)")
    assert browser.evaluate("document.querySelectorAll('#maps tbody tr.details').length") == 1
    keep(browser, screenshots, "report-hostile.png")
    assert browser.problems() == []


def test_a_report_from_each_database(browser, database, tmp_path, screenshots):
    """SQLite and PostgreSQL: the same page; rows expand, the filter filters, each project has its colour."""
    fill(database.target, P30, P446)
    target = tmp_path / f"{database.name}.html"
    assert main(["report", "--db", database.target, "-o", str(target)]) == 0
    browser.open(target.as_uri())
    assert browser.evaluate(FIRST_COLUMN) == ["P30/J180", "P30/J181", "P30/J182", "P30/J183",
                                              "P446/J66", "P446/J329", "P446/J330", "P446/J331"]
    seen = colours(browser)
    assert seen["legend"] == seen["rows"] == {"P30": rgb("#1f77b4"), "P446": rgb("#ff7f0e")}
    assert seen["timeline"] == {"P30": "#1f77b4", "P446": "#ff7f0e"}
    browser.click("#maps tbody tr.map:nth-child(5) td:nth-child(4)")  # P446/J66
    assert browser.evaluate("document.querySelector('#maps tbody tr.details ol.lineage li').textContent") \
        .startswith("J66 ")
    browser.type_text("#filter", "C3")
    assert browser.evaluate(FIRST_COLUMN) == ["P446/J66", "P446/J331"]
    keep(browser, screenshots, f"report-{database.name}.png")
    assert browser.problems() == []


# import to map, as tests/fixturegen/lineage.py builds the shipped pipelines: two movie imports, motion, CTF,
# curation, blob picking, extraction (restacked after 2D selection in P32, downsampled before 2D in P449),
# 2D classification and selection, ab initio, heterogeneous refinement, non-uniform refinement
PIPELINE_LINEAGE = {
    "P32/J10": ["J2", "J1", "J3", "J4", "J19", "J5", "J6", "J7", "J8", "J22", "J9", "J20", "J10"],
    "P449/J10": ["J2", "J1", "J3", "J4", "J19", "J5", "J6", "J22", "J7", "J8", "J9", "J20", "J10"],
}

PIPELINES = (EXAMPLES / "CS-nav17-pipeline", EXAMPLES / "CS-nav17-pipeline-v5")
# rows only a walk to the imports fills, in the order the report shows them
PIPELINE_ROWS = {
    "P32/J10": {"Frames per movie": "40, 50", "Import jobs": "J1, J2", "Accepted": "58", "Initial": "1,298,411",
                "After 2D selection": "896,759", "After 3D classification": "512,330", "Final": "512,330",
                "Extract jobs": "J22, J6", "Symmetry": "C4", "Local resolution job": "J11",
                "Sharpening bfactor (Å²)": "-85", "Sharpening job": "J21"},
    "P449/J10": {"Frames per movie": "40", "Import jobs": "J1, J2", "Accepted": "60", "Initial": "1,401,877",
                 "After 2D selection": "716,094", "After 3D classification": "402,118", "Final": "402,118",
                 "Extract jobs": "J22, J6", "Symmetry": "C4", "Local resolution job": "J11",
                 "Sharpening bfactor (Å²)": "-72.5", "Sharpening job": "J21"},
}


def test_the_facility_recipe_reports_table1_and_lineage_of_every_pipeline_map(browser, database, tmp_path,
                                                                              screenshots):
    """The README's nightly script over the shipped pipeline projects, into each database; in the report every
    map's row expands into its Table 1 and its lineage, from the imports to the map."""
    page, projects = tmp_path / "maps.html", tmp_path / "cryosparc_projects"
    projects.mkdir()
    for project in PIPELINES:
        (projects / project.name).symlink_to(project, target_is_directory=True)
    nightly = readme_nightly(tmp_path, projects, database.target, page)
    done = subprocess.run(["bash", str(nightly)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "", done.stderr
    assert all(line.endswith((" 0 failed", " 0 failed, 0 pruned")) for line in done.stderr.splitlines()), done.stderr
    browser.open(page.as_uri())
    maps = browser.evaluate(FIRST_COLUMN)
    assert sorted(maps) == ["P32/J10", "P449/J10"]
    details = "document.querySelector('#maps tbody tr.details')"
    for row, job in enumerate(maps, 1):
        browser.click(f"#maps tbody tr.map:nth-child({row}) td:nth-child(4)")
        table1 = browser.evaluate(f"Array.from({details}.querySelectorAll('table.table1 tr'))"
                                  ".map(r => Array.from(r.cells).map(c => c.textContent))")
        lineage = browser.evaluate(f"Array.from({details}.querySelectorAll('ol.lineage li strong'))"
                                   ".map(s => s.textContent)")
        assert lineage == PIPELINE_LINEAGE[job]
        shown = [line for line in table1 if line[0] in PIPELINE_ROWS[job]]
        assert shown == [[name, value] for name, value in PIPELINE_ROWS[job].items()], job
        keep(browser, screenshots, f"report-{database.name}-{job.replace('/', '-')}.png", full_page=True)
        browser.click(f"#maps tbody tr.map:nth-child({row}) td:nth-child(4)")
        assert browser.evaluate("document.querySelectorAll('#maps tbody tr.details').length") == 0
    assert browser.problems() == []
