"""csx from outside: every hostile case of the issue, run as a user runs csx.

Each case asserts the exit code the design gives (0 all done, 1 some jobs
failed and the others were written, 2 nothing could run), no traceback, one
line naming the culprit (file, job, field or spec file:line), nothing written
outside the output folder, and the good neighbours' records intact.

Cases share their input and run in batches (one csx run answers for every
job of a project); a batch that crashes, hangs or exits wrongly is split in
halves, down to the case alone if need be, so each case still gets a verdict
of its own and a few bad cases cost a few runs more, not one run each."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from itertools import count
from pathlib import Path

import pytest

from extractor.resources import specs_dir
from tests.adversarial.cases import (
    API_CALLS, API_SCRIPT, CONTROL_UIDS, CONTROLS, EITHER, FAIL, PROJECTS, RECORD, CommandCase, JobCase,
    build_job_projects, job_cases, write_check_inputs, write_csv_inputs, write_databases, write_record_inputs,
    write_scale_inputs, write_spec_inputs,
)
from tests.adversarial.running import CSX, Run, run_csx, snapshot, strict_json
from tests.fixturegen import REFERENCE_PROJECTS, make_project

JOB_CASES = job_cases()
SUMMARY = re.compile(r"^csx: \d+ done, ")
GOOD_RECORD = {  # CryoSPARC's example notebook's P30/J180, as a map-info record
    "kind": "map-info", "psize_A": 0.9681428670883179, "box_size_vox": 350,
    "paths": {"map": "/data/P30/J180/J180_009_volume_map.mrc"},
    "job_info": {"puid": "P30", "juid": "J180", "type": "nonuniform_refine_new", "particle_count": 656974,
                 "parameters": {"refine_symmetry": "C1"}},
    "gsfsc": 2.281461238861084,
}
PASSWORD = "Sesame-42-open"
PIPE_CODES = (0, 141, -13)  # done, or ended by SIGPIPE as Unix tools are
TRICKLE_TIMEOUT = 0.5  # --timeout against an instance that trickles: csx gives up connecting after twice that
# one byte per 0.2 s: below the client's own read timeout (2 * TRICKLE_TIMEOUT + 1 s), so only csx's deadline
# can end the wait, and too slow for any answer to be whole before a run's time limit
TRICKLE = ("trickle", 0.2)


# --- command cases --------------------------------------------------------------------------------------------


def _spec(name, culprit, code=2, lint=True):
    """`csx extract --specs DIR` over a good job, and `csx lint DIR`: both refuse the folder, naming the file
    (`culprit`, a regex) and, for lint, its line. A folder with record schemas is linted as the README says,
    `csx lint --specs DIR DIR` (without --specs, lint knows only the shipped schemas), in a run of its own."""
    cases = [CommandCase(f"specs-extract-{name}", "specs", lambda p, n=name: ["extract", "--specs", p[n], p["J1"]],
                         code, (rf"{culprit}(:\d+)?",))]
    if lint == "with-schemas":
        cases.append(CommandCase(f"specs-lint-{name}", "specs", lambda p, n=name: ["lint", "--specs", p[n], p[n]], 1,
                                 (rf"{culprit}:\d+",), item=name))
    elif lint:
        cases.append(CommandCase(f"specs-lint-{name}", "specs", lambda p, n=name: ["lint", p[n]], 1,
                                 (rf"{culprit}:\d+",), item=name, batch="lint"))
    return cases


def _validate(name, code=1, culprit=None, batch="validate"):
    return CommandCase(f"validate-{name}", "validate", lambda p, n=name: ["validate", p[n]], code,
                       (culprit or re.escape(name),), item=name, batch=batch)


def _gave_up_mid_answer(run, paths) -> list:
    """csx's own deadline ended the wait (only it words the error so), and no trickled answer was read whole
    before csx gave up (it did not wait the answer out): the time it took is load's business, not the test's."""
    problems = []
    deadline = f"no complete answer within {2 * TRICKLE_TIMEOUT:g} s (twice --timeout {TRICKLE_TIMEOUT:g})"
    if deadline not in run.err:
        problems.append(f"not csx's deadline: no {deadline!r} on stderr")
    if paths["instance-server"].trickled_whole():
        problems.append("csx waited for a trickled answer to its last byte")
    return problems


def command_cases() -> list[CommandCase]:
    cases = []
    for name, culprit in (("alias-bomb", r"bomb\.yaml"), ("extends-cycle", r"(cycle|_one|_two)\.yaml"),
                          ("extends-itself", r"itself\.yaml"), ("extends-chain", r"_?chain\d*\.yaml"),
                          ("non-utf8-spec", r"latin1\.yaml"), ("deep-yaml", r"deep\.yaml")):
        cases += _spec(name, culprit)
    for name in ("schema-not-json", "schema-non-utf8"):
        cases += _spec(name, r"brief\.schema\.json", lint="with-schemas")
    cases += _spec("spec-fifo", r"waiting\.yaml", lint=False)
    for db in ("foreign-map-info", "foreign-csx-jobs", "not-a-database"):
        culprit = {"foreign-map-info": "map_info", "foreign-csx-jobs": "csx_jobs"}.get(db, re.escape(f"{db}.sqlite"))
        cases.append(CommandCase(f"specs-db-{db}", "specs", lambda p, d=db: [
            "extract", "--db", p[f"{d}.sqlite"], p["J1"]], 2, (culprit,), copy=(f"{db}.sqlite",)))
    cases += [_validate(name) for name in ("empty.json", "blank-lines.jsonl", "nan.json", "infinity.jsonl",
                                           "latin1.json", "deep.json", "directory.json")]
    cases.append(_validate("good-then-nan.jsonl", culprit=r"good-then-nan\.jsonl:2"))
    cases.append(_validate("good.json", code=0))
    cases.append(_validate("fifo.json", batch=""))
    cases += [
        # a job csx cannot read is exit 1 in every command (query too: the job failed, csx did not)
        # a project.json that is a FIFO: nothing can run, or every job fails; the issue asks for no hang and a line
        CommandCase("files-project-json-fifo", "files", lambda p: ["extract", "--project-dir", p["fifo-project"],
                                                                   "--all"], (1, 2), (r"project\.json",)),
        CommandCase("files-project-behind-a-symlink", "files", lambda p: [
            "extract", "--project-dir", p["linked-project"], "J1", "J2", "-o", p["out"]], 0),
        CommandCase("files-query-job-json-fifo", "files", lambda p: [
            "query", "job.uid", p["job:files-job-json-fifo-v4"]], 1, (r"job\.json",)),
        CommandCase("files-query-job-json-dev-zero", "files", lambda p: [
            "query", "job.uid", p["job:files-job-json-dev-zero-v4"]], 1, (r"job\.json",)),
        CommandCase("documents-query-nan", "documents", lambda p: [
            "query", "job.instance_information", p["job:documents-nan-unread-v4"]], 0, strict_json_stdout=True),
        CommandCase("documents-query-huge-int", "documents", lambda p: [
            "query", "job.instance_information.physical_cores", p["job:documents-huge-int-unread-v5"]], 0,
            strict_json_stdout=True),
    ]
    instance = lambda p: ["extract", "--instance", p["instance-info"], "--project", p["instance-puid"], "J1"]  # noqa
    cases += [
        CommandCase("instance-trickling-server", "instance",
                    lambda p: [*instance(p), "--timeout", str(TRICKLE_TIMEOUT)], 2,
                    (r"127\.0\.0\.1",), misbehave=TRICKLE, check=_gave_up_mid_answer),
        CommandCase("instance-echoed-password-debug", "instance", lambda p: [*instance(p), "--debug"], 2,
                    ("credentials", "password"), debug_traceback=True, secrets=("password", "password-sha256"),
                    instance={"echo": True}),
        CommandCase("instance-echoed-password", "instance", instance, 2, ("credentials", "password"),
                    secrets=("password", "password-sha256"), instance={"echo": True}),
    ]
    pipes = {
        "extract": lambda p: ["extract", "--project-dir", p["v4"], "J1", "J2"],
        "query": lambda p: ["query", "job", p["J1"]],
        "query-keys": lambda p: ["query", "--keys", "job", p["J1"]],
        "lint": lambda p: ["lint"],
        "specs": lambda p: ["specs"],
        "specs-explain": lambda p: ["specs", "--explain", p["J1"]],
        "validate": lambda p: ["validate", p["good.json"]],
        "help": lambda p: ["extract", "--help"],
    }
    cases += [CommandCase(f"pipes-{name}", "pipes", argv, PIPE_CODES, pipe=True)
              for name, argv in pipes.items()]
    return cases


# --- round two: CSV, record names, map checks, the API, specs at scale, the process ---------------------------

def _csv_rows(text: str) -> dict:
    """{job uid: {column: cell}} of CSV text csx wrote."""
    import csv
    import io

    table = list(csv.reader(io.StringIO(text, newline="")))
    return {row[2]: dict(zip(table[0], row)) for row in table[1:]}


def _cells_problems(rows: dict, jobs) -> list:
    """The CSV cells of the hostile jobs, as the README's policy has them: text that begins like a formula gets a
    leading apostrophe, numbers never do, and a lone surrogate is written as JSON escapes it."""
    wanted = {"J3": ("C1\\ud800", "none"), "J4": ('\'=HYPERLINK("http://evil.example","C1")', "'@SUM(1+1)"),
              "J5": ("'+1", "'-1+2"), "J6": ("'-5", "'\t=1")}
    problems = [f"no row of {uid}" for uid in jobs if uid not in rows]
    for uid, (symmetry, relax) in wanted.items():
        if uid in rows:
            seen = (rows[uid]["job_info.parameters.refine_symmetry"],
                    rows[uid]["job_info.parameters.refine_relax_symmetry"])
            if seen != (symmetry, relax):
                problems.append(f"{uid}: cells {seen!r}, expected {(symmetry, relax)!r}")
    for uid in ("J1", "J2"):
        if uid in rows and (rows[uid]["guinier_bfactor"], rows[uid]["gsfsc"]) != ("-78.3", "2.281461238861084"):
            problems.append(f"{uid}: a good neighbour's numbers changed: {rows[uid]['guinier_bfactor']!r}, "
                            f"{rows[uid]['gsfsc']!r}")
    return problems


CSV_JOBS = ["J1", "J3", "J4", "J5", "J6", "J2"]


def _csv_stdout(run, paths) -> list:
    return _cells_problems(_csv_rows(run.out), CSV_JOBS) if run.code == 0 else []


def _only_files(out: Path, names) -> list:
    """Problems when the output folder holds other files than `names` (a temporary file left behind)."""
    extra = sorted(p.name for p in out.iterdir() if p.name not in names)
    return [f"left in the output folder: {extra}"] if extra else []


def _csv_file(run, paths) -> list:
    target = paths["out"] / "map-info.csv"
    if not target.is_file():
        return ["no map-info.csv"]
    return _cells_problems(_csv_rows(target.read_text(encoding="utf-8")), CSV_JOBS) + _only_files(
        paths["out"], {"map-info.csv"})


def _csv_fifo(paths):
    os.mkfifo(paths["out"] / "map-info.csv")


def _nothing_left(run, paths) -> list:
    return _only_files(paths["out"], set())


CONCURRENT_JOBS = ["J1", "J4", "J2"]
LATIN1 = {"PYTHONIOENCODING": "latin-1", "LANG": "C", "LC_ALL": "C"}  # a terminal of latin-1, or of ASCII


def _concurrent_writers(jobs):
    def check(run, paths) -> list:
        """Every writer's rows are in the file, whatever the order they wrote in."""
        target = paths["out"] / "map-info.csv"
        if not target.is_file():
            return ["no map-info.csv"]
        rows = _csv_rows(target.read_text(encoding="utf-8"))
        lost = [uid for uid in jobs if uid not in rows]
        return [f"rows lost: {lost} (kept {sorted(rows)})"] if lost else []
    return check


