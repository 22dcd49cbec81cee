"""csx survey: what a project's jobs hold, beside what the specs make of
them. Per job type: how many jobs, their versions, statuses and layouts;
which specs match them, and how often each field of those specs comes out
null; the jobs that fail and why; the document keys and dataset fields no
shipped spec reads; and, on request, the redacted shape of the documents
(extractor.run.shapes).

A survey streams: each job is read, tallied and let go. What is kept is
counts, bounded lists (failure lines, distinct keys, versions) and one shape
per (job type, version, layout), so memory does not grow with the number of
jobs. Batches of jobs are tallied apart (in worker processes, or threads for
an instance) and the tallies merged.
"""

from dataclasses import dataclass, field

from ..checks.records import check_record
from ..errors import CsxError, NoSpecError, RecordError
from ..language.layouts import detect_layout
from ..language.reads import ALL_COLUMNS, ITEM, Reads, ReadTree, layout_reads, spec_reads, step_all
from ..language.registry import Registry, mismatch
from ..wording import command_line_is_speaking, speak_as
from .context import JobContext
from .datasets import final_metafile
from .engine import evaluate_every_field
from .extraction import DEFAULT_STATUSES
from .related import RelatedJobs
from .shapes import RULE, Shape, column_key, shape_key, type_key, version_key

UNREADABLE = "(unreadable)"  # where jobs whose document cannot be read (or is not theirs) are counted
OTHER = "(other)"  # where a bounded tally puts what is past its bound
MAX_DISTINCT = 200  # versions, statuses, layouts of one type; job types of a survey
MAX_PATHS = 2000  # unread keys of one type and layout; null counts of one spec
MAX_NESTED_NULLS = 32  # an object field's keys whose nulls are counted one by one


def _bump(counts: dict, key, by: int = 1, limit: int = MAX_DISTINCT):
    if key not in counts and len(counts) >= limit:
        key = OTHER
    counts[key] = counts.get(key, 0) + by


def _merge_counts(into: dict, other: dict, limit: int = MAX_DISTINCT):
    for key, count in other.items():
        _bump(into, key, count, limit)


@dataclass(frozen=True)
class SurveyOptions:
    """What a survey asks for, the same in every worker. Frozen and plain, so worker processes receive it."""

    statuses: tuple = DEFAULT_STATUSES  # jobs whose records are made; the others are counted and shaped
    validate: bool = True  # check records against their schema (a record that fails counts as failed)
    shapes: bool = False  # keep the redacted shape of the documents
    samples: int = 2  # jobs of each (type, version, layout) whose .cs files' fields are read
    related: bool = False  # run the specs that walk related jobs (table1) on the sampled jobs
    failures: int = 10  # failure lines kept per job type (all are counted)


@dataclass
class SpecTally:
    name: str
    kind: str
    file: str
    on_request: bool
    related: bool  # it walks related jobs: run on sampled jobs only, and only when asked
    evaluated: int = 0  # jobs the spec was run on
    records: int = 0  # of which gave a record (with nulls where a field failed)
    failed: int = 0  # of which failed: a field, a dataset, the record's schema
    nulls: dict = field(default_factory=dict)  # field (dotted) -> records where it is null

    def merge(self, other: "SpecTally"):
        self.evaluated += other.evaluated
        self.records += other.records
        self.failed += other.failed
        _merge_counts(self.nulls, other.nulls, MAX_PATHS)

    def as_json(self) -> dict:
        return {"spec": self.name, "kind": self.kind, "file": self.file, "on_request": self.on_request,
                "related": self.related, "evaluated": self.evaluated, "records": self.records, "failed": self.failed,
                "null": dict(self.nulls)}


