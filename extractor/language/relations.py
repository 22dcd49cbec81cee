"""A spec's related jobs, as its `related:` section declares them: which way
to walk (up a job's named inputs, or down to the jobs its named outputs
feed), what to stop at (a record kind, job types) and whether the nearest
match on each branch, the farthest, or every match."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Relation:
    alias: str  # related.<alias> and lineage.<alias> in expressions
    direction: str  # "upstream" | "downstream"
    names: tuple  # input names followed upstream, in order of preference; output names downstream
    kind: str | None  # a related job's record is this kind's, made by its spec
    job_types: tuple
    all: bool  # every match on the walk, not only the nearest on each branch
    file: Path
    line: int
    farthest: bool = False  # on each branch the match farthest from the job (the first extraction, say)

    @classmethod
    def declared(cls, alias: str, decl: dict, file: Path, line: int) -> "Relation":
        direction = "upstream" if "upstream" in decl else "downstream"
        return cls(alias, direction, tuple(decl[direction]), decl.get("kind"), tuple(decl.get("job_types", ())),
                   bool(decl.get("all", False)), Path(file), line, bool(decl.get("farthest", False)))

    def describe(self) -> str:
        what = " and ".join(filter(None, [f"kind {self.kind}" if self.kind else "",
                                          f"types {', '.join(self.job_types)}" if self.job_types else ""])) or "any job"
        how = ("every match" if self.all else "the farthest match on each branch" if self.farthest
               else "the nearest match on each branch")
        via = "inputs" if self.direction == "upstream" else "outputs"
        return f"{self.direction} through {via} {', '.join(self.names)} to {what}, {how}"
