"""The spec registry: every spec and layout csx knows, and the choice of the
one spec for a job (by layout, job type and CryoSPARC version)."""

from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..checks.records import disallowed_path
from ..checks.schemacheck import read_schema, validator
from ..errors import NoSpecError, SpecError, UsageError, named
from ..resources import retired_spec, schemas_dir, specs_dir
from ..wording import SPEC, SPECS, Words
from .layouts import load_layouts
from .speccache import RegistryCache, folder_inputs
from .specfile import Spec, is_fragment, load_spec
from .versions import release


@dataclass(frozen=True)
class JobKey:
    """What a spec is chosen by."""

    layout: str
    type: str | None
    version_text: str | None

    @property
    def version(self) -> Version | None:
        return release(self.version_text)

    def __str__(self):
        type_, version = (named(text) if text else "(none)" for text in (self.type, self.version_text))
        return f"type {type_}, version {version}, layout {self.layout}"


class Registry:
    """Shipped specs, with the user's own (--specs DIR) winning over them.

    Two specs of one tier (shipped, or the user's) that could both match one
    job are an error when the registry is loaded, not when the job is met. A
    spec of any job type (match.job_types: any) is chosen only where no spec
    of its tier names the job's type, so it never competes with those: two
    specs of any type can, and two naming one type can.
    """

    def __init__(self, user_dirs=(), load_specs=True):
        self.user_dirs = [Path(d) for d in user_dirs]
        self._schemas = {}
        self._chosen = {}  # (JobKey, kind) -> Spec, or the NoSpecError it gives
        for directory in self.user_dirs:
            if not directory.is_dir():
                raise SpecError(directory, 1, 1, Words(SPECS, ": not a directory"))
        if not load_specs:
            self.layouts, self.tiers = load_layouts([specs_dir(), *self.user_dirs]), []
            return
        spec_dirs = [specs_dir(), *self.user_dirs]
        cache = RegistryCache(spec_dirs)
        inputs = folder_inputs(spec_dirs, self._schema_dirs())
        cached = cache.load(inputs)
        if cached is not None:
            self.layouts, self.tiers = cached
            return
        self.layouts = load_layouts(spec_dirs)
        self.tiers = [
            [self.load_checked(f) for d in self.user_dirs for f in spec_files(d)],
            [self.load_checked(f) for f in spec_files(specs_dir())],
        ]
        for tier in self.tiers:
            for problem in self.ambiguities(tier):
                raise problem
        read = {f.file for spec in self.specs for f in spec.fields} | {spec.file for spec in self.specs}
        cache.store(inputs, read, (self.layouts, self.tiers))

    def spec_file(self, name) -> Path:
        """The spec file --spec names: a path, or the file name of a spec in the --specs folders or the
        shipped ones (--spec map-info-v4.yaml from any folder)."""
        path = Path(name)
        if path.is_file() or path.name != str(name):
            return path
        for directory in [*self.user_dirs, specs_dir()]:
            if (directory / path.name).is_file():
                return directory / path.name
        replacement = retired_spec(path.name)
        if replacement:
            raise UsageError(Words(SPEC.given(name), f": csx no longer ships this spec; {replacement} reads the "
                                   "documents of every CryoSPARC 4.x, 4.0 to 4.2 included: use ",
                                   SPEC.given(replacement)))
        raise UsageError(Words(SPEC.given(name), ": no such file, nor a spec of that name (csx specs lists them)"))

    def load_checked(self, file: Path) -> Spec:
        """A spec file, checked against this registry's layouts and record schemas."""
        spec = load_spec(file)
        for problem in self.spec_problems(spec):
            raise problem
        return spec

    def spec_problems(self, spec: Spec) -> list:
        """What a spec says that this registry cannot honour: an unknown layout, a kind
        without a record schema, fields the record schema has no place for."""
        problems = []
        if spec.layout not in self.layouts:
            problems.append(spec.error(("match", "layout"), f"match.layout: no layout named {spec.layout!r} "
                                                            f"(known: {', '.join(sorted(self.layouts))})"))
        schema_file = self.record_schema(spec.kind)
        if schema_file is None:
            return problems + [spec.error(("kind",), f"kind: no record schema {spec.kind}.schema.json in "
                                                     f"{', '.join(str(d) for d in self._schema_dirs())}")]
        for relation in spec.related.values():
            if relation.kind is not None and self.record_schema(relation.kind) is None:
                problems.append(spec.error(("related", relation.alias, "kind"),
                                           f"related.{relation.alias}.kind: no record kind {relation.kind!r}"))
        try:
            schema = read_schema(schema_file)
            validator(schema_file)  # a schema that is JSON but no JSON Schema fails here, not at the first record
        except SpecError as exc:
            return problems + [exc]
        for spec_field in spec.fields:
            refused = disallowed_path(spec_field.record_path, schema)
            if refused is not None:
                problems.append(SpecError(spec_field.file, spec_field.line, spec_field.col,
                                          f"field {spec_field.name}: {schema_file.name} has no place for "
                                          f"{'.'.join(refused)} in a {spec.kind} record"))
        return problems

    @property
    def specs(self) -> list:
        return [spec for tier in self.tiers for spec in tier]

    def _schema_dirs(self) -> list:
        return [d / "schemas" for d in self.user_dirs] + [schemas_dir()]

    def record_schema(self, kind: str) -> Path | None:
        # asked for every record: look in the folders once per kind
        if kind not in self._schemas:
            found = (d / f"{kind}.schema.json" for d in self._schema_dirs())
            self._schemas[kind] = next((path for path in found if path.exists()), None)
        return self._schemas[kind]

    @staticmethod
    def ambiguities(specs: list) -> list:
        """A SpecError for each pair of specs that could both match one job."""
        problems = []
        for i, a in enumerate(specs):
            for b in specs[i + 1:]:
                if _overlap(a, b):
                    shared = "any job type" if a.any_type else ", ".join(sorted(set(a.job_types) & set(b.job_types)))
                    problems.append(b.error(("match",), f"matches the same jobs as {a.file} ({shared}, layout "
                                                        f"{a.layout}, overlapping cryosparc ranges); narrow "
                                                        "match.cryosparc or match.job_types"))
        return problems

    def choose(self, key: JobKey, kind: str | None = None) -> Spec:
        """The spec for a job; `kind` restricts the choice to one record kind."""
        # a project's jobs share a few keys: the choice is made once per key, its failure too
        chosen = self._chosen.get((key, kind))
        if chosen is None:
            try:
                chosen = self._chosen[(key, kind)] = self._choose(key, kind)
            except NoSpecError as exc:
                chosen = self._chosen[(key, kind)] = exc
        if isinstance(chosen, NoSpecError):
            raise NoSpecError(Words(chosen))
        return chosen

    def _choose(self, key: JobKey, kind: str | None) -> Spec:
        for tier in self.tiers:
            # a job's default spec is never one made on request
            found = [s for s in tier if mismatch(s, key, kind) is None and (kind is not None or not s.on_request)]
            named = [s for s in found if not s.any_type]
            found = named or found  # a spec naming the job's type wins over one of any type
            if len(found) == 1:
                return found[0]
            if found:
                names = ", ".join(str(s.file) for s in found)
                if key.version is None:  # specs of one tier never overlap: only their version ranges tell them apart
                    raise NoSpecError(Words(f"{key}: the job's version has no release number (such as v4.7.1), and "
                                            f"specs for different versions fit it ({names}); pick one with ",
                                            SPEC.usage))
                raise NoSpecError(Words(f"{key}: several specs match equally ({names}); pick one with ", SPEC.usage))
        wanted = f" of kind {kind}" if kind else ""
        available = ", ".join(s.name for s in self.specs if s.layout == key.layout) or "none"
        raise NoSpecError(f"no spec{wanted} for job {key}; specs for layout {key.layout}: {available} "
                          "(csx specs --explain JOB_DIR says why each does not match)")

    def explain(self, key: JobKey, kind: str | None = None) -> list:
        """[(spec, None if it matches else why not)] for every spec."""
        return [(spec, mismatch(spec, key, kind)) for spec in self.specs]


