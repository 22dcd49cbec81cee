"""Errors in the caller's words: one error, said with keywords to Python (`project_dir='nope'`) and with
flags on the command line (`--project-dir nope`), for every bad usage both reach."""

import json

import pytest

import extractor
from extractor import JobError, SpecError, UsageError
from tests.helpers import run_csx

KINDS = ("classes-2d, classes-3d, ctf, curation, extraction, flex, fsc, import, import-data, job, local-resolution, "
         "map-info, motion, particle-refinement, particle-sets, picking, sharpen, table1, variability")
STATUSES = "building, queued, launched, started, running, waiting, completed, killed, failed"


@pytest.fixture(scope="module")
def places(reference_projects, tmp_path_factory):
    """{name: text} put into the cases: the P30 project, a folder without jobs, paths that are not there."""
    empty = tmp_path_factory.mktemp("words")
    return {"P30": str(reference_projects["P30"]), "empty": str(empty), "nowhere": str(empty / "nowhere"),
            "info": str(empty / "missing.json"), "db": str(empty / "none.sqlite")}


# (python call, its error's class and line; csx arguments, its line on stderr)
CASES = {
    "a project directory that is not there": (
        lambda p: extractor.extract(project_dir=p["nowhere"]),
        UsageError, "project_dir='{nowhere}': not a directory",
        ["extract", "--project-dir", "{nowhere}", "--all"], "--project-dir {nowhere}: not a directory"),
    "a folder without jobs": (
        lambda p: extractor.extract(project_dir=p["empty"]),
        UsageError, "project_dir='{empty}': no CryoSPARC jobs (J*/job.json) there; is it a project directory?",
        ["extract", "--project-dir", "{empty}", "--all"],
        "--project-dir {empty}: no CryoSPARC jobs (J*/job.json) there; is it a project directory?"),
    "no jobs and nowhere": (
        lambda p: extractor.extract(),
        UsageError, "give jobs, project_dir=, or project= with client= or instance=",
        ["extract", "--all"], "--all needs --project-dir DIR, or --instance FILE with --project P"),
    "an instance without a project": (
        lambda p: extractor.extract(["J180"], instance=p["info"]),
        UsageError, "client= or instance= needs project= (the project uid, e.g. P30)",
        ["extract", "--instance", "{info}", "J180"], "--instance needs --project P (the project uid, e.g. P30)"),
    "an instance file that is not there": (
        lambda p: extractor.extract(["J180"], project="P30", instance=p["info"]),
        UsageError, "instance='{info}': cannot read: No such file or directory",
        ["extract", "--instance", "{info}", "--project", "P30", "J180"],
        "--instance {info}: cannot read: No such file or directory"),
    "a status CryoSPARC does not have": (
        lambda p: extractor.extract(project_dir=p["P30"], statuses=["completed", "complete"]),
        UsageError, f"statuses='complete': no such job status; CryoSPARC's are {STATUSES} (any: every status)",
        ["extract", "--project-dir", "{P30}", "--all", "--status", "completed", "--status", "complete"],
        f"--status complete: no such job status; CryoSPARC's are {STATUSES} (any: every status)"),
    "a job type that is a typo": (
        lambda p: extractor.extract(project_dir=p["P30"], types="nonuniform_refine"),
        UsageError, "types='nonuniform_refine': no spec reads this job type or record kind, and no job of project "
                    "directory {P30} has it; the nearest names: nonuniform_refine_new, homo_refine",
        ["extract", "--project-dir", "{P30}", "--all", "--type", "nonuniform_refine"],
        "--type nonuniform_refine: no spec reads this job type or record kind, and no job of project directory "
        "{P30} has it; the nearest names: nonuniform_refine_new, homo_refine"),
    "a record kind that is not there": (
        lambda p: extractor.extract(project_dir=p["P30"], kind="mapinfo"),
        UsageError, f"kind='mapinfo': no such record kind (kinds: {KINDS})",
        ["extract", "--project-dir", "{P30}", "--all", "--spec", "mapinfo"],
        f"--spec mapinfo: no such record kind or spec file (kinds: {KINDS})"),
    "a spec file that is not there": (
        lambda p: extractor.extract(["J180"], project_dir=p["P30"], spec="mine.yaml"),
        UsageError, "spec='mine.yaml': no such file, nor a spec of that name (csx specs lists them)",
        ["extract", "--project-dir", "{P30}", "J180", "--spec", "mine.yaml"],
        "--spec mine.yaml: no such file, nor a spec of that name (csx specs lists them)"),
    "a spec csx no longer ships": (
        lambda p: extractor.extract(["J180"], project_dir=p["P30"], spec="map-info-v4.0-4.2.yaml"),
        UsageError, "spec='map-info-v4.0-4.2.yaml': csx no longer ships this spec; map-info-v4.yaml reads the "
                    "documents of every CryoSPARC 4.x, 4.0 to 4.2 included: use spec='map-info-v4.yaml'",
        ["extract", "--project-dir", "{P30}", "J180", "--spec", "map-info-v4.0-4.2.yaml"],
        "--spec map-info-v4.0-4.2.yaml: csx no longer ships this spec; map-info-v4.yaml reads the documents of "
        "every CryoSPARC 4.x, 4.0 to 4.2 included: use --spec map-info-v4.yaml"),
    "a spec folder that is not there": (
        lambda p: extractor.extract(["J180"], project_dir=p["P30"], specs=p["nowhere"]),
        SpecError, "{nowhere}:1:1: specs=: not a directory",
        ["extract", "--project-dir", "{P30}", "J180", "--specs", "{nowhere}"], "{nowhere}:1:1: --specs: not a directory"),
    "a kind of query no spec has": (
        lambda p: extractor.query("job.uid", "J180", project_dir=p["P30"], kind="mapinfo"),
        UsageError, "query kind='mapinfo': no spec of kind mapinfo for job type nonuniform_refine_new, version "
                    "v4.7.1, layout v4; specs for layout v4: ",
        ["query", "--spec", "mapinfo", "job.uid", "{P30}/J180"],
        "query --spec mapinfo: no spec of kind mapinfo for job type nonuniform_refine_new, version v4.7.1, "
        "layout v4; specs for layout v4: "),
    "a mask FSC has not": (
        lambda p: extractor.plot_fsc(["J180"], project_dir=p["P30"], file_format="svg", masks=["tigth"]),
        UsageError, "masks='tigth': no such mask (masks: no_mask, spherical, loose, tight, corrected)",
        ["plot", "fsc", "--project-dir", "{P30}", "J180", "-o", "{empty}/f.svg", "--mask", "tigth"],
        "--mask tigth: no such mask (masks: no_mask, spherical, loose, tight, corrected)"),
    "a figure too wide": (
        lambda p: extractor.plot_fsc(["J180"], project_dir=p["P30"], file_format="svg", width=25.0),
        UsageError, "plot: width=25.0: give a width from 1.5 to 20 inches",
        ["plot", "fsc", "--project-dir", "{P30}", "J180", "-o", "{empty}/f.svg", "--width", "25"],
        "plot: --width 25: give a width from 1.5 to 20 inches"),
    "a legend label of a job not plotted": (
        lambda p: extractor.plot_fsc(["J180"], project_dir=p["P30"], file_format="svg", labels={"J99": "apo"}),
        UsageError, "plot: labels={{'J99': 'apo'}}: J99 is none of the jobs plotted (P30/J180)",
        ["plot", "fsc", "--project-dir", "{P30}", "J180", "-o", "{empty}/f.svg", "--label", "J99=apo"],
        "plot: --label J99=apo: J99 is none of the jobs plotted (P30/J180)"),
    "a Table 1 label of a map not in it": (
        lambda p: extractor.table1(["J180"], project_dir=p["P30"], labels={"J99": "EMD-1"}),
        UsageError, "labels key 'J99': no such map in the table (its maps: P30/J180)",
        ["table1", "--project-dir", "{P30}", "J180", "--label", "J99=EMD-1"],
        "--label J99: no such map in the table (its maps: P30/J180)"),
    "a database file that is not there": (
        lambda p: extractor.report(db=p["db"]),
        UsageError, "db='{db}': no such database file",
        ["report", "--db", "{db}", "-o", "{empty}/r.html"], "--db {db}: no such database file"),
    "a status the survey does not know": (
        lambda p: extractor.survey(p["P30"], statuses="complete"),
        UsageError, f"statuses='complete': no such job status; CryoSPARC's are {STATUSES} (any: every status)",
        ["survey", "{P30}", "--status", "complete"],
        f"--status complete: no such job status; CryoSPARC's are {STATUSES} (any: every status)"),
}


