"""The report: one self-contained HTML file on a facility's maps, from a
Dashboard (dashboard.py). It needs no network: the CSS, the script and the
data are inline.

What the server writes: the heading, what the report lacks and the command
that makes it, resolution over time (SVG, one colour per project, with a
legend), disk use per project and per job type, and the empty map table.
What the page's script does (report.js): the rows, a page of them at a time,
filtered as one types and sorted by any column; a row expands into its Table 1
values, lineage, local resolution, check status and paths; FSC curves are
drawn from the compact data only when shown. Every text from a record or the
command line is escaped here, or set as text by the script, never as markup."""

from datetime import datetime, timezone
from importlib.resources import files

from .markup import escaped
from .timeline import project_colours, timeline_svg

COLUMNS = (  # heading, the row field it shows, how it sorts
    ("Job", "job", "text"), ("Project", "project", "text"), ("Title", "title", "text"), ("Type", "type", "text"),
    ("Completed", "completed", "text"), ("Resolution (Å)", "resolution", "number"),
    ("Particles", "particles", "number"), ("Symmetry", "symmetry", "text"), ("B-factor (Å²)", "bfactor", "number"),
    ("Local res. (Å)", "local_resolution", "number"), ("Check", "check", "number"), ("FSC", None, None),
)
PAGE_ROWS = 100
MOST_UIDS = 12  # project uids named in the heading


def byte_size(count: int) -> str:
    """1234567 -> "1.23 MB" (powers of 1000, as disks are sold and df -H shows them)."""
    size = float(count)
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if size < 999.5 or unit == "PB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.3g} {unit}"
        size /= 1000
    return ""


def _when(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)  # CryoSPARC writes UTC


def _project_name(project) -> str:
    return f"{project.title} ({project.uid})" if project.title else project.uid


def _legend(projects: list, colours: list) -> str:
    items = "".join(f'<li data-project="{escaped(p.uid)}"><span class="swatch" style="background:{colours[i]}">'
                    f'</span>{escaped(p.title or "")} <span class="uid">{escaped(p.uid)}</span></li>'
                    for i, p in enumerate(projects) if p.maps)
    return f'<ul class="legend">{items}</ul>'


def _storage(dashboard) -> str:
    """Disk use per project and per job type, largest first; empty without job records."""
    if not dashboard.seen.get("job"):
        return ""

    def table(heading, rows):
        body = "".join(f'<tr><th scope="row">{name}</th><td class="number">{jobs:,}</td>'
                       f'<td class="number" title="{size:,} bytes">{byte_size(size)}</td>'
                       f'<td class="number">{jobs - sized:,}</td></tr>' for name, jobs, size, sized in rows)
        return (f'<table class="storage"><thead><tr><th scope="col">{heading}</th><th scope="col">Jobs</th>'
                '<th scope="col">Disk</th><th scope="col">Size unknown</th></tr></thead>'
                f"<tbody>{body}</tbody></table>")

    projects = sorted(dashboard.projects.values(), key=lambda p: -p.disk_bytes)
    types = sorted(dashboard.types.items(), key=lambda item: -item[1].disk_bytes)
    return ("<section><h2>Storage</h2><div class=\"storage-tables\">"
            + table("Project", [(escaped(_project_name(p)), p.jobs, p.disk_bytes, p.sized_jobs) for p in projects])
            + table("Job type", [(escaped(name), s.jobs, s.disk_bytes, s.sized_jobs) for name, s in types])
            + "</div></section>")


def _data_json(data: dict) -> str:
    """The page data as JSON for a <script type="application/json">: no "<" in it, so no text of a record
    can end the element (or open a comment) early."""
    import orjson

    return orjson.dumps(data).decode().replace("<", "\\u003c")


def report_html(dashboard, title: str, notices=(), generated_at: datetime | None = None) -> str:
    generated_at = generated_at or datetime.now(timezone.utc)
    dashboard.finish()
    projects = list(dashboard.projects.values())
    colours = project_colours(len(projects))
    points = []
    for index, row in enumerate(dashboard.rows):
        when = _when(row[4])
        if when is not None and row[5]:
            points.append((when, row[5], f"{projects[row[0]].uid}/{row[1]}", row[0]))
    timeline = timeline_svg(points, colours, [p.uid for p in projects])
    mapped = [p for p in projects if p.maps]
    heads = "".join(f'<th scope="col" data-key="{key}" data-type="{kind}">{escaped(name)}</th>' if key else
                    f'<th scope="col">{escaped(name)}</th>' for name, key, kind in COLUMNS)
    data = dashboard.page_data()
    data["colours"] = colours
    data["page_rows"] = PAGE_ROWS
    style = files(__package__).joinpath("report.css").read_text(encoding="utf-8")
    script = files(__package__).joinpath("report.js").read_text(encoding="utf-8")
    notes = "".join(f"<li>{escaped(notice)}</li>" for notice in notices)
    uids = ", ".join(p.uid for p in mapped[:MOST_UIDS]) + (", ..." if len(mapped) > MOST_UIDS else "")
    return "".join([
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escaped(title)}</title><style>{style}</style></head><body>",
        f"<header><h1>{escaped(title)}</h1>",
        f'<p class="meta">{len(dashboard.rows):,} map{"s" if len(dashboard.rows) != 1 else ""} from {len(mapped)} '
        f'project{"s" if len(mapped) != 1 else ""} ({escaped(uids)}); made by csx on '
        f"{generated_at:%Y-%m-%d %H:%M} UTC</p></header>",
        f'<ul class="notices">{notes}</ul>' if notes else "",
        f"<section><h2>Resolution over time</h2>{_legend(projects, colours)}{timeline}</section>" if timeline else "",
        _storage(dashboard),
        '<section><h2>Maps</h2><div class="controls"><label>Filter <input id="filter" type="search" '
        'placeholder="job, project, title, type, symmetry" autocomplete="off"></label>'
        '<span id="shown" aria-live="polite"></span><span id="pager"><button type="button" id="previous">'
        'Previous</button> <button type="button" id="next">Next</button></span></div>',
        f'<table id="maps"><thead><tr>{heads}</tr></thead><tbody></tbody></table>',
        "<noscript><p>The table of maps needs JavaScript.</p></noscript></section>",
        '<div id="viewer" hidden><div class="panel"><button class="close" type="button" aria-label="Close">'
        '&times;</button><div class="content"></div></div></div>',
        f'<script type="application/json" id="report-data">{_data_json(data)}</script>',
        f"<script>{script}</script></body></html>\n",
    ])
