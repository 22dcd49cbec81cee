"""One job, start to end: read it, filter it, choose its spec, evaluate,
check the record. Everything a batch decides once (filters, the forced spec,
what a database already holds) is fixed when an Extraction is made."""

from dataclasses import dataclass
from pathlib import Path

from ..checks.records import check_record
from ..errors import CsxError, JobError, NoSpecError, UsageError, named
from ..language.registry import Registry, mismatch
from ..wording import KIND, STATUSES, Either, Words
from .engine import evaluate
from .jobs import open_job
from .outcome import Outcome
from .related import RelatedJobs

DEFAULT_STATUSES = ("completed",)
ANY_STATUS = "any"  # --status any: jobs of every status
# every status a CryoSPARC job may have: cryosparc-tools' JobStatus (4.7.1 cryosparc/spec.py, 5.0.3
# cryosparc/models/job.py, the same nine)
JOB_STATUSES = ("building", "queued", "launched", "started", "running", "waiting", "completed", "killed", "failed")
UNCHANGED = "unchanged since it was last extracted"


def job_types(registry: Registry, names) -> set:
    """--type takes job types, or record kinds standing for every job type of their specs; the empty set
    (no filter) where a kind has a spec of any job type (job)."""
    types = set()
    for name in names:
        specs = [s for s in registry.specs if s.kind == name]
        if any(s.any_type for s in specs):
            return set()
        types |= {t for s in specs for t in s.job_types} or {name}
    return types


def is_spec_file(spec_arg) -> bool:
    """Whether --spec (kind= or spec=) names a spec file rather than a record kind."""
    return bool(spec_arg) and (spec_arg.endswith((".yaml", ".yml")) or Path(spec_arg).is_file())


def made_kinds(registry: Registry, spec_arg) -> set:
    """The record kinds a run makes: the one --spec asks for (a kind, or a spec file's), else every kind
    that is some job's default."""
    if is_spec_file(spec_arg):
        return {registry.load_checked(registry.spec_file(spec_arg)).kind}
    if spec_arg:
        return {spec_arg}
    return {spec.kind for spec in registry.specs if not spec.on_request}


def listed_statuses(statuses) -> tuple:
    """The statuses a project's job list is filtered by: () for every status (--status any)."""
    statuses = tuple(statuses or DEFAULT_STATUSES)
    return () if ANY_STATUS in statuses else statuses


@dataclass(frozen=True)
class ExtractOptions:
    """What a batch asks for, the same for each of its jobs. Frozen and plain, so worker processes
    receive it whole."""

    spec: str | None = None  # a record kind, or one spec file to use
    types: tuple = ()  # job types, or record kinds standing for their specs' job types
    statuses: tuple = DEFAULT_STATUSES
    validate: bool = True
    all_jobs: bool = False  # a whole project: jobs of other statuses, or of no spec, are skipped, not failed
    status_option: bool = True  # whether the caller can ask for other statuses (a job's error says how)


class Extraction:
    """Turns one job handle into an Outcome, under the batch's options."""

    def __init__(self, registry: Registry, options: ExtractOptions = ExtractOptions(), stored=None):
        self.registry, self.options = registry, options
        self.whole_project = options.all_jobs
        self.types = job_types(registry, options.types)
        self.statuses = set(listed_statuses(options.statuses)) or None  # None: every status
        self.validate = options.validate
        self.stored = stored or {}  # (source, project uid, job uid) -> fingerprint, from --db unless --force
        self.related = RelatedJobs(registry)  # related jobs' records, made once for the whole batch
        self.forced, self.kind = None, options.spec
        if is_spec_file(options.spec):
            self.forced, self.kind = registry.load_checked(registry.spec_file(options.spec)), None
        elif options.spec and not any(s.kind == options.spec for s in registry.specs):
            kinds = ", ".join(sorted({s.kind for s in registry.specs}))
            raise UsageError(Words(KIND.given(options.spec), Either(": no such record kind or spec file",
                                                                    ": no such record kind"), f" (kinds: {kinds})"))

    def _unchanged(self, source, label, fingerprint) -> bool:
        return fingerprint is not None and self.stored.get((source, *label.split("/")[-2:])) == fingerprint

    def settled(self, handle) -> Outcome | None:
        """The job's outcome without reading it where it can be had (unchanged since the database
        stored it), else None: decided before the job is handed to a worker."""
        if not self.stored:
            return None
        fingerprint = handle.fingerprint()
        if not self._unchanged(handle.source, handle.label, fingerprint):
            return None
        return Outcome(handle.label, source=handle.source, fingerprint=fingerprint, skipped=UNCHANGED)

    def __call__(self, handle) -> Outcome:
        outcome = Outcome(handle.label, source=handle.source)
        try:
            self._extract(handle, outcome)
        except CsxError as exc:
            outcome.error = exc
        except Exception as exc:  # a document shaped in a way no check foresaw: still only this job fails
            outcome.error = JobError(Words(f"{outcome.label}: csx cannot handle this job ({type(exc).__name__}); a "
                                           "bug: please report it with the traceback ",
                                           Either("--debug shows", "of the error's __cause__")))
            outcome.error.__cause__ = exc
        if outcome.error is not None:
            outcome.error.job = outcome.label
        return outcome

    def _extract(self, handle, outcome: Outcome):
        outcome.fingerprint = handle.fingerprint()
        if self._unchanged(handle.source, handle.label, outcome.fingerprint):
            outcome.skipped = UNCHANGED
            return
        context = open_job(handle, self.registry.layouts)
        outcome.label = f"{context.project['uid']}/{context.identity['uid']}"
        outcome.project_title = context.project.get("title")
        if outcome.fingerprint is None and context.identity.get("updated"):
            # a job of an instance: its document says when it last changed
            outcome.fingerprint = f"{context.identity['status']}@{context.identity['updated']}"
            if self._unchanged(handle.source, outcome.label, outcome.fingerprint):
                outcome.skipped = UNCHANGED
                return
        outcome.skipped = self._not_asked_for(context)
        if outcome.skipped:
            return
        spec = self._spec(context)
        if spec is None:
            outcome.skipped = f"no spec for type {context.identity['type']}"
            return
        record = evaluate(context, spec, self.related)
        if self.validate:
            check_record(record, self.registry.record_schema(spec.kind), spec, context.origin)
        outcome.record, outcome.spec = record, str(spec.file)

    def _not_asked_for(self, context) -> str | None:
        """Why --type or --status leave the job out; a named job of another status is an error."""
        job_type, status = context.identity["type"], context.identity["status"]
        if self.types and job_type not in self.types:
            return f"type {job_type} not asked for"
        if self.statuses is None or status in self.statuses:
            return None
        if self.whole_project:
            return f"status {status}"
        hint = ()
        if self.options.status_option:  # a status CryoSPARC does not have is asked for as "any"
            hint = ("; add ", STATUSES.given(status if status in JOB_STATUSES else ANY_STATUS), " to extract it anyway")
        raise JobError(Words(f"{context.origin}: the job is {named(status)}, not {' or '.join(sorted(self.statuses))}",
                             *hint))

    def _spec(self, context):
        if self.forced is not None:  # the user's choice over its version range, not over layout or job type
            reason = mismatch(self.forced, context.key, self.forced.kind, version=False)
            if reason:
                raise NoSpecError(f"{context.origin}: spec {self.forced.file} does not fit: {reason}")
            return self.forced
        try:
            return self.registry.choose(context.key, self.kind)
        except NoSpecError as exc:
            if self.whole_project:  # --all meets many job types csx has no spec for: not a failure
                return None
            raise NoSpecError(Words(f"{context.origin}: ", exc)) from exc


