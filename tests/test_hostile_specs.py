"""Hostile spec folders: alias bombs, extends cycles and long chains, files
that are not UTF-8 or not files, record schemas that are not JSON, and a
corrupt registry cache. Each is one line naming the file (line and column
where there is one), never a traceback, never a hang or a memory blow-up."""

import json
import os
import pickle
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import run_csx

SPEC = """\
kind: map-info
match: {layout: v4, job_types: [homo_refine_new]}
fields:
  gsfsc: {expr: job.uid, required: true}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def csx_process(*args, timeout=60):
    """csx in a fresh process, so that a regression is a failed test rather than a blown test run."""
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def no_traceback(text):
    assert "Traceback" not in text


def laughs(levels: int, copies: int = 10, joiner: str = ", ") -> str:
    """The billion laughs: each anchor a list of `copies` aliases of the one before."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + joiner.join([f"*a{level - 1}"] * copies) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("joiner", [",", ",\t", ",\n  ", ", \u2028  "])
def test_an_alias_bomb_written_tightly_is_refused_too(tmp_path, capsys, joiner):
    bomb = write(tmp_path / "bomb.yaml", SPEC + laughs(8, joiner=joiner))
    code, out, err = run_csx(capsys, "lint", bomb)
    assert code == 1
    assert "YAML aliases here expand to more than 100,000 values" in out


def test_an_alias_bomb_is_refused_by_lint_and_extract(tmp_path):
    bomb = write(tmp_path / "mine" / "bomb.yaml", SPEC + "description: x\n" + laughs(10))
    lint = csx_process("lint", bomb)
    assert lint.returncode == 1
    assert lint.stdout.splitlines() == [f"{bomb}:11:5: YAML aliases here expand to more than 100,000 values "
                                        "(an alias bomb?); write the values out instead"]
    extract = csx_process("extract", "--specs", bomb.parent, tmp_path / "J1")
    assert extract.returncode == 2
    assert extract.stderr.splitlines() == [f"csx: {lint.stdout.strip()}"]
    no_traceback(lint.stderr + extract.stderr)


def test_a_merge_key_bomb_is_refused(tmp_path):
    lines = ["m0: &m0 {x: 1, y: 2}"]
    for level in range(1, 9):
        lines.append(f"m{level}: &m{level} {{<<: [" + ", ".join([f"*m{level - 1}"] * 10) + f"], z{level}: 1}}")
    bomb = write(tmp_path / "bomb.yaml", SPEC + "\n".join(lines) + "\n")
    result = csx_process("lint", bomb)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{bomb}:10:14: YAML aliases here expand to more than 100,000 values")
    no_traceback(result.stderr)


def test_an_alias_inside_itself_is_refused(tmp_path, capsys):
    spec = write(tmp_path / "loop.yaml", SPEC + "loop: &loop [1, *loop]\n")
    code, out, err = run_csx(capsys, "lint", spec)
    assert code == 1
    assert out.splitlines() == [f"{spec}:5:7: YAML alias: this value contains an alias of itself"]


def test_ordinary_anchors_and_merge_keys_still_load(tmp_path, capsys):
    spec = write(tmp_path / "anchors.yaml", """\
        kind: map-info
        match: &match {layout: v4, job_types: [homo_refine_new]}
        fields:
          job_info: &info
            type: job.job_type
            juid: {expr: job.uid, required: true}
          gsfsc: {<<: {expr: job.uid}, required: false}
        """)
    code, out, err = run_csx(capsys, "lint", spec)
    assert (code, out, err) == (0, "csx lint: 1 spec(s), 0 fragment(s) and 0 layout(s) are fine\n", [])


def test_a_deep_yaml_nesting_is_one_line(tmp_path, capsys):
    deep = "".join(" " * i + "a:\n" for i in range(1200)) + " " * 1200 + "1\n"
    spec = write(tmp_path / "deep.yaml", SPEC)
    spec.write_text(spec.read_text() + "deep:\n" + "".join(" " + line + "\n" for line in deep.splitlines()))
    code, out, err = run_csx(capsys, "lint", spec)
    assert code == 1
    assert out.startswith(f"{spec}:1004:") and "exceeded maximum nesting depth" in out


