"""Write the reference projects, the worked example's job (P30/J200) and the example pipelines (the lineage projects without their test-only jobs, with their small MRC maps) into a directory: `python -m tests.fixturegen.make_examples DIR`.

The output depends only on this package, so running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .lineage import make_pipeline_examples
from .projects import make_reference_projects
from .worked_example import write_extraction_job


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="output directory (created if missing)")
    args = parser.parse_args(argv)
    projects = make_reference_projects(args.dir)
    write_extraction_job(projects["P30"])  # the job of specs/README.md's worked example
    projects.update(make_pipeline_examples(args.dir))  # the README's Table 1
    for puid, path in projects.items():
        print(f"{puid}: {path}")


if __name__ == "__main__":
    main()