@pytest.mark.parametrize("usage", CASES)  # not "case": tests/adversarial collects every param of that name
def test_one_error_in_each_callers_words(usage, places, capsys):
    call, error, python_line, args, command_line = CASES[usage]
    with pytest.raises(error) as caught:
        call(places)
    expected = python_line.format(**places)
    if usage == "a kind of query no spec has":  # the specs listed after it are the registry's business
        assert str(caught.value).startswith(expected)
    else:
        assert str(caught.value) == expected
    code, _, err = run_csx(capsys, *[arg.format(**places) for arg in args])
    assert code == 2
    if usage == "a kind of query no spec has":
        assert err[0].startswith(f"csx: {command_line.format(**places)}")
    else:
        assert err == [f"csx: {command_line.format(**places)}"]


def test_a_job_of_another_status_says_how_to_ask_for_it(places, capsys):
    with pytest.raises(JobError) as caught:
        extractor.extract(["J184"], project_dir=places["P30"])
    assert str(caught.value) == (f"P30/J184 ({places['P30']}/J184): the job is failed, not completed; add "
                                 "statuses='failed' to extract it anyway")
    code, _, err = run_csx(capsys, "extract", "--project-dir", places["P30"], "J184")
    assert (code, err) == (1, [f"P30/J184 ({places['P30']}/J184): the job is failed, not completed; add --status "
                               "failed to extract it anyway"])


