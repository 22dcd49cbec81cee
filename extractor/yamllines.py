"""YAML loading that remembers where each value was written.

Spec errors must name the line, so next to the plain data we keep a map
from each value's path (a tuple of keys and indexes) to its (line, column),
both 1-based, taken from PyYAML's node marks.
"""

from pathlib import Path

from .errors import SpecError


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
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(file, 1, 1, f"cannot read: {exc.strerror}") from exc
    import yaml  # only when a spec is read: a warm registry cache reads none

    # libyaml's parser when PyYAML was built with it: several times faster than the pure-Python one
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        # one parse: the node tree gives the positions, and the same tree the data
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SpecError(file, line, col, f"YAML syntax: {problem}") from exc
    except yaml.YAMLError as exc:
        raise SpecError(file, 1, 1, f"YAML syntax: {exc}") from exc
    finally:
        loader.dispose()
    positions, value_positions = {}, {}
    if node is not None:
        _record_positions(node, (), positions, value_positions)
    return Located(file, data, positions, value_positions)


def _record_positions(node, path, positions, value_positions):
    value_positions[path] = positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.id == "mapping":
        for key_node, value_node in node.value:
            key = key_node.value
            _record_positions(value_node, path + (key,), positions, value_positions)
            # the key's own position is the more useful one for a field's errors
            positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif node.id == "sequence":
        for index, item in enumerate(node.value):
            _record_positions(item, path + (index,), positions, value_positions)
