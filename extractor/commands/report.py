"""csx report: one HTML file on the maps of a project (a project directory or
an instance project, extracted now) or of every project in a database that
csx extract --db filled."""

import re
import sqlite3
from pathlib import Path

from ..errors import SinkError, UsageError
from ..pictures.report import SECTIONS, MapEntry, report_html
from ..sinks.atomic import write_atomically
from ..sinks.dbschema import table_name
from .gather import gather
from .options import add_job_selection

DESCRIPTION = ("A self-contained HTML report (no network needed to open it): the refinements in a sortable "
               "table, FSC thumbnails, resolution over time.")


def add_arguments(parser):
    add_job_selection(parser, "only these jobs (default: every refinement of the project)")
    parser.add_argument("--db", metavar="SQLITE", help="a database csx extract --db filled (every project in it)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.html")
    parser.add_argument("--title", help="the report's heading (default: the projects' titles)")


def _kinds() -> tuple:
    """The kinds a report shows: its maps, their curves, and the kinds of SECTIONS as they stand."""
    return ("map-info", "fsc", *SECTIONS)


def _uid_order(key: tuple) -> tuple:
    """Projects and jobs in number order (P30/J99 before P30/J180), whatever comes before them in the key."""
    return tuple(int(m.group()) if (m := re.search(r"\d+", part or "")) else 0 for part in key[-2:]) + key[:-2]


def _entries(by_kind: dict) -> list:
    """A MapEntry per map-info record, with the other kinds' records of the same job."""
    entries = []
    for key in sorted(by_kind["map-info"], key=_uid_order):
        related = {kind: records[key] for kind, records in by_kind.items() if kind in SECTIONS and key in records}
        entries.append(MapEntry(by_kind["map-info"][key], by_kind.get("fsc", {}).get(key), related))
    return entries


def _keyed(records: list) -> dict:
    return {(r["job_info"]["puid"], r["job_info"]["juid"]): r for r in records}


def _database(path: Path) -> dict:
    """{kind: {(source, project uid, job uid): record}} of the kinds a report shows, as the database holds them."""
    import orjson  # the curves of a thousand fsc records parse five times faster than with json

    if not path.is_file():
        raise UsageError(f"--db {path}: no such database file")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            by_kind = {}
            for kind in _kinds():
                if table_name(kind) in tables:
                    rows = connection.execute(f'SELECT source, project_uid, job_uid, record FROM "{table_name(kind)}"')
                    by_kind[kind] = {(source, puid, juid): orjson.loads(record) for source, puid, juid, record in rows}
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise UsageError(f"--db {path}: cannot read it as a csx database ({exc})") from exc
    if not by_kind.get("map-info"):
        raise UsageError(f"--db {path}: no map-info records in it; fill it with csx extract --db {path} "
                         "(and --spec fsc for the FSC plots)")
    return by_kind


def run(args, log) -> int:
    target = Path(args.output)
    live = args.instance is not None or args.project
    if args.db and (args.project_dir or live or args.jobs):
        raise UsageError("report: --db reports on the database; leave out --project-dir, --instance and jobs")
    failed = []
    if args.db:
        by_kind = _database(Path(args.db))
    elif args.project_dir or live:
        # every refinement of the project unless jobs are named
        args.all, args.type = not args.jobs, ["map-info"]
        found, failed = gather(args, _kinds(), log)
        by_kind = {kind: _keyed(records) for kind, records in found.items()}
    else:
        raise UsageError("report: give --project-dir DIR, --instance FILE --project P, or --db SQLITE")
    entries = _entries(by_kind)
    puids = sorted({entry.map_info["job_info"]["puid"] for entry in entries}, key=lambda p: _uid_order((p, "")))
    html = report_html(entries, args.title or f"Maps of {', '.join(puids) or 'no project'}")
    try:
        write_atomically(target, html.encode("utf-8"))
    except OSError as exc:
        raise SinkError(f"-o {target}: cannot write there ({exc.strerror or exc})") from exc
    return 1 if failed else 0
