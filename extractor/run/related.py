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

from ..errors import CsxError, ForeignJobError, MissingJobError
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
    inputs: dict  # input name -> [{job_uid, output, slots: [{job_uid, output}]}]
    outputs: dict  # output name -> number of items

    @classmethod
    def of(cls, context: JobContext) -> "_Node":
        identity = context.identity
        return cls(identity["uid"], identity["type"], identity["status"], identity["project_uid"], context.key,
                   context.is_deleted(), {name: context.connections(name) for name in context.input_names()},
                   {name: context.output_items(name) for name in context.output_names()})


_OUTSIDE = object()  # no spec's relations being worked out: a walk keeps what its own relation may match


class _Walk:
    """What one relation found from one job: its steps (the lineage), the matching jobs, and for each job
    reached upstream the outputs the walk came through, with their items."""

    def __init__(self):
        self.steps, self.matches, self.through = [], [], {}
        self.reached = set()  # every job an input of the walk named, followed or not


# upstream walks kept for jobs connected like one walked before (maps of shared ancestry): how many, and
# of how many steps at most, so that what is kept stays small however long the chains
WALKS_KEPT, STEPS_KEPT = 64, 500
LISTED_KEPT = 64  # documents of the jobs a downstream listing matched, kept for the walk that makes their record


def _connected(connections) -> tuple:
    """What of an input's connections an upstream walk follows: the jobs, outputs and slots' jobs."""
    return tuple((c["job_uid"], c["output"], tuple(slot["job_uid"] for slot in c["slots"])) for c in connections)


