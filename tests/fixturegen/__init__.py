"""Generators of CryoSPARC-shaped test fixtures: job documents in the v4 and v5
layouts, .cs datasets written with cryosparc-tools, and project folders."""

from .documents import v4_job_doc, v5_job_doc
from .fsc import expected_mask_resolutions, fsc_info, volume_summary_stats
from .params import params_base, params_in_force
from .projects import REFERENCE_PROJECTS, JobFixture, ProjectFixture, make_project, make_reference_projects

__all__ = [
    "REFERENCE_PROJECTS",
    "JobFixture",
    "ProjectFixture",
    "expected_mask_resolutions",
    "fsc_info",
    "make_project",
    "make_reference_projects",
    "params_base",
    "params_in_force",
    "v4_job_doc",
    "v5_job_doc",
    "volume_summary_stats",
]
