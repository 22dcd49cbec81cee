"""csx check: is a map ready for deposition? One line per problem on stdout
(exit 1 if any), one line per map that passes."""

from ..deposition.mapcheck import check_maps
from .options import add_map_jobs

DESCRIPTION = ("Check that the map, half maps and masks of map jobs exist, are whole MRC files and agree with "
               "the record (box, pixel size) and with each other. One line per problem; exit 1 if any.")


def add_arguments(parser):
    add_map_jobs(parser)


def run(args, log) -> int:
    checked = check_maps(args.jobs, project_dir=args.project_dir, instance=args.instance, project=args.project,
                         specs=args.specs, timeout=args.timeout)
    for label, problems in checked:
        print("\n".join(problems) if problems else f"{label}: map, half maps and masks agree with the record")
    return 1 if any(problems for _, problems in checked) else 0