def _rows_of(*uids):
    def check(run, paths) -> list:
        target = paths["out"] / "map-info.csv"
        rows = set(_csv_rows(target.read_bytes().decode("utf-8"))) if target.is_file() else None
        return [] if rows == set(uids) else [f"map-info.csv holds the rows of {rows}, not of {set(uids)}"]
    return check


def _first_record_kept(run, paths) -> list:
    """P902-J1.json is the first project's J1 (gsfsc 2.28), not overwritten by the copy's (3.5)."""
    target = paths["out"] / "P902-J1.json"
    if not target.is_file():
        return ["P902-J1.json not written"]
    record = json.loads(target.read_text())
    problems = [] if record["gsfsc"] == 2.281461238861084 else [f"P902-J1.json holds gsfsc {record['gsfsc']}"]
    named = [line for line in run.err_lines if "P902/J1" in line and "P902-copy" in line]
    return problems + ([] if named else ["no line names the second P902/J1 and its directory"])


def _check_lines(bad: str):
    def check(run, paths) -> list:
        """Every line of csx check begins with a job it was asked about; only J1 and J2 pass; J4's path is
        quoted whole, so its newline cannot start a line; J3's extended header is named."""
        lines = run.out.splitlines()
        problems = [f"a line of no job: {line!r}" for line in lines if not re.match(r"P903/J[1-4]: ", line)]
        passed = sorted(line.split(":")[0] for line in lines if line.endswith("agree with the record"))
        if passed != ["P903/J1", "P903/J2"]:
            problems.append(f"passed: {passed}")
        if bad == "J3" and not any(line.startswith("P903/J3: map ") and "extended header" in line for line in lines):
            problems.append("no line says J3's map declares an extended header longer than the file")
        return problems
    return check


