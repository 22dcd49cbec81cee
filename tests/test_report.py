"""csx report: the HTML file from a project directory and from a database of
several projects, with every value escaped and nothing fetched from a
network. (tests/test_report_browser.py opens it in Chromium.)"""

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import run_csx

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
P30 = EXAMPLES / "CS-ks-gastric-proton-pump-automation"
P446 = EXAMPLES / "CS-transporter-nanodiscs"
HOSTILE = '<script>alert("title")</script><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """What a browser would build, counted: elements, attributes naming resources, the table's first column."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.resources, self.jobs, self.cell = [], [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.resources += [value for name, value in attrs if name in ("src", "href", "xlink:href")]
        if tag == "td" and self.tags.count("tr") > 1 and self.cell is None and self._first_cell():
            self.cell = ""

    def _first_cell(self):
        return self.tags[-2:] == ["tr", "td"]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.jobs.append(self.cell)
            self.cell = None


def report(capsys, tmp_path, *args) -> tuple:
    target = tmp_path / "report.html"
    code, out, err = run_csx(capsys, "report", *args, "-o", target)
    return code, err, target.read_text(encoding="utf-8") if target.exists() else None


def fill_database(capsys, db, *project_dirs):
    for project_dir in project_dirs:
        for extra in ((), ("--spec", "fsc", "--force")):
            code, _, err = run_csx(capsys, "extract", "--project-dir", project_dir, "--all", "--db", db, "-q", *extra)
            assert (code, err) == (0, [])


def test_report_of_a_project_directory(capsys, tmp_path):
    code, err, html = report(capsys, tmp_path, "--project-dir", P30)
    assert (code, err) == (0, [])
    page = Page(html)
    assert page.jobs == ["P30/J180", "P30/J181", "P30/J182", "P30/J183"]  # completed refinements, J184 failed
    assert page.tags.count("svg") == 4 + 1  # a plot per map, and resolution over time
    assert page.tags.count("script") == 1 and page.resources == []
    assert "<h1>Maps of P30</h1>" in html
    assert ">2.28</td>" in html and ">656,974</td>" in html and ">C2</td>" in html and ">-78.3</td>" in html
    assert f'{P30}/J180/J180_009_volume_map.mrc</td>' in html
    assert "tight 2.33 Å" in html


def test_report_of_a_database_of_two_projects(capsys, tmp_path):
    db = tmp_path / "csx.sqlite"
    fill_database(capsys, db, P30, P446)
    code, err, html = report(capsys, tmp_path, "--db", db, "--title", "Facility maps")
    assert (code, err) == (0, [])
    page = Page(html)
    assert page.jobs == ["P30/J180", "P30/J181", "P30/J182", "P30/J183",
                         "P446/J66", "P446/J329", "P446/J330", "P446/J331"]
    assert page.tags.count("svg") == 8 + 1
    assert "8 maps from 2 projects (P30, P446)" in html
    assert ">3.05</td>" in html and ">C3</td>" in html  # P446/J66


def test_report_without_fsc_records_leaves_the_plots_out(capsys, tmp_path):
    db = tmp_path / "csx.sqlite"
    code, _, _ = run_csx(capsys, "extract", "--project-dir", P446, "--all", "--db", db, "-q")
    code, err, html = report(capsys, tmp_path, "--db", db)
    assert (code, err) == (0, [])
    assert Page(html).jobs == ["P446/J66", "P446/J329", "P446/J330", "P446/J331"]
    assert Page(html).tags.count("svg") == 0  # no curves, no dates: no plots, no timeline


@pytest.mark.parametrize("puid", ["P31", "P447"])
def test_report_of_pipeline_projects(pipeline_projects, capsys, tmp_path, puid):
    code, err, html = report(capsys, tmp_path, "--project-dir", pipeline_projects[puid])
    assert (code, err) == (0, [])
    assert Page(html).jobs == [f"{puid}/J15", f"{puid}/J16"]
    assert ">helix_refine</td>" in html and ">homo_reconstruct</td>" in html


def test_hostile_titles_and_paths_are_text(capsys, tmp_path, project_copy):
    project = project_copy("P30")
    hostile_dir = project.parent / 'P30"><svg onload=alert(2)>'
    project.rename(hostile_dir)
    job_json = hostile_dir / "J180" / "job.json"
    doc = json.loads(job_json.read_text())
    doc["title"] = HOSTILE
    job_json.write_text(json.dumps(doc))
    code, err, html = report(capsys, tmp_path, "--project-dir", hostile_dir, "--title", HOSTILE)
    assert (code, err) == (0, [])
    page = Page(html)
    assert page.tags.count("script") == 1 and page.tags.count("img") == 0 and page.resources == []
    assert page.tags.count("svg") == 4 + 1  # the hostile path's <svg onload> is text, not an element
    assert "<svg onload" not in html and "<script>alert" not in html
    assert "<h1>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</h1>" in html
    assert 'data-title="P30/J180 &lt;script&gt;alert(&quot;title&quot;)' in html
    assert f"{tmp_path}/P30&quot;&gt;&lt;svg onload=alert(2)&gt;/J180/J180_009_volume_map.mrc</td>" in html


def test_report_errors_are_one_line(capsys, tmp_path):
    code, err, html = report(capsys, tmp_path)
    assert (code, err, html) == (2, ["csx: report: give --project-dir DIR, --instance FILE --project P, or --db "
                                     "SQLITE"], None)
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "none.sqlite")
    assert (code, err) == (2, [f"csx: --db {tmp_path / 'none.sqlite'}: no such database file"])
    (tmp_path / "empty.sqlite").write_bytes(b"")
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "empty.sqlite")
    assert code == 2 and err[0].startswith(f"csx: --db {tmp_path / 'empty.sqlite'}: no map-info records in it")
    (tmp_path / "text.sqlite").write_text("not a database at all, but long enough to be read as one" * 20)
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "text.sqlite")
    assert code == 2 and "cannot read it as a csx database (file is not a database)" in err[0]
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "x", "--project-dir", P30)
    assert code == 2 and "leave out --project-dir" in err[0]


def test_the_report_file_is_readable_by_others(capsys, tmp_path):
    code, err, html = report(capsys, tmp_path, "--project-dir", P446, "J66")
    assert Page(html).jobs == ["P446/J66"]
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


def test_a_section_of_a_related_kind_shows_with_its_map_only(monkeypatch):
    """The hook Table 1 and lineage will use: a renderer per kind, fed the map's record of that kind."""
    from extractor.pictures import report as module

    monkeypatch.setitem(module.SECTIONS, "table1", lambda record: f"<p>Table 1: {record['n']}</p>")
    fsc = {"job_info": {"puid": "P1", "juid": "J2", "title": "T", "completed_at": "2025-01-02T03:04:05Z"},
           "frequency_invA": [0.0, 0.1, 0.2], "curves": {"corrected": [1.0, 0.5, 0.0]}, "resolution_A": {}}
    maps = [module.MapEntry({"job_info": {"puid": "P1", "juid": f"J{n}"}}, fsc, related)
            for n, related in ((2, {"table1": {"n": 7}}), (3, {}))]
    html = module.report_html(maps, "hook")
    assert html.count('<div class="details"><p>Table 1: 7</p></div>') == 1
    assert html.count("Table 1") == 1