class RelatedJobs:
    def __init__(self, registry: Registry):
        self.registry = registry
        self._nodes, self._records = {}, {}
        self._downstream = {}  # (source, project, job types) -> {job uid: the uids of its children}
        self._specs_for = {}  # (kind, job key, job type) -> whether a spec of the kind reads such a job
        self._listing = None  # the downstream relations of the spec being worked out: one listing serves them all
        self._listed_documents = {}  # documents of jobs a downstream listing matched, till their record is made
        self._walked = {}  # (source, project, relation, input, connections) -> an upstream _Walk, the start's step first
        self._contexts = {}  # whole documents, for one job's related jobs only
        self._wanted = _OUTSIDE  # job types whose documents a walk keeps (None: all): those its relations may match
        self._lock = threading.RLock()
        self._making = set()  # records being made: a spec relating a job to itself through others
        self.documents_read = Counter()  # (source, project, job) -> documents read: each once per batch
        self.records_made = Counter()  # (source, project, job, kind) -> records made

    def __call__(self, context: JobContext, spec) -> dict:
        """{"related": {alias: [record, ...]}, "lineage": {alias: [step, ...]}} for the spec's relations."""
        with self._lock:
            outer, outer_wanted = self._contexts, self._wanted
            self._contexts = dict(outer)
            self._wanted = self._types_wanted(spec.related.values())
            self._listing = [r for r in spec.related.values() if r.direction == "downstream"]
            try:
                related, lineage = {}, {}
                for alias, relation in spec.related.items():
                    walk = self.walk(context, relation)
                    lineage[alias] = walk.steps
                    related[alias] = [record for record in (self._record(context, node, relation, walk)
                                                            for node in walk.matches) if record is not None]
                return {"related": related, "lineage": lineage}
            finally:
                self._contexts, self._wanted, self._listing = outer, outer_wanted, None

    def walk(self, context: JobContext, relation: Relation) -> _Walk:
        with self._lock:
            outer_wanted = self._wanted
            if outer_wanted is _OUTSIDE:  # a walk of its own (csx specs --explain): what this relation matches
                self._wanted = self._types_wanted([relation])
            try:
                key = self._key(context, context.identity["uid"])
                self._contexts[key] = context
                if key not in self._nodes:  # a map's nine relations walk from it: its inputs are read once
                    self._nodes[key] = _Node.of(context)
                start = self._nodes[key]
                walk = _Walk()
                if relation.direction == "upstream":
                    self._up(context, start, relation, walk)
                else:
                    self._down(context, start, relation, walk)
                return walk
            finally:
                self._wanted = outer_wanted

    def _types_wanted(self, relations):
        """The job types the relations may match (None: any), whose documents a walk keeps for their records;
        the others' documents are dropped once their node is known, so a chain of thousands of jobs is
        walked in little memory."""
        wanted = set()
        for relation in relations:
            if relation.job_types:
                wanted.update(relation.job_types)
            elif relation.kind is not None:
                wanted.update(t for s in self.registry.specs if s.kind == relation.kind for t in s.job_types)
            else:
                return None
        return wanted

    # -- finding jobs --

    @staticmethod
    def _key(near: JobContext, juid: str) -> tuple:
        jobs = near.document.project_jobs
        return (jobs.key if jobs is not None else near.origin), near.project["uid"], juid

    def _read(self, near: JobContext, juid: str):
        """The context of a job of `near`'s project; raises CsxError."""
        key = self._key(near, juid)
        if key not in self._contexts and key in self._listed_documents:
            self._contexts[key] = self._listed_documents.pop(key)
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
        """(node, None) of a job of `near`'s project, or (None, why it cannot be followed: the end of a
        sentence "input X comes from J14, ...")."""
        key = self._key(near, juid)
        if key not in self._nodes:
            held = key in self._contexts
            try:
                node = self._nodes[key] = _Node.of(self._read(near, juid))
                if not held and self._wanted is not None and node.type not in self._wanted:
                    self._contexts.pop(key, None)
            except ForeignJobError as exc:  # a parent in another project: the walk says whose
                self._nodes[key] = f"a job of project {exc.project_uid}, not {near.project['uid']}"
            except MissingJobError:  # only a job that is not there may have been deleted
                self._nodes[key] = f"which is not in project {near.project['uid']} (deleted?)"
            except CsxError as exc:
                self._nodes[key] = f"which cannot be read: {exc}"
        found = self._nodes[key]
        return (None, found) if isinstance(found, str) else (found, None)

    def _parent(self, near: JobContext, child: _Node, juid: str, input_name: str):
        parent, unread = self._node(near, juid)
        where = f"input {input_name} comes from {juid}"
        if parent is None:
            return None, f"{where}, {unread}"
        if parent.deleted:
            return None, f"{where}, which is deleted"
        if parent.project_uid != child.project_uid:
            return None, f"{where}, a job of project {parent.project_uid}, not {child.project_uid}"
        return parent, None

    def _matches(self, node: _Node, relation: Relation) -> bool:
        if relation.job_types and node.type not in relation.job_types:
            return False
        return relation.kind is None or self._has_spec(relation.kind, node)

    def _has_spec(self, kind: str, node: _Node) -> bool:
        """Whether a spec of `kind` reads the node's job: asked at every step of every walk, so answered
        once per kind and job key for the batch."""
        key = (kind, node.key, node.type)
        if key not in self._specs_for:
            self._specs_for[key] = any(
                s.kind == kind and s.layout == node.key.layout and s.covers(node.type)
                and s.admits_version(node.key.version) for s in self.registry.specs)
        return self._specs_for[key]

    def _up(self, near: JobContext, start: _Node, relation: Relation, walk: _Walk):
        """The walk upstream from `start`; taken from that of a job whose followed input has the same
        connections, where one was walked (the walk beyond the start is the same, unless it reaches the
        start itself: a cycle)."""
        followed = next(((name, start.inputs[name]) for name in relation.names if start.inputs.get(name)), None)
        if followed is None:
            return self._walk_up(near, start, relation, walk)
        source, puid, _ = self._key(near, "")
        key = (source, puid, start.project_uid, relation, followed[0], _connected(followed[1]))
        kept = self._walked.get(key)
        if kept is not None and start.uid not in kept.reached:
            walk.steps = [{**kept.steps[0], "juid": start.uid, "type": start.type}] + [dict(s) for s in kept.steps[1:]]
            walk.matches, walk.reached = list(kept.matches), kept.reached
            walk.through = {uid: dict(outputs) for uid, outputs in kept.through.items()}
            return
        self._walk_up(near, start, relation, walk)
        if start.uid not in walk.reached and len(walk.steps) <= STEPS_KEPT:
            if len(self._walked) >= WALKS_KEPT:
                del self._walked[next(iter(self._walked))]
            kept = self._walked[key] = _Walk()
            kept.steps, kept.matches, kept.reached = [dict(s) for s in walk.steps], list(walk.matches), walk.reached
            kept.through = {uid: dict(outputs) for uid, outputs in walk.through.items()}

    def _walk_up(self, near: JobContext, start: _Node, relation: Relation, walk: _Walk):
        """Depth first, parents in the order their connections list them, each job once however many
        branches reach it; a stack, not recursion, so a chain of any length is walked."""
        came_from = {start.uid: None}  # the job each was first reached from: its branch back to the start
        upstream = {}  # job -> its parents that the walk could follow, whichever branch walked them
        stack = [start]
        while stack:
            node = stack.pop()
            step = {"juid": node.uid, "type": node.type, "input": None, "num_items": None}
            walk.steps.append(step)
            if node is not start and self._matches(node, relation):
                walk.matches.append(node)
                if not (relation.all or relation.farthest):
                    continue
            followed = next(((name, node.inputs[name]) for name in relation.names if node.inputs.get(name)), None)
            if followed is None:
                continue
            step["input"], connections = followed
            notes, parents, total = [], [], 0
            for connection in connections:
                # the connection's job, then any other job one of its slots names: all are parents; the
                # items that came through are the connection's own output's
                uids = dict.fromkeys([connection["job_uid"], *(slot["job_uid"] for slot in connection["slots"])])
                walk.reached.update(uids)
                for uid in uids:
                    parent, note = self._parent(near, node, uid, step["input"])
                    if uid == connection["job_uid"]:
                        items = None if parent is None else parent.outputs.get(connection["output"])
                        total = None if total is None or items is None else total + items
                        if parent is not None:
                            walk.through.setdefault(parent.uid, {})[connection["output"]] = items
                    if note:
                        notes.append(note)
                        continue
                    upstream.setdefault(node.uid, []).append(parent.uid)
                    if parent.uid in came_from:  # walked already: by another branch, or downstream of it
                        if _on_branch(came_from, node.uid, parent.uid):
                            notes.append(f"input {step['input']} comes from {parent.uid}, which is downstream of "
                                         "it (a cycle)")
                    else:
                        came_from[parent.uid] = node.uid
                        parents.append(parent)
            step["num_items"] = total
            if notes:
                step["note"] = "the walk stops: " + "; ".join(dict.fromkeys(notes))
            stack.extend(reversed(parents))
        if relation.farthest:  # a match with another match upstream of it, on any branch, is not the farthest
            matched = {match.uid for match in walk.matches}
            walk.matches = [match for match in walk.matches
                            if not matched.intersection(_upstream_of(upstream, match.uid))]

    def _listed_types(self, relation: Relation) -> set:
        """The job types a downstream relation lists the project's jobs by (empty: every job)."""
        kind_specs = [s for s in self.registry.specs if s.kind == relation.kind]
        # no types to list by: a kind with a spec of any job type is looked for among every job
        return set(relation.job_types) or (set() if any(s.any_type for s in kind_specs)
                                           else {t for s in kind_specs for t in s.job_types})

    def _down(self, near: JobContext, node: _Node, relation: Relation, walk: _Walk):
        # the jobs of every downstream relation of the spec, listed at once (a listing may read every job.json)
        relations = self._listing if relation in (self._listing or ()) else [relation]
        types = [self._listed_types(r) for r in relations]
        try:
            children = self._children(near, () if set() in types else tuple(sorted(set().union(*types))), relations)
        except CsxError as exc:
            walk.steps.append({"juid": node.uid, "type": node.type, "input": None, "num_items": None,
                               "note": f"the project's jobs cannot be listed: {exc}"})
            return
        for uid in children.get(node.uid, ()):
            child = self._node(near, uid)[0]
            if not self._matches(child, relation):
                continue
            for name, connections in child.inputs.items():
                used = [c["output"] for c in connections if c["job_uid"] == node.uid and c["output"] in relation.names]
                if used:
                    items = [node.outputs.get(output) for output in used]
                    walk.steps.append({"juid": uid, "type": child.type, "input": name,
                                       "num_items": None if None in items else sum(items)})
                    walk.matches.append(child)
                    break

    def _children(self, near: JobContext, types: tuple, relations: list) -> dict:
        """{job uid: the uids of the jobs (of `types`, in the project's order) with an input connected to it},
        over `near`'s project, made once per batch: a downstream walk from each of a thousand maps would
        otherwise list and match every job of the project a thousand times. Raises CsxError."""
        source, puid, _ = self._key(near, "")
        key = (source, puid, types)
        if key not in self._downstream:
            jobs = near.document.project_jobs
            children = {}
            for uid in (jobs.uids(list(types)) if jobs is not None else []):
                job_key = self._key(near, uid)
                held = job_key in self._contexts
                child = self._node(near, uid)[0]
                if not held and job_key in self._contexts and any(self._matches(child, r) for r in relations):
                    # its parent's walk, in this call or a later one, makes its record: kept till then (a few)
                    if len(self._listed_documents) >= LISTED_KEPT:
                        del self._listed_documents[next(iter(self._listed_documents))]
                    self._listed_documents[job_key] = self._contexts[job_key]
                # a scan over the whole project keeps no document it does not use (another relation may)
                if not held and (child is None or not any(self._matches(child, r) for r in relations)) and not (
                        child is not None and self._wanted not in (None, _OUTSIDE) and child.type in self._wanted):
                    self._contexts.pop(job_key, None)
                if child is None:
                    continue
                for parent in dict.fromkeys(c["job_uid"] for connections in child.inputs.values()
                                            for c in connections if c["job_uid"] != uid):
                    children.setdefault(parent, []).append(uid)
            self._downstream[key] = children
        return self._downstream[key]

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
        if relation.kind is None:  # the outputs this walk came through: a job's other walks may differ
            record = {**record, "through": dict(walk.through.get(node.uid, {}))}
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


def _branch(came_from: dict, uid):
    """The jobs from `uid` back to the start of the walk, `uid` first."""
    while uid is not None:
        yield uid
        uid = came_from[uid]


def _on_branch(came_from: dict, uid: str, ancestor: str) -> bool:
    return any(found == ancestor for found in _branch(came_from, uid))


def _upstream_of(upstream: dict, uid: str) -> set:
    """Every job upstream of `uid` in the walked graph, `uid` itself only through a cycle."""
    found, todo = set(), list(upstream.get(uid, ()))
    while todo:
        parent = todo.pop()
        if parent not in found:
            found.add(parent)
            todo.extend(upstream.get(parent, ()))
    found.discard(uid)
    return found


def summary(node: _Node, puid: str) -> dict:
    """The record of a related job asked for by type, not kind: who it is and what it put out (to which the
    walk adds `through`: the outputs it came through upstream, with their items)."""
    return {"job_info": {"puid": puid, "juid": node.uid, "type": node.type, "status": node.status},
            "outputs": dict(node.outputs)}
