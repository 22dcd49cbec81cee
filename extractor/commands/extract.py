"""csx extract: records for jobs, written to a sink as the jobs finish; a bad
job never stops the batch."""

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import evaluate
from ..errors import CsxError, NoSpecError, UsageError
from ..jobs import open_job
from ..outcome import Outcome
from ..progress import Progress
from ..records import check_record
from ..registry import Registry, mismatch
from ..sinks import open_sink
from ..sources.files import job_dir_handles, project_handles

DEFAULT_STATUSES = ["completed"]


@dataclass
class Summary:
    done: int = 0
    skipped: list = field(default_factory=list)  # (label, reason)
    failed: list = field(default_factory=list)  # (label, message)

    def line(self) -> str:
        text = f"csx: {self.done} done, {len(self.skipped)} skipped, {len(self.failed)} failed"
        if self.failed:
            text += ": " + ", ".join(label for label, _ in self.failed)
        return text


def handles_from_args(args) -> list:
    if args.instance is not None or args.project:
        return _instance_handles(args)
    if args.project_dir:
        return project_handles(Path(args.project_dir), args.jobs, args.all)
    if args.all:
        raise UsageError("--all needs --project-dir DIR, or --instance FILE with --project P")
    if not args.jobs:
        raise UsageError("extract: give job directories, --project-dir DIR with job uids or --all, "
                         "or --instance FILE --project P")
    return job_dir_handles(args.jobs)


def _instance_handles(args) -> list:
    from ..sources.instance import Instance, client_generation, instance_handles, instance_info

    if not args.project:
        raise UsageError("--instance needs --project P (the project uid, e.g. P30)")
    generation, tools_version = client_generation()
    info = instance_info(args.instance or None, generation)
    instance = Instance(info, generation, tools_version, args.timeout)
    return instance_handles(instance, args.project, args.jobs, args.all, args.type or (),
                            args.status or DEFAULT_STATUSES)


class Extraction:
    """Turns one job handle into an Outcome, under the command's choices."""

    def __init__(self, args, registry: Registry, stored: dict):
        self.registry = registry
        self.batch = bool(args.all)
        self.types = self._job_types(args.type or ())
        self.statuses = set(args.status or DEFAULT_STATUSES)
        self.validate = not args.no_validate
        self.stored = stored  # (source, project uid, job uid) -> fingerprint, from --db unless --force
        self.forced, self.kind = None, args.spec
        if args.spec and (args.spec.endswith((".yaml", ".yml")) or Path(args.spec).is_file()):
            self.forced, self.kind = registry.load_checked(Path(args.spec)), None
        elif args.spec and not any(s.kind == args.spec for s in registry.specs):
            kinds = ", ".join(sorted({s.kind for s in registry.specs}))
            raise UsageError(f"--spec {args.spec}: no such record kind or spec file (kinds: {kinds})")

    def _job_types(self, names) -> set:
        """--type takes job types, or record kinds standing for every job type of their specs."""
        types = set()
        for name in names:
            types |= {t for s in self.registry.specs if s.kind == name for t in s.job_types} or {name}
        return types

    def _unchanged(self, source, label, fingerprint) -> bool:
        return fingerprint is not None and self.stored.get((source, *label.split("/")[-2:])) == fingerprint

    def __call__(self, handle) -> Outcome:
        outcome = Outcome(handle.label, source=handle.source)
        try:
            outcome.fingerprint = handle.fingerprint()
            if self._unchanged(handle.source, handle.label, outcome.fingerprint):
                outcome.skipped = "unchanged since it was last extracted"
                return outcome
            context = open_job(handle, self.registry.layouts)
            outcome.label = f"{context.project['uid']}/{context.identity['uid']}"
            job_type, status = context.identity["type"], context.identity["status"]
            if outcome.fingerprint is None and context.identity.get("updated"):
                outcome.fingerprint = f"{status}@{context.identity['updated']}"
                if self._unchanged(handle.source, outcome.label, outcome.fingerprint):
                    outcome.skipped = "unchanged since it was last extracted"
                    return outcome
            if self.types and job_type not in self.types:
                outcome.skipped = f"type {job_type} not asked for"
                return outcome
            if status not in self.statuses:
                if self.batch:
                    outcome.skipped = f"status {status}"
                    return outcome
                raise NoSpecError(f"{context.origin}: the job is {status}, not {' or '.join(sorted(self.statuses))}; "
                                  f"add --status {status} to extract it anyway")
            spec = self._spec(context)
            if spec is None:
                outcome.skipped = f"no spec for type {job_type}"
                return outcome
            record = evaluate(context, spec)
            if self.validate:
                check_record(record, self.registry.record_schema(spec.kind), spec, context.origin)
            outcome.record, outcome.spec = record, str(spec.file)
        except CsxError as exc:
            outcome.error = exc
        return outcome

    def _spec(self, context):
        if self.forced is not None:
            reason = mismatch(self.forced, context.key, None)
            if reason:
                raise NoSpecError(f"{context.origin}: spec {self.forced.file} does not fit: {reason}")
            return self.forced
        try:
            return self.registry.choose(context.key, self.kind)
        except NoSpecError as exc:
            if self.batch:  # --all meets many job types csx has no spec for: not a failure
                return None
            raise NoSpecError(f"{context.origin}: {exc}") from exc


def ordered_map(pool, function, items, window: int):
    """pool.map's results in order, with at most `window` jobs in flight, so
    memory does not grow with the number of jobs; without a pool, one by one
    in this thread (no hand-over cost when there is nothing to overlap)."""
    if pool is None:
        yield from map(function, items)
        return
    pending = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def run(args, log) -> int:
    if args.force and not args.db:
        raise UsageError("--force goes with --db (it re-extracts jobs the database already has)")
    registry = Registry(args.specs)
    handles = handles_from_args(args)
    sink = open_sink(args, registry.record_schema)
    stored = {}
    if args.db and not args.force:
        for source in {handle.source for handle in handles}:
            stored.update({(source, *key): fp for key, fp in sink.fingerprints(source).items()})
    extraction = Extraction(args, registry, stored)
    workers = max(1, args.workers or (8 if args.instance is not None or args.project else 1))
    summary = Summary()
    progress = Progress(len(handles), enabled=not args.quiet)
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    completed = False
    try:
        for outcome in ordered_map(pool, extraction, handles, window=4 * workers):
            if outcome.record is not None:
                sink.write(outcome)
                summary.done += 1
            elif outcome.skipped:
                summary.skipped.append((outcome.label, outcome.skipped))
            else:
                summary.failed.append((outcome.label, str(outcome.error)))
                log.error(str(outcome.error), exc_info=(type(outcome.error), outcome.error,
                                                        outcome.error.__traceback__) if args.debug else None)
            progress.step(summary)
        completed = True
    finally:
        if pool is not None:
            # on Ctrl-C: drop the queued jobs; what was written stays whole, the rest is not written
            pool.shutdown(wait=completed, cancel_futures=True)
        progress.finish()
        sink.close(completed)
    for label, reason in summary.skipped:
        log.info(f"csx: skipped {label}: {reason}")
    if len(handles) > 1 and not args.quiet:
        log.warning(summary.line())
    return 1 if summary.failed else 0
