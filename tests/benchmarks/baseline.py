"""What CryoSPARC's example notebook does for each job, offline, and the floor.

The notebook (get_map_info, reference/map-info-notebook-v4.md) reads the job
document, indexes into it, loads the volume output whole (each distinct
final metafile of its results, joined on uid, as `job.load_output` does:
one file per result, or one file shared by all) and builds the record; here
it builds exactly the record csx builds with the shipped map-info spec, for
v4 and v5 documents, so the two can be compared. The floor reads and parses
every job.json with orjson and loads only the .cs columns the record needs:
no extractor that reads the documents and the datasets can beat it.
"""

import json
import posixpath
import time
from pathlib import Path

from cryosparc.dataset import Dataset

PATH_RESULTS = ("map", "map_sharp", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto")
PARAMETERS = ("refine_symmetry", "refine_relax_symmetry")
MASK_CURVES = {"no_mask": "nomask", "spherical": "sphericalmask", "loose": "loosemask", "tight": "tightmask",
               "corrected": "noisesub"}
# v5 renamed two curves
MASK_CURVES_V5 = {**MASK_CURVES, "tight": "resmask", "corrected": "autotight_noisesub"}
# the columns of the record, per result; the floor loads only these (and uid)
NEEDED_COLUMNS = {"map": ("map/psize_A", "map/shape", "map/path"), **{name: (f"{name}/path",) for name in PATH_RESULTS[1:]}}


def job_documents(project_dir: Path) -> list[Path]:
    return sorted(Path(project_dir).glob("J*/job.json"), key=lambda p: int(p.parent.name[1:]))


def get_param(doc: dict, name: str):
    if "spec" in doc:  # v5: the value in force
        return doc["spec"]["params"].get(name)
    if name in doc["params_spec"]:
        return doc["params_spec"][name]["value"]
    return doc["params_base"][name]["value"]


def _metafile(result: dict) -> str:
    return result["metafiles"][0] if result["passthrough"] else result["metafiles"][-1]


def volume_metafiles(doc: dict) -> dict:
    """{result name: its final metafile} of the volume output, v4 or v5."""
    if "spec" in doc:
        results = doc["spec"]["outputs"]["volume"]["results"]
    else:
        results = [r for r in doc["output_results"] if r["group_name"] == "volume"]
    return {r["name"]: _metafile(r) for r in results}


def load_output(project_dir: Path, doc: dict) -> Dataset:
    metafiles = dict.fromkeys(volume_metafiles(doc).values())  # one shared file is loaded once
    datasets = [Dataset.load(project_dir / metafile) for metafile in metafiles]
    return datasets[0].innerjoin(*datasets[1:])


def _summary(doc: dict) -> tuple:
    """(job type, particle count, the volume's latest summary statistics)."""
    if "spec" in doc:
        outputs = doc["spec"]["outputs"]
        return doc["spec"]["type"], outputs["particles"]["num_items"], outputs["volume"]["latest_summary_stats"]
    groups = {group["name"]: group for group in doc["output_result_groups"]}
    return doc["job_type"], groups["particles"]["num_items"], groups["volume"]["latest_summary_stats"]


def map_info(job_json: Path) -> dict:
    with open(job_json) as f:
        doc = json.load(f)
    project_dir = job_json.parent.parent
    volume = load_output(project_dir, doc)
    job_type, particle_count, stats = _summary(doc)
    best = stats["fsc_info_best"]
    curves = MASK_CURVES_V5 if "spec" in doc else MASK_CURVES
    return {
        "kind": "map-info",
        "psize_A": float(volume["map/psize_A"][0]),
        "box_size_vox": int(volume["map/shape"][0][0]),
        "paths": {name: posixpath.join(str(project_dir), volume[f"{name}/path"][0]) for name in PATH_RESULTS},
        "job_info": {
            "puid": doc["project_uid"], "juid": doc["uid"], "type": job_type,
            "particle_count": particle_count,
            "parameters": {name: get_param(doc, name) for name in PARAMETERS},
        },
        "gsfsc": best["radwn_final_A"],
        "cfar": stats.get("cfar"),
        "guinier_bfactor": stats.get("guinier_bfactor"),
        "fsc_resolution_A": {key: best.get(f"radwn_{curve}_A") for key, curve in curves.items()},
    }


def run_baseline(project_dir: Path, out_dir: Path) -> int:
    """Write P7-J100.json ... for every job, as the notebook saves its record; returns the count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = job_documents(project_dir)
    for path in paths:
        record = map_info(path)
        with open(out_dir / f"{record['job_info']['puid']}-{record['job_info']['juid']}.json", "w") as f:
            json.dump(record, f)
    return len(paths)


def run_floor(project_dir: Path, clock: dict | None = None, timer=time.perf_counter) -> int:
    """Parse every job.json with orjson (its NaN tokens made null first, as orjson refuses them) and load
    only the needed columns of each distinct volume metafile. `clock` ({"parse": s, "columns": s}) adds up
    the time of each part, as `timer` tells it."""
    import orjson

    paths = job_documents(project_dir)
    for path in paths:
        started = timer()
        data = path.read_bytes()
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError:
            doc = orjson.loads(data.replace(b"NaN", b"null").replace(b"-Infinity", b"null")
                               .replace(b"Infinity", b"null"))
        parsed = timer()
        fields = {}
        for name, metafile in volume_metafiles(doc).items():
            fields.setdefault(metafile, ["uid"]).extend(NEEDED_COLUMNS.get(name, ()))
        for metafile, wanted in fields.items():
            Dataset.load(path.parent.parent / metafile, fields=wanted)
        if clock is not None:
            clock["parse"] += parsed - started
            clock["columns"] += timer() - parsed
    return len(paths)