@dataclass
class TypeTally:
    jobs: int = 0
    versions: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    layouts: dict = field(default_factory=dict)
    specs: dict = field(default_factory=dict)  # spec file -> SpecTally
    failed: int = 0  # jobs that failed (each once, whatever number of specs failed on it)
    failures: list = field(default_factory=list)  # the first lines of why
    unread_keys: dict = field(default_factory=dict)  # layout -> {key path: jobs}
    sampled: int = 0  # jobs whose .cs fields were read
    unread_columns: dict = field(default_factory=dict)  # output -> {field: sampled jobs}

    def fail(self, line: str, keep: int):
        self.failed += 1
        if len(self.failures) < keep:
            self.failures.append(line)

    def merge(self, other: "TypeTally", keep: int):
        self.jobs += other.jobs
        for mine, theirs in ((self.versions, other.versions), (self.statuses, other.statuses),
                             (self.layouts, other.layouts)):
            _merge_counts(mine, theirs)
        for file, tally in other.specs.items():
            if file in self.specs:
                self.specs[file].merge(tally)
            else:
                self.specs[file] = tally
        self.failed += other.failed
        self.failures += other.failures[:max(keep - len(self.failures), 0)]
        for layout, paths in other.unread_keys.items():
            _merge_counts(self.unread_keys.setdefault(layout, {}), paths, MAX_PATHS)
        self.sampled += other.sampled
        for output, columns in other.unread_columns.items():
            _merge_counts(self.unread_columns.setdefault(output, {}), columns, MAX_PATHS)

    def as_json(self, job_type: str) -> dict:
        return {"type": job_type, "jobs": self.jobs, "versions": dict(self.versions),
                "statuses": dict(self.statuses), "layouts": dict(self.layouts),
                "specs": [tally.as_json() for tally in sorted(self.specs.values(),
                                                               key=lambda t: (t.on_request, t.kind, t.name))],
                "failed": self.failed, "failures": list(self.failures),
                "unread_keys": {layout: dict(sorted(paths.items()))
                                for layout, paths in sorted(self.unread_keys.items())},
                "sampled_datasets": self.sampled,
                "unread_columns": {output: dict(sorted(columns.items()))
                                   for output, columns in sorted(self.unread_columns.items())}}


@dataclass
class GroupShape:
    """The redacted shape of the jobs of one (job type, version, layout)."""

    jobs: int = 0
    document: Shape = field(default_factory=Shape)
    datasets: dict = field(default_factory=dict)  # output -> {field: numpy type text}

    def merge(self, other: "GroupShape"):
        self.jobs += other.jobs
        self.document.merge(other.document)
        for output, columns in other.datasets.items():
            self.datasets.setdefault(output, {}).update(columns)


class Tally:
    """A survey's counts, for a batch of jobs or all of them."""

    def __init__(self, options: SurveyOptions):
        self.options = options
        self.jobs = 0
        self.types = {}  # job type -> TypeTally
        self.shapes = {}  # (type, version, layout), redacted -> GroupShape
        # (type, version, layout) -> the positions of its first jobs (as many as options.samples), whose .cs
        # fields are read once every job is tallied: the same jobs however the jobs were shared out
        self.samples = {}

    def type(self, job_type: str) -> TypeTally:
        if job_type not in self.types and len(self.types) >= MAX_DISTINCT:
            job_type = OTHER
        return self.types.setdefault(job_type, TypeTally())

    def shape(self, group: tuple) -> GroupShape:
        if group not in self.shapes and len(self.shapes) >= MAX_DISTINCT:
            group = (OTHER, OTHER, group[2])
        return self.shapes.setdefault(group, GroupShape())

    def sample(self, group: tuple, position: int):
        chosen = self.samples.setdefault(group, [])
        if len(chosen) < self.options.samples or position < chosen[-1]:
            chosen.append(position)
            chosen.sort()
            del chosen[self.options.samples:]

    def merge(self, other: "Tally") -> "Tally":
        self.jobs += other.jobs
        for group, positions in other.samples.items():
            for position in positions:
                self.sample(group, position)
        for job_type, tally in other.types.items():
            if job_type not in self.types and len(self.types) < MAX_DISTINCT:
                self.types[job_type] = tally
            else:
                self.type(job_type).merge(tally, self.options.failures)
        for group, shape in other.shapes.items():
            self.shape(group).merge(shape)
        return self

    def as_json(self) -> dict:
        ordered = sorted(self.types.items(), key=lambda item: (-item[1].jobs, item[0]))
        found = {"jobs": self.jobs, "types": [tally.as_json(job_type) for job_type, tally in ordered]}
        if self.options.shapes:
            found["shapes"] = shape_file(self.shapes)
        return found


def shape_file(shapes: dict) -> dict:
    """The shape file's content: one entry per (job type, version, layout)."""
    return {"csx_shape": 1, "rule": RULE, "groups": [
        {"type": job_type, "version": version, "layout": layout, "jobs": shape.jobs,
         "document": shape.document.as_json(),
         "datasets": {output: dict(sorted(columns.items())) for output, columns in sorted(shape.datasets.items())}}
        for (job_type, version, layout), shape in sorted(shapes.items())]}