def _records_written(*uids, puid="P902"):
    def check(run, paths) -> list:
        missing = [uid for uid in uids if not (paths["out"] / f"{puid}-{uid}.json").is_file()]
        return [f"records not written: {missing}"] if missing else []
    return check


def _api_case(name: str, keyword: str) -> CommandCase:
    def check(run, paths) -> list:
        answers = {a["id"]: a for a in map(json.loads, run.out.splitlines())}
        answer = answers.get(name)
        if answer is None:
            return [f"no answer for {name}"]
        if answer["error"] != "UsageError":
            return [f"{answer['error']}: {answer['message'][:300]}"]
        message = answer["message"]
        problems = [] if "\n" not in message else [f"more than one line: {message!r}"]
        if not re.search(rf"\b{keyword}\b", message):
            problems.append(f"does not name {keyword}: {message!r}")
        return problems
    return CommandCase(f"api-{name}", "api", lambda p: ["-c", API_SCRIPT, p["J1"], p["v4"], json.dumps(GOOD_RECORD),
                                                         json.dumps([[n, c] for n, _, c in API_CALLS])],
                       0, batch="api", program="python", check=check)


def _planted_cache(owner: str):
    """A spec cache folder someone else can write (or owns), holding a pickle that runs code when loaded."""
    def setup(paths):
        import pickle

        from extractor.language.speccache import RegistryCache

        cache = paths["out"] / "cache" / "csx"
        cache.mkdir(parents=True)
        marker = paths["out"] / "planted-code-ran"
        name = RegistryCache([specs_dir()]).path.name
        (cache / name).write_bytes(pickle.dumps(_Planted(str(marker))))
        if owner == "anyone":
            os.chmod(cache, 0o777)
        else:
            os.chown(cache, 65534, 65534)
            os.chown(cache / name, 65534, 65534)
    return setup


class _Planted:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def _planted_not_run(run, paths) -> list:
    problems = ["the planted pickle ran"] if (paths["out"] / "planted-code-ran").exists() else []
    return problems + _records_written("J1", "J2", puid="P900")(run, paths)


