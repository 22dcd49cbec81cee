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

from tests.adversarial.cases import (
    CONTROL_UIDS, CONTROLS, EITHER, FAIL, PROJECTS, RECORD, CommandCase, JobCase, build_job_projects, job_cases,
    write_databases, write_record_inputs, write_spec_inputs,
)
from tests.adversarial.running import Run, run_csx, snapshot, strict_json
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
TRICKLE_TIMEOUT = 2  # --timeout against an instance that trickles: giving up takes about twice that,
STARTUP_ALLOWANCE = 5  # plus starting Python and the client on a busy machine


# --- command cases --------------------------------------------------------------------------------------------


def _spec(name, culprit, code=2, lint=True, timeout=15):
    """`csx extract --specs DIR` over a good job, and `csx lint DIR`: both refuse the folder, naming the file
    (`culprit`, a regex) and, for lint, its line. A folder with record schemas is linted as the README says,
    `csx lint --specs DIR DIR` (without --specs, lint knows only the shipped schemas), in a run of its own."""
    cases = [CommandCase(f"specs-extract-{name}", "specs", lambda p, n=name: ["extract", "--specs", p[n], p["J1"]],
                         code, (rf"{culprit}(:\d+)?",), timeout=timeout)]
    if lint == "with-schemas":
        cases.append(CommandCase(f"specs-lint-{name}", "specs", lambda p, n=name: ["lint", "--specs", p[n], p[n]], 1,
                                 (rf"{culprit}:\d+",), item=name, timeout=timeout))
    elif lint:
        cases.append(CommandCase(f"specs-lint-{name}", "specs", lambda p, n=name: ["lint", p[n]], 1,
                                 (rf"{culprit}:\d+",), item=name, batch="lint", timeout=timeout))
    return cases


def _validate(name, code=1, culprit=None, batch="validate", timeout=15):
    return CommandCase(f"validate-{name}", "validate", lambda p, n=name: ["validate", p[n]], code,
                       (culprit or re.escape(name),), item=name, batch=batch, timeout=timeout)


def command_cases() -> list[CommandCase]:
    cases = []
    for name, culprit in (("alias-bomb", r"bomb\.yaml"), ("extends-cycle", r"(cycle|_one|_two)\.yaml"),
                          ("extends-itself", r"itself\.yaml"), ("extends-chain", r"_?chain\d*\.yaml"),
                          ("non-utf8-spec", r"latin1\.yaml"), ("deep-yaml", r"deep\.yaml")):
        cases += _spec(name, culprit)
    for name in ("schema-not-json", "schema-non-utf8"):
        cases += _spec(name, r"brief\.schema\.json", lint="with-schemas")
    cases += _spec("spec-fifo", r"waiting\.yaml", lint=False, timeout=10)
    for db in ("foreign-map-info", "foreign-csx-jobs", "not-a-database"):
        culprit = {"foreign-map-info": "map_info", "foreign-csx-jobs": "csx_jobs"}.get(db, re.escape(f"{db}.sqlite"))
        cases.append(CommandCase(f"specs-db-{db}", "specs", lambda p, d=db: [
            "extract", "--db", p[f"{d}.sqlite"], p["J1"]], 2, (culprit,), copy=(f"{db}.sqlite",)))
    cases += [_validate(name) for name in ("empty.json", "blank-lines.jsonl", "nan.json", "infinity.jsonl",
                                           "latin1.json", "deep.json", "directory.json")]
    cases.append(_validate("good-then-nan.jsonl", culprit=r"good-then-nan\.jsonl:2"))
    cases.append(_validate("good.json", code=0))
    cases.append(_validate("fifo.json", batch="", timeout=10))
    cases += [
        # a job csx cannot read is exit 1 in every command (query too: the job failed, csx did not)
        # a project.json that is a FIFO: nothing can run, or every job fails; the issue asks for no hang and a line
        CommandCase("files-project-json-fifo", "files", lambda p: ["extract", "--project-dir", p["fifo-project"],
                                                                   "--all"], (1, 2), (r"project\.json",), timeout=10),
        CommandCase("files-project-behind-a-symlink", "files", lambda p: [
            "extract", "--project-dir", p["linked-project"], "J1", "J2", "-o", p["out"]], 0),
        CommandCase("files-query-job-json-fifo", "files", lambda p: [
            "query", "job.uid", p["job:files-job-json-fifo-v4"]], 1, (r"job\.json",), timeout=10),
        CommandCase("files-query-job-json-dev-zero", "files", lambda p: [
            "query", "job.uid", p["job:files-job-json-dev-zero-v4"]], 1, (r"job\.json",), timeout=10),
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
                    (r"127\.0\.0\.1",), timeout=20, misbehave=("trickle", 0.2)),
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


COMMAND_CASES = command_cases()


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

    def job_run(self, layout: str, sink: str, cases: list, timeout: float) -> tuple:
        """(Run, output folder) of `csx extract` over the good neighbours with `cases` between them."""
        sandbox = self.sandbox()
        out = sandbox / "out"
        out.mkdir(parents=True)
        target = ["-o", out] if sink == "files" else ["--db", out / "csx.sqlite"]
        argv = ["extract", "--project-dir", self.projects[layout], CONTROL_UIDS[0], *[c.label_uid for c in cases],
                CONTROL_UIDS[1], *target]
        return run_csx(argv, sandbox, timeout=timeout), out

    def batch(self, cases: list, start_only=False):
        """(Run, output folder) of one run over `cases` (of one layout and sink) between the good neighbours."""
        key = ("batch", *(c.id for c in cases))
        timeout = 30 if len(cases) > 1 else 10  # a case alone may hang: it is stopped sooner
        start = lambda: self.job_run(cases[0].layout, cases[0].sink, cases, timeout)  # noqa: E731
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
        with ExitStack() as stack:
            if case.group == "instance":
                paths.update(_instance_paths(case, sandbox, stack))
            return run_csx(case.argv(paths), sandbox, timeout=case.timeout, pipe=case.pipe)

    def command_batch(self, name: str) -> Run:
        members = [c for c in COMMAND_CASES if c.batch == name]
        argv = [*members[0].argv(self.paths)[:-1], *[self.paths[c.item] for c in members]]
        return run_csx(argv, self.sandbox(), timeout=15)

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
    info = dict(server.instance_info, password=PASSWORD) if case.instance.get("echo") else server.instance_info
    (sandbox / "info.json").write_text(json.dumps(info))
    return {"instance-info": sandbox / "info.json", "instance-puid": fixture.puid}


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
    if case.strict_json_stdout and run.code == 0:
        try:
            strict_json(run.out)
        except ValueError as exc:
            problems.append(f"stdout is not strict JSON: {exc}")
    if case.misbehave and run.elapsed > 2 * TRICKLE_TIMEOUT + STARTUP_ALLOWANCE:
        problems.append(f"gave up after {run.elapsed:.1f} s with --timeout {TRICKLE_TIMEOUT}")
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
                           "validate"}