@pytest.mark.parametrize("levels", [33, 100, 990])
def test_fields_nested_past_32_levels_are_one_line(tmp_path, capsys, levels):
    nested = "".join("  " + " " * level + "a:\n" for level in range(levels)) + "  " + " " * levels + "job.uid\n"
    spec = write(tmp_path / "nested.yaml", SPEC.replace("  gsfsc: {expr: job.uid, required: true}\n", nested))
    code, out, err = run_csx(capsys, "lint", spec)
    assert (code, out.splitlines()) == (1, [f"{spec}:36:35: nested more than 32 levels deep; flatten it"])


def test_an_extends_cycle_names_the_file_and_line(tmp_path, capsys):
    write(tmp_path / "a.yaml", "extends: b.yaml\n" + SPEC)
    write(tmp_path / "b.yaml", "description: b\nextends: a.yaml\n")
    code, out, err = run_csx(capsys, "lint", tmp_path / "a.yaml")
    assert code == 1
    assert out.splitlines() == [f"{tmp_path / 'b.yaml'}:2:1: extends: a.yaml extends this file again (a cycle)"]


def chain(folder: Path, length: int) -> Path:
    """spec.yaml extending _1.yaml extending ... _<length-1>.yaml: `length` files in all."""
    write(folder / f"_{length - 1}.yaml", "description: the base\n")
    for number in range(length - 2, 0, -1):
        write(folder / f"_{number}.yaml", f"extends: _{number + 1}.yaml\n")
    return write(folder / "spec.yaml", "extends: _1.yaml\n" + SPEC)


def test_an_extends_chain_of_32_files_loads(tmp_path, capsys):
    spec = chain(tmp_path, 32)
    code, out, err = run_csx(capsys, "lint", spec)
    assert (code, err) == (0, [])


def test_a_long_extends_chain_is_refused_with_file_line_col(tmp_path, capsys):
    spec = chain(tmp_path, 1500)
    code, out, err = run_csx(capsys, "lint", spec)
    assert code == 1
    assert out.splitlines() == [f"{tmp_path / '_31.yaml'}:1:1: extends: _32.yaml would make {spec} a chain of "
                                "more than 32 files; merge some"]
    code, out, err = run_csx(capsys, "extract", "--specs", tmp_path, tmp_path / "J1")
    assert (code, out) == (2, "")
    assert err == [f"csx: {tmp_path / '_31.yaml'}:1:1: extends: _32.yaml would make {spec} a chain of "
                   "more than 32 files; merge some"]


def test_lint_of_a_folder_of_long_chains_reads_each_file_once(tmp_path, monkeypatch):
    # every fragment of the chain is checked, each through its own 32 bases: read once, not 32 times
    from extractor.language.speclint import lint
    from extractor.language import specfile

    spec = chain(tmp_path, 1500)
    reads = Counter()
    load_located = specfile.load_located
    monkeypatch.setattr(specfile, "load_located", lambda file: reads.update([Path(file).resolve()]) or
                        load_located(file))
    problems = lint([tmp_path])
    assert len(problems) == 1468  # spec.yaml and _1 to _1467: more than 32 files from their chain's end
    assert str(problems[-1]) == (f"{tmp_path / '_31.yaml'}:1:1: extends: _32.yaml would make {spec} a chain of "
                                "more than 32 files; merge some")
    assert len(reads) == 1500 and max(reads.values()) == 1


def test_a_spec_that_is_not_utf8_names_line_and_column(tmp_path, capsys):
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes(SPEC.encode() + "description: café\n".encode("latin-1"))
    code, out, err = run_csx(capsys, "lint", spec)
    assert code == 1
    assert out.splitlines() == [f"{spec}:5:17: not UTF-8 text; save it as UTF-8"]
    code, out, err = run_csx(capsys, "specs", "--specs", tmp_path)
    assert (code, err) == (2, [f"csx: {spec}:5:17: not UTF-8 text; save it as UTF-8"])


def test_a_control_character_in_a_spec_names_line_and_column(tmp_path, capsys):
    spec = tmp_path / "nul.yaml"
    spec.write_bytes(SPEC.encode() + b"description: a\x00b\n")
    code, out, err = run_csx(capsys, "lint", spec)
    assert (code, out.splitlines()) == (1, [f"{spec}:5:15: character U+0000 is not allowed in YAML"])


def test_a_fifo_among_the_specs_is_no_wait(tmp_path):
    write(tmp_path / "good.yaml", SPEC)
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "schemas").mkdir()
    os.mkfifo(tmp_path / "schemas" / "notes.schema.json")
    lint = csx_process("lint", tmp_path)
    assert (lint.returncode, lint.stdout) == (1, f"{tmp_path / 'pipe.yaml'}:1:1: a FIFO (named pipe), not a regular file\n")
    specs = csx_process("specs", "--specs", tmp_path)
    assert (specs.returncode, specs.stderr) == (2, f"csx: {tmp_path / 'pipe.yaml'}:1:1: a FIFO (named pipe), not a regular file\n")


