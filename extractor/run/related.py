"""Related jobs: the walk from a job through the links its layout names, and
the records of the jobs it finds, each made by its own spec.

One RelatedJobs serves a whole batch. What a walk needs of a job (its type,
project, input connections and output counts) is kept for the batch, and so
is every record made, keyed by where the job lives (project directory or
instance), its project, its uid and the record kind: an ancestor that many
maps share is read and extracted once. Whole documents are kept only while
one job's related jobs are worked out, so a batch over a large project does
not hold every document it met. A walk that meets a deleted parent, a parent
of another project or a cycle stops there with a note on the step; a related
job whose record cannot be made is left out with a note, too.
"""

import threading
from collections import Counter
from dataclasses import dataclass

from ..errors import CsxError, ForeignJobError
from ..language.layouts import detect_layout
from ..language.registry import JobKey, Registry
from ..language.relations import Relation
from .context import JobContext
from .engine import evaluate


@dataclass
class _Node:
    """What a walk needs of one job."""

    uid: str
    type: str
    status: str
    project_uid: str
    key: JobKey
    deleted: bool
    inputs: dict  # input name -> [{job_uid, output}]
    outputs: dict  # output name -> number of items

    @classmethod
    def of(cls, context: JobContext) -> "_Node":
        identity = context.identity
        return cls(identity["uid"], identity["type"], identity["status"], identity["project_uid"], context.key,
                   context.is_deleted(), {name: context.connections(name) for name in context.input_names()},
                   {name: context.output_items(name) for name in context.output_names()})


class _Walk:
    """What one relation found from one job: its steps (the lineage) and the matching jobs."""

    def __init__(self):
        self.steps, self.matches = [], []


