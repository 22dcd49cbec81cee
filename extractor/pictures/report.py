"""The report: one self-contained HTML file on a set of maps (map-info
records, with their fsc records where there are some). It needs no network:
the CSS, the JavaScript and every plot (SVG) are inline. Every value that
comes from a record or the command line is escaped.

A table of the maps, sortable by any column but the plot; an FSC thumbnail
per map, enlarged on click; resolution over time. Per map, the sections of
related kinds (SECTIONS) where records of them exist."""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.resources import files

from .markup import escaped
from .svg import fsc_svg, timeline_svg

# kind -> function(record) -> HTML of a per-map section, shown with the enlarged plot.
# Table 1 and lineage join here when csx has those kinds; a map without such records shows none.
SECTIONS: dict = {}


@dataclass
class MapEntry:
    map_info: dict
    fsc: dict | None = None
    related: dict = field(default_factory=dict)  # kind -> record, for SECTIONS

    @property
    def label(self) -> str:
        info = self.map_info["job_info"]
        return f"{info['puid']}/{info['juid']}"

    @property
    def completed_at(self) -> str | None:
        return (self.fsc or {}).get("job_info", {}).get("completed_at")

    @property
    def title(self) -> str | None:
        return (self.fsc or {}).get("job_info", {}).get("title")


COLUMNS = (  # heading, how it sorts (None: it does not)
    ("Job", "text"), ("Title", "text"), ("Type", "text"), ("Completed", "text"), ("Resolution (Å)", "number"),
    ("Particles", "number"), ("Symmetry", "text"), ("B-factor (Å²)", "number"), ("FSC", None), ("Map", "text"),
)


def _cell(value, shown=None, css="") -> str:
    sort = "" if value is None else escaped(str(value))
    text = "" if value is None else escaped(str(value if shown is None else shown))
    css = f' class="{css}"' if css else ""
    return f'<td{css} data-sort="{sort}">{text}</td>'


def _number(value, digits) -> str | None:
    return None if value is None else f"{value:,.{digits}f}"


def _row(entry: MapEntry) -> str:
    record, info = entry.map_info, entry.map_info["job_info"]
    completed = entry.completed_at
    cells = [
        _cell(entry.label), _cell(entry.title), _cell(info.get("type")),
        _cell(completed, completed and completed[:16].replace("T", " ")),
        _cell(record.get("gsfsc"), _number(record.get("gsfsc"), 2), "number"),
        _cell(info.get("particle_count"), _number(info.get("particle_count"), 0), "number"),
        _cell((info.get("parameters") or {}).get("refine_symmetry")),
        _cell(record.get("guinier_bfactor"), _number(record.get("guinier_bfactor"), 1), "number"),
    ]
    sections = "".join(SECTIONS[kind](related) for kind, related in entry.related.items() if kind in SECTIONS)
    details = f'<div class="details">{sections}</div>' if sections else ""
    if entry.fsc is not None:
        caption = escaped(f"{entry.label} {entry.title or ''}".strip())
        cells.append(f'<td><button class="thumb" type="button" data-title="{caption}" '
                     f'aria-label="FSC of {escaped(entry.label)}, enlarge">'
                     f"{fsc_svg(entry.fsc, entry.label)}</button>{details}</td>")
    else:
        cells.append(f"<td>{details}</td>")
    cells.append(_cell((record.get("paths") or {}).get("map"), css="path"))
    return "<tr>" + "".join(cells) + "</tr>"


def report_html(entries: list, title: str, generated_at: datetime | None = None) -> str:
    generated_at = generated_at or datetime.now(timezone.utc)
    projects = sorted({entry.map_info["job_info"]["puid"] for entry in entries})
    heads = "".join(f'<th data-type="{kind}" scope="col">{escaped(name)}</th>' if kind else
                    f'<th scope="col">{escaped(name)}</th>' for name, kind in COLUMNS)
    timeline = timeline_svg([(e.completed_at, e.map_info.get("gsfsc"), e.label) for e in entries])
    style = files(__package__).joinpath("report.css").read_text(encoding="utf-8")
    script = files(__package__).joinpath("report.js").read_text(encoding="utf-8")
    return "".join([
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escaped(title)}</title><style>{style}</style></head><body>",
        f"<header><h1>{escaped(title)}</h1>",
        f'<p class="meta">{len(entries)} maps from {len(projects)} project{"s" if len(projects) != 1 else ""} '
        f"({escaped(', '.join(projects))}); made by csx on {generated_at:%Y-%m-%d %H:%M} UTC</p></header>",
        f"<section><h2>Resolution over time</h2>{timeline}</section>" if timeline else "",
        f'<section><h2>Maps</h2><table id="maps"><thead><tr>{heads}</tr></thead><tbody>',
        "\n".join(_row(entry) for entry in entries),
        "</tbody></table></section>",
        '<div id="viewer" hidden><div class="panel"><button class="close" type="button" aria-label="Close">'
        '&times;</button><div class="content"></div></div></div>',
        f"<script>{script}</script></body></html>\n",
    ])
