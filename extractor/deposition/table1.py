"""The cryo-EM "Table 1" (data collection and processing) of maps, from their
table1 records: one row per quantity, labelled as journals print it, one
column per map, with the rows CryoSPARC cannot know taken from a meta file.
Written out by table1_formats (Markdown, LaTeX, CSV, JSON, the records).

From Python: `table1(["J10", "J12"], project_dir="P32", labels={"J10": "EMD-50123"}, meta="meta.yaml")`
gives a Table; `.markdown()`, `.latex()`, `.csv()`, `.json()` write it, `.data_rows()` gives one dict per
value (`pandas.DataFrame(table.data_rows())`), `.records` the table1 records, `.failed` the maps whose
record could not be made."""

from dataclasses import dataclass, field

from ..errors import UsageError
from ..kinds import JUID, job_label, value_at
from ..language.registry import Registry
from ..run.batch import map_jobs_batch
from ..wording import Either, Words
from . import table1_formats
from .table1_meta import facts_of, read_meta

KIND = "table1"


def _at(*path):
    return lambda record, meta: value_at(record, path)


def _range(low_path, high_path):
    def read(record, meta):
        return _at(*low_path)(record, meta), _at(*high_path)(record, meta)
    return read


def _fact(name):
    return lambda record, meta: meta.get(name)


def _sharpening(record, meta):
    """The B-factor a sharpening job applied, else the refinement's own (Guinier), and which it is."""
    found = record["map"]
    if found.get("sharpening_bfactor_A2") is not None:
        return found["sharpening_bfactor_A2"], f"sharpen {_jobs_text(found.get('sharpening_job'))}"
    if found.get("bfactor_A2") is not None:
        return found["bfactor_A2"], f"refinement {value_at(record, JUID)}"
    return None, None


def _jobs_text(jobs) -> str:
    return ", ".join(jobs) if isinstance(jobs, list) else str(jobs)


@dataclass(frozen=True)
class Quantity:
    """A row: its key (for programs), its name and unit as journals print them, and how to read a cell."""

    key: str
    quantity: str
    unit: str
    read: object  # (record, meta facts) -> value, (low, high) for a range, or (value, note) where noted
    kind: str = "value"  # "value" | "range" | "noted"
    from_meta: bool = False  # shown only where the meta file gives it for some column


