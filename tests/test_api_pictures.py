"""The picture and database side of the public API: what csx plot, report and a database's reader do, as
function calls a notebook makes."""

import inspect
from pathlib import Path

import pytest

import extractor
from extractor.errors import NothingToReport

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
P30 = EXAMPLES / "CS-ks-gastric-proton-pump-automation"


def test_read_records_of_a_database(tmp_path):
    db = tmp_path / "csx.sqlite"
    from extractor.cli import main

    assert main(["extract", "--project-dir", str(P30), "--all", "--db", str(db), "-q"]) == 0
    records = extractor.read_records(db, "map-info")
    assert inspect.isgenerator(records)
    assert [(r.label, r.record["job_info"]["particle_count"]) for r in records] == [
        ("P30/J180", 656974), ("P30/J181", 656974), ("P30/J182", 656974), ("P30/J183", 656974)]
    assert [r.job_uid for r in extractor.read_records(str(db), "map-info", project="P31")] == []


def test_plot_fsc_gives_the_figure_and_writes_it(tmp_path):
    figure = extractor.plot_fsc(["J180", "J181"], project_dir=P30, output=tmp_path / "fsc.pdf", masks=["corrected"],
                                labels={"J180": "EMD-11111"}, columns=2)
    assert figure.startswith(b"%PDF-") and (tmp_path / "fsc.pdf").read_bytes() == figure
    svg = extractor.plot_fsc(["J180"], project_dir=P30, file_format="svg", width=3.0, labels={"P30/J180": "apo"})
    assert b'width="216pt"' in svg and b"<!-- apo -->" in svg
    with pytest.raises(extractor.UsageError, match="give output="):
        extractor.plot_fsc(["J180"], project_dir=P30)


def test_report_of_a_project_and_of_an_empty_database(tmp_path):
    made = extractor.report(project_dir=P30, output=tmp_path / "p30.html", title="P30 maps")
    assert (made.maps, made.problems) == (4, [])
    assert "<h1>P30 maps</h1>" in (tmp_path / "p30.html").read_text() == made.html
    (tmp_path / "empty.sqlite").write_bytes(b"")
    with pytest.raises(NothingToReport, match="holds no map-info record"):
        extractor.report(db=tmp_path / "empty.sqlite")
    with pytest.raises(extractor.UsageError, match="db= reports on the database"):
        extractor.report(["J180"], db=tmp_path / "empty.sqlite")
