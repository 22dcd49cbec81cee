"""Running csx in-process the way a user runs it, for the tests."""

import json
import os
import re
import sys
from pathlib import Path

from extractor.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()

# under CI (CI=true, as .ci/run sets it) nothing a test needs may be missing: a test that needs Chromium fails
# without it instead of skipping
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")


def run_csx(capsys, *args):
    """(exit code, stdout, stderr lines) of `csx ARGS`."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line]


def records(stdout: str) -> list:
    return [json.loads(line) for line in stdout.splitlines()]


def readme_nightly(folder: Path, projects_root: Path, db: str, page: Path) -> Path:
    """The README's nightly script, as a facility copies it, with this machine's projects folder, csx (the
    one of this Python), database and report page in place of the README's; written into `folder`."""
    script = re.search(r"^    #!/bin/sh\n(.*?)\n\n", README, re.M | re.S)[0].replace("\n    ", "\n")[4:]
    readme_db = "postgresql://csx@db.example.org:5432/cryoem"
    assert f" db={readme_db}\n" in script
    nightly = folder / "nightly"
    nightly.write_text(script.replace("/data/cryosparc_projects", str(projects_root))
                       .replace("/opt/csx/.venv/bin/csx", str(Path(sys.executable).parent / "csx"))
                       .replace(readme_db, db)
                       .replace("/srv/www/cryoem/maps.html", str(page)))
    nightly.chmod(0o755)
    return nightly
