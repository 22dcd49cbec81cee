"""Job and project documents in CryoSPARC's two layouts.

`v4_job_doc` is a v4.7.1 job.json: `params_base`/`params_spec`,
`input_slot_groups`, `output_result_groups`/`output_results` and MongoDB
extended-JSON dates (`{"$date": "2025-06-02T14:01:22.123Z"}`). For a job
that CryoSPARC 4.0 to 4.2 ran, a volume output keeps its statistics in a
`summary_stats` list (the iteration before the last, then the last) instead
of `latest_summary_stats`.
`v5_job_doc` is the same job as cryosparc-tools 5's
`Job.model_dump(mode="json", by_alias=True)` gives it: every field of the
model, ISO dates, `spec.params` (value in force), `spec.inputs`, `spec.outputs`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from .fsc import PREVIOUS_ITERATION_FACTOR, volume_summary_stats
from .outputs import REFINEMENT_TYPES, Group, job_outputs
from .params import check_params_set, params_base, params_in_force, params_secs

if TYPE_CHECKING:
    from .projects import JobFixture

# Order of cryosparc.models.job.JobStatus; `status_num` is the index.
JOB_STATUSES = ("building", "queued", "launched", "started", "running", "waiting", "completed", "killed", "failed")
EPOCHS = {"v4": datetime(2025, 6, 1, 18, 40, tzinfo=timezone.utc),
          "v5": datetime(2025, 10, 6, 8, 0, tzinfo=timezone.utc)}
INSTANCE_PROJECTS_DIR = "/bulk1/data/cryosparcdev2_projects"
HOSTNAME = "cryoem0.sbi"
USER_ID = "6372a35e821ed2b71d9fe4e3"
FAILURE = "RuntimeError: CUDA out of memory. Tried to allocate 2.40 GiB (GPU 0; 23.68 GiB total capacity)"


class InputSpec(NamedTuple):
    name: str
    type: str
    title: str
    count_min: int
    count_max: int | str  # "inf": any number
    slots: list[tuple[str, str, bool]]  # (slot name, v4 result type, required)


PARTICLE_SLOTS = [("blob", "particle.blob", True), ("ctf", "particle.ctf", True),
                  ("alignments3D", "particle.alignments3D", False)]
ALIGNED_PARTICLE_SLOTS = [(name, type_, True) for name, type_, _ in PARTICLE_SLOTS]
MASK_SLOTS = [("mask", "volume.blob", True)]
VOLUME_INPUT = InputSpec("volume", "volume", "Initial volume", 1, 1, [("map", "volume.blob", True)])
INPUTS: dict[str, list[InputSpec]] = {
    "homo_refine_new": [
        InputSpec("particles", "particle", "Particle stacks", 1, "inf", PARTICLE_SLOTS),
        VOLUME_INPUT,
        InputSpec("mask", "mask", "Static mask", 0, 1, MASK_SLOTS),
    ],
    "new_local_refine": [
        InputSpec("particles", "particle", "Particle stacks", 1, "inf", ALIGNED_PARTICLE_SLOTS),
        VOLUME_INPUT,
        InputSpec("mask", "mask", "Static mask", 1, 1, MASK_SLOTS),
    ],
    "homo_reconstruct": [
        InputSpec("particles", "particle", "Particle stacks", 1, "inf", ALIGNED_PARTICLE_SLOTS),
        InputSpec("mask", "mask", "Mask", 0, 1, MASK_SLOTS),
    ],
    "import_movies": [],
    "patch_ctf_estimation_multi": [
        InputSpec("exposures", "exposure", "Micrographs", 1, "inf",
                  [("movie_blob", "exposure.movie_blob", True), ("mscope_params", "exposure.mscope_params", True)]),
    ],
}
MOVIE_SLOTS = [("movie_blob", "exposure.movie_blob", True), ("mscope_params", "exposure.mscope_params", True),
               ("gain_ref_blob", "exposure.gain_ref_blob", False)]
MICROGRAPH_SLOTS = [("micrograph_blob", "exposure.micrograph_blob", True),
                    ("mscope_params", "exposure.mscope_params", True)]
CLASS2D_INPUTS = [InputSpec("particles", "particle", "Particle stacks", 1, "inf",
                            [("blob", "particle.blob", True), ("ctf", "particle.ctf", True),
                             ("alignments2D", "particle.alignments2D", False)])]
HALF_MAPS = [("map", "volume.blob", True), ("map_half_A", "volume.blob", True), ("map_half_B", "volume.blob", True)]
INPUTS.update({
    "patch_motion_correction_multi": [InputSpec("movies", "exposure", "Movies", 1, "inf", MOVIE_SLOTS)],
    "ctf_estimation": [InputSpec("exposures", "exposure", "Micrographs", 1, "inf", MICROGRAPH_SLOTS)],
    "import_micrographs": [],
    "class_2D_new": CLASS2D_INPUTS,
    "class_2D": CLASS2D_INPUTS,
    "homo_abinit": [InputSpec("particles", "particle", "Particle stacks", 1, "inf", PARTICLE_SLOTS[:2])],
    "hetero_refine": [InputSpec("particles", "particle", "Particle stacks", 1, "inf", PARTICLE_SLOTS),
                      InputSpec("volume", "volume", "Initial volumes", 1, "inf", [("map", "volume.blob", True)])],
    "class_3D": [InputSpec("particles", "particle", "Particle stacks", 1, "inf", ALIGNED_PARTICLE_SLOTS),
                 InputSpec("volume", "volume", "Initial volumes", 0, "inf", [("map", "volume.blob", True)]),
                 InputSpec("mask", "mask", "Solvent mask", 0, 1, MASK_SLOTS)],
    "helix_refine": INPUTS["homo_refine_new"],
    "sharpen": [InputSpec("volume", "volume", "Volume", 1, 1, [(n, t, n == "map") for n, t, _ in HALF_MAPS]),
                InputSpec("mask", "mask", "Mask", 0, 1, MASK_SLOTS)],
    "local_resolution": [InputSpec("volume", "volume", "Volume", 1, 1, HALF_MAPS),
                         InputSpec("mask", "mask", "Mask", 0, 1, MASK_SLOTS)],
})
INPUTS["nonuniform_refine_new"] = INPUTS["homo_refine_new"]
# Resources a job type asks for, where it is not a GPU refinement's {"CPU": 4, "GPU": 1, "RAM": 3}.
RESOURCE_SLOTS = {
    "import_movies": {"CPU": 1, "GPU": 0, "RAM": 1},
    "import_micrographs": {"CPU": 1, "GPU": 0, "RAM": 1},
    "patch_ctf_estimation_multi": {"CPU": 2, "GPU": 1, "RAM": 1},
    "patch_motion_correction_multi": {"CPU": 6, "GPU": 1, "RAM": 2},
    "ctf_estimation": {"CPU": 8, "GPU": 0, "RAM": 1},
    "sharpen": {"CPU": 1, "GPU": 0, "RAM": 1},
    "class_2D_new": {"CPU": 2, "GPU": 1, "RAM": 3},
    "class_2D": {"CPU": 2, "GPU": 1, "RAM": 3},
}

GPU = {
    "id": 0, "name": "NVIDIA RTX A5000", "mem": 25425608704, "bus_id": "0000:1A:00.0", "compute_mode": "Default",
    "persistence_mode": "Disabled", "power_limit": 230.0, "sw_power_limit": "Not Active",
    "hw_power_limit": "Not Active", "max_pcie_link_gen": 4, "current_pcie_link_gen": 4, "temperature": 34,
    "gpu_utilization": 0, "memory_utilization": 0, "driver_version": "550.54.15",
}


def _object_id(*parts: str) -> str:
    return hashlib.sha1("/".join(parts).encode()).hexdigest()[:24]


def _timeline(job: JobFixture) -> dict[str, datetime]:
    created = EPOCHS[job.layout] + timedelta(minutes=7 * job.uid_num, milliseconds=(137 * job.uid_num) % 997 + 1)
    queued = created + timedelta(seconds=95)
    running = queued + timedelta(seconds=17)
    ended = running + timedelta(seconds=900 + job.particle_count // 150 + 11 * job.exposure_count)
    return {"created": created, "queued": queued, "launched": queued + timedelta(seconds=4),
            "started": queued + timedelta(seconds=6), "running": running, "ended": ended,
            "heartbeat": ended - timedelta(seconds=3)}


def _v4_date(dt: datetime | None, form: str = "") -> dict[str, Any] | None:
    """MongoDB extended JSON as job.json holds it: {"$date": ISO} (CryoSPARC's own writer), or the
    milliseconds older bson tools wrote ("epoch": {"$date": ms}; "number-long": {"$date": {"$numberLong": ..}})."""
    if dt is None:
        return None
    if form in ("epoch", "number-long"):
        ms = int(dt.timestamp()) * 1000 + dt.microsecond // 1000
        return {"$date": ms if form == "epoch" else {"$numberLong": str(ms)}}
    return {"$date": dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"}


def _v5_date(dt: datetime | None, form: str = "") -> str | None:
    """pydantic's JSON form of an aware UTC datetime; "offset": the same time in +02:00; "naive": with no
    zone (CryoSPARC's times are UTC)."""
    if dt is None:
        return None
    if form == "offset":
        return dt.astimezone(timezone(timedelta(hours=2))).isoformat()
    if form == "naive":
        return dt.replace(tzinfo=None).isoformat()
    return dt.isoformat().replace("+00:00", "Z")


def _job_dates(job: JobFixture) -> dict[str, datetime | None]:
    t = _timeline(job)
    done = job.status == "completed"
    return {
        "created_at": t["created"], "queued_at": t["queued"], "started_at": t["started"],
        "launched_at": t["launched"], "running_at": t["running"], "waiting_at": None,
        "completed_at": t["ended"] if done else None, "killed_at": None,
        "failed_at": None if done else t["ended"], "heartbeat_at": t["heartbeat"],
        "tokens_acquired_at": t["started"], "tokens_requested_at": t["queued"],
        "last_scheduled_at": t["queued"],
    }


def _resource_slots(job: JobFixture) -> dict[str, int]:
    return RESOURCE_SLOTS.get(job.job_type, {"CPU": 4, "GPU": 1, "RAM": 3})


def _uses_ssd(job: JobFixture) -> bool:
    return bool(params_in_force(job.job_type, job.params_set, job.declarations).get("compute_use_ssd", False))


def _resources_allocated(job: JobFixture, target: dict | None) -> dict[str, Any]:
    slots = _resource_slots(job)
    return {
        "lane": "default", "lane_type": "node", "hostname": HOSTNAME, "target": target,
        "slots": {k: list(range(n)) for k, n in slots.items()},
        "fixed": {"SSD": _uses_ssd(job)}, "licenses_acquired": slots["GPU"],
    }


def _instance_information(version: str) -> dict[str, Any]:
    return {
        "platform_node": HOSTNAME, "platform_release": "5.14.0-427.13.1.el9_4.x86_64",
        "platform_version": "#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024", "platform_architecture": "x86_64",
        "cpu_model": "Intel(R) Xeon(R) Gold 6326 CPU @ 2.90GHz", "physical_cores": 32, "max_cpu_freq": 3500.0,
        "total_memory": "503.53GB", "available_memory": "471.08GB", "used_memory": "28.96GB",
        "ofd_soft_limit": 1024, "ofd_hard_limit": 262144, "driver_version": "12.4", "toolkit_version": "11.8",
        "CUDA_version": "11.8", "nvrtc_version": "11.8", "gpu_info": [GPU], "version": version,
    }


def _resolution(job: JobFixture, group: Group) -> float | None:
    """The GSFSC of a refinement's volume; a class's own for `volume_class_<k>`."""
    if group.name.startswith("volume_class_"):
        k = int(group.name.rsplit("_", 1)[1])
        return job.class_res_A[k] if job.class_res_A else None
    return job.gsfsc_A


def _release(version: str) -> tuple[int, ...]:
    """The release number of a version as instances write it ("v4.2.1+230227" -> (4, 2, 1))."""
    found = re.match(r"\s*[vV]?(\d+(?:\.\d+)*)", version)
    return tuple(int(n) for n in found.group(1).split(".")) if found else ()


def _summary_stats_list(job: JobFixture) -> bool:
    """CryoSPARC 4.0-4.2 kept a list of summary statistics, and the auto-tightened mask's FSC."""
    return job.layout == "v4" and _release(job.version) < (4, 3)


def _summary_stats(job: JobFixture, group: Group, previous: bool = False) -> dict[str, Any] | None:
    """The volume's statistics at the last iteration, or (`previous`) at the one before."""
    if group.type != "volume" or job.status != "completed":
        return None
    resolution = _resolution(job, group)
    iteration = job.iteration or 0
    if previous and resolution is not None:
        resolution, iteration = round(resolution * PREVIOUS_ITERATION_FACTOR, 4), iteration - 1
    dicts = job.fsc_dicts or ("best+autotight" if _summary_stats_list(job) else "best")
    stats = {} if resolution is None else volume_summary_stats(
        job.box, job.psize_A, resolution, job.curve_names or job.layout, iteration, cfar=job.cfar,
        guinier_bfactor=job.guinier_bfactor, dicts=dicts, nonfinite=job.nonfinite_stats)
    return {**stats, **job.stats} or None


def _summary(job: JobFixture, group: Group) -> dict[str, Any]:
    return {"blob/psize_A": job.psize_A} if group.type == "particle" else {}


def input_specs(job: JobFixture) -> list[InputSpec]:
    return INPUTS[job.job_type] if job.declarations is None else job.declarations.inputs[job.job_type]


def _connections(job: JobFixture, input_name: str) -> list[tuple[str, str]]:
    return [(parent, output) for name, parent, output in job.parents if name == input_name]


def _parents(job: JobFixture) -> list[str]:
    return sorted({parent for _, parent, _ in job.parents} | {uid for _, _, uid, _ in job.slot_sources})


def _slot_source(job: JobFixture, input_name: str, slot: str, parent: str, output: str) -> tuple[str, str]:
    """(job uid, output) a slot of a connection reads: the connection's, unless the slot is taken from another
    job (v4 ConnectionSlot.job_uid, v5 InputResult.job_uid)."""
    return next(((uid, out) for name, s, uid, out in job.slot_sources if (name, s) == (input_name, slot)),
                (parent, output))


# --- v4 -------------------------------------------------------------------------------------------------------


def _v4_inputs(job: JobFixture) -> list[dict[str, Any]]:
    groups = []
    for spec in input_specs(job):
        connections = [
            {"job_uid": parent, "group_name": output, "slots": [
                {"slot_name": s, "job_uid": _slot_source(job, spec.name, s, parent, output)[0],
                 "group_name": _slot_source(job, spec.name, s, parent, output)[1], "result_name": s,
                 "result_type": t, "version": "F"} for s, t, _ in spec.slots]}
            for parent, output in _connections(job, spec.name)
        ]
        groups.append({
            "type": spec.type, "name": spec.name, "title": spec.title, "description": "",
            "count_min": spec.count_min, "count_max": None if spec.count_max == "inf" else spec.count_max,
            "repeat_allowed": False,
            "slots": [{"type": t, "name": s, "title": s, "description": "", "optional": not required}
                      for s, t, required in spec.slots],
            "connections": connections,
        })
    return groups


def _v4_outputs(job: JobFixture, groups: list[Group]) -> tuple[list[dict], list[dict]]:
    group_docs, result_docs = [], []
    for gi, group in enumerate(groups):
        contains = []
        for result in group.results:
            ruid = f"{job.uid}-R{len(result_docs) + 1}"
            contains.append({"uid": ruid, "type": result.type, "group_name": group.name, "name": result.name,
                             "passthrough": result.passthrough})
            result_docs.append({
                "uid": ruid, "type": result.type, "group_name": group.name, "name": result.name,
                "title": result.title,
                "description": (f"Passthrough from input {result.passthrough_from}.{result.name} (result_name)"
                                if result.passthrough else ""),
                "min_fields": [list(f) for f in result.fields], "versions": result.versions,
                "metafiles": result.metafiles, "num_items": result.num_items, "passthrough": result.passthrough,
            })
        doc = {"uid": f"{job.uid}-G{gi + 1}", "type": group.type, "name": group.name, "title": group.title,
               "description": "", "contains": contains, "passthrough": group.passthrough_input or False,
               "num_items": group.num_items, "summary": _summary(job, group)}
        stats = _summary_stats(job, group)
        if stats is not None and _summary_stats_list(job):
            doc["summary_stats"] = [_summary_stats(job, group, previous=True), stats] if job.iteration else [stats]
        elif stats is not None:
            doc["latest_summary_stats"] = stats
        group_docs.append(doc)
    return group_docs, result_docs


def v4_job_doc(job: JobFixture, puid: str) -> dict[str, Any]:
    """A CryoSPARC v4 job document (job.json) for the fixture job."""
    check_params_set(job.job_type, job.params_set, job.declarations)
    def date(dt):
        return _v4_date(dt, job.dates)

    dates = {k: date(v) for k, v in _job_dates(job).items()}
    group_docs, result_docs = _v4_outputs(job, job_outputs(job))
    t = _timeline(job)
    slots = _resource_slots(job)
    target = {"type": "node", "lane": "default", "name": HOSTNAME, "title": f"Worker node {HOSTNAME}",
              "hostname": HOSTNAME, "cache_path": "/scratch/cryosparc_cache", "cache_quota_mb": None,
              "cache_reserve_mb": 10000, "worker_bin_path": "/opt/cryosparc/cryosparc_worker/bin/cryosparcw",
              "gpus": [{"id": 0, "name": GPU["name"], "mem": GPU["mem"]}], "resource_slots": {
                  "CPU": list(range(32)), "GPU": [0], "RAM": list(range(62))}}
    failed = job.status == "failed"
    return {
        "_id": _object_id(puid, job.uid), "uid": job.uid, "uid_num": job.uid_num, "project_uid": puid,
        "project_uid_num": int(puid[1:]), "workspace_uids": ["W1"], "type": job.job_type,
        "job_type": job.job_type, "title": job.title, "description": "", "status": job.status,
        "created_by_user_id": USER_ID, "created_by_job_uid": None, "cloned_from": None,
        "version": job.version, "version_created": job.version_created or job.version,
        **dates,
        "last_accessed": {"name": "ksmith", "accessed_at": date(t["ended"] + timedelta(days=1))},
        "params_base": params_base(job.job_type, job.declarations),
        "params_spec": {name: {"value": value} for name, value in job.params_set.items()},
        "params_secs": params_secs(job.job_type, job.declarations),
        "input_slot_groups": _v4_inputs(job),
        "output_result_groups": group_docs,
        "output_results": result_docs,
        "output_group_images": {},
        "errors_build_params": {}, "errors_build_inputs": {},
        "errors_run": [{"message": FAILURE, "warning": False}] if failed else [],
        "resources_needed": {"slots": slots, "fixed": {"SSD": _uses_ssd(job)}},
        "resources_allocated": _resources_allocated(job, target),
        "run_on_master_direct": slots["GPU"] == 0,
        "queued_to_lane": "default", "queued_to_hostname": None, "queued_to_gpu": None,
        "queue_index": None, "queue_status": None, "queue_message": None, "queued_job_hash": None,
        "num_tokens": slots["GPU"], "job_sig": _object_id("sig", puid, job.uid) * 2,
        "interactive": False, "interactive_hostname": "", "interactive_port": None,
        "PID_monitor": 1000 + 3 * job.uid_num, "PID_main": 1001 + 3 * job.uid_num, "PID_workers": [],
        "cluster_job_id": None, "cluster_job_status": None, "cluster_job_custom_vars": {},
        "ui_tile_images": [{"name": "fsc" if job.job_type in REFINEMENT_TYPES else "thumbnail",
                            "fileid": _object_id("tile", puid, job.uid), "num_rows": 1, "num_cols": 1}],
        "ui_tile_width": 1, "ui_tile_height": 1,
        "ui_layouts": {f"{puid}W1": {"show": True, "floater": False, "top": 160 * job.uid_num, "left": 0,
                                     "width": 1, "height": 1, "groups": []}},
        "enable_bench": False, "bench": {},
        "children": [], "parents": _parents(job),
        "priority": 0, "deleted": False,
        "job_dir": job.uid, "job_dir_size": job.disk_bytes, "job_dir_size_last_updated": date(t["ended"]),
        "is_experiment": False, "is_final_result": False, "is_ancestor_of_final_result": False,
        "no_check_inputs_ready": False, "completed_count": 0 if failed else 1,
        "instance_information": _instance_information(job.version),
        "progress": [],
        "last_intermediate_data_cleared_at": date(t["ended"]),
        "last_intermediate_data_cleared_amount": 0, "intermediate_results_size_bytes": 0,
        "intermediate_results_size_last_updated": date(t["ended"]),
        "generate_intermediate_results": False, "tags": [], "starred_by": [], "imported": False,
        "has_error": failed, "has_warning": False,
    }


# --- v5 -------------------------------------------------------------------------------------------------------


def _v5_inputs(job: JobFixture) -> dict[str, Any]:
    inputs = {}
    for spec in input_specs(job):
        connections = [{"job_uid": parent, "output": output, "results": [
            {"name": s, "dtype": t.split(".", 1)[1], "job_uid": _slot_source(job, spec.name, s, parent, output)[0],
             "output": _slot_source(job, spec.name, s, parent, output)[1], "result": s, "version": "F"}
            for s, t, _ in spec.slots]}
            for parent, output in _connections(job, spec.name)]
        inputs[spec.name] = {
            "type": spec.type, "title": spec.title, "description": "",
            "slots": [{"name": s, "dtype": t.split(".", 1)[1], "required": required} for s, t, required in spec.slots],
            "count_min": spec.count_min, "count_max": spec.count_max, "repeat_allowed": False,
            "connections": connections,
        }
    return inputs


def _v5_outputs(job: JobFixture, groups: list[Group]) -> dict[str, Any]:
    outputs = {}
    for group in groups:
        own = [r for r in group.results if not r.passthrough]
        outputs[group.name] = {
            "type": group.type, "title": group.title, "description": "",
            "slots": [{"name": r.name, "dtype": r.dtype} for r in own],
            "passthrough": group.passthrough_input,
            "results": [{"name": r.name, "dtype": r.dtype, "versions": r.versions, "metafiles": r.metafiles,
                         "num_items": r.num_items, "passthrough": r.passthrough} for r in group.results],
            "num_items": group.num_items, "image": None, "summary": _summary(job, group),
            "latest_summary_stats": _summary_stats(job, group) or {},
        }
    return outputs


def v5_job_doc(job: JobFixture, puid: str) -> dict[str, Any]:
    """A CryoSPARC v5 job document: what `Job.model_dump(mode="json", by_alias=True)` gives."""
    def date(dt):
        return _v5_date(dt, job.dates)

    dates = {k: date(v) for k, v in _job_dates(job).items()}
    t = _timeline(job)
    slots = _resource_slots(job)
    failed = job.status == "failed"
    return {
        "_id": _object_id(puid, job.uid), "updated_at": date(t["ended"] + timedelta(minutes=1)),
        "created_at": dates.pop("created_at"), "dumped_at": date(t["ended"] + timedelta(minutes=1)),
        "last_dumped_version": job.last_dumped_version or job.version, "autodump": False,
        "uid": job.uid, "project_uid": puid, "workspace_uids": ["W1"],
        "spec": {
            "type": job.job_type,
            "params": params_in_force(job.job_type, job.params_set, job.declarations),
            "inputs": _v5_inputs(job),
            "outputs": _v5_outputs(job, job_outputs(job)),
            "ui_tile_width": 1, "ui_tile_height": 1,
            "resource_spec": {"cpu": slots["CPU"], "gpu": slots["GPU"], "ram": slots["RAM"], "ssd": _uses_ssd(job)},
        },
        "job_dir": job.uid, "job_dir_size": job.disk_bytes, "job_dir_size_last_updated": date(t["ended"]),
        "run_as_user": None, "title": job.title, "description": "", "status": job.status,
        "created_by_user_id": USER_ID, "created_by_job_uid": None, "cloned_from": None,
        **dates,
        "last_accessed": {"name": "ksmith", "accessed_at": date(t["ended"] + timedelta(days=1))},
        "has_error": failed, "has_warning": False,
        "version_created": job.version_created or job.version, "version": job.version,
        "priority": 0, "deleted": False, "deleting": False,
        "parents": _parents(job), "children": [],
        "resources_allocated": _resources_allocated(job, None),
        "queued_by_user_id": USER_ID, "queued_to_lane": "default", "queued_to_hostname": None,
        "queued_to_gpu": None, "queue_status": None, "queue_message": None, "queued_job_hash": None,
        "num_tokens": slots["GPU"], "job_sig": _object_id("sig", puid, job.uid) * 2,
        "errors_run": [{"message": FAILURE, "warning": False}] if failed else [],
        "interactive_port": None,
        "PID_monitor": 1000 + 3 * job.uid_num, "PID_main": 1001 + 3 * job.uid_num, "PID_workers": [],
        "cluster_job_id": None, "cluster_job_status": None, "cluster_job_status_code": None,
        "cluster_job_monitor_event_id": None, "cluster_job_monitor_retries": 0,
        "cluster_job_monitor_last_run_at": None, "cluster_job_submission_script": None,
        "cluster_job_custom_vars": {},
        "ui_tile_images": [{"name": "thumbnail", "fileid": _object_id("tile", puid, job.uid), "num_rows": 1,
                            "num_cols": 1}],
        "is_experiment": False, "enable_bench": False, "bench": {}, "bench_timings": {},
        "completed_count": 0 if failed else 1,
        "instance_information": _instance_information(job.version),
        "last_intermediate_data_cleared_at": date(t["ended"]), "last_intermediate_data_cleared_amount": 0,
        "intermediate_results_size_bytes": 0, "intermediate_results_size_last_updated": date(t["ended"]),
        "is_final_result": False, "is_ancestor_of_final_result": False, "no_check_inputs_ready": False,
        "progress": [], "last_exported_at": None, "last_exported_location": None, "last_exported_version": None,
        "tags": [], "workflow": None, "imported_at": None, "deleted_at": None, "import_status": None,
        "attach_status": None, "starred_by": [], "requeue_windows_ends_at": None,
        "uid_num": job.uid_num, "project_uid_num": int(puid[1:]), "status_num": JOB_STATUSES.index(job.status),
        "build_errors": [],
    }


# --- project ----------------------------------------------------------------------------------------------------


def project_doc(puid: str, title: str, dirname: str, jobs: list[JobFixture]) -> dict[str, Any]:
    """project.json. `project_dir` is where the instance keeps the project, not where the fixture lives."""
    layout, version = jobs[0].layout, jobs[0].version
    created = EPOCHS[layout]
    updated = max(_timeline(job)["ended"] for job in jobs)
    form = jobs[0].dates

    def date(dt):
        return _v4_date(dt, form) if layout == "v4" else _v5_date(dt, form)
    doc = {
        "_id": _object_id(puid), "uid": puid, "uid_num": int(puid[1:]), "title": title, "description": "",
        "project_dir": f"{INSTANCE_PROJECTS_DIR}/{dirname}", "owner_user_id": USER_ID,
        "created_at": date(created), "updated_at": date(updated), "size": 0, "size_last_updated": date(updated),
        "last_accessed": {"name": "ksmith", "accessed_at": date(updated + timedelta(days=1))},
        "archived": False, "detached": False, "deleted": False, "users_with_access": [USER_ID],
        "project_params_pdef": {}, "queue_paused": False, "last_exp_group_id_used": 1,
        "created_at_version": version, "tags": [], "starred_by": [],
        "generate_intermediate_results_settings": {"class_2D_new": False, "class_3D": False},
    }
    if layout == "v5":
        doc.update({"dumped_at": date(updated), "last_dumped_version": jobs[0].last_dumped_version or version})
    return doc
