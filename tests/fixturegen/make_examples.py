"""Write the reference projects into a directory: `python -m tests.fixturegen.make_examples DIR`.

The output depends only on this package, so running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .projects import make_reference_projects


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="output directory (created if missing)")
    args = parser.parse_args(argv)
    for puid, path in make_reference_projects(args.dir).items():
        print(f"{puid}: {path}")


if __name__ == "__main__":
    main()