def spec_files(directory: Path) -> list:
    """The specs of a folder, not the fragments they extend."""
    return [f for f in sorted(Path(directory).glob("*.yaml")) if not is_fragment(f)]


def mismatch(spec: Spec, key: JobKey, kind, version: bool = True) -> str | None:
    """Why the spec does not fit the job, or None; `version=False` leaves out its version range."""
    if kind is not None and spec.kind != kind:
        return f"kind is {spec.kind}, not {kind}"
    if spec.layout != key.layout:
        return f"written for layout {spec.layout}, the job's document is {key.layout}"
    if not spec.covers(key.type):
        return f"job type {key.type} is not among {spec.types_text}"
    if version and not spec.admits_version(key.version):
        return f"version {key.version_text} is outside {spec.cryosparc}"
    return None


def _probe_versions(*ranges) -> list:
    """Versions at and just past every bound of the ranges: two ranges of
    plain bounds overlap exactly when both contain one of these."""
    probes = [Version("0")]
    for version_range in ranges:
        for specifier in version_range or ():
            bound = specifier.version.removesuffix(".*")
            try:
                version = Version(bound)
            except InvalidVersion:
                continue
            probes += [version, Version(".".join(map(str, version.release + (0, 0, 0, 1))))]
    return probes


def _overlap(a: Spec, b: Spec) -> bool:
    if a.kind != b.kind and (a.on_request or b.on_request):  # chosen by kind, never instead of each other
        return False
    if a.layout != b.layout or a.any_type != b.any_type:  # a spec naming a type wins over one of any type
        return False
    if not a.any_type and not set(a.job_types) & set(b.job_types):
        return False
    return any(a.admits_version(v) and b.admits_version(v) for v in _probe_versions(a.cryosparc, b.cryosparc))