class Surveyor:
    """Tallies jobs, under the survey's options. What it works out per job key (the specs that match,
    what they read) is kept for the whole survey: a project has few distinct keys."""

    def __init__(self, registry: Registry, options: SurveyOptions = SurveyOptions()):
        self.registry, self.options = registry, options
        self.statuses = set(options.statuses)
        self._specs = {}  # JobKey -> [(kind, Spec or the NoSpecError of choosing one)]
        self._reads = {}  # JobKey -> (ReadTree of the document's keys, {output: columns read})
        self._spec_reads = {}  # spec file -> spec_reads(spec)

    def __call__(self, positioned) -> list:
        """One tally of a batch of (position, job handle) (in a list, as a worker pool hands results back)."""
        tally = Tally(self.options)
        self.survey(positioned, tally)
        return [tally]

    def survey(self, positioned, tally: Tally):
        for position, handle in positioned:
            try:
                self._job(handle, position, tally)
            except Exception as exc:  # a document shaped in a way no check foresaw: still only this job
                tally.type(UNREADABLE).fail(_bug(handle.label, exc), self.options.failures)

    def sample(self, handles, tally: Tally):
        """Read the .cs fields of the chosen jobs (and, when asked, run the specs that walk related jobs)."""
        related = RelatedJobs(self.registry)  # records of related jobs, shared by the sampled jobs
        for handle in handles:
            try:
                self._sample(handle, tally, related)
            except CsxError:  # counted unreadable when it was tallied
                continue
            except Exception as exc:
                tally.type(UNREADABLE).fail(_bug(handle.label, exc), self.options.failures)

    # -- one job --

    def _open(self, handle) -> JobContext:
        document = handle.load()
        return JobContext(document, detect_layout(self.registry.layouts, document.doc, document.origin))

    def _job(self, handle, position: int, tally: Tally):
        tally.jobs += 1
        try:
            context = self._open(handle)
        except CsxError as exc:
            unreadable = tally.type(UNREADABLE)
            unreadable.jobs += 1
            unreadable.fail(str(exc), self.options.failures)
            return
        identity, layout = context.identity, context.layout.name
        job_type, version, status = identity["type"], identity["version"], identity["status"]
        types = tally.type(job_type)
        types.jobs += 1
        _bump(types.versions, version if version is not None else "(none)")
        _bump(types.statuses, status)
        _bump(types.layouts, layout)
        group = (type_key(job_type), version_key(version), layout)
        if self.options.shapes:
            shape = tally.shape(group)
            shape.jobs += 1
            shape.document.add(context.doc)
        specs = self._matching(context.key)
        tree, columns = self._read(context)
        if specs:
            unread_keys(context.doc, tree, types.unread_keys.setdefault(layout, {}))
        if status not in self.statuses:
            return
        tally.sample(group, position)
        problems = []
        for kind, spec in specs:
            if isinstance(spec, NoSpecError):
                problems.append((kind, str(spec)))
                continue
            spec_tally = self._spec_tally(types, spec)
            # a walk downstream reads every job of the project: on sampled jobs only, and only when asked
            if spec.related:
                continue
            problem = self._evaluate(context, spec, spec_tally, None)
            if problem:
                problems.append((spec.name, problem))
        self._fail(context, types, problems)

    def _sample(self, handle, tally: Tally, related: RelatedJobs):
        context = self._open(handle)
        identity, layout = context.identity, context.layout.name
        group = (type_key(identity["type"]), version_key(identity["version"]), layout)
        types = tally.type(identity["type"])
        specs = self._matching(context.key)
        self._sample_datasets(context, types, self._read(context)[1] if specs else None,
                              tally.shape(group) if self.options.shapes else None)
        if not self.options.related:
            return
        problems = []
        for _, spec in specs:
            if not isinstance(spec, NoSpecError) and spec.related:
                problem = self._evaluate(context, spec, self._spec_tally(types, spec), related)
                if problem:
                    problems.append((spec.name, problem))
        self._fail(context, types, problems)

    @staticmethod
    def _spec_tally(types: TypeTally, spec) -> SpecTally:
        spec_tally = types.specs.get(str(spec.file))
        if spec_tally is None:
            spec_tally = types.specs[str(spec.file)] = SpecTally(spec.name, spec.kind, str(spec.file),
                                                             spec.on_request, bool(spec.related))
        return spec_tally

    def _fail(self, context, types: TypeTally, problems: list):
        if problems:
            label = f"{context.project['uid']}/{context.identity['uid']}"
            (name, problem), others = problems[0], [name for name, _ in problems[1:]]
            also = f"; also failed: {', '.join(others)}" if others else ""
            types.fail(f"{label}: {name}: {problem}{also}", self.options.failures)

    def _evaluate(self, context, spec, tally: SpecTally, related) -> str | None:
        """Run one spec on the job and count its nulls; why it failed, or None."""
        tally.evaluated += 1
        try:
            record, failed = evaluate_every_field(context, spec, related)
            if not failed and self.options.validate:
                check_record(record, self.registry.record_schema(spec.kind), spec, context.origin)
        except RecordError as exc:
            tally.records += 1
            tally.failed += 1
            _count_nulls(record, spec, tally.nulls)
            return str(exc)
        except CsxError as exc:  # a dataset the spec needs, a related job: no record at all
            tally.failed += 1
            return str(exc)
        except Exception as exc:  # a document shaped in a way no check foresaw
            tally.failed += 1
            return _bug(context.origin, exc)
        tally.records += 1
        _count_nulls(record, spec, tally.nulls)
        if failed:
            tally.failed += 1
            return str(failed[0]) + (f" (and {len(failed) - 1} more fields)" if len(failed) > 1 else "")
        return None

    def _sample_datasets(self, context, types: TypeTally, columns, shape: GroupShape | None):
        """The fields of each output's .cs files, from their headers: those no shipped spec reads, and
        their types for the shape. A file that cannot be read is passed over (a spec that needs it says so)."""
        read_fields = context.document.dataset_fields
        if read_fields is None:
            return
        types.sampled += 1
        try:
            outputs = context.output_names()
        except CsxError:
            return
        for output in outputs:
            try:
                results = context.results_of(output)
            except CsxError:
                continue
            names = {result["name"] for result in results}
            found = {}
            for metafile in dict.fromkeys(filter(None, map(final_metafile, results))):
                try:
                    header = read_fields(metafile)
                except CsxError:
                    continue
                found.update((name, kind) for name, kind in header if name.split("/", 1)[0] in names)
            if shape is not None and found:
                shape.datasets.setdefault(shape_key(output), {}).update(
                    (column_key(name), kind) for name, kind in found.items())
            if columns is None:
                continue
            read = columns.get(output, set())
            if read is ALL_COLUMNS:
                continue
            unread = types.unread_columns.setdefault(output, {})
            for name in found:
                if name not in read:
                    _bump(unread, name, limit=MAX_PATHS)

    # -- per job key --

    def _matching(self, key) -> list:
        """[(kind, the spec chosen for it, or why none can be)] for every kind some spec of the job has."""
        if key not in self._specs:
            kinds = sorted({spec.kind for spec, reason in self.registry.explain(key) if reason is None})
            chosen = []
            for kind in kinds:
                try:
                    chosen.append((kind, self.registry.choose(key, kind)))
                except NoSpecError as exc:
                    chosen.append((kind, exc))
            # a job's own kind first: its failure is the one a failure line names first
            self._specs[key] = sorted(chosen, key=lambda found: (getattr(found[1], "on_request", True), found[0]))
        return self._specs[key]

    def _read(self, context) -> tuple:
        """(ReadTree, {output: columns}) of what the shipped specs that match the job, and the layout for
        them, read."""
        key = context.key
        if key not in self._reads:
            shipped = [spec for spec in self.registry.tiers[-1] if mismatch(spec, key, None) is None]
            reads, columns, outputs = Reads(), {}, set()
            for spec in shipped:
                if spec.file not in self._spec_reads:
                    self._spec_reads[spec.file] = spec_reads(spec)
                spec_read, spec_columns = self._spec_reads[spec.file]
                reads.update(spec_read)
                outputs |= set(spec.datasets.values())
                for output, read in spec_columns.items():
                    if read is ALL_COLUMNS or columns.get(output, set()) is ALL_COLUMNS:
                        columns[output] = ALL_COLUMNS
                    else:
                        columns.setdefault(output, set()).update(read)
            reads.update(layout_reads(context.layout, sorted(outputs), sorted(reads.params)))
            self._reads[key] = (ReadTree.of(reads), columns)
        return self._reads[key]