def test_where_status_is_no_option_the_error_gives_no_hint(places, capsys):
    code, out, _ = run_csx(capsys, "check", "--project-dir", places["P30"], "J184")
    assert (code, out) == (1, f"P30/J184 ({places['P30']}/J184): the job is failed, not completed\n")
    (outcome,) = extractor.table1(["J184"], project_dir=places["P30"]).failed
    assert str(outcome.error) == f"P30/J184 ({places['P30']}/J184): the job is failed, not completed"


def test_an_error_keeps_both_spellings_through_pickling(places):
    import pickle

    with pytest.raises(UsageError) as caught:
        extractor.extract(project_dir=places["nowhere"])
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == f"project_dir='{places['nowhere']}': not a directory"
    assert again.said(command_line=True) == f"--project-dir {places['nowhere']}: not a directory"


@pytest.mark.live
@pytest.mark.filterwarnings("ignore:.*API client:UserWarning")
def test_an_instance_that_does_not_answer_names_timeout_in_each_callers_words(tmp_path_factory, tmp_path, capsys,
                                                                              monkeypatch):
    import threading

    cryosparc = pytest.importorskip("cryosparc")
    from tests.fixturegen import REFERENCE_PROJECTS, make_project
    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    if generation == "4":  # the 4.x client read its retries when imported: two attempts, no pause
        import cryosparc.command

        monkeypatch.setattr(cryosparc.command, "MAX_ATTEMPTS", 3)
        monkeypatch.setattr(cryosparc.command, "RETRY_INTERVAL", 0)
    fixture = REFERENCE_PROJECTS[{"4": "P30", "5": "P446"}[generation]]
    project = make_project(tmp_path_factory.mktemp("instance"), fixture.puid, fixture.title, fixture.jobs[:1],
                           fixture.dirname)
    with start_server(project.parent, generation=generation) as server:
        address = server.instance_info.get("base_url") or f"127.0.0.1:{server.port}"
        (tmp_path / "info.json").write_text(json.dumps(server.instance_info))
        server.misbehave("stall")
        with pytest.raises(UsageError) as caught:
            extractor.extract(["J1"], project=fixture.puid, instance=server.instance_info, timeout=0.5)
        code, _, err = run_csx(capsys, "extract", "--instance", tmp_path / "info.json", "--project", fixture.puid,
                               "J1", "--timeout", "0.5")
    for thread in threading.enumerate():  # the calls csx gave up on end with the look-alike
        if thread.name == "csx-instance-call":
            thread.join(timeout=30)
    stalled = f"cannot connect to CryoSPARC at {address}: no complete answer within 1 s"
    assert str(caught.value) == f"{stalled} (twice timeout=0.5)"
    assert (code, err) == (2, [f"csx: {stalled} (twice --timeout 0.5)"])