META_QUANTITIES = {
    "microscope": Quantity("microscope", "Microscope", "", _fact("microscope"), from_meta=True),
    "detector": Quantity("detector", "Detector", "", _fact("detector"), from_meta=True),
    "magnification": Quantity("magnification", "Magnification", "", _fact("magnification"), from_meta=True),
    "energy_filter_slit_eV": Quantity("energy_filter_slit_eV", "Energy filter slit width", "eV",
                                      _fact("energy_filter_slit_eV"), from_meta=True),
    "exposure_time_s": Quantity("exposure_time_s", "Exposure time", "s", _fact("exposure_time_s"), from_meta=True),
}
M = META_QUANTITIES
ACQUISITION = [
    M["microscope"], M["detector"], M["magnification"],
    Quantity("voltage_kV", "Voltage", "kV", _at("acquisition", "voltage_kV")),
    Quantity("cs_mm", "Spherical aberration", "mm", _at("acquisition", "cs_mm")),
    M["energy_filter_slit_eV"], M["exposure_time_s"],
    Quantity("total_dose_e_per_A2", "Electron exposure", "e⁻/Å²", _at("acquisition", "total_dose_e_per_A2")),
    Quantity("frames_per_movie", "Frames per movie", "no.", _at("acquisition", "frames_per_movie")),
    Quantity("dose_per_frame_e_per_A2", "Dose per frame", "e⁻/Å²", _at("acquisition", "dose_per_frame_e_per_A2")),
    Quantity("pixel_size_A", "Pixel size, as collected", "Å", _at("acquisition", "pixel_size_A")),
]
# the rows of the meta file's own come here, after the acquisition
PROCESSING = [
    Quantity("movies", "Movies", "no.", _at("acquisition", "movies")),
    Quantity("micrographs_ctf", "Micrographs with CTF estimate", "no.", _at("micrographs", "count")),
    Quantity("micrographs_accepted", "Micrographs kept after curation", "no.", _at("micrographs", "accepted")),
    Quantity("defocus_um", "Defocus range", "μm",
             _range(("micrographs", "defocus_min_um"), ("micrographs", "defocus_max_um")), "range"),
    Quantity("ctf_fit_median_A", "CTF fit resolution, median", "Å", _at("micrographs", "ctf_fit_median_A")),
    Quantity("symmetry", "Symmetry imposed", "", _at("map", "symmetry")),
    Quantity("particles_initial", "Initial particle images", "no.", _at("particles", "initial")),
    Quantity("particles_after_2d", "Particle images after 2D classification", "no.",
             _at("particles", "after_2d_selection")),
    Quantity("particles_after_3d", "Particle images after 3D classification", "no.",
             _at("particles", "after_3d_classification")),
    Quantity("particles_final", "Final particle images", "no.", _at("particles", "final")),
    Quantity("resolution_A", "Map resolution", "Å", _at("map", "resolution_A")),
    Quantity("fsc_threshold", "FSC threshold", "", _at("map", "fsc_threshold")),
    Quantity("map_pixel_size_A", "Map pixel size", "Å", _at("map", "pixel_size_A")),
    Quantity("box_size_vox", "Map box size", "voxels", _at("map", "box_size_vox")),
    Quantity("sharpening_bfactor_A2", "Map sharpening B factor", "Å²", _sharpening, "noted"),
    Quantity("local_resolution_A", "Local resolution range", "Å",
             _range(("map", "local_resolution_min_A"), ("map", "local_resolution_max_A")), "range"),
    Quantity("local_resolution_median_A", "Local resolution, median", "Å", _at("map", "local_resolution_median_A")),
    Quantity("jobs_import", "CryoSPARC jobs: import", "", _at("acquisition", "import_jobs")),
    Quantity("jobs_ctf", "CryoSPARC jobs: CTF estimation", "", _at("micrographs", "ctf_jobs")),
    Quantity("jobs_curation", "CryoSPARC jobs: exposure curation", "", _at("micrographs", "curation_jobs")),
    Quantity("jobs_extraction", "CryoSPARC jobs: extraction", "", _at("particles", "extract_jobs")),
    Quantity("jobs_selection_2d", "CryoSPARC jobs: 2D selection", "", _at("particles", "selection_2d_jobs")),
    Quantity("jobs_classification_3d", "CryoSPARC jobs: 3D classification", "",
             _at("particles", "classification_3d_jobs")),
    Quantity("jobs_sharpening", "CryoSPARC jobs: sharpening", "", _at("map", "sharpening_job")),
    Quantity("jobs_local_resolution", "CryoSPARC jobs: local resolution", "", _at("map", "local_resolution_job")),
]


@dataclass(frozen=True)
class Cell:
    value: object  # None, a number, a string, a list of them, or (low, high) for a range
    is_range: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Row:
    key: str
    quantity: str
    unit: str
    cells: list

    @property
    def title(self) -> str:
        return f"{self.quantity} ({self.unit})" if self.unit else self.quantity


@dataclass(frozen=True)
class Column:
    job: str  # P32/J10
    label: str  # as the header prints it: the job, or its --label
    record: dict


@dataclass
class Table:
    columns: list
    rows: list
    notes: list  # where a walk stopped early: why cells are empty
    failed: list = field(default_factory=list)  # Outcomes of maps whose table1 record could not be made

    @property
    def records(self) -> list:
        return [column.record for column in self.columns]

    def markdown(self) -> str:
        return table1_formats.markdown(self)

    def latex(self) -> str:
        return table1_formats.latex(self)

    def csv(self) -> str:
        return table1_formats.csv_text(self)

    def json(self) -> str:
        return table1_formats.json_text(self)

    def data_rows(self) -> list:
        return table1_formats.data_rows(self)

    def text(self, format: str) -> str:
        """The table in one of table1_formats.FORMATS (markdown, latex, csv, json, records)."""
        if format not in table1_formats.FORMATS:
            raise UsageError(f"format {format!r}: give one of {', '.join(table1_formats.FORMATS)}")
        return table1_formats.FORMATS[format](self)


def table1_records(jobs=(), *, project_dir=None, instance=None, project=None, client=None, specs=(),
                   timeout=30.0) -> list:
    """[Outcome] of the table1 record of each map job: job directories, or uids with project_dir, or uids of
    `project` on a running CryoSPARC (`client`, or `instance`: the CryoSPARC(**info) dict or JSON file). The
    related jobs the maps share are read and extracted once for all of them."""
    registry = Registry([specs] if isinstance(specs, str) else specs)
    return list(map_jobs_batch(registry, KIND, jobs, project_dir=project_dir, instance=instance, project=project,
                               client=client, timeout=timeout).run())