def _bug(label: str, exc: Exception) -> str:
    return f"{label}: csx cannot handle this job ({type(exc).__name__}); a bug: please report it"


def _count_nulls(record: dict, spec, nulls: dict):
    """Count, per field, the records where it is null; an object field's keys one by one as well."""
    for spec_field in spec.fields:
        value = record
        for key in spec_field.record_path:
            value = value.get(key) if isinstance(value, dict) else None
        name = spec_field.name
        _bump(nulls, name, 1 if value is None else 0, MAX_PATHS)
        if isinstance(value, dict) and len(value) <= MAX_NESTED_NULLS:
            for key, item in value.items():
                _bump(nulls, f"{name}.{key}", 1 if item is None else 0, MAX_PATHS)


def unread_keys(doc: dict, tree: ReadTree, counts: dict):
    """Count (once per document) each key of the document that nothing reads, at the first step of its path
    that nothing reads (`bench`, `output_result_groups[].latest_summary_stats.fsc_info_autotight`). Keys
    are shown as shapes show them (a uid as <uid>), so a project's uids do not each make a key of their own."""
    if tree.whole:
        return
    start = tree.step("job")
    if not start or any(node.whole for node in start):
        return
    found = set()
    _unread(doc, start, "", found)
    for path in found:
        _bump(counts, path, limit=MAX_PATHS)