def _no_mask(run, paths) -> list:
    """The password is a word of csx's own message: masking it where it stands would say which word it is."""
    shown = run.out + run.err
    return [f"the output masks a word of the message: {run.err_lines}"] if "****" in shown else []


INTERLEAVED_WRITERS = """
import sys
from pathlib import Path
import extractor
from extractor.language.registry import Registry
from extractor.run.outcome import Outcome
from extractor.sinks.csvfiles import CsvSink
out, jobs = Path(sys.argv[1]), [Path(job) for job in sys.argv[2:]]
schema_for = Registry(load_specs=False).record_schema
sinks = [CsvSink(out, schema_for) for _ in jobs]
for sink, job in zip(sinks, jobs):
    (record,) = extractor.extract(job)
    sink.write(Outcome(f"P902/{job.name}", source=str(job.parent), record=record))
for sink in sinks:
    sink.close()
"""


def _table1_cells(run, paths) -> list:
    """Table 1's CSV follows the cell policy of every CSV csx writes."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run.out, newline=""))) if run.code == 0 else []
    wanted = ["C1", "C1\\ud800", '\'=HYPERLINK("http://evil.example","C1")']
    seen = [row["value"] for row in rows if row["key"] == "symmetry"] or None
    return [] if seen == wanted else [f"symmetry cells {seen!r}, expected {wanted!r}"]


def _timeout_refused(run, paths) -> list:
    """A bad option gets the command's usage, then one line naming the option (as every bad option does)."""
    last = run.err_lines[-1] if run.err_lines else ""
    return [] if re.match(r"csx extract: error: argument --timeout: ", last) else [f"last line: {last!r}"]


# four processes each add one to a number in a file, 100 times, under csx's lock on the folder: every
# addition counts only if no two processes ever hold the lock at once (it is removed as each lets go)
LOCK_COUNTER = """
import sys
from multiprocessing import Process
from pathlib import Path
from extractor.sinks.locks import folder_lock
out = Path(sys.argv[1])
def add():
    for _ in range(100):
        with folder_lock(out / ".csx-csv.lock"):
            count = out / "count"
            count.write_text(str(int(count.read_text()) + 1) if count.exists() else "1")
workers = [Process(target=add) for _ in range(4)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
"""


def _counted(run, paths) -> list:
    count = paths["out"] / "count"
    problems = [] if count.is_file() and count.read_text() == "400" else [
        f"count {count.read_text() if count.is_file() else None}, not 400: two processes held the lock at once"]
    return problems + _only_files(paths["out"], {"count"})


