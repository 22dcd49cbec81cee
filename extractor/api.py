"""csx as a library: what the command line does, as functions taking plain
keyword options, for notebooks and scripts.

Jobs are named the way `csx extract` names them: job directories; or job uids
(and ranges, J190-J199) with `project_dir=`; or job uids of `project=` on a
running CryoSPARC, through `client=` (a `cryosparc.tools.CryoSPARC` already
logged in, 4.x or 5.x) or `instance=` (the CryoSPARC(**info) dict, or the path
of its JSON file). With a project and no jobs, every job of the project.
"""

import logging
from contextlib import closing
from pathlib import Path

from .checks.records import KIND_NAME, check_record
from .errors import UsageError
from .language.registry import Registry
from .run.extraction import DEFAULT_STATUSES, Extraction, ExtractOptions, job_types, listed_statuses
from .run.jobhandles import job_handles
from .run.jobquery import query_job
from .run.pools import batch_size, open_pool, ordered_map
from .sinks.columns import flatten as flat_columns
from .sinks.columns import schema_columns

log = logging.getLogger("csx")


def _folders(specs) -> list:
    """Spec folders: one, or several."""
    return [str(specs)] if isinstance(specs, (str, Path)) else [str(folder) for folder in specs]


def iter_extract(jobs=(), *, project_dir=None, project=None, client=None, instance=None, kind=None, spec=None,
                 specs=(), types=(), statuses=DEFAULT_STATUSES, validate=True, timeout=30.0, workers=1):
    """Each job's Outcome, in order, as it is done: `.label` (P30/J180) and either `.record` (a dict),
    `.skipped` (why: a status or type not asked for, no spec for the job's type) or `.error` (a CsxError).

    kind: the record kind to extract (e.g. "map-info", "fsc"; default: each job's own); spec: one spec
    file to use instead; specs: your own spec folders; types: only jobs of these types (or of the
    types of these record kinds); statuses: only jobs of these statuses ("any": every status); validate: check each record
    against its kind's schema; workers: jobs worked on at once.
    A job that fails is one Outcome with an error; an unknown project or unreachable instance raises
    when the iteration starts."""
    if kind and spec:
        raise UsageError("give kind= or spec=, not both")
    if isinstance(jobs, (str, Path)):
        jobs = [jobs]
    registry = Registry(_folders(specs))
    types = [types] if isinstance(types, str) else list(types)
    statuses = (statuses,) if isinstance(statuses, str) else tuple(statuses)
    whole_project = not jobs
    if whole_project and kind and not types:  # only the job types the kind's specs read are asked for
        types = [kind]
    options = ExtractOptions(spec=str(spec) if spec else kind, types=tuple(types), statuses=statuses,
                             validate=validate, all_jobs=whole_project)
    extraction = Extraction(registry, options)
    handles = job_handles(jobs, project_dir, instance, project, client, all_jobs=whole_project,
                          types=job_types(registry, types), statuses=listed_statuses(statuses), timeout=timeout)
    live = client is not None or instance is not None or project is not None
    pool_kind = "threads" if live else "processes"
    pool, work = open_pool(pool_kind, workers, extraction, registry.user_dirs)
    try:
        yield from ordered_map(pool, work, handles, window=4 * max(workers, 1),
                               batch=batch_size(len(handles), workers, pool_kind))
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def extract(jobs=(), *, project_dir=None, project=None, client=None, instance=None, kind=None, spec=None, specs=(),
            types=(), statuses=DEFAULT_STATUSES, validate=True, timeout=30.0, workers=1, errors="raise") -> list:
    """The records (dicts) of the jobs, in order; jobs skipped (a status or type not asked for) are left
    out. On a job that fails: errors="raise" raises its error (a CsxError: .job, .file, .line, .field
    say what it names); errors="skip" logs it on the "csx" logger and goes on.
    The other options are iter_extract's."""
    if errors not in ("raise", "skip"):
        raise UsageError(f"errors={errors!r}: give errors=\"raise\" or errors=\"skip\"")
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
    (handle,) = job_handles([job], project_dir, instance, project, client, timeout=timeout)
    return query_job(expression, handle, Registry(_folders(specs)), kind)


def validate(record: dict, kind=None, specs=()) -> dict:
    """The record itself when it satisfies its kind's JSON Schema; else a RecordError (.field is the
    dotted path of the first problem)."""
    registry = Registry(_folders(specs), load_specs=False)
    kind = kind or record.get("kind")
    schema = registry.record_schema(kind) if isinstance(kind, str) and KIND_NAME.fullmatch(kind) else None
    if schema is None:
        raise UsageError(f"no schema for record kind {kind!r}" if kind else "the record has no \"kind\"; give kind=")
    check_record(record, schema)
    return record


def flatten(record: dict, specs=()) -> dict:
    """One row of a record: {dotted column: value}, the columns of `csx extract --format csv` for its
    kind (job_info.type, paths.map, ...) in the same order, None where the record has no value. Lists
    (FSC curves) stay lists. So `pandas.DataFrame([flatten(r) for r in records])` is the CSV's table."""
    registry = Registry(_folders(specs), load_specs=False)
    kind = record.get("kind")
    schema = registry.record_schema(kind) if isinstance(kind, str) and KIND_NAME.fullmatch(kind) else None
    flat = flat_columns(record)
    if schema is None:
        return flat
    columns = schema_columns(schema)
    return {column: flat.get(column) for column in columns}