@pytest.mark.parametrize("content, message", [
    (b'{\n  "type": "object",\n  "properties": {,}\n}\n',
     "3:18: not JSON: Expecting property name enclosed in double quotes"),
    (b'{"title": "caf\xe9"}', "1:15: not UTF-8 text; save it as UTF-8"),
    (b'["an array"]', "1:1: not a JSON Schema: a JSON object ({...}) was expected"),
    (b"", "1:1: not JSON: Expecting value"),
    (b'{"items": ' * 600 + b"{}" + b"}" * 600, "1:1: not a JSON Schema: nested too deeply"),
    (b"[" * 100_000 + b"]" * 100_000, "1:1: not a JSON Schema: nested too deeply"),
])
def test_a_user_record_schema_that_is_not_json(tmp_path, capsys, content, message):
    mine = tmp_path / "mine"
    write(mine / "a.yaml", SPEC.replace("map-info", "notes"))
    schema = mine / "schemas" / "notes.schema.json"
    schema.parent.mkdir()
    schema.write_bytes(content)
    code, out, err = run_csx(capsys, "lint", "--specs", mine, mine)
    assert (code, out.splitlines()) == (1, [f"{schema}:{message}"])
    code, out, err = run_csx(capsys, "extract", "--specs", mine, tmp_path / "J1")
    assert (code, out, err) == (2, "", [f"csx: {schema}:{message}"])
    record = write(tmp_path / "record.json", '{"kind": "notes", "gsfsc": "J1"}')
    code, out, err = run_csx(capsys, "validate", "--specs", mine, record)
    assert (code, out, err) == (1, "", [f"{schema}:{message}"])


def test_a_user_record_schema_that_is_json_but_no_schema(tmp_path, capsys):
    mine = tmp_path / "mine"
    write(mine / "a.yaml", SPEC.replace("map-info", "notes"))
    schema = write(mine / "schemas" / "notes.schema.json", '{"type": 5}')
    message = f"{schema}:1:1: not a valid JSON Schema: type: 5 is not valid under any of the given schemas"
    record = write(tmp_path / "record.json", '{"kind": "notes"}')
    assert run_csx(capsys, "validate", "--specs", mine, record) == (1, "", [message])
    assert run_csx(capsys, "lint", "--specs", mine, mine) == (1, message + "\n", ["csx lint: 1 problem(s)"])
    assert run_csx(capsys, "extract", "--specs", mine, tmp_path / "J1") == (2, "", [f"csx: {message}"])


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "csx"


def corrupt(path: Path, how: str):
    good = path.read_bytes()
    path.unlink()
    if how == "garbage":
        path.write_bytes(bytes(range(256)) * 4)
    elif how == "truncated":
        path.write_bytes(good[:len(good) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "another shape":
        path.write_bytes(pickle.dumps({"inputs": 1, "extra": [], "value": "x"}))
    elif how == "right inputs, wrong value":
        entry = pickle.loads(good)
        path.write_bytes(pickle.dumps({**entry, "value": (["not", "a dict"], 3)}))
    elif how == "right inputs, no specs":
        entry = pickle.loads(good)
        layouts, tiers = entry["value"]
        path.write_bytes(pickle.dumps({**entry, "value": (layouts, [[1, "two"], tiers[1]])}))
    elif how == "a list":
        path.write_bytes(pickle.dumps([1, 2, 3]))
    elif how == "a directory":
        path.mkdir()
    elif how == "a fifo":
        os.mkfifo(path)


@pytest.mark.parametrize("how", ["garbage", "truncated", "empty", "another shape", "right inputs, wrong value",
                                 "right inputs, no specs", "a list", "a directory", "a fifo"])
def test_a_corrupt_registry_cache_is_ignored(cache_home, capsys, how):
    code, listed, _ = run_csx(capsys, "specs")
    (cache_file,) = cache_home.glob("registry-*.pickle")
    corrupt(cache_file, how)
    code, out, err = run_csx(capsys, "specs")
    assert (code, out, err) == (0, listed, [])
    # and the next run, where the cache could be written again, uses it
    assert run_csx(capsys, "specs") == (0, listed, [])
    assert json.dumps(sorted(p.name for p in cache_home.iterdir() if p.suffix == ".tmp")) == "[]"
