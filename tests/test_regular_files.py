"""The one reader of the files csx is given (extractor/regularfiles.py): what it
refuses, and the one way every command says so."""

import os
import shutil

from extractor.regularfiles import NotRegular, NotText, file_digest, read_regular, read_text
from tests.helpers import run_csx


def _refusal(call, *args) -> str:
    try:
        call(*args)
    except (NotRegular, NotText) as exc:
        return f"{exc.line}:{exc.col}: {exc.message}"
    raise AssertionError("no refusal")


def test_what_the_reader_refuses(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "big").write_bytes(b"x" * (3 * 2**20))
    (tmp_path / "latin1").write_bytes(b"ok\nna\xefve\n")
    assert _refusal(read_regular, tmp_path / "pipe", 2**20) == "1:1: a FIFO (named pipe), not a regular file"
    assert _refusal(read_regular, tmp_path, 2**20) == "1:1: a directory, not a regular file"
    assert _refusal(read_regular, "/dev/null", 2**20) == "1:1: a character device, not a regular file"
    assert _refusal(read_regular, tmp_path / "big", 2**20) == "1:1: 3.0 MiB, over the 1.0 MiB csx reads at most"
    assert _refusal(read_text, tmp_path / "latin1", 2**20) == "2:3: not UTF-8 text; save it as UTF-8"


def test_the_spec_cache_digest_reads_through_it(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "spec.yaml").write_bytes(b"kind: x\n")
    assert file_digest(tmp_path / "pipe") is None
    assert file_digest(tmp_path / "missing") is None
    # sha1 of the 8 bytes "kind: x\n", from `printf 'kind: x\n' | sha1sum`
    assert file_digest(tmp_path / "spec.yaml") == "550c5bae4850513cb5ecbedbb451cec64df98e3b"


def test_csx_check_says_what_a_map_that_is_no_file_is(lineage_projects, tmp_path, capsys):
    """A FIFO where a map should be: named by what it is, as a job.json or a spec would be, and no wait."""
    source = lineage_projects["P32"]
    copy = tmp_path / "P32"
    (copy / "J12").mkdir(parents=True)
    shutil.copy(source / "project.json", copy / "project.json")
    for path in (source / "J12").iterdir():
        if path.name != "J12_009_volume_mask_fsc.mrc":
            shutil.copy(path, copy / "J12" / path.name)
    os.mkfifo(copy / "J12" / "J12_009_volume_mask_fsc.mrc")
    code, out, err = run_csx(capsys, "check", copy / "J12")
    assert (code, out.splitlines()) == (1, [
        f"P32/J12: mask_fsc {copy}/J12/J12_009_volume_mask_fsc.mrc: a FIFO (named pipe), not a regular file"])
