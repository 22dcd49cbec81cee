"""CryoSPARC uids: J<digits> for jobs, P<digits> for projects, exactly.

fullmatch with [0-9], because `$` also matches before a trailing newline and
`\\d` also matches other scripts' digits, neither of which CryoSPARC writes.
"""

import re

JOB_UID = re.compile(r"J[0-9]+")
PROJECT_UID = re.compile(r"P[0-9]+")


def is_job_uid(value) -> bool:
    return isinstance(value, str) and JOB_UID.fullmatch(value) is not None


def is_project_uid(value) -> bool:
    return isinstance(value, str) and PROJECT_UID.fullmatch(value) is not None


def uid_number(uid: str) -> int:
    """180 for J180: the order CryoSPARC lists jobs in."""
    return int(uid[1:])