def _round_two_cases() -> list:
    csv_jobs = lambda p: ["extract", "--project-dir", p["csv-project"], *CSV_JOBS, "--format", "csv"]  # noqa
    one_project = lambda p: ["extract", "--project-dir", p["v4"], "J1", "J2"]  # noqa: E731
    cases = [
        # on a latin-1 terminal too: a cell of any text is written, escaped where latin-1 has no character
        CommandCase("csv-stdout-cells", "csv", csv_jobs, 0, check=_csv_stdout, env=LATIN1),
        CommandCase("csv-file-cells", "csv", lambda p: [*csv_jobs(p), "-o", p["out"]], 0, check=_csv_file),
        CommandCase("csv-file-a-fifo", "csv", lambda p: [*csv_jobs(p), "-o", p["out"]], 2, (r"map-info\.csv",),
                    setup=_csv_fifo),
        CommandCase("csv-file-full-disk", "csv", lambda p: [*csv_jobs(p), "-o", p["out"]], 2, (r"map-info\.csv",),
                    shell="ulimit -f 2", check=_nothing_left),
        CommandCase("csv-table1-cells", "csv", lambda p: [
            "table1", "--project-dir", p["csv-project"], "J1", "J3", "J4", "--format", "csv"], 0,
            check=_table1_cells),
        # three csx processes at once, a job each, into one folder; and, in one process, six writers that all
        # read the file before any writes it (the interleaving that loses rows when each keeps what it read)
        CommandCase("csv-concurrent-processes", "csv", lambda p: [
            "-c", "for j in " + " ".join(CONCURRENT_JOBS) + "; do \"$0\" extract --project-dir \"$1\" $j "
            "--format csv -o \"$2\" & done; wait", p["csx"], p["csv-project"], p["out"]], 0, program="bash",
            check=_concurrent_writers(CONCURRENT_JOBS)),
        CommandCase("csv-lock-four-processes", "csv", lambda p: ["-c", LOCK_COUNTER, p["out"]], 0, program="python",
                    check=_counted),
        CommandCase("csv-interleaved-writers", "csv", lambda p: [
            "-c", INTERLEAVED_WRITERS, p["out"], *[p["csv-project"] / uid for uid in CSV_JOBS]], 0, program="python",
            check=_concurrent_writers(CSV_JOBS)),
        CommandCase("names-one-name-two-projects", "names", lambda p: [
            "extract", p["csv-project"] / "J1", p["csv-project-copy"] / "J1", "-o", p["out"]], 1,
            check=_first_record_kept),
        # 1.5 GB of address space: csx check needs a tenth of it, reading a 2 GiB extended header does not fit
        CommandCase("check-extended-header-of-2-gib", "check", lambda p: [
            "check", "--project-dir", p["check-project"], "J1", "J3", "J2"], 1, shell="ulimit -v 1500000",
            check=_check_lines("J3")),
        CommandCase("check-newline-in-a-path", "check", lambda p: [
            "check", "--project-dir", p["check-project"], "J1", "J4", "J2"], 1, check=_check_lines("J4")),
        # 8 s of CPU, whatever the machine's load: loading 12,000 fields takes 2-3 s linearly, 15 s and more when
        # each field is compared with every other
        CommandCase("specs-many-fields", "specs", lambda p: [
            "extract", "--specs", p["many-fields"], "--spec", "bulk", p["J1"]], 0, shell="ulimit -t 8"),
        CommandCase("specs-lint-doubling", "specs", lambda p: [
            "lint", "--specs", p["doubling"], p["doubling"]], 1, check=lambda run, paths: [] if re.search(
                r"(?m)^\S+/bulk\.yaml:\d+:\d+: field bomb: ", run.out) else ["lint names no field bomb"]),
        CommandCase("specs-extract-doubling", "specs", lambda p: [
            "extract", "--specs", p["doubling"], "--spec", "bulk", p["J1"]], 2, (r"bulk\.yaml:\d+:\d+: field bomb",)),
        CommandCase("specs-extract-document-copies", "specs", lambda p: [
            "extract", "--specs", p["document-copies"], "--spec", "bulk", p["J1"]], 1, (r"field copies",)),
        CommandCase("specs-layout-bad-expression", "specs", lambda p: [
            "extract", "--specs", p["layout-bad-expression"], p["J1"]], 2, (r"layouts/v4\.yaml:\d+:\d+: .*detect",)),
        CommandCase("process-stdout-closed", "process", one_project, 2, ("stdout",), redirect=">&-"),
        CommandCase("process-stdout-closed-records-in-files", "process", lambda p: [*one_project(p), "-o", p["out"]],
                    0, redirect=">&-", check=_records_written("J1", "J2", puid="P900")),
        # stderr closed: the log must not land in a file csx opens (descriptor 2 would be the first free one)
        CommandCase("process-stderr-closed", "process", lambda p: [
            "extract", "--project-dir", p["v4"], "J1", "J77", "J2", "--format", "csv", "-o", p["out"]], 1,
            redirect="2>&-", check=_rows_of("J1", "J2")),
        CommandCase("process-stdin-closed", "process", lambda p: ["validate", "-"], 1, ("stdin",),
                    redirect="<&-"),
        CommandCase("process-latin1-table1", "process", lambda p: [
            "table1", "--project-dir", p["csv-project"], "J1", "J3"], 0, env=LATIN1),
        CommandCase("process-latin1-error", "process", lambda p: [
            "extract", "--project-dir", p["v4"], "J1", "J\u0663", "J2"], 1, env=LATIN1,
            check=lambda run, paths: [] if any("J\\u0663" in line for line in run.err_lines) else [
                "no line names J\\u0663"]),
        CommandCase("process-cache-writable-by-anyone", "process", lambda p: [*one_project(p), "-o", p["out"]], 0,
                    setup=_planted_cache("anyone"), check=_planted_not_run),
        CommandCase("instance-password-a-word-of-the-message", "instance", lambda p: [
            "extract", "--instance", p["instance-info"], "--project", p["instance-puid"], "J1"], 2,
            password="credentials", check=_no_mask),
        CommandCase("instance-timeout-infinite", "instance", lambda p: [
            "extract", "--instance", p["instance-info"], "--project", p["instance-puid"], "J1", "--timeout", "inf"],
            2, check=_timeout_refused),
    ]
    if os.geteuid() == 0:  # only root can give a folder to another user
        cases.append(CommandCase("process-cache-of-another-user", "process", lambda p: [
            *one_project(p), "-o", p["out"]], 0, setup=_planted_cache("nobody"), check=_planted_not_run))
    for value in ("nan", "-1", "0"):
        cases.append(CommandCase(f"process-timeout-{value}", "process", lambda p, v=value: [
            *one_project(p), "--timeout", v], 2, check=_timeout_refused))
    cases += [_api_case(name, keyword) for name, keyword, _ in API_CALLS]
    return cases


COMMAND_CASES = command_cases() + _round_two_cases()


# --- the shared input and the runs ----------------------------------------------------------------------------


