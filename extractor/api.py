"""csx as a library: what the command line does, as functions taking plain
keyword options, for notebooks and scripts.

Jobs are named the way `csx extract` names them: job directories; or job uids
(and ranges, J190-J199) with `project_dir=`; or job uids of `project=` on a
running CryoSPARC, through `client=` (a `cryosparc.tools.CryoSPARC` already
logged in, 4.x or 5.x) or `instance=` (the CryoSPARC(**info) dict, or the path
of its JSON file). With a project and no jobs, every job of the project.
"""

import logging
import os
from contextlib import closing
from pathlib import Path

from .checks.records import UnknownKind, check_record, kind_schema
from .errors import UsageError, shown
from .language.registry import Registry
from .run.batch import Batch, BatchOptions
from .run.extraction import DEFAULT_STATUSES
from .run.jobquery import query_job
from .run.selection import Selection, select
from .sinks.rows import flatten as flat_columns
from .sinks.rows import schema_columns
from .sources.deadline import seconds_problem

log = logging.getLogger("csx")


# The keywords' types are checked first, so that a wrong one is one line naming it (a UsageError), never an
# AttributeError from deep inside, nor bytes walked as integers.

def _refuse(keyword: str, value, wanted: str):
    raise UsageError(f"{keyword}={shown(value)}: give {wanted}")


