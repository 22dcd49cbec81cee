"""The records of a report, from where they are: a database csx extract --db
filled (read back through sinks.dbread, kind by kind, one record at a time),
or jobs extracted now (a project directory, an instance). Each map's check
status is computed here, from its map-info record, where the map's folder is
reachable (from a database filled on another machine it is not, and the
report says so); project titles come from each project directory's
project.json, or from the job documents as they are read.

What the report lacks is said on the page with the command that makes it."""

import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path

from .deposition.mapcheck import map_status
from .errors import NothingToReport
from .kinds import JUID, PUID, value_at
from .language.registry import Registry
from .pictures.dashboard import Dashboard
from .pictures.report import report_html
from .run.batch import Batch, BatchOptions
from .run.extraction import DEFAULT_STATUSES
from .run.selection import Selection, select
from .sources.files import project_title
from .wording import DB, Words

MAKES = {  # what a kind adds to the report
    "fsc": "FSC curves, job titles and dates (and the timeline)",
    "table1": "Table 1 values, lineage and local resolution",
    "job": "disk use per project and job type",
}


@dataclass
class Report:
    html: str
    maps: int
    problems: list = field(default_factory=list)  # one line per job that failed or record left out


def _adders(dashboard: Dashboard) -> dict:
    return {"fsc": dashboard.add_fsc, "table1": dashboard.add_table1, "job": dashboard.add_job}


def _missing(dashboard: Dashboard, kind: str, command: str) -> str | None:
    """A notice for a kind the report has none of, or (but job) for fewer maps than it shows."""
    maps, seen = len(dashboard.rows), dashboard.seen.get(kind, 0)
    if not seen:
        return f"No {kind} records, so no {MAKES[kind]}. Make them: {command}"
    if kind != "job" and seen < maps:
        return f"{maps - seen:,} of {maps:,} maps have no {kind} record, so no {MAKES[kind]} for them. " \
               f"Make them: {command}"
    return None


def _checked(record: dict, check: bool):
    return map_status(record) if check else (None, [])


def _titled(dashboard: Dashboard, titles: dict):
    for (source, puid), project in dashboard.projects.items():
        project.title = titles.get((source, puid)) or project_title(source)


def from_database(db, check=True, title=None) -> Report:
    """The report of every map in a database csx extract --db filled (an SQLite file or a postgresql:// URL)."""
    from .sinks.dbread import reading

    problems = []
    dashboard = Dashboard(skipped=problems.append)
    with reading(db, unreadable=problems.append) as reader:
        for stored in reader.records("map-info"):
            dashboard.add_map_info(stored.source, stored.project_uid, stored.job_uid, stored.record,
                                   _checked(stored.record, check))
        if not dashboard.rows:
            raise NothingToReport(Words("report: nothing to report: ", DB.given(reader.label), " holds no map-info "
                                        f"record; fill it with csx extract --db {shlex.quote(reader.label)} "
                                        "--project-dir DIR --all"))
        for kind, add in _adders(dashboard).items():
            for stored in reader.records(kind):
                add(stored.source, stored.project_uid, stored.job_uid, stored.record)
        label = reader.label
    _titled(dashboard, {})
    command = f"csx extract --db {shlex.quote(label)} --project-dir DIR --all --spec {{kind}} (for each project)"
    notices = [n for kind in ("fsc", "table1", "job") if (n := _missing(dashboard, kind, command.format(kind=kind)))]
    return Report(_page(dashboard, title, notices), len(dashboard.rows), problems)


def from_jobs(jobs=(), *, project_dir=None, project=None, client=None, instance=None, specs=(),
              statuses=DEFAULT_STATUSES, timeout=30.0, check=True, title=None, log=None) -> Report:
    """The report of jobs extracted now: the maps among `jobs` (every map of the project when none are
    named), named as csx extract names them. `log(line)` hears of each job skipped (a status or type not
    asked for); the jobs that fail are the Report's problems."""
    log = log or (lambda line: None)
    registry = Registry([str(s) for s in specs])
    titles, problems = {}, []
    dashboard = Dashboard(skipped=problems.append)

    def extract(kind, jobs, add):
        made = []
        for position, outcome in enumerate(Batch(registry, jobs, BatchOptions(spec=kind)).run()):
            if outcome.project_title is not None:
                titles[(outcome.source, outcome.project_uid)] = outcome.project_title
            if outcome.record is not None:
                add(outcome.source, value_at(outcome.record, PUID), value_at(outcome.record, JUID), outcome.record)
                made.append(jobs.handles[position])
            elif outcome.skipped:
                log(f"csx: skipped {outcome.label}: {outcome.skipped}")
            else:
                problems.append(str(outcome.error))
        return made

    jobs = (jobs,) if isinstance(jobs, (str, Path)) else tuple(jobs)
    whole = not jobs
    selection = Selection(jobs, project_dir, instance, project, client, all_jobs=whole,
                          types=("map-info",) if whole else (),
                          statuses=(statuses,) if isinstance(statuses, str) else tuple(statuses), timeout=timeout)
    selected = select(registry, selection)
    maps = extract("map-info", selected, lambda *key_record: dashboard.add_map_info(
        *key_record, _checked(key_record[-1], check)))
    if not maps:
        why = f" ({problems[0]}{f'; and {len(problems) - 1} more' if len(problems) > 1 else ''})" if problems else ""
        raise NothingToReport(f"report: nothing to report: no map among the jobs{why}")
    kinds = {spec.kind for spec in registry.specs}
    for kind, add in _adders(dashboard).items():
        if kind not in kinds:
            continue
        if kind == "job":
            extract(kind, select(registry, replace(selection, types=())), add)
        else:
            extract(kind, selected.only(maps), add)
    _titled(dashboard, titles)
    notices = [f"This csx makes no {kind} records, so the report has no {MAKES[kind]}." for kind in MAKES
               if kind not in kinds]
    return Report(_page(dashboard, title, notices), len(dashboard.rows), problems)


def _page(dashboard: Dashboard, title, notices) -> str:
    dashboard.finish()
    projects = [p for p in dashboard.projects.values() if p.maps]
    named = ", ".join(p.title or p.uid for p in projects[:3]) + (" and more" if len(projects) > 3 else "")
    return report_html(dashboard, title or f"Maps of {named}", notices)