class Hostile:
    """Everything the cases read, made once, and every csx run, started at once in the background and shared
    by the cases it answers."""

    def __init__(self, root: Path):
        self.root = root
        self.projects = build_job_projects(root / "projects", JOB_CASES)
        self.paths = {"v4": self.projects["v4"], "v5": self.projects["v5"], "J1": self.projects["v4"] / "J1"}
        self.paths.update({f"job:{c.id}": self.projects[c.layout] / c.label_uid for c in JOB_CASES})
        self.paths.update(write_spec_inputs(root / "inputs"))
        self.paths.update(write_record_inputs(root / "inputs", GOOD_RECORD))
        self.paths.update(write_databases(root / "inputs"))
        fifo_project = root / "inputs" / "fifo-project"
        (fifo_project / "J1").mkdir(parents=True)
        (fifo_project / "J1" / "job.json").write_text("{}")
        os.mkfifo(fifo_project / "project.json")
        self.paths["fifo-project"] = fifo_project
        self.paths["linked-project"] = root / "inputs" / "linked-project"
        self.paths["linked-project"].symlink_to(self.projects["v4"])
        self.paths["password"] = PASSWORD
        self.paths["password-sha256"] = hashlib.sha256(PASSWORD.encode()).hexdigest()
        for make in (write_csv_inputs, write_check_inputs, write_scale_inputs):
            self.paths.update(make(root / "inputs"))
        self.paths["csx"] = CSX
        self.sandboxes = root / "runs"
        self.sandboxes.mkdir()
        self.before = snapshot(root, skip=self.sandboxes)
        self._runs: dict = {}
        self._lock = threading.Lock()
        self._numbers = count()
        self._pool = ThreadPoolExecutor(4)

    def run(self, key, start):
        """The result of the run called `key`, started by `start()` (a function giving it) if not yet."""
        with self._lock:
            if key not in self._runs:
                self._runs[key] = self._pool.submit(start)
            future = self._runs[key]
        return future.result()

    def submit(self, key, start):
        with self._lock:
            if key not in self._runs:
                self._runs[key] = self._pool.submit(start)

    def sandbox(self) -> Path:
        return self.sandboxes / f"run{next(self._numbers)}"

    # job cases

    def job_batches(self) -> dict:
        """(layout, sink) -> the cases of one batch run; solo cases run alone."""
        batches: dict = {}
        for case in JOB_CASES:
            if not case.solo:
                batches.setdefault((case.layout, case.sink), []).append(case)
        return batches

    def job_run(self, layout: str, sink: str, cases: list) -> tuple:
        """(Run, output folder) of `csx extract` over the good neighbours with `cases` between them."""
        sandbox = self.sandbox()
        out = sandbox / "out"
        out.mkdir(parents=True)
        target = ["-o", out] if sink == "files" else ["--db", out / "csx.sqlite"]
        argv = ["extract", "--project-dir", self.projects[layout], CONTROL_UIDS[0], *[c.label_uid for c in cases],
                CONTROL_UIDS[1], *target]
        return run_csx(argv, sandbox), out

    def batch(self, cases: list, start_only=False):
        """(Run, output folder) of one run over `cases` (of one layout and sink) between the good neighbours."""
        key = ("batch", *(c.id for c in cases))
        start = lambda: self.job_run(cases[0].layout, cases[0].sink, cases)  # noqa: E731
        if start_only:
            return self.submit(key, start)
        return self.run(key, start)

    # command cases

    def command_run(self, case: CommandCase) -> Run:
        sandbox = self.sandbox()
        paths = dict(self.paths, out=sandbox / "out")
        paths["out"].mkdir(parents=True)
        for key in case.copy:  # the command writes there: a copy of its own in the output folder
            paths[key] = Path(shutil.copy(self.paths[key], paths["out"]))
        if case.setup:
            case.setup(paths)
        env = dict(case.env)
        if (paths["out"] / "cache").is_dir():  # a spec cache of the case's own
            env["XDG_CACHE_HOME"] = str(paths["out"] / "cache")
        program = {"csx": CSX, "python": CSX.parent / "python", "bash": "bash"}[case.program]
        with ExitStack() as stack:
            if case.group == "instance":
                paths.update(_instance_paths(case, sandbox, stack))
            run = run_csx(case.argv(paths), sandbox, timeout=case.timeout, pipe=case.pipe, env=env,
                          shell=case.shell, redirect=case.redirect, program=program)
            run.checked = case.check(run, paths) if case.check and not run.timed_out else []  # the server still up
        return run

    def command_batch(self, name: str) -> Run:
        members = [c for c in COMMAND_CASES if c.batch == name]
        if members[0].program != "csx":  # one run answers for every member (the API's calls)
            return self.command_run(members[0])
        argv = [*members[0].argv(self.paths)[:-1], *[self.paths[c.item] for c in members]]
        return run_csx(argv, self.sandbox())

    def start(self, selected: set):
        """Start the runs of the selected cases now, in the background: the cases then find theirs done or under
        way."""
        for cases in self.job_batches().values():
            if any(c.id in selected for c in cases):
                self.batch(cases, start_only=True)
        for case in JOB_CASES:
            if case.solo and case.id in selected:
                self.batch([case], start_only=True)
        for case in COMMAND_CASES:
            if case.id not in selected:
                continue
            if case.batch:
                self.submit(("batch", case.batch), lambda b=case.batch: self.command_batch(b))
            else:
                self.submit(("command", case.id), lambda c=case: self.command_run(c))

    def changed(self, under) -> list:
        """Paths under the shared input (and under one of `under`) that some run created, changed or removed."""
        after = snapshot(self.root, skip=self.sandboxes)
        changed = sorted(p for p in set(self.before) | set(after) if self.before.get(p) != after.get(p))
        return [p for p in changed if any(p == str(u) or p.startswith(f"{u}/") for u in under)]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, request):
    world = Hostile(tmp_path_factory.mktemp("hostile"))
    world.start({item.callspec.params["case"].id for item in request.session.items
                 if "case" in getattr(getattr(item, "callspec", None), "params", {})})
    yield world
    world._pool.shutdown(wait=True, cancel_futures=True)


# --- verdicts -------------------------------------------------------------------------------------------------


def job_lines(run: Run, uid: str) -> list:
    return [line for line in run.err_lines if re.search(rf"(?<![\w]){re.escape(uid)}(?![\w])", line)
            and not SUMMARY.match(line)]