def _path(keyword: str, value, wanted: str) -> str:
    """A path given as text (str or os.PathLike of str)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        _refuse(keyword, value, wanted + (" (text, not bytes)" if isinstance(value, bytes) else ""))
    return value


def _paths(keyword: str, value, wanted: str) -> list:
    """One path, or a list (any iterable but a mapping) of them."""
    if isinstance(value, (str, os.PathLike)):
        return [_path(keyword, value, wanted)]
    if isinstance(value, (bytes, dict)) or not hasattr(value, "__iter__"):
        _refuse(keyword, value, wanted + (" (text, not bytes)" if isinstance(value, bytes) else ""))
    return [_path(keyword, item, wanted) for item in value]


def _names(keyword: str, value, wanted: str) -> tuple:
    """One name, or a list of them."""
    names = [value] if isinstance(value, str) else value
    if isinstance(names, (bytes, dict)) or not hasattr(names, "__iter__"):
        _refuse(keyword, value, wanted)
    names = tuple(names)
    if not all(isinstance(name, str) for name in names):
        _refuse(keyword, value, wanted)
    return names


def _optional(keyword: str, value, kind: type, wanted: str):
    if value is not None and not isinstance(value, kind):
        _refuse(keyword, value, wanted)
    return value


def _record(record) -> dict:
    if not isinstance(record, dict):
        _refuse("record", record, "one record, a dict (as extract() returns them)")
    return record


def _folders(specs) -> list:
    """Spec folders: one, or several."""
    return _paths("specs", specs, "a spec folder or a list of them")


def _checked_options(jobs, project_dir, project, instance, kind, spec, types, statuses, validate, timeout,
                     workers) -> tuple:
    """(jobs, types, statuses) as lists and tuples, every keyword of extract() checked."""
    jobs = _paths("jobs", jobs, "a job directory or uid, or a list of them")
    if project_dir is not None:
        _path("project_dir", project_dir, "a project directory")
    _optional("project", project, str, "a project uid such as \"P30\"")
    if instance is not None and not isinstance(instance, dict):
        _path("instance", instance, "the CryoSPARC(**info) dict or the path of its JSON file")
    _optional("kind", kind, str, "a record kind such as \"map-info\"")
    if spec is not None:
        _path("spec", spec, "a spec file")
    types = _names("types", types, "a job type or record kind, or a list of them")
    statuses = _names("statuses", statuses, "a job status such as \"completed\", or a list of them")
    if not isinstance(validate, bool):
        _refuse("validate", validate, "True or False")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        _refuse("workers", workers, "a number of jobs worked on at once, 1 or more (None: the default)")
    problem = seconds_problem(timeout)
    if problem:
        raise UsageError(f"timeout={shown(timeout)} {problem}")
    return jobs, types, statuses


def iter_extract(jobs=(), *, project_dir=None, project=None, client=None, instance=None, kind=None, spec=None,
                 specs=(), types=(), statuses=DEFAULT_STATUSES, validate=True, timeout=30.0, workers=None):
    """Each job's Outcome, in order, as it is done: `.label` (P30/J180) and either `.record` (a dict),
    `.skipped` (why: a status or type not asked for, no spec for the job's type) or `.error` (a CsxError).

    kind: the record kind to extract (e.g. "map-info", "fsc"; default: each job's own); spec: one spec
    file to use instead; specs: your own spec folders; types: only jobs of these types (or of the types
    of these record kinds; a name that is neither is refused); statuses: only jobs of these statuses
    (CryoSPARC's: building, queued, launched, started, running, waiting, completed, killed, failed; "any":
    every status); validate: check each record against its kind's schema; workers: jobs worked on at once
    (default: 8 on a running instance; on disk one per CPU (at most 8) from 16 jobs on, else 1).
    A job that fails is one Outcome with an error; an unknown project or unreachable instance raises
    when the iteration starts."""
    jobs, types, statuses = _checked_options(jobs, project_dir, project, instance, kind, spec, types, statuses,
                                             validate, timeout, workers)
    if kind and spec:
        raise UsageError("give kind= or spec=, not both")
    registry = Registry(_folders(specs))
    if spec is not None:
        registry.spec_file(spec)  # a file that is not there is said as spec=, not taken for a record kind
    whole_project = not jobs
    if whole_project and kind and not types:  # only the job types the kind's specs read are asked for
        types = (kind,)
    selection = Selection(tuple(jobs), project_dir, instance, project, client, all_jobs=whole_project, types=types,
                          statuses=statuses, timeout=timeout)
    yield from Batch(registry, selection, BatchOptions(spec=str(spec) if spec else kind, validate=validate,
                                                       workers=workers)).run()


def extract(jobs=(), *, project_dir=None, project=None, client=None, instance=None, kind=None, spec=None, specs=(),
            types=(), statuses=DEFAULT_STATUSES, validate=True, timeout=30.0, workers=None, errors="raise") -> list:
    """The records (dicts) of the jobs, in order; jobs skipped (a status or type not asked for) are left
    out. On a job that fails: errors="raise" raises its error (a CsxError: .job, .file, .line, .field
    say what it names); errors="skip" logs it on the "csx" logger and goes on.
    The other options are iter_extract's."""
    if errors not in ("raise", "skip"):
        raise UsageError(f"errors={shown(errors)}: give errors=\"raise\" or errors=\"skip\"")
    records = []
    outcomes = iter_extract(jobs, project_dir=project_dir, project=project, client=client, instance=instance,
                            kind=kind, spec=spec, specs=specs, types=types, statuses=statuses, validate=validate,
                            timeout=timeout, workers=workers)
    with closing(outcomes):  # raising mid-way still stops the workers
        for outcome in outcomes:
            if outcome.error is not None:
                if errors == "raise":
                    raise outcome.error
                log.warning(f"csx: skipped {outcome.label}: {outcome.error}")
            elif outcome.record is not None:
                records.append(outcome.record)
    return records


def query(expression: str, job, *, project_dir=None, project=None, client=None, instance=None, kind=None,
          specs=(), timeout=30.0):
    """The value of a JMESPath expression over one job's context, as `csx query` prints it: `job` (the
    document), `project`, `datasets.<output>` (columns as lists), `source`; with kind=, the dataset
    aliases and related jobs of that kind's spec."""
    if not isinstance(expression, str):
        _refuse("expression", expression, "a JMESPath expression (text)")
    if not isinstance(job, (str, os.PathLike)):
        _refuse("job", job, "one job directory or uid")
    (job,), _, _ = _checked_options(job, project_dir, project, instance, kind, None, (), (), True, timeout, 1)
    registry = Registry(_folders(specs))
    (handle,) = select(registry, Selection((job,), project_dir, instance, project, client, timeout=timeout)).handles
    return query_job(expression, handle, registry, kind)


def table1(jobs=(), *, project_dir=None, project=None, client=None, instance=None, specs=(), timeout=30.0,
           labels=None, meta=None):
    """The cryo-EM Table 1 of map jobs, as `csx table1` makes it: a Table whose .markdown(), .latex(), .csv()
    and .json() write it, .data_rows() gives one dict per value (pandas.DataFrame(table.data_rows())),
    .records the table1 records and .failed the maps whose record could not be made (Outcomes).
    labels: {job: column label} (job: P32/J10, or J10); meta: a YAML file, or its dict, of the rows CryoSPARC
    does not know (schemas/table1.meta.schema.json)."""
    from .deposition.table1 import table1 as make_table

    return make_table(jobs, project_dir=project_dir, project=project, client=client, instance=instance,
                      specs=specs, timeout=timeout, labels=labels, meta=meta)


def survey(project_dir=None, *, project=None, client=None, instance=None, jobs=(), specs=(),
           statuses=DEFAULT_STATUSES, shapes=False, samples=2, related=False, failures=10, validate=True,
           timeout=30.0, workers=None, progress=None) -> dict:
    """What a project's jobs hold, beside what csx's specs make of them, as `csx survey --format json`
    prints it: {"source", "jobs", "types": [{"type", "jobs", "versions", "statuses", "layouts", "specs":
    [{"spec", "kind", "on_request", "related", "evaluated", "records", "failed", "null": {field: count}}],
    "failed", "failures", "unread_keys": {layout: {key path: jobs}}, "sampled_datasets", "unread_columns":
    {output: {field: jobs}}}]}; with shapes=True also "shapes", the redacted shape file (keys, types, list
    lengths; no value).

    A project directory, or `project` on an instance (client= or instance=, as for extract); every job
    of it, or the uids in `jobs`. statuses: the jobs whose records are made (the others are counted and
    shaped); samples: jobs per (type, version, layout) whose .cs fields are read; related: also run the
    specs that walk related jobs (table1) on those sampled jobs (a walk may read every job of the
    project, so not on every job); failures: failure lines kept per type (all are counted); workers:
    jobs worked on at once (default: 8 on a running instance; on disk one per CPU (at most 8) from 16 jobs
    on, else 1); progress: called as progress(jobs done, jobs) as the survey goes. A project directory's
    files are read only where they really are in it (no symlink out of it is followed)."""
    from .run.batch import default_workers, pool_kind
    from .run.extraction import ANY_STATUS, JOB_STATUSES
    from .run.selection import checked_statuses
    from .run.survey import SurveyOptions, survey_jobs

    if isinstance(jobs, (str, Path)):
        jobs = [jobs]
    statuses = checked_statuses((statuses,) if isinstance(statuses, str) else tuple(statuses))
    if ANY_STATUS in statuses:
        statuses = JOB_STATUSES
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        _refuse("workers", workers, "a number of jobs worked on at once, 1 or more (None: the default)")
    if project_dir is None and project is None:
        raise UsageError("survey: give a project directory, or project= with client= or instance=")
    registry = Registry(_folders(specs))
    # every job is counted and shaped, whatever its status
    selected = select(registry, Selection(tuple(jobs), project_dir, instance, project, client, all_jobs=not jobs,
                                          statuses=JOB_STATUSES, timeout=timeout, confined=True))
    options = SurveyOptions(statuses=statuses, validate=validate, shapes=shapes, samples=samples, related=related,
                            failures=failures)
    tally = survey_jobs(selected.handles, registry, options, workers or default_workers(selected.live, len(selected)),
                        pool_kind(selected.live), progress)
    handles = selected.handles
    source = handles[0].source if len(handles) else str(project_dir)
    return {"source": source, **tally.as_json()}


def validate(record: dict, kind=None, specs=()) -> dict:
    """The record itself when it satisfies its kind's JSON Schema; else a RecordError (.field is the
    dotted path of the first problem)."""
    record = _record(record)
    _optional("kind", kind, str, "a record kind such as \"map-info\"")
    registry = Registry(_folders(specs), load_specs=False)
    try:
        _, schema = kind_schema(registry, record, kind)
    except UnknownKind as exc:
        raise UsageError(str(exc) + ("; give kind=" if exc.missing else "")) from None
    check_record(record, schema)
    return record


def read_records(db, kind: str, project=None):
    """The records of `kind` (e.g. "map-info") a database csx extract --db filled holds (an SQLite file or a
    postgresql:// URL), of one project or of all: a generator of StoredRecord (.source, .project_uid,
    .job_uid, .record), one at a time, each record's keys in its schema's order whatever the database. A
    record that cannot be read is logged (logger "csx") and skipped."""
    from .sinks.dbread import reading

    with reading(db, unreadable=log.warning) as reader:
        yield from reader.records(kind, project)


def plot_fsc(jobs=(), *, output=None, file_format=None, masks=None, labels=None, columns=None, width=None,
             project_dir=None, project=None, client=None, instance=None, specs=(), statuses=DEFAULT_STATUSES,
             timeout=30.0, errors="raise") -> bytes:
    """`csx plot fsc`: the FSC curves of jobs in one figure, as PDF, PNG or SVG bytes (file_format, else the
    suffix of `output`), written to `output` when given. masks: the curves to draw (default every one);
    labels: {job: legend text}, a job named P30/J180 or J180; columns: 1 or 2 journal columns wide (3.5 or
    7.2 in), or width= in inches. Jobs and errors= as in extract()."""
    from .pictures.curves import checked_masks, record_curves
    from .pictures.plot import figure_width, legend_labels
    from .pictures.plot import plot_fsc as figure_of
    from .sinks.atomic import write_output

    if file_format is None and output is None:
        raise UsageError("plot_fsc: give output= (a .pdf, .png or .svg file) or file_format=")
    file_format = (file_format or Path(output).suffix.lstrip(".")).lower()
    masks, width_in = checked_masks(masks), figure_width(columns, width)
    records = extract(jobs, project_dir=project_dir, project=project, client=client, instance=instance,
                      kind="fsc", specs=specs, statuses=statuses, timeout=timeout, errors=errors)
    curves = [curve for record in records for curve in record_curves(record, masks)]
    figure = figure_of(curves, file_format, legend_labels(labels, list(dict.fromkeys(c.label for c in curves))),
                       width_in)
    if output is not None:
        write_output(output, figure, f"output={shown(str(output))}")
    return figure


def report(jobs=(), *, db=None, project_dir=None, project=None, client=None, instance=None, output=None,
           title=None, check=True, specs=(), statuses=DEFAULT_STATUSES, timeout=30.0):
    """`csx report`: the HTML report of the maps of a database csx extract --db filled (db=: an SQLite file
    or a postgresql:// URL), or of jobs extracted now (named as in extract(); every map of the project
    when none are). Written to `output` when given. Returns a reporting.Report: .html, .maps, .problems
    (a line per job that failed or record left out). check: check each map's files where reachable.
    No map at all raises errors.NothingToReport."""
    from .reporting import from_database, from_jobs
    from .sinks.atomic import write_output

    if db is not None:
        if jobs or project_dir or project or client is not None or instance is not None:
            raise UsageError("report: db= reports on the database; leave out the jobs and where they are")
        made = from_database(db, check=check, title=title)
    else:
        made = from_jobs(jobs, project_dir=project_dir, project=project, client=client, instance=instance,
                         specs=_folders(specs), statuses=statuses, timeout=timeout, check=check, title=title,
                         log=log.info)
    if output is not None:
        write_output(output, made.html.encode("utf-8"), f"output={shown(str(output))}")
    return made


def flatten(record: dict, specs=()) -> dict:
    """One row of a record: {dotted column: value}, the columns of `csx extract --format csv` for its
    kind (job_info.type, paths.map, ...) in the same order, None where the record has no value. Lists
    (FSC curves) stay lists. So `pandas.DataFrame([flatten(r) for r in records])` is the CSV's table."""
    record = _record(record)
    flat = flat_columns(record)
    try:
        _, schema = kind_schema(Registry(_folders(specs), load_specs=False), record)
    except UnknownKind:
        return flat
    columns = schema_columns(schema)
    return {column: flat.get(column) for column in columns}

