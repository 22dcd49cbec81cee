"""csx extract: records for jobs, written to a sink; a bad job never stops the batch."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import evaluate
from ..errors import CsxError, NoSpecError, UsageError
from ..jobs import open_job
from ..records import check_record
from ..registry import Registry, mismatch
from ..sinks import DirectorySink, JsonLinesSink
from ..sources.files import job_dir_handles, project_handles


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
    if args.project_dir:
        return project_handles(Path(args.project_dir), args.jobs, args.all)
    if args.all:
        raise UsageError("--all needs --project-dir DIR")
    if not args.jobs:
        raise UsageError("extract: give job directories, or --project-dir DIR with job uids or --all")
    return job_dir_handles(Path(j) for j in args.jobs)


def _forced_spec(registry: Registry, choice: str | None):
    """--spec FILE forces one spec; --spec KIND only narrows the choice."""
    if choice and (choice.endswith((".yaml", ".yml")) or Path(choice).is_file()):
        return registry.load_checked(Path(choice)), None
    return None, choice


def run(args, log) -> int:
    registry = Registry(args.specs)
    forced, kind = _forced_spec(registry, args.spec)
    if kind and not any(s.kind == kind for s in registry.specs):
        kinds = ", ".join(sorted({s.kind for s in registry.specs}))
        raise UsageError(f"--spec {kind}: no such record kind or spec file (kinds: {kinds})")
    handles = handles_from_args(args)
    sink = DirectorySink(Path(args.output)) if args.output else JsonLinesSink(sys.stdout)
    batch = bool(args.all)
    types = set(args.type or ())
    statuses = set(args.status or (["completed"] if batch else []))
    summary = Summary()
    for handle in handles:
        label = handle.label
        try:
            context = open_job(handle, registry.layouts)
            label = f"{context.project['uid']}/{context.identity['uid']}"
            job_type, status = context.identity["type"], context.identity["status"]
            if types and job_type not in types:
                summary.skipped.append((label, f"type {job_type} not asked for"))
                continue
            if statuses and status not in statuses:
                summary.skipped.append((label, f"status {status}"))
                continue
            if forced is not None:
                reason = mismatch(forced, context.key, None)
                if reason:
                    raise NoSpecError(f"{context.origin}: spec {forced.file} does not fit: {reason}")
                spec = forced
            else:
                try:
                    spec = registry.choose(context.key, kind)
                except NoSpecError as exc:
                    if batch:  # --all meets many job types csx has no spec for: not a failure
                        summary.skipped.append((label, f"no spec for type {job_type}"))
                        continue
                    raise NoSpecError(f"{context.origin}: {exc}") from exc
            record = evaluate(context, spec)
            if not args.no_validate:
                check_record(record, registry.record_schema(spec.kind), spec, context.origin)
            sink.write(context.label, record)
            summary.done += 1
        except CsxError as exc:
            summary.failed.append((label, str(exc)))
            log.error(str(exc), exc_info=args.debug)
    sink.close()
    for label, reason in summary.skipped:
        log.info(f"csx: skipped {label}: {reason}")
    if len(handles) > 1 or summary.failed:
        log.warning(summary.line())
    return 1 if summary.failed else 0