def _resolve(names, records, named_as, absent=()) -> dict:
    """{name: index of the column it names}: P32/J10, or J10 where it names one column; UsageError else, that
    says the name as `named_as(name)` does. A name of a map in `absent` (whose record could not be made, as
    said elsewhere) names no column."""
    found = {}
    jobs = [job_label(record) for record in records]
    for name in names:
        hits = [k for k, job in enumerate(jobs) if name in (job, job.split("/")[1])]
        if not hits and any(name in (job, job.split("/")[-1]) for job in absent):
            continue
        if not hits:
            raise UsageError(Words(named_as(name),
                                   f": no such map in the table (its maps: {', '.join(jobs) or 'none'})"))
        if len(hits) > 1:
            raise UsageError(Words(named_as(name), f": names several maps ({', '.join(jobs[k] for k in hits)}); "
                                   "write the project too, e.g. " + jobs[hits[0]]))
        found[name] = hits[0]
    return found


def build_table(records: list, *, labels=None, meta=None, failed=()) -> Table:
    """The Table of table1 records. labels: {job: text} naming columns (job: P32/J10, or J10 where it names one
    map); meta: the meta file (a path) or its dict, rows CryoSPARC does not know (see table1_meta)."""
    labels, meta = dict(labels or {}), read_meta(meta)
    absent = [outcome.label for outcome in failed]
    named = _resolve(labels, records, lambda name: Either(f"--label {name}", f"labels key {name!r}"), absent)
    _resolve(meta.get("jobs", {}), records, lambda name: f"meta jobs: {name}", absent)
    columns = [Column(job_label(record), job_label(record), record) for record in records]
    for name, index in named.items():
        columns[index] = Column(columns[index].job, str(labels[name]), records[index])
    facts = [facts_of(meta, [column.job, column.job.split("/")[1]]) for column in columns]
    extra = list(dict.fromkeys(key for found in facts for key in found if isinstance(key, tuple)))
    quantities = ACQUISITION + [Quantity(f"row:{label}", label, unit, _fact((tag, label, unit)), from_meta=True)
                                for tag, label, unit in extra] + PROCESSING
    rows = []
    for quantity in quantities:
        cells = [_cell(quantity, column.record, found) for column, found in zip(columns, facts)]
        if quantity.from_meta and all(cell.value is None for cell in cells):
            continue  # a fact no column was given: no row of dashes
        rows.append(Row(quantity.key, quantity.quantity, quantity.unit, cells))
    notes = [f"{column.label}: {step['juid']}: {step['note']}" for column in columns
             for step in column.record["lineage"] if "note" in step]
    return Table(columns, rows, notes, list(failed))


def _cell(quantity: Quantity, record: dict, facts: dict) -> Cell:
    found = quantity.read(record, facts)
    if quantity.kind == "range":
        return Cell(found if None not in found else (None, None), is_range=True)
    if quantity.kind == "noted":
        value, note = found
        return Cell(value, note=note)
    return Cell(found)


def table1(jobs=(), *, project_dir=None, project=None, client=None, instance=None, specs=(), timeout=30.0,
           labels=None, meta=None) -> Table:
    """The Table 1 of the map jobs (named as csx table1 names them); labels: {job: column label}; meta: the
    meta file or its dict. Maps whose record cannot be made are left out and listed in `.failed`."""
    meta = read_meta(meta)  # a bad meta file is found before any job is read
    outcomes = table1_records(jobs, project_dir=project_dir, instance=instance, project=project, client=client,
                              specs=specs, timeout=timeout)
    records = [outcome.record for outcome in outcomes if outcome.record is not None]
    return build_table(records, labels=labels, meta=meta,
                       failed=[outcome for outcome in outcomes if outcome.record is None])


def table(records: list, labels=None, meta=None) -> list:
    """[[cell, ...], ...] as people read them: the header row, then one row per quantity."""
    built = build_table(records, labels=labels, meta=meta)
    return ([["", *(column.label for column in built.columns)]]
            + [[row.title, *map(table1_formats.cell_text, row.cells)] for row in built.rows])