class RelatedJobs:
    def __init__(self, registry: Registry):
        self.registry = registry
        self._nodes, self._records = {}, {}
        self._contexts = {}  # whole documents, for one job's related jobs only
        self._lock = threading.RLock()
        self._making = set()  # records being made: a spec relating a job to itself through others
        self.documents_read = Counter()  # (source, project, job) -> documents read: each once per batch
        self.records_made = Counter()  # (source, project, job, kind) -> records made

    def __call__(self, context: JobContext, spec) -> dict:
        """{"related": {alias: [record, ...]}, "lineage": {alias: [step, ...]}} for the spec's relations."""
        with self._lock:
            outer = self._contexts
            self._contexts = dict(outer)
            try:
                related, lineage = {}, {}
                for alias, relation in spec.related.items():
                    walk = self.walk(context, relation)
                    lineage[alias] = walk.steps
                    related[alias] = [record for record in (self._record(context, node, relation, walk)
                                                            for node in walk.matches) if record is not None]
                return {"related": related, "lineage": lineage}
            finally:
                self._contexts = outer

    def walk(self, context: JobContext, relation: Relation) -> _Walk:
        key = self._key(context, context.identity["uid"])
        self._contexts[key] = context
        start = self._nodes.setdefault(key, _Node.of(context))
        walk = _Walk()
        if relation.direction == "upstream":
            self._up(context, start, relation, walk, (start.uid,), {start.uid})
        else:
            self._down(context, start, relation, walk)
        return walk

    # -- finding jobs --

    @staticmethod
    def _key(near: JobContext, juid: str) -> tuple:
        jobs = near.document.project_jobs
        return (jobs.key if jobs is not None else near.origin), near.project["uid"], juid

    def _read(self, near: JobContext, juid: str):
        """The context of a job of `near`'s project; raises CsxError."""
        key = self._key(near, juid)
        if key not in self._contexts:
            jobs = near.document.project_jobs
            if jobs is None:
                raise CsxError(f"{juid} cannot be read from here (give the job as part of its project)")
            self.documents_read[key] += 1
            document = jobs.document(juid)
            self._contexts[key] = JobContext(document, detect_layout(self.registry.layouts, document.doc,
                                                                     document.origin))
        return self._contexts[key]

    def _node(self, near: JobContext, juid: str):
        """(node, None) of a job of `near`'s project, or (None, why it cannot be read)."""
        key = self._key(near, juid)
        if key not in self._nodes:
            try:
                self._nodes[key] = _Node.of(self._read(near, juid))
            except ForeignJobError as exc:  # a parent in another project: the walk says whose
                self._nodes[key] = f"a job of project {exc.project_uid}, not {near.project['uid']}"
            except CsxError as exc:
                self._nodes[key] = str(exc)
        found = self._nodes[key]
        return (None, found) if isinstance(found, str) else (found, None)

    def _parent(self, near: JobContext, child: _Node, juid: str, input_name: str):
        parent, unread = self._node(near, juid)
        where = f"input {input_name} comes from {juid}"
        if parent is None:
            if unread.startswith("a job of project"):
                return None, f"{where}, {unread}"
            return None, f"{where}, which is not in project {near.project['uid']} (deleted?)"
        if parent.deleted:
            return None, f"{where}, which is deleted"
        if parent.project_uid != child.project_uid:
            return None, f"{where}, a job of project {parent.project_uid}, not {child.project_uid}"
        return parent, None

    def _matches(self, node: _Node, relation: Relation) -> bool:
        if relation.job_types and node.type not in relation.job_types:
            return False
        return relation.kind is None or any(
            s.kind == relation.kind and s.layout == node.key.layout and s.covers(node.type)
            and s.admits_version(node.key.version) for s in self.registry.specs)

    def _up(self, near: JobContext, node: _Node, relation: Relation, walk: _Walk, path: tuple, seen: set):
        step = {"juid": node.uid, "type": node.type, "input": None, "num_items": None}
        walk.steps.append(step)
        if len(path) > 1 and self._matches(node, relation):
            walk.matches.append(node)
            if not relation.all:
                return
        followed = next(((name, node.inputs[name]) for name in relation.names if node.inputs.get(name)), None)
        if followed is None:
            return
        step["input"], connections = followed
        notes, parents, total = [], [], 0
        for connection in connections:
            parent, note = self._parent(near, node, connection["job_uid"], step["input"])
            items = None if parent is None else parent.outputs.get(connection["output"])
            total = None if total is None or items is None else total + items
            if note:
                notes.append(note)
            elif parent.uid in path:
                notes.append(f"input {step['input']} comes from {parent.uid}, which is downstream of it (a cycle)")
            elif parent.uid not in seen:  # a job reached by two branches is walked once
                seen.add(parent.uid)
                parents.append(parent)
        step["num_items"] = total
        if notes:
            step["note"] = "the walk stops: " + "; ".join(notes)
        for parent in parents:
            self._up(near, parent, relation, walk, path + (parent.uid,), seen)

    def _down(self, near: JobContext, node: _Node, relation: Relation, walk: _Walk):
        kind_specs = [s for s in self.registry.specs if s.kind == relation.kind]
        # no types to list by: a kind with a spec of any job type is looked for among every job
        types = set(relation.job_types) or (set() if any(s.any_type for s in kind_specs)
                                            else {t for s in kind_specs for t in s.job_types})
        jobs = near.document.project_jobs
        try:
            uids = jobs.uids(sorted(types)) if jobs is not None else []
        except CsxError as exc:
            walk.steps.append({"juid": node.uid, "type": node.type, "input": None, "num_items": None,
                               "note": f"the project's jobs cannot be listed: {exc}"})
            return
        for uid in uids:
            key = self._key(near, uid)
            held = key in self._contexts
            child = self._node(near, uid)[0] if uid != node.uid else None
            if child is None or not self._matches(child, relation):
                if not held:  # a scan over the whole project keeps no document it does not use
                    self._contexts.pop(key, None)
                continue
            for name, connections in child.inputs.items():
                used = [c["output"] for c in connections if c["job_uid"] == node.uid and c["output"] in relation.names]
                if used:
                    items = [node.outputs.get(output) for output in used]
                    walk.steps.append({"juid": uid, "type": child.type, "input": name,
                                       "num_items": None if None in items else sum(items)})
                    walk.matches.append(child)
                    break

    # -- their records --

    def _record(self, near: JobContext, node: _Node, relation: Relation, walk: _Walk):
        key = (*self._key(near, node.uid), relation.kind)
        if key not in self._records:
            self._records[key] = self._make(near, node, relation.kind, key)
        record, note = self._records[key]
        if note:
            step = next((s for s in walk.steps if s["juid"] == node.uid), None)
            if step is not None:
                step["note"] = note
        return record

    def _make(self, near: JobContext, node: _Node, kind, key) -> tuple:
        if kind is None:
            return summary(node, near.project["uid"]), None
        if key in self._making:
            return None, f"its {kind} record needs itself (a cycle of related specs)"
        self._making.add(key)
        self.records_made[key] += 1
        try:
            context = self._read(near, node.uid)
            return evaluate(context, self.registry.choose(context.key, kind), self), None
        except CsxError as exc:
            return None, f"no {kind} record: {exc}"
        finally:
            self._making.discard(key)


def summary(node: _Node, puid: str) -> dict:
    """The record of a related job asked for by type, not kind: who it is and what it put out."""
    return {"job_info": {"puid": puid, "juid": node.uid, "type": node.type, "status": node.status},
            "outputs": dict(node.outputs)}
