"""What CryoSPARC's example notebook does for each job, offline, and the floor.

The notebook (get_map_info, reference/map-info-notebook-v4.md) reads the job
document, indexes into it, loads the volume output whole (each result's
final metafile, joined on uid, as `job.load_output` does) and builds the
record; here it builds exactly the record csx builds with the shipped
map-info spec, so the two can be compared. The floor only reads and parses
every job.json: no extractor that reads the documents can beat it.
"""

import json
import posixpath
from pathlib import Path

from cryosparc.dataset import Dataset

PATH_RESULTS = ("map", "map_sharp", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto")
PARAMETERS = ("refine_symmetry", "refine_relax_symmetry")
MASK_CURVES = {"no_mask": "nomask", "spherical": "sphericalmask", "loose": "loosemask", "tight": "tightmask",
               "corrected": "noisesub"}


def job_documents(project_dir: Path) -> list[Path]:
    return sorted(Path(project_dir).glob("J*/job.json"), key=lambda p: int(p.parent.name[1:]))


def get_param(doc: dict, name: str):
    if name in doc["params_spec"]:
        return doc["params_spec"][name]["value"]
    return doc["params_base"][name]["value"]


def load_output(project_dir: Path, doc: dict, group: str) -> Dataset:
    results = [r for r in doc["output_results"] if r["group_name"] == group]
    datasets = [Dataset.load(project_dir / (r["metafiles"][0] if r["passthrough"] else r["metafiles"][-1]))
                for r in results]
    return datasets[0].innerjoin(*datasets[1:])


def map_info(job_json: Path) -> dict:
    with open(job_json) as f:
        doc = json.load(f)
    project_dir = job_json.parent.parent
    volume = load_output(project_dir, doc, "volume")
    groups = {group["name"]: group for group in doc["output_result_groups"]}
    stats = groups["volume"]["latest_summary_stats"]
    best = stats["fsc_info_best"]
    return {
        "kind": "map-info",
        "psize_A": float(volume["map/psize_A"][0]),
        "box_size_vox": int(volume["map/shape"][0][0]),
        "paths": {name: posixpath.join(str(project_dir), volume[f"{name}/path"][0]) for name in PATH_RESULTS},
        "job_info": {
            "puid": doc["project_uid"], "juid": doc["uid"], "type": doc["job_type"],
            "particle_count": groups["particles"]["num_items"],
            "parameters": {name: get_param(doc, name) for name in PARAMETERS},
        },
        "gsfsc": best["radwn_final_A"],
        "cfar": stats.get("cfar"),
        "guinier_bfactor": stats.get("guinier_bfactor"),
        "fsc_resolution_A": {key: best.get(f"radwn_{curve}_A") for key, curve in MASK_CURVES.items()},
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


def run_floor(project_dir: Path) -> int:
    paths = job_documents(project_dir)
    for path in paths:
        with open(path) as f:
            json.load(f)
    return len(paths)