def stored_record(case_puid: str, uid: str, sink: str, out: Path) -> str | None:
    """The text of the record csx filed for the job, or None."""
    if sink == "files":
        try:
            return (out / f"{case_puid}-{uid}.json").read_text()
        except OSError:  # not there, or a name no file can have
            return None
    db = out / "csx.sqlite"
    if not db.is_file():
        return None
    with closing(sqlite3.connect(db)) as connection:
        try:
            row = connection.execute("SELECT record FROM map_info WHERE project_uid = ? AND job_uid = ?",
                                     (case_puid, uid)).fetchone()
        except sqlite3.Error:  # no map_info table: nothing was filed
            return None
    return row[0] if row else None


def record_problems(text: str, puid: str, uid: str, exact=()) -> list:
    try:
        record = strict_json(text)
    except ValueError as exc:
        return [f"record of {uid} is not strict JSON: {exc}"]
    problems = []
    if (record.get("job_info", {}).get("puid"), record.get("job_info", {}).get("juid")) != (puid, uid):
        problems.append(f"record filed as {puid}/{uid} is of job {record.get('job_info')}")
    problems += [f"record of {uid} lacks {text_!r} (an integer not kept exactly?)" for text_ in exact
                 if text_ not in text]
    return problems


def run_problems(run: Run, out: Path, layout: str, sink: str, uids: list) -> list:
    """What is wrong with a whole extract run, whatever its bad jobs: the good neighbours, the exit code, a
    traceback, a hang, files written where they should not be."""
    puid = PROJECTS[layout]
    problems = []
    if run.timed_out:
        return [f"hung: {run.describe()}"]
    if "Traceback" in run.err:
        problems.append("a traceback on stderr")
    for uid in CONTROL_UIDS:
        text = stored_record(puid, uid, sink, out)
        if text is None:
            problems.append(f"good neighbour {uid} lost")
            continue
        record = json.loads(text)
        seen = {"gsfsc": record.get("gsfsc"), "particle_count": record.get("job_info", {}).get("particle_count"),
                "box_size_vox": record.get("box_size_vox")}
        if seen != CONTROLS[layout] or record["job_info"]["juid"] != uid:
            problems.append(f"good neighbour {uid}'s record holds another job's values: {seen}")
    failed = [uid for uid in uids if stored_record(puid, uid, sink, out) is None]
    expected_code = 1 if failed else 0
    if run.code != expected_code:
        problems.append(f"exit {run.code}, expected {expected_code} ({len(failed)} of the jobs not written)")
    if run.stray:
        problems.append(f"wrote outside the output folder: {run.stray[:5]}")
    if sink == "files" and out.is_dir():
        expected = {f"{puid}-{uid}.json" for uid in [*CONTROL_UIDS, *uids]}
        extra = sorted(p.name for p in out.iterdir() if p.name not in expected)
        if extra:
            problems.append(f"unexpected files in the output folder: {extra[:5]}")
    return [f"{p} [{run.describe()}]" for p in problems]


def case_problems(case: JobCase, run: Run, out: Path) -> list:
    uid = case.label_uid
    text = stored_record(case.puid, uid, case.sink, out)
    lines = job_lines(run, uid)
    problems = []
    expect = case.expect if case.expect != EITHER else (RECORD if text is not None else FAIL)
    if expect == RECORD:
        if text is None:
            problems.append(f"{uid}: no record written; its lines: {lines}")
        else:
            problems += record_problems(text, case.puid, uid, case.exact)
            if lines:
                problems.append(f"{uid}: written, yet stderr names it: {lines}")
            if case.same_as_control:
                problems += same_as_control(case, text, out)
    else:
        if text is not None:
            problems.append(f"{uid}: a record was written for a job that should fail: {text[:300]}")
        if not lines:
            problems.append(f"{uid}: no line on stderr names the job")
        elif len(lines) > 1:
            problems.append(f"{uid}: {len(lines)} lines name the job, not one: {lines}")
        elif not any(re.search(c, lines[0]) for c in case.culprits):
            problems.append(f"{uid}: its line names none of {case.culprits}: {lines[0]}")
    shown = run.out + run.err
    problems += [f"the output shows {f!r}" for f in case.forbidden if f in shown]
    return problems


def same_as_control(case: JobCase, text: str, out: Path) -> list:
    """The record equals the good neighbour J1's but for the uid and the paths (the job's own files)."""
    control = stored_record(case.puid, "J1", case.sink, out)
    if control is None:
        return []
    mine, theirs = json.loads(text), json.loads(control)
    for record in (mine, theirs):
        record.pop("paths", None)
        record["job_info"].pop("juid", None)
    return [] if mine == theirs else [f"{case.label_uid}: record differs from the same job's J1: {mine} != {theirs}"]


def verdict(case, run, out, uids) -> tuple:
    """(whole-run problems, this case's problems)."""
    return run_problems(run, out, case.layout, case.sink, uids), case_problems(case, run, out)


