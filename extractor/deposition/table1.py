"""The cryo-EM "Table 1" (data collection and processing) of maps, from
their table1 records: one row per quantity, labelled as journals print it,
one column per map; as Markdown, CSV or the records themselves."""

import csv
import io
import json

from ..language.registry import Registry
from ..run.extraction import Extraction, ExtractOptions
from ..run.jobhandles import named_jobs
from ..sinks.columns import text_cell

KIND = "table1"

# (label as journals print it, how to read the cell from a record)
ROWS = [
    ("Voltage (kV)", ("acquisition", "voltage_kV")),
    ("Spherical aberration (mm)", ("acquisition", "cs_mm")),
    ("Electron exposure (e⁻/Å²)", ("acquisition", "total_dose_e_per_A2")),
    ("Pixel size, as collected (Å)", ("acquisition", "pixel_size_A")),
    ("Movies (no.)", ("acquisition", "movies")),
    ("Micrographs with CTF estimate (no.)", ("micrographs", "count")),
    ("Defocus range (μm)", (("micrographs", "defocus_min_um"), ("micrographs", "defocus_max_um"))),
    ("CTF fit resolution, median (Å)", ("micrographs", "ctf_fit_median_A")),
    ("Symmetry imposed", ("map", "symmetry")),
    ("Initial particle images (no.)", ("particles", "initial")),
    ("Final particle images (no.)", ("particles", "final")),
    ("Map resolution (Å)", ("map", "resolution_A")),
    ("FSC threshold", ("map", "fsc_threshold")),
    ("Map pixel size (Å)", ("map", "pixel_size_A")),
    ("Map box size (voxels)", ("map", "box_size_vox")),
    ("Map sharpening B factor (Å²)", ("map", "bfactor_A2")),
    ("Local resolution range (Å)", (("map", "local_resolution_min_A"), ("map", "local_resolution_max_A"))),
    ("Local resolution, median (Å)", ("map", "local_resolution_median_A")),
    ("CryoSPARC jobs: import", ("acquisition", "import_jobs")),
    ("CryoSPARC jobs: CTF estimation", ("micrographs", "ctf_jobs")),
    ("CryoSPARC jobs: extraction", ("particles", "extract_jobs")),
    ("CryoSPARC jobs: local resolution", ("map", "local_resolution_job")),
]
MISSING = "—"


def table1_records(jobs=(), project_dir=None, instance=None, project=None, specs=(), timeout=30.0) -> list:
    """[Outcome] of the table1 record of each map job: job directories, or uids with
    project_dir, or uids of `project` on `instance` (the CryoSPARC(**info) JSON file).
    The related jobs the maps share are read and extracted once for all of them."""
    registry = Registry(specs)
    extraction = Extraction(registry, ExtractOptions(spec=KIND))
    return [extraction(handle) for handle in named_jobs(jobs, project_dir, instance, project, timeout)]


def _cell(value, text=str) -> str:
    """A record's value as a cell; `text` makes a cell of text (the CSV's keeps formulas from running)."""
    if value is None:
        return MISSING
    if isinstance(value, list):
        return ", ".join(_cell(v, text) for v in value) if value else MISSING
    if isinstance(value, bool) or isinstance(value, str):
        return text(str(value))
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.0f}" if abs(value) >= 10000 else f"{value:.4g}"


def _read(record: dict, path, text=str):
    if isinstance(path[0], tuple):  # a range: low–high
        low, high = (_read(record, p, text) for p in path)
        return f"{low}–{high}" if MISSING not in (low, high) else MISSING
    section = record.get(path[0])
    return _cell(None if section is None else section.get(path[1]), text)


def table(records: list, text=str) -> list:
    """[[cell, ...], ...]: the header row, then one row per quantity; `text` makes a cell of text."""
    header = ["", *(f"{r['job_info']['puid']}/{r['job_info']['juid']}" for r in records)]
    return [header] + [[label, *(_read(r, path, text) for r in records)] for label, path in ROWS]


def markdown(records: list) -> str:
    rows = table(records)
    rows[0][0] = "Data collection and processing"
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join([":---"] + ["---:"] * (len(rows[0]) - 1)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    # where a walk stopped early, say why under the table: the empty cells are explained
    notes = [f"{r['job_info']['puid']}/{r['job_info']['juid']}: {step['juid']}: {step['note']}"
             for r in records for step in r["lineage"] if "note" in step]
    return "\n".join(lines + ([""] + [f"- {note}" for note in notes] if notes else [])) + "\n"


def csv_text(records: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = table(records, text=text_cell)  # csx's CSV policy: see sinks/columns.py
    rows[0][0] = "quantity"
    writer.writerows([[cell if cell != MISSING else "" for cell in row] for row in rows])
    return out.getvalue()


def json_lines(records: list) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


FORMATS = {"markdown": markdown, "csv": csv_text, "json": json_lines}
