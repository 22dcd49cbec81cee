"""csx report: the HTML file from a project directory and from a database of several projects (SQLite and
PostgreSQL alike), its data read back from the page: rows, titles, Table 1, lineage, local resolution, check
status, storage, what is missing and how to make it; every value escaped, nothing fetched from a network.
(tests/test_report_browser.py opens it in Chromium.)"""

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import run_csx
from tests.report_records import RecordStore, job_record

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
P30 = EXAMPLES / "CS-ks-gastric-proton-pump-automation"
P446 = EXAMPLES / "CS-transporter-nanodiscs"
HOSTILE = '<script>alert("title")</script><img src=x onerror=alert(1)>'
GiB = 2**30
# the examples ship no map files: every file a refinement's record names is missing
MISSING = ["map: missing", "map_half_A: missing", "map_half_B: missing", "mask_refine: missing", "mask_fsc: missing",
           "mask_fsc_auto: missing"]


class Page(HTMLParser):
    """What a browser would build, counted: elements, attributes naming resources, and the inline scripts."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.resources, self.scripts, self._in_script = [], [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.resources += [value for name, value in attrs if name in ("src", "href", "xlink:href")]
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data

    def handle_endtag(self, tag):
        self._in_script = False

    @property
    def data(self) -> dict:
        """The report's data, as the page's script reads it."""
        return json.loads(self.scripts[0])


def labels(data) -> list:
    return [f"{data['projects'][row[0]]['uid']}/{row[1]}" for row in data["maps"]]


def by_label(data) -> dict:
    """{P30/J180: (row as a dict, details)}."""
    return {label: (dict(zip(data["columns"], row)), details)
            for label, row, details in zip(labels(data), data["maps"], data["details"])}


def report(capsys, tmp_path, *args) -> tuple:
    target = tmp_path / "report.html"
    target.unlink(missing_ok=True)
    code, out, err = run_csx(capsys, "report", *args, "-o", target)
    return code, err, target.read_text(encoding="utf-8") if target.exists() else None


def fill(capsys, db, *project_dirs, kinds=("map-info", "fsc", "table1")):
    for project_dir in project_dirs:
        for kind in kinds:
            code, _, err = run_csx(capsys, "extract", "--project-dir", project_dir, "--all", "--db", db, "-q",
                                   "--spec", kind)
            # the lineage project's J15 is a job of another project, copied in: it fails, the others are stored
            assert (code, err) == (0, []) or (code == 1 and all(line.startswith("P32/J15 (") for line in err))


def test_report_of_a_project_directory(capsys, tmp_path):
    code, err, html = report(capsys, tmp_path, "--project-dir", P30)
    assert (code, err) == (0, [])
    page = Page(html)
    data = page.data
    assert labels(data) == ["P30/J180", "P30/J181", "P30/J182", "P30/J183"]  # completed refinements, J184 failed
    assert data["projects"] == [{"uid": "P30", "title": "Gastric proton pump automation", "source": str(P30)}]
    assert "<h1>Maps of Gastric proton pump automation</h1>" in html
    row, details = by_label(data)["P30/J180"]
    # the notebook's J180, and what the example's documents say of it
    assert row == {"project": 0, "job": "J180", "title": "Non-uniform Refinement", "type": "nonuniform_refine_new",
                   "completed": "2025-06-02T17:09:51.733Z", "resolution": 2.281461238861084, "particles": 656974,
                   "symmetry": "C1", "bfactor": -78.3, "local_resolution": None, "check": 6}
    assert data["checks"][details["problems"]] == MISSING
    assert details["psize"] == 0.968143 and details["box"] == 350
    prefix, *rests = details["paths"]
    assert prefix + rests[data["path_names"].index("map")] == f"{P30}/J180/J180_009_volume_map.mrc"
    assert by_label(data)["P30/J182"][0]["check"] == 5  # a reconstruction has no mask_refine
    assert page.tags.count("script") == 2 and page.resources == []  # the data and the script, nothing fetched
    assert page.tags.count("svg") == 1  # resolution over time; the page draws the FSC curves itself
    assert len(data["curves"]) == 4 and all(c["r"][-1] for c in data["curves"])  # every map has its curves
    assert "No fsc records" not in html and "No table1 records" not in html


def test_report_of_a_database_of_two_projects(database, lineage_projects, capsys, tmp_path):
    p32 = lineage_projects["P32"]
    fill(capsys, database.target, P30, p32)
    with RecordStore(database.target) as store:  # job records, as the job kind has them
        for juid, job_type, size in (("J180", "nonuniform_refine_new", 3 * GiB), ("J1", "import_movies", 40 * GiB),
                                     ("J2", "import_movies", None)):
            store.put(P30, job_record("P30", juid, job_type, size, title=f"title of {juid}"))
        store.put(p32, job_record("P32", "J1", "import_movies", 25 * GiB))
    code, err, html = report(capsys, tmp_path, "--db", database.target, "--title", "Facility maps")
    assert (code, err) == (0, [])
    data = Page(html).data
    assert labels(data) == ["P30/J180", "P30/J181", "P30/J182", "P30/J183",
                            "P32/J10", "P32/J12", "P32/J13", "P32/J17", "P32/J18", "P32/J24"]
    assert [p["title"] for p in data["projects"]] == ["Gastric proton pump automation", "Nav1.7 lineage"]
    assert "10 maps from 2 projects (P30, P32)" in html and "<h1>Facility maps</h1>" in html
    assert '<ul class="notices">' not in html  # every kind the report reads is there
    maps = by_label(data)
    # P32's J10: the README's Table 1 and check, from the lineage fixture
    row, details = maps["P32/J10"]
    # the local resolution median is the median of J11's map inside its mask (tests/test_mapfiles.py)
    assert (row["resolution"], row["local_resolution"], row["check"], row["symmetry"]) == (2.87, 2.9675, 0, "C4")
    sections = dict(data["sections"][i] for i in details["table1"])
    assert sections["acquisition"] == {"voltage_kV": 300.0, "cs_mm": 2.7, "total_dose_e_per_A2": [50.0, 52.5],
                                       "frames_per_movie": [40, 50], "dose_per_frame_e_per_A2": [1.05, 1.25],
                                       "pixel_size_A": 0.415, "movies": 63, "import_jobs": ["J1", "J2"]}
    assert sections["micrographs"]["defocus_min_um"] == 0.82 and sections["particles"]["initial"] == 1298411
    assert {k: sections["map"][k] for k in ("local_resolution_min_A", "local_resolution_median_A",
                                            "local_resolution_max_A", "local_resolution_job")} == \
        {"local_resolution_min_A": 2.41, "local_resolution_median_A": 2.9675, "local_resolution_max_A": 6.87,
         "local_resolution_job": "J11"}
    assert data["labels"]["total_dose_e_per_A2"] == "Total dose (e⁻/Å²)" and data["labels"]["cs_mm"] == "Cs (mm)"
    assert [data["steps"][i][:4] for i in details["lineage"]] == [
        ["J10", "nonuniform_refine_new", "particles", 512330], ["J20", "hetero_refine", "particles", 896759],
        ["J9", "homo_abinit", "particles", 896759], ["J22", "restack_particles", "particles", 896759],
        ["J8", "select_2D", "particles", 1298411], ["J7", "class_2D_new", "particles", 1298411],
        ["J6", "extract_micrographs_multi", "particles", 1412870], ["J5", "blob_picker_gpu", "micrographs", 58],
        ["J19", "curate_exposures_v2", "exposures", 63], ["J4", "patch_ctf_estimation_multi", "exposures", 63],
        ["J3", "patch_motion_correction_multi", "movies", 63], ["J1", "import_movies", None, None],
        ["J2", "import_movies", None, None]]
    row, details = maps["P32/J13"]  # csx check's README example
    assert row["check"] == 2
    assert data["checks"][details["problems"]] == ["map_half_B: box 12x12x12, the map's is 16x16x16",
                                                   "mask_fsc_auto: missing"]
    assert data["steps"][details["lineage"][0]][4] == (
        "the walk stops: input particles comes from J14, which is not in project P32 (deleted?); input particles "
        "comes from J15, a job of project P29, not P32")
    assert maps["P30/J180"][0]["check"] == 6 and maps["P30/J180"][0]["title"] == "Non-uniform Refinement"
    # storage: 3 + 40 GiB in P30 (J2's size unknown), 25 GiB in P32
    assert '<th scope="row">Gastric proton pump automation (P30)</th><td class="number">3</td>' \
           f'<td class="number" title="{43 * GiB:,} bytes">46.2 GB</td><td class="number">1</td>' in html
    assert f'<th scope="row">Nav1.7 lineage (P32)</th><td class="number">1</td><td class="number" ' \
           f'title="{25 * GiB:,} bytes">26.8 GB</td><td class="number">0</td>' in html
    assert f'<th scope="row">import_movies</th><td class="number">3</td><td class="number" title="{65 * GiB:,} ' \
           'bytes">69.8 GB</td><td class="number">1</td>' in html


def test_what_the_database_lacks_is_said_with_the_command_that_makes_it(capsys, tmp_path):
    db = tmp_path / "csx.sqlite"
    fill(capsys, db, P446, kinds=("map-info",))
    code, err, html = report(capsys, tmp_path, "--db", db)
    assert (code, err) == (0, [])
    assert by_label(Page(html).data)["P446/J329"][0]["title"] is None  # no fsc record, no job record
    notices = html.split('<ul class="notices">')[1].split("</ul>")[0]
    assert notices == (
        f"<li>No fsc records, so no FSC curves, job titles and dates (and the timeline). Make them: csx extract "
        f"--db {db} --project-dir DIR --all --spec fsc (for each project)</li>"
        f"<li>No table1 records, so no Table 1 values, lineage and local resolution. Make them: csx extract "
        f"--db {db} --project-dir DIR --all --spec table1 (for each project)</li>"
        f"<li>No job records, so no disk use per project and job type. Make them: csx extract "
        f"--db {db} --project-dir DIR --all --spec job (for each project)</li>")
    assert Page(html).tags.count("svg") == 0  # no dates: no timeline
    with RecordStore(db) as store:  # where a map has no fsc record, its job record gives title and date
        store.put(P446, job_record("P446", "J329", "nonuniform_refine_new", GiB, title="NU refinement",
                                   completed_at="2025-10-07T23:28:00Z"))
    code, err, html = report(capsys, tmp_path, "--db", db)
    assert by_label(Page(html).data)["P446/J329"][0]["title"] == "NU refinement"
    assert by_label(Page(html).data)["P446/J329"][0]["completed"] == "2025-10-07T23:28:00Z"
    assert Page(html).tags.count("svg") == 1  # its date places it in the timeline
    fill(capsys, db, P446, kinds=("fsc",))
    run_csx(capsys, "extract", "--project-dir", P446, "J329", "--db", db, "-q", "--spec", "table1")
    code, err, html = report(capsys, tmp_path, "--db", db)
    assert "<li>3 of 4 maps have no table1 record, so no Table 1 values, lineage and local resolution for them. " \
           f"Make them: csx extract --db {db} --project-dir DIR --all --spec table1 (for each project)</li>" in html
    assert "No fsc records" not in html and Page(html).tags.count("svg") == 1


@pytest.mark.parametrize("puid", ["P31", "P447"])
def test_report_of_pipeline_projects(pipeline_projects, capsys, tmp_path, puid):
    code, err, html = report(capsys, tmp_path, "--project-dir", pipeline_projects[puid])
    assert (code, err) == (0, [])
    data = Page(html).data
    assert labels(data) == [f"{puid}/J15", f"{puid}/J16"]
    maps = by_label(data)
    assert [maps[f"{puid}/J15"][0]["type"], maps[f"{puid}/J16"][0]["type"]] == ["helix_refine", "homo_reconstruct"]
    # its local-resolution job, J18, is there, but the pipeline projects hold no map files to read it from
    assert maps[f"{puid}/J16"][0]["local_resolution"] is None
    assert [data["steps"][i][0] for i in maps[f"{puid}/J16"][1]["lineage"]] == ["J16", "J13", "J12", "J10"]


def test_hostile_titles_and_paths_are_text(capsys, tmp_path, project_copy):
    project = project_copy("P30")
    hostile_dir = project.parent / 'P30"><svg onload=alert(2)>'
    project.rename(hostile_dir)
    job_json = hostile_dir / "J180" / "job.json"
    doc = json.loads(job_json.read_text())
    doc["title"] = HOSTILE + "</script><!--"
    job_json.write_text(json.dumps(doc))
    code, err, html = report(capsys, tmp_path, "--project-dir", hostile_dir, "--title", HOSTILE)
    assert (code, err) == (0, [])
    page = Page(html)
    assert page.tags.count("script") == 2 and page.tags.count("img") == 0 and page.resources == []
    assert page.tags.count("svg") == 1  # the hostile path's <svg onload> is text, not an element
    assert "<svg onload" not in html and "<script>alert" not in html and "</script><!--" not in html
    assert "<h1>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</h1>" in html
    data = page.data  # the data holds the texts as they are: the page's script sets them as text
    assert by_label(data)["P30/J180"][0]["title"] == HOSTILE + "</script><!--"
    assert data["projects"][0]["source"] == str(hostile_dir)


def test_report_errors_are_one_line(capsys, tmp_path):
    code, err, html = report(capsys, tmp_path)
    assert (code, err, html) == (2, ["csx: report: give --project-dir DIR, --instance FILE --project P, or --db "
                                     "PATH|URL"], None)
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "none.sqlite")
    assert (code, err) == (2, [f"csx: --db {tmp_path / 'none.sqlite'}: no such database file"])
    (tmp_path / "text.sqlite").write_text("not a database at all, but long enough to be read as one" * 20)
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "text.sqlite")
    assert (code, err) == (2, [f"csx: --db {tmp_path / 'text.sqlite'}: cannot read it as a csx database (file is "
                               "not a database)"])
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "x", "--project-dir", P30)
    assert code == 2 and "leave out --project-dir" in err[0]


def test_nothing_to_report_is_exit_1_with_one_line_and_no_file(capsys, tmp_path):
    (tmp_path / "empty.sqlite").write_bytes(b"")
    code, err, html = report(capsys, tmp_path, "--db", tmp_path / "empty.sqlite")
    assert (code, html) == (1, None)
    assert err == [f"csx: report: nothing to report: --db {tmp_path / 'empty.sqlite'} holds no map-info record; fill "
                   f"it with csx extract --db {tmp_path / 'empty.sqlite'} --project-dir DIR --all"]
    code, err, html = report(capsys, tmp_path, "--project-dir", P30, "J1")
    assert (code, html, len(err)) == (1, None, 1)
    assert err[0].startswith(f"csx: report: nothing to report: no map among the jobs (P30/J1 ({P30}/J1): no spec "
                             "of kind map-info for job type import_movies")


def test_a_record_that_cannot_be_read_is_named_and_the_report_is_made(capsys, tmp_path):
    db = tmp_path / "csx.sqlite"
    fill(capsys, db, P446, kinds=("map-info", "fsc"))
    import sqlite3

    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE fsc SET record = '{\"kind\": ' WHERE job_uid = 'J330'")
        # an axis of the wrong length: the curves cannot be placed, nor silently cut
        record = json.loads(connection.execute("SELECT record FROM fsc WHERE job_uid = 'J331'").fetchone()[0])
        record["frequency_invA"] = record["frequency_invA"][:-1]
        connection.execute("UPDATE fsc SET record = ? WHERE job_uid = 'J331'", (json.dumps(record),))
        record["job_info"]["juid"] = "J66"
        record["frequency_invA"], record["curves"] = [], {"corrected": []}  # an empty axis and curve
        connection.execute("UPDATE fsc SET record = ? WHERE job_uid = 'J66'", (json.dumps(record),))
    code, err, html = report(capsys, tmp_path, "--db", db)
    assert code == 1
    assert err[0].startswith(f"--db {db}: table fsc, P446/J330 (from {P446}): its record cannot be read, not JSON (")
    assert err[1:] == [
        f"P446/J331 (from {P446}): FSC curves left out: P446/J331: its no_mask FSC curve has 175 shells and its "
        "frequency axis 174: the curve cannot be placed on the axis; is the job document whole? extract it again "
        "(csx extract --spec fsc)",
        f"P446/J66 (from {P446}): FSC curves left out: P446/J66: its fsc record has no frequency axis of numbers; "
        "extract it again (csx extract --spec fsc)"]
    data = Page(html).data
    assert labels(data) == ["P446/J66", "P446/J329", "P446/J330", "P446/J331"]
    assert [c is not None for c in data["curves"]] == [False, True, False, False]


def test_check_status_where_the_maps_are_not_reachable_and_without_check(capsys, tmp_path, lineage_projects):
    project = tmp_path / "P32"
    project.symlink_to(lineage_projects["P32"])  # csx keeps the path as given: its records name the link
    db = tmp_path / "csx.sqlite"
    fill(capsys, db, project, kinds=("map-info",))
    code, err, html = report(capsys, tmp_path, "--db", db)
    assert [row[-1] for row in Page(html).data["maps"]] == [0, 0, 2, 5, 5, 0]
    code, err, html = report(capsys, tmp_path, "--db", db, "--no-check")
    assert [row[-1] for row in Page(html).data["maps"]] == [None] * 6
    project.unlink()  # as from a machine that does not see the projects
    code, err, html = report(capsys, tmp_path, "--db", db)
    assert (code, err) == (0, [])
    data = Page(html).data
    assert [row[-1] for row in data["maps"]] == [-1] * 6
    assert data["projects"][0]["title"] is None  # nor its project.json: the uid stands for the title
    assert "<h1>Maps of P32</h1>" in html


def test_the_report_file_is_readable_by_others(capsys, tmp_path):
    code, err, html = report(capsys, tmp_path, "--project-dir", P446, "J66")
    assert labels(Page(html).data) == ["P446/J66"]
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
