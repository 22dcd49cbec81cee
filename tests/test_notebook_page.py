"""examples/notebook.md runs: its code cells, in order, in one namespace, from the top of a tree that
holds the shipped examples; the cells after "Through the client" against the look-alike server, with
the real client of the installed generation."""

import json
import re
from pathlib import Path

import pytest

from tests.fixturegen import REFERENCE_PROJECTS, make_project

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "examples" / "notebook.md").read_text()
OFFLINE, LIVE = PAGE.split("## Through the client")
# the job of the look-alike of each generation: it serves the reference project of its own generation
LIVE_JOB = {"4": ("P30", "J180"), "5": ("P446", "J329")}


def cells(text: str) -> list:
    return re.findall(r"```python\n(.*?)```", text, re.S)


@pytest.fixture
def top(tmp_path, monkeypatch):
    """A working directory like the repository's top, so the page's relative paths hold."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cells(sources, namespace: dict) -> dict:
    for number, source in enumerate(sources, 1):
        exec(compile(source, f"notebook.md cell {number}", "exec"), namespace)
    return namespace


def test_the_offline_cells_do_the_notebooks_job(top, capsys):
    namespace = run_cells(cells(OFFLINE), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "nonuniform_refine_new C1 656974 2.28"
    assert out[1] == str(top / "examples/CS-ks-gastric-proton-pump-automation/J180/J180_009_volume_map_half_A.mrc")
    saved = json.loads((top / "P30-J180.json").read_text())
    assert saved["psize_A"] == 0.9681428670883179 and saved["box_size_vox"] == 350
    table = namespace["table"]
    assert list(table["job_info.juid"]) == ["J180", "J181", "J182", "J183"]
    assert list(table.sort_values("gsfsc")["job_info.juid"])[0] == "J180"
    assert out[2] == "P30/J180 2.281461238861084"
    assert out[3].startswith("P30/J999 P30: no job J999 in ")


def test_the_client_cells_run_against_a_running_instance(top, tmp_path_factory, monkeypatch, capsys):
    cryosparc = pytest.importorskip("cryosparc")
    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    puid, juid = LIVE_JOB[generation]
    fixture = REFERENCE_PROJECTS[puid]
    project = make_project(tmp_path_factory.mktemp("instance"), fixture.puid, fixture.title, fixture.jobs,
                           fixture.dirname)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    live_cells = [cell.replace('"P30"', f'"{puid}"').replace('"J180"', f'"{juid}"') for cell in cells(LIVE)]
    with start_server(project.parent, generation=generation) as server:
        (home / "instance-info.json").write_text(json.dumps(server.instance_info))
        namespace = run_cells(cells(OFFLINE) + live_cells, {})
    out = capsys.readouterr().out.splitlines()
    box, psize = {"4": (350, 0.9681428670883179), "5": (348, 1.2432949542999268)}[generation]
    assert out[-1] == f"{juid} {box} {psize} {project}/{juid}/{juid}_{'009' if generation == '4' else '008'}_volume_map.mrc"
    assert juid in list(namespace["live_table"]["job_info.juid"])