def _unread(value, nodes: list, path: str, found: set):
    if type(value) is dict:
        for key, item in value.items():
            reached = step_all(nodes, key)
            name = f"{path}.{shape_key(key)}" if path else shape_key(key)
            if not reached:
                found.add(name)
            elif not any(node.whole for node in reached):
                _unread(item, reached, name, found)
    elif type(value) is list and value:
        reached = step_all(nodes, ITEM)
        if not reached:
            found.add(f"{path}[]")
        elif not any(node.whole for node in reached):
            for item in value:
                _unread(item, reached, f"{path}[]", found)


# -- a whole survey --

BATCH = 64  # jobs tallied apart and merged: a worker's share
_process_surveyor = None  # each worker process's own Surveyor


def _start_process(spec_dirs, options, command_line: bool):
    global _process_surveyor
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    speak_as(command_line)  # the failure lines are made here
    _process_surveyor = Surveyor(Registry(spec_dirs), options)


def _survey_in_process(handles) -> list:
    return _process_surveyor(handles)


def survey_jobs(handles, registry: Registry, options: SurveyOptions, workers: int = 1,
                pool_kind: str = "processes", progress=None) -> Tally:
    """The tally of every job of `handles` (a sequence): in this thread with one worker, else in batches in
    a pool of `pool_kind` ("processes" for files, "threads" for an instance), a few batches in flight; then
    the .cs fields of the first jobs of each (type, version, layout), read here, so that the same jobs are
    sampled however many workers there are. `progress(jobs done, jobs)` is called as jobs are tallied."""
    surveyor = Surveyor(registry, options)
    total = Tally(options)
    progress = progress or (lambda done, jobs: None)
    positioned = ((position, handles[position]) for position in range(len(handles)))
    if workers <= 1:
        for position, handle in positioned:
            surveyor.survey([(position, handle)], total)
            if total.jobs % BATCH == 0:
                progress(total.jobs, len(handles))
    else:
        _survey_in_pool(surveyor, registry, options, workers, pool_kind, positioned, len(handles), total, progress)
    progress(total.jobs, len(handles))
    surveyor.sample([handles[p] for positions in total.samples.values() for p in positions], total)
    return total


def _survey_in_pool(surveyor, registry, options, workers, pool_kind, positioned, count, total, progress):
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from .pools import ordered_map

    if pool_kind == "processes":
        pool, work = ProcessPoolExecutor(workers, initializer=_start_process, initargs=(
            tuple(str(folder) for folder in registry.user_dirs), options, command_line_is_speaking())
        ), _survey_in_process
    else:
        pool, work = ThreadPoolExecutor(workers, initializer=speak_as, initargs=(command_line_is_speaking(),)), surveyor
    batch = max(1, min(BATCH, count // (2 * workers)))
    try:
        for tally in ordered_map(pool, work, positioned, window=2 * workers, batch=batch):
            total.merge(tally)
            progress(total.jobs, count)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
