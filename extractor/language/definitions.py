"""Named expressions: what a spec declares once under `define:` and its
fields use as `$name`.

CryoSPARC has kept one fact under several names and in several places
(`latest_summary_stats`, or a `summary_stats` list; `fsc_info_best`, or only
`fsc_info_autotight`; `fsc_tightmask` or `fsc_resmask`). A spec names each
place once, with its spellings as `||` alternatives, and every field reads
the fact through the name. `$name` stands for its expression in
parentheses, evaluated where it is used (so a name may also apply to the
current element of a projection); a name may use other names. The result is
a plain JMESPath expression: the compiler and the engine never see a name.

`$` is no JMESPath token (jmespath.py refuses it), so a name never clashes
with what JMESPath means; `$` inside a quoted string or identifier
('$1', "$date") or a JSON literal is left alone.
"""

import re

NAME = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
QUOTES = "'\"`"  # raw string, quoted identifier, JSON literal: each ends at its unescaped quote
# An expression a name expands to, in characters: names that use names twice, nested, double
# at each level, so a few lines could otherwise expand to gigabytes.
MAX_EXPANDED = 100_000


class DefinitionError(ValueError):
    """A `$name` that cannot be expanded; `offset` is where in the text it is."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message, self.offset = message, offset


def references(text: str) -> list:
    """(start, end, name) of each `$name` outside quotes, in order."""
    found, at = [], 0
    while at < len(text):
        char = text[at]
        if char in QUOTES:
            at = _closing(text, at) + 1
        elif char == "$":
            match = NAME.match(text, at)
            if match:
                found.append((match.start(), match.end(), match.group(1)))
                at = match.end()
            else:
                at += 1
        else:
            at += 1
    return found


def _closing(text: str, start: int) -> int:
    """Where the quote opened at `start` closes (a backslash escapes the next character); the end of
    the text for one never closed (the JMESPath lexer reports that)."""
    quote, at = text[start], start + 1
    while at < len(text):
        if text[at] == "\\":
            at += 2
        elif text[at] == quote:
            return at
        else:
            at += 1
    return len(text)


def placeholders(text: str) -> str:
    """The text with each `$name` replaced by `@` and spaces, as long: it parses where the text with
    the names expanded would, and a syntax error keeps its column in the text as written."""
    pieces, kept = [], 0
    for start, end, _ in references(text):
        pieces += [text[kept:start], "@".ljust(end - start)]
        kept = end
    return "".join(pieces) + text[kept:]


def expand(text: str, definitions: dict, name: str | None = None) -> str:
    """The text with every `$name` replaced by its definition (name -> text), itself expanded, in
    parentheses; `name`: the text is that name's definition. Raises DefinitionError for a name not
    defined, a definition that uses itself, or an expansion longer than MAX_EXPANDED characters."""
    return _expand(text, definitions, () if name is None else (name,), {})


def _expand(text: str, definitions: dict, using: tuple, done: dict) -> str:
    found = references(text)
    if not found:
        return text
    pieces, kept, size = [], 0, len(text)
    for start, end, name in found:
        if name not in definitions:
            known = ", ".join(f"${n}" for n in sorted(definitions)) or "none"
            raise DefinitionError(f"${name} is not defined (defined: {known}); declare it under define:", start)
        if name in using:
            chain = " -> ".join(f"${n}" for n in (*using[using.index(name):], name))
            raise DefinitionError(f"${name} uses itself ({chain})", start)
        if name not in done:
            done[name] = _expand(definitions[name], definitions, using + (name,), done)
        size += len(done[name]) + 2 - (end - start)
        if size > MAX_EXPANDED:
            raise DefinitionError(f"the names expand to more than {MAX_EXPANDED:,} characters", start)
        pieces += [text[kept:start], "(", done[name], ")"]
        kept = end
    return "".join(pieces) + text[kept:]
