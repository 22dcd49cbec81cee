"""A Table 1 written out: Markdown and LaTeX for people (cells as text), CSV and
JSON for programs (numbers as numbers, a range as min and max, a list as one
row per value), and the records themselves.

Every value printed as text goes through `visible` first, and then through the
format's own escaping, so that no value (a symmetry read from a document, a
row of a meta file, a --label) can break a row, forge one, or send control
sequences to a terminal."""

import csv
import io
import json
import unicodedata

from ..sinks.rows import text_cell

MISSING = "—"
# characters that move or hide text: line and paragraph separators and bidirectional controls, beside
# the control characters (Unicode category Cc, which includes newline, tab and escape)
_HIDING = {"\u2028", "\u2029", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def visible(text: str) -> str:
    """The text with each control character written out as an escape (\\x1b, \\n, \\u202e)."""
    if text.isprintable():
        return text
    return "".join(_escape(c) if unicodedata.category(c) == "Cc" or c in _HIDING else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def number_text(value) -> str:
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.0f}" if abs(value) >= 10000 else f"{value:.4g}"


def cell_text(cell) -> str:
    """A cell as people read it: 1,298,411; 0.82–2.54; 50, 52.5; —."""
    value = cell.value
    if cell.is_range:
        low, high = value
        text = MISSING if low is None or high is None else f"{number_text(low)}–{number_text(high)}"
    elif value is None or value == []:
        text = MISSING
    elif isinstance(value, list):
        text = ", ".join(number_text(v) for v in value)
    else:
        text = number_text(value)
    return f"{text} ({cell.note})" if cell.note and text != MISSING else text


# -- Markdown --

def _md(text: str) -> str:
    return visible(text).replace("\\", "\\\\").replace("|", "\\|")


def markdown(table) -> str:
    header = ["Data collection and processing", *(column.label for column in table.columns)]
    lines = ["| " + " | ".join(map(_md, header)) + " |", "|" + "|".join([":---"] + ["---:"] * len(table.columns)) + "|"]
    lines += ["| " + " | ".join([_md(row.title), *(_md(cell_text(c)) for c in row.cells)]) + " |" for row in table.rows]
    # where a walk stopped early, say why under the table: the empty cells are explained
    notes = [f"- {_md(note)}" for note in table.notes]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


# -- LaTeX --

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "^": r"\^{}",
          "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "–": "--", "—": "---", "<": r"\textless{}",
          ">": r"\textgreater{}"}
_LATEX_UNITS = {"Å": r"\AA{}", "Å²": r"\AA$^{2}$", "e⁻/Å²": r"e$^{-}$/\AA$^{2}$", "μm": r"$\mu$m"}


def _tex(text: str) -> str:
    return "".join(_LATEX.get(c, c) for c in visible(text))


def _tex_title(row) -> str:
    unit = _LATEX_UNITS.get(row.unit, _tex(row.unit))
    return f"{_tex(row.quantity)} ({unit})" if row.unit else _tex(row.quantity)


def latex(table) -> str:
    """A tabular environment, for \\input in a paper (UTF-8 LaTeX); the notes as comments under it."""
    align = "l" + "r" * len(table.columns)
    header = " & ".join(["Data collection and processing", *(_tex(c.label) for c in table.columns)])
    lines = ["% Cryo-EM data collection and processing (Table 1), written by csx table1",
             f"\\begin{{tabular}}{{{align}}}", r"\hline", header + r" \\", r"\hline"]
    lines += [" & ".join([_tex_title(row), *(_tex(cell_text(c)) for c in row.cells)]) + r" \\" for row in table.rows]
    lines += [r"\hline", r"\end{tabular}"]
    lines += [f"% {visible(note)}" for note in table.notes]
    return "\n".join(lines) + "\n"


# -- data: CSV and JSON --

COLUMNS = ("column", "job", "key", "quantity", "unit", "value", "min", "max", "note")


def data_rows(table) -> list:
    """One dict per value: the column (its label) and job, the quantity's key, name and unit, and the value
    (a number as a number); a range gives min and max, a list one row per value, an empty cell one row with
    no value. `note` says where a value comes from where the table chose (the sharpening B-factor)."""
    rows = []
    for row in table.rows:
        for column, cell in zip(table.columns, row.cells):
            base = {"column": column.label, "job": column.job, "key": row.key, "quantity": row.quantity,
                    "unit": row.unit, "value": None, "min": None, "max": None, "note": cell.note}
            if cell.is_range:
                rows.append({**base, "min": cell.value[0], "max": cell.value[1]})
            elif isinstance(cell.value, list):
                rows += [{**base, "value": value} for value in cell.value] or [base]
            else:
                rows.append({**base, "value": cell.value})
    return rows


def _csv_value(value):
    """A cell of Table 1's CSV: numbers as numbers; text by csx's CSV policy (sinks/rows.text_cell: no
    formula a spreadsheet would run), its control characters shown, not kept."""
    return "" if value is None else text_cell(visible(value)) if isinstance(value, str) else repr(value)


def csv_text(table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([_csv_value(row[name]) for name in COLUMNS] for row in data_rows(table))
    return out.getvalue()


def json_text(table) -> str:
    document = {"columns": [{"label": c.label, "job": c.job} for c in table.columns], "rows": data_rows(table),
                "notes": table.notes}
    return json.dumps(document, ensure_ascii=False) + "\n"


def records_text(table) -> str:
    return "".join(json.dumps(column.record) + "\n" for column in table.columns)


FORMATS = {"markdown": markdown, "latex": latex, "csv": csv_text, "json": json_text, "records": records_text}
