"""The shape of job documents without their values: the keys, the JSON type
of each value and the lengths of lists, merged over many documents, so a user
can show what their CryoSPARC writes without showing their data.

No value is kept: no string, number or date. Keys are kept where they are
names of CryoSPARC's own (`params_base`, `radwn_final_A`); a key that may be
a value itself (a project, job, workspace or session uid such as `J180`,
`P7W1` or a part of the key such as `J180_particles`, a
run of 6 or more digits, a hex id of 8 or more characters, an email, a file
name or path, anything not shaped like an identifier) is replaced by a
placeholder saying what it looked like (`<uid>`, `<number>`, `<hex>`,
`<email>`, `<path>`, `<key>`). A key shaped like an identifier that is a
value all the same (a user name used as a key) cannot be told apart and is
kept.
"""

import re
from functools import lru_cache

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# CryoSPARC's uids: projects P30, jobs J180, workspaces W2, sessions S4, and P7W1 for a project's workspace; as a
# whole key or one _-part of it (J180_particles). Not A2 (total_dose_e_per_A2: a unit)
UID = re.compile(r"(?:[PJWS][0-9]+)+")
DIGITS = re.compile(r"[0-9]{6,}")
HEX = re.compile(r"(?=[0-9a-fA-F-]*[0-9])[0-9a-fA-F]{8,}(?:-[0-9a-fA-F]+)*")
VERSION = re.compile(r"v?[0-9]+(?:\.[0-9]+)*(?:[-+.][A-Za-z0-9]+)*")
JOB_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
# a document nests about ten levels; past this the shape says no more
MAX_DEPTH = 64
# distinct keys of one object in a shape: past them, keys are counted under one placeholder
MAX_KEYS = 2000
MORE_KEYS = "<more keys>"
# said in every shape file
RULE = ("No value of any document is kept: only keys, JSON types (with how often each was met) and list lengths "
        "(shortest, longest). A key that may be a value itself is replaced by what it looked like: <uid> (a "
        "project, job, workspace or session uid, P, J, W or S and digits, or a project's workspace, P and digits "
        "then W and digits; as the key or one _-separated part of it), <number> (6 or more digits in a row), "
        "<hex> (8 or more hex digits, a digit among them), "
        "<email> (an @), <path> (a /, \\, . or leading ~), <key> (anything else not shaped like an identifier); "
        "keys shaped like identifiers are kept. Dataset fields (result/field) are kept part by part by the same "
        "rule, with their numpy type. The job type and version are kept where they read as such, else <type>, "
        "<version>.")
TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")


@lru_cache(maxsize=8192)
def shape_key(key: str) -> str:
    """The key as a shape shows it: itself, or the placeholder of what it looks like."""
    if IDENTIFIER.fullmatch(key):
        parts = key.split("_")
        if any(UID.fullmatch(part) for part in parts):
            return "<uid>"
        if any(DIGITS.search(part) for part in parts):
            return "<number>"
        if any(HEX.fullmatch(part) for part in parts):
            return "<hex>"
        return key
    if "@" in key:
        return "<email>"
    if "/" in key or "\\" in key or "." in key or key.startswith("~"):
        return "<path>"
    if key.isdigit():
        return "<number>"
    if HEX.fullmatch(key):
        return "<hex>"
    return "<key>"


def column_key(name: str) -> str:
    """A dataset field name (`map/path`) as a shape shows it: each part by shape_key."""
    return "/".join(shape_key(part) for part in name.split("/"))


def version_key(version) -> str:
    """A version string kept where it reads as a version (v4.7.1, v4.7.1-cuda12+250814), else a placeholder."""
    if version is None:
        return "<none>"
    return version if isinstance(version, str) and VERSION.fullmatch(version) else "<version>"


def type_key(job_type) -> str:
    return job_type if isinstance(job_type, str) and JOB_TYPE.fullmatch(job_type) else "<type>"


class Shape:
    """What a value looked like over every document merged into it: how often each JSON type, and for
    objects each key's shape, for lists their shortest and longest length and their items' shape."""

    __slots__ = ("types", "keys", "lengths", "items")

    def __init__(self):
        self.types, self.keys, self.lengths, self.items = {}, None, None, None

    def add(self, value, depth: int = 0):
        kind = type(value)
        types = self.types
        if kind is dict:
            types["object"] = types.get("object", 0) + 1
            if depth >= MAX_DEPTH:
                return
            keys = self.keys
            if keys is None:
                keys = self.keys = {}
            for key, item in value.items():
                name = shape_key(key) if type(key) is str else "<key>"
                child = keys.get(name)
                if child is None:
                    if len(keys) >= MAX_KEYS:
                        name = MORE_KEYS
                        child = keys.get(name)
                    if child is None:
                        child = keys[name] = Shape()
                scalar = _SCALARS.get(type(item))
                if scalar is None:
                    child.add(item, depth + 1)
                else:  # most values: counted here, without a call
                    child.types[scalar] = child.types.get(scalar, 0) + 1
        elif kind is list:
            types["array"] = types.get("array", 0) + 1
            length = len(value)
            lengths = self.lengths
            if lengths is None:
                self.lengths = [length, length]
            elif length < lengths[0]:
                lengths[0] = length
            elif length > lengths[1]:
                lengths[1] = length
            if not value or depth >= MAX_DEPTH:
                return
            items = self.items
            if items is None:
                items = self.items = Shape()
            first = type(value[0])
            scalar = _SCALARS.get(first)
            if scalar is not None and all(type(item) is first for item in value):  # a curve: one type, counted once
                items.types[scalar] = items.types.get(scalar, 0) + length
                return
            for item in value:
                items.add(item, depth + 1)
        else:
            name = _SCALARS.get(kind, "string")
            types[name] = types.get(name, 0) + 1

    def merge(self, other: "Shape"):
        for name, count in other.types.items():
            self.types[name] = self.types.get(name, 0) + count
        if other.keys is not None:
            if self.keys is None:
                self.keys = {}
            for name, child in other.keys.items():
                if name not in self.keys and len(self.keys) >= MAX_KEYS:
                    name = MORE_KEYS
                self.keys.setdefault(name, Shape()).merge(child)
        if other.lengths is not None:
            self.lengths = list(other.lengths) if self.lengths is None else [
                min(self.lengths[0], other.lengths[0]), max(self.lengths[1], other.lengths[1])]
        if other.items is not None:
            if self.items is None:
                self.items = Shape()
            self.items.merge(other.items)

    def as_json(self) -> dict:
        shown = {"types": {name: self.types[name] for name in TYPES if name in self.types}}
        if self.keys is not None:
            shown["keys"] = {name: child.as_json() for name, child in self.keys.items()}
        if self.lengths is not None:
            shown["length"] = list(self.lengths)
        if self.items is not None:
            shown["items"] = self.items.as_json()
        return shown


_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