@pytest.mark.parametrize("case", JOB_CASES, ids=[c.id for c in JOB_CASES])
def test_job_case(hostile, case):
    cases = [case] if case.solo else hostile.job_batches()[(case.layout, case.sink)]
    while True:
        run, out = hostile.batch(cases)
        whole, own = verdict(case, run, out, [c.label_uid for c in cases])
        if not whole or len(cases) == 1:
            break
        # the run went wrong somewhere: the half holding this case decides, down to the case alone if need be
        halves = cases[:len(cases) // 2], cases[len(cases) // 2:]
        for half in halves:
            hostile.batch(half, start_only=True)
        cases = halves[0] if any(c.id == case.id for c in halves[0]) else halves[1]
    project = hostile.projects[case.layout]
    written = hostile.changed([project / case.label_uid, project / "project.json", project / "J1", project / "J2"])
    assert not written, f"changed in the project: {written[:5]}"
    assert not whole + own, "\n".join(whole + own)


# --- command cases --------------------------------------------------------------------------------------------


def _instance_paths(case: CommandCase, sandbox: Path, stack: ExitStack) -> dict:
    """A look-alike instance of the installed client's generation, in the case's hostile mode, serving a
    project with one job; and the instance file csx is given."""
    import cryosparc

    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    fixture = REFERENCE_PROJECTS["P30" if generation == "4" else "P446"]
    root = sandbox / "instance"
    make_project(root, fixture.puid, fixture.title, [j for j in fixture.jobs if j.uid == "J1"], fixture.dirname)
    server = stack.enter_context(start_server(root, generation=generation, password=PASSWORD + "-right",
                                              **case.instance))
    if case.misbehave:
        server.misbehave(*case.misbehave)
    # an echoing server is sent the wrong password, so that its refusal repeats it
    wrong = case.password or (PASSWORD if case.instance.get("echo") else None)
    info = dict(server.instance_info, password=wrong) if wrong else server.instance_info
    (sandbox / "info.json").write_text(json.dumps(info))
    return {"instance-info": sandbox / "info.json", "instance-puid": fixture.puid, "instance-server": server}


def command_run(hostile: Hostile, case: CommandCase) -> Run:
    """The run that answers for the case: its batch's, unless the batch went wrong somewhere."""
    if case.batch:
        members = [c for c in COMMAND_CASES if c.batch == case.batch]
        run = hostile.run(("batch", case.batch), None)
        if not run.timed_out and "Traceback" not in run.err and run.code == _batch_code(members):
            return run
        for member in members:
            hostile.submit(("command", member.id), lambda c=member: hostile.command_run(c))
    return hostile.run(("command", case.id), lambda: hostile.command_run(case))


def _batch_code(members) -> int:
    return max(c.code for c in members)


@pytest.mark.parametrize("case", COMMAND_CASES, ids=[c.id for c in COMMAND_CASES])
def test_command_case(hostile, case):
    run = command_run(hostile, case)
    assert not run.timed_out, f"hung: {run.describe()}"
    codes = case.code if isinstance(case.code, tuple) else (case.code,)
    problems = []
    if run.code not in codes and not (case.batch and run.code == _batch_code(
            [c for c in COMMAND_CASES if c.batch == case.batch])):
        problems.append(f"exit {run.code}, expected {' or '.join(map(str, codes))}")
    if "Traceback" in run.err and not case.debug_traceback:
        problems.append("a traceback on stderr")
    if "Exception ignored" in run.err or "BrokenPipe" in run.err:
        problems.append("a broken pipe reported")
    if case.pipe and re.search(r"Broken pipe|Errno 32|EPIPE", run.err):
        problems.append("not quiet in a closed pipe")
    lines = [line for line in (run.out + "\n" + run.err).splitlines() if line.strip()]
    if case.item:
        name = Path(str(hostile.paths[case.item])).name
        mine = [line for line in lines if name in line]
        if case.code == 0 and mine and case.batch == "validate":
            problems.append(f"a good file is named as bad: {mine}")
        if case.code != 0 and not any(re.search(c, line) for c in case.culprits for line in mine):
            problems.append(f"no line names {name} as {case.culprits}")
    elif case.culprits and run.code not in (0, None):
        first = run.err_lines[0] if run.err_lines else ""
        if not any(re.search(c, first) for c in case.culprits):
            problems.append(f"the first line names none of {case.culprits}")
        if not case.debug_traceback and len(run.err_lines) != 1:
            problems.append(f"{len(run.err_lines)} lines on stderr, not one")
    for key in case.secrets:
        if hostile.paths[key] in run.out + run.err:
            problems.append(f"the output shows the {key}")
    if case.check and case.batch:
        problems += case.check(run, hostile.paths)
    elif case.check:
        problems += run.checked
    if case.strict_json_stdout and run.code == 0:
        try:
            strict_json(run.out)
        except ValueError as exc:
            problems.append(f"stdout is not strict JSON: {exc}")
    if run.stray:
        problems.append(f"wrote outside the output folder: {run.stray[:5]}")
    written = hostile.changed([a for a in run.argv if a.startswith(str(hostile.root))])
    if written:
        problems.append(f"changed the input: {written[:5]}")
    assert not problems, "\n".join(problems) + "\n" + run.describe()


def test_there_are_enough_cases_of_every_class():
    groups = {}
    for case in [*JOB_CASES, *COMMAND_CASES]:
        groups[case.group] = groups.get(case.group, 0) + 1
    assert len(JOB_CASES) + len(COMMAND_CASES) >= 100
    assert set(groups) == {"documents", "files", "identity", "types", "numbers", "specs", "instance", "pipes",
                           "validate", "csv", "names", "check", "api", "process"}
