"""Related jobs: the walk from a job through the links its layout names, and
the records of the jobs it finds, each made by its own spec.

One RelatedJobs serves a whole batch: every document it opens and every
record it makes is kept, keyed by where the job lives (project directory or
instance), its project, its uid and the record kind, so an ancestor that many
maps share is read and extracted once. A walk that meets a deleted parent, a
parent of another project or a cycle stops there with a note on the step; a
related job whose record cannot be made is left out with a note, too.
"""

import threading
from collections import Counter

from .context import JobContext
from .engine import evaluate
from .errors import CsxError
from .layouts import detect_layout
from .registry import Registry
from .relations import Relation


class _Walk:
    """What one relation found from one job: its steps (the lineage) and the matching jobs."""

    def __init__(self):
        self.steps, self.matches = [], []


class RelatedJobs:
    def __init__(self, registry: Registry):
        self.registry = registry
        self._contexts, self._records = {}, {}
        self._lock = threading.RLock()
        self._making = set()  # records being made: a spec relating a job to itself through others
        self.documents_read = Counter()  # (source, project, job) -> documents read: each once per batch
        self.records_made = Counter()  # (source, project, job, kind) -> records made

    def __call__(self, context: JobContext, spec) -> dict:
        """{"related": {alias: [record, ...]}, "lineage": {alias: [step, ...]}} for the spec's relations."""
        with self._lock:
            self._contexts.setdefault(self._key(context, context.identity["uid"]), context)
            related, lineage = {}, {}
            for alias, relation in spec.related.items():
                walk = self.walk(context, relation)
                lineage[alias] = walk.steps
                related[alias] = [record for record in (self._record(c, relation, walk) for c in walk.matches)
                                  if record is not None]
            return {"related": related, "lineage": lineage}

    def walk(self, context: JobContext, relation: Relation) -> _Walk:
        walk = _Walk()
        if relation.direction == "upstream":
            self._up(context, relation, walk, (context.identity["uid"],), set())
        else:
            self._down(context, relation, walk)
        return walk

    # -- finding jobs --

    @staticmethod
    def _key(context: JobContext, juid: str) -> tuple:
        return context.document.project_jobs.key if context.document.project_jobs else context.origin, \
            context.project["uid"], juid

    def _open(self, near: JobContext, juid: str):
        """(context, None) of a job of `near`'s project, or (None, why it cannot be followed)."""
        key = self._key(near, juid)
        if key not in self._contexts:
            jobs = near.document.project_jobs
            if jobs is None:
                return None, f"{juid} cannot be read from here (give the job as part of its project)"
            self.documents_read[key] += 1
            try:
                document = jobs.document(juid)
                self._contexts[key] = JobContext(document, detect_layout(self.registry.layouts, document.doc,
                                                                         document.origin))
            except CsxError as exc:
                self._contexts[key] = f"{juid} is not in project {near.project['uid']} (deleted?): {exc}"
        found = self._contexts[key]
        return (None, found) if isinstance(found, str) else (found, None)

    def _parent(self, child: JobContext, juid: str, input_name: str):
        parent, note = self._open(child, juid)
        where = f"input {input_name} comes from {juid}"
        if parent is None:
            return None, f"{where}, which is not in project {child.project['uid']} (deleted?)"
        if parent.layout.is_deleted(parent.doc):
            return None, f"{where}, which is deleted"
        owner = parent.identity["project_uid"]
        if owner != child.project["uid"]:
            return None, f"{where}, a job of project {owner}, not {child.project['uid']}"
        return parent, None

    def _matches(self, context: JobContext, relation: Relation) -> bool:
        if relation.job_types and context.identity["type"] not in relation.job_types:
            return False
        return relation.kind is None or any(
            s.kind == relation.kind and s.layout == context.key.layout and context.identity["type"] in s.job_types
            and s.admits_version(context.key.version) for s in self.registry.specs)

    def _up(self, context: JobContext, relation: Relation, walk: _Walk, path: tuple, seen: set):
        step = {"juid": context.identity["uid"], "type": context.identity["type"], "input": None, "num_items": None}
        walk.steps.append(step)
        if len(path) > 1 and self._matches(context, relation):
            walk.matches.append(context)
            if not relation.all:
                return
        layout, doc = context.layout, context.doc
        followed = next(((name, layout.connections(doc, name)) for name in relation.names
                         if layout.connections(doc, name)), None)
        if followed is None:
            return
        step["input"], connections = followed
        notes, parents, total = [], [], 0
        for connection in connections:
            parent, note = self._parent(context, connection["job_uid"], step["input"])
            items = None if parent is None else parent.layout.output_items(parent.doc, connection["output"])
            total = None if total is None or items is None else total + items
            if note:
                notes.append(note)
            elif connection["job_uid"] in path:
                notes.append(f"input {step['input']} comes from {connection['job_uid']}, which is downstream of "
                             "it (a cycle)")
            elif connection["job_uid"] not in seen:  # a job reached by two branches is walked once
                seen.add(connection["job_uid"])
                parents.append(parent)
        step["num_items"] = total
        if notes:
            step["note"] = "the walk stops: " + "; ".join(notes)
        for parent in parents:
            self._up(parent, relation, walk, path + (parent.identity["uid"],), seen)

    def _down(self, context: JobContext, relation: Relation, walk: _Walk):
        me = context.identity["uid"]
        types = set(relation.job_types) or {t for s in self.registry.specs if s.kind == relation.kind
                                            for t in s.job_types}
        try:
            uids = context.document.project_jobs.uids(sorted(types)) if context.document.project_jobs else []
        except CsxError as exc:
            walk.steps.append({"juid": me, "type": context.identity["type"], "input": None, "num_items": None,
                               "note": f"the project's jobs cannot be listed: {exc}"})
            return
        for uid in uids:
            child = self._open(context, uid)[0] if uid != me else None
            if child is None or not self._matches(child, relation):
                continue
            for name in child.layout.input_names(child.doc):
                outputs = [c["output"] for c in child.layout.connections(child.doc, name) if c["job_uid"] == me]
                used = [output for output in outputs if output in relation.names]
                if used:
                    items = [context.layout.output_items(context.doc, output) for output in used]
                    walk.steps.append({"juid": uid, "type": child.identity["type"], "input": name,
                                       "num_items": None if None in items else sum(items)})
                    walk.matches.append(child)
                    break

    # -- their records --

    def _record(self, context: JobContext, relation: Relation, walk: _Walk):
        key = (*self._key(context, context.identity["uid"]), relation.kind)
        if key not in self._records:
            self._records[key] = self._make(context, relation.kind, key)
        record, note = self._records[key]
        if note:
            step = next((s for s in walk.steps if s["juid"] == context.identity["uid"]), None)
            if step is not None:
                step["note"] = note
        return record

    def _make(self, context: JobContext, kind, key) -> tuple:
        if kind is None:
            return summary(context), None
        if key in self._making:
            return None, f"its {kind} record needs itself (a cycle of related specs)"
        self._making.add(key)
        self.records_made[key] += 1
        try:
            return evaluate(context, self.registry.choose(context.key, kind), self), None
        except CsxError as exc:
            return None, f"no {kind} record: {exc}"
        finally:
            self._making.discard(key)


def summary(context: JobContext) -> dict:
    """The record of a related job asked for by type, not kind: who it is and what it put out."""
    identity, layout, doc = context.identity, context.layout, context.doc
    return {
        "job_info": {"puid": context.project["uid"], "juid": identity["uid"], "type": identity["type"],
                     "status": identity["status"]},
        "outputs": {name: layout.output_items(doc, name) for name in layout.output_names(doc)},
    }
