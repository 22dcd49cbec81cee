"""YAML loading that remembers where each value was written.

Spec errors must name the line, so next to the plain data we keep a map
from each value's path (a tuple of keys and indexes) to its (line, column),
both 1-based, taken from PyYAML's node marks.
"""

import re
from pathlib import Path

from ..errors import SpecError
from ..regularfiles import read_source_text

# Nodes a YAML file may expand to, every alias counted as a copy of what it
# names: the shipped specs are a few hundred, and an alias bomb ("billion
# laughs") would otherwise be expanded by the position walk and the schema check.
MAX_EXPANDED_NODES = 100_000
MAX_SPEC_BYTES = 4 * 2**20
# Values inside values: the shipped specs reach 4; the schema check and the field walk
# recurse once or more per level, and Python's stack is not to be found out by a spec.
MAX_DEPTH = 32
# An alias token: "*" where a node may start, and an anchor name. Files without one
# (most specs) skip the expansion walk; a false hit only costs the walk.
ALIAS_TOKEN = re.compile(r"\*[^\s,\[\]{}]")
NODE_START = " \t\r\n\x85\u2028\u2029[{,:"  # YAML white space and line breaks, and flow punctuation


class Located:
    """Plain data loaded from YAML plus the position of every value in it."""

    def __init__(self, file, data, positions, value_positions):
        self.file = file
        self.data = data
        self._positions = positions
        self._value_positions = value_positions

    def position(self, path) -> tuple:
        """(line, col) of the value at `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while path not in self._positions and path:
            path = path[:-1]
        return self._positions.get(path, (1, 1))

    def value_position(self, path) -> tuple:
        """(line, col) where the value itself starts (not its key)."""
        return self._value_positions.get(tuple(path)) or self.position(path)

    def error(self, path, message) -> SpecError:
        line, col = self.position(path)
        return SpecError(self.file, line, col, message)


def load_located(file: Path) -> Located:
    text = read_source_text(file, MAX_SPEC_BYTES)
    import yaml  # only when a spec is read: a warm registry cache reads none

    # libyaml's parser when PyYAML was built with it: several times faster than the pure-Python one
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        # one parse: the node tree gives the positions, and the same tree the data
        node = loader.get_single_node()
        if node is not None and _may_alias(text):
            _check_expansion(file, node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SpecError(file, line, col, f"YAML syntax: {problem}") from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control character
        before = text[:exc.position]
        raise SpecError(file, before.count("\n") + 1, len(before) - before.rfind("\n"),
                        f"character U+{exc.character:04X} is not allowed in YAML") from exc
    except yaml.YAMLError as exc:
        raise SpecError(file, 1, 1, f"YAML syntax: {exc}") from exc
    finally:
        loader.dispose()
    positions, value_positions = {}, {}
    if node is not None:
        _record_positions(file, node, positions, value_positions)
    return Located(file, data, positions, value_positions)


def _may_alias(text: str) -> bool:
    # a scan from "*" to "*": JMESPath's [*] and .* are the only stars of most specs
    found = ALIAS_TOKEN.search(text)
    while found:
        if found.start() == 0 or text[found.start() - 1] in NODE_START:
            return True
        found = ALIAS_TOKEN.search(text, found.start() + 1)
    return False


def _children(node) -> list:
    if node.id == "mapping":
        return [child for pair in node.value for child in pair]
    return node.value if node.id == "sequence" else []


def _check_expansion(file, root):
    """Refuse a file whose aliases expand past MAX_EXPANDED_NODES, or that
    contains itself; an alias is the very node it names, so each node's
    expanded size is worked out once."""
    sizes, open_nodes = {}, set()
    stack = [(root, False)]
    while stack:
        node, children_sized = stack.pop()
        key = id(node)
        if children_sized:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_EXPANDED_NODES:
                raise _node_error(file, node, f"YAML aliases here expand to more than {MAX_EXPANDED_NODES:,} "
                                              "values (an alias bomb?); write the values out instead")
        elif key in open_nodes:
            raise _node_error(file, node, "YAML alias: this value contains an alias of itself")
        elif key not in sizes:
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def _node_error(file, node, message) -> SpecError:
    return SpecError(file, node.start_mark.line + 1, node.start_mark.column + 1, message)


def _record_positions(file, root, positions, value_positions):
    # a loop, not recursion: libyaml nests deeper than Python's recursion limit. Nodes are
    # visited in document order, so a key written twice (a merge, then the file's own) ends
    # at its last place, where the value in force comes from.
    stack = [(root, (), None)]
    while stack:
        node, path, key_position = stack.pop()
        if len(path) > MAX_DEPTH:
            raise _node_error(file, node, f"nested more than {MAX_DEPTH} levels deep; flatten it")
        value_positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        # the key's own position is the more useful one for a field's errors
        positions[path] = key_position or value_positions[path]
        if node.id == "mapping":
            children = [(value, path + (key.value,), (key.start_mark.line + 1, key.start_mark.column + 1))
                        for key, value in node.value]
        elif node.id == "sequence":
            children = [(item, path + (index,), None) for index, item in enumerate(node.value)]
        else:
            continue
        stack.extend(reversed(children))
