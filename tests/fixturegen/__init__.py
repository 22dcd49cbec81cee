"""Generators of CryoSPARC-shaped test fixtures: job documents in the v4 and v5
layouts, .cs datasets written with cryosparc-tools, and project folders, in the
shapes real CryoSPARC files take (VARIANTS)."""

from .documents import v4_job_doc, v5_job_doc
from .fsc import expected_mask_resolutions, fsc_info, volume_summary_stats
from .params import params_base, params_in_force
from .pipeline import LARGE_CTF_JOB, PIPELINE_PROJECTS, make_large_ctf_job, make_pipeline_projects
from .projects import (
    AS_SHIPPED,
    REFERENCE_PROJECTS,
    VARIANTS,
    JobFixture,
    ProjectFixture,
    Variant,
    make_project,
    make_reference_projects,
)

__all__ = [
    "AS_SHIPPED",
    "LARGE_CTF_JOB",
    "PIPELINE_PROJECTS",
    "REFERENCE_PROJECTS",
    "VARIANTS",
    "JobFixture",
    "ProjectFixture",
    "Variant",
    "expected_mask_resolutions",
    "fsc_info",
    "make_large_ctf_job",
    "make_pipeline_projects",
    "make_project",
    "make_reference_projects",
    "params_base",
    "params_in_force",
    "v4_job_doc",
    "v5_job_doc",
    "volume_summary_stats",
]
