"""Named expressions (`define:`, `$name`): a spec says once where a fact is kept, in every spelling, and its
fields read it by name; the expanded expression is plain JMESPath."""

import pickle
import textwrap

import pytest

from extractor.errors import SpecError
from extractor.language.definitions import MAX_EXPANDED, DefinitionError, expand, placeholders, references
from extractor.language.expressions import compile_expression
from extractor.language.functions import CsxFunctions
from extractor.language.specfile import check_spec, load_spec
from tests.helpers import records, run_csx

SPEC = """\
kind: map-info
match:
  layout: v4
  job_types: [nonuniform_refine_new]
define:
  volume: job.output_result_groups[?name=='volume'] | [0]
  stats: latest_summary_stats || summary_stats[-1]
fields:
  gsfsc: {expr: $volume | $stats | fsc_info_best.radwn_final_A, required: true}
  cfar: $volume | $stats | cfar
"""


def write(tmp_path, text, name="spec.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_references_skip_quoted_strings_identifiers_and_literals():
    text = """$a.b || '$b' || "$c" || `"$d"` || f($e, 'it''s') || $f_2"""
    assert [name for *_, name in references(text)] == ["a", "e", "f_2"]
    assert [(start, end) for start, end, _ in references("x | $ab")] == [(4, 7)]
    assert references("'unclosed $a") == [] and references("a.b") == [] and references("$ 1 $2") == []


def test_placeholders_keep_every_column():
    text = "$volume | foo[?x == '$y'] | $z"
    assert placeholders(text) == "@       | foo[?x == '$y'] | @ "
    assert len(placeholders(text)) == len(text)


def test_a_name_stands_for_its_expression_in_parentheses_names_within_names():
    definitions = {"volume": "job.groups[?name=='volume'] | [0]", "stats": "a || b", "both": "$volume | $stats"}
    assert expand("$both.c", definitions) == "((job.groups[?name=='volume'] | [0]) | (a || b)).c"
    assert expand("no names here", definitions) == "no names here"


def test_an_unknown_name_a_cycle_and_a_doubling_bomb_are_refused():
    with pytest.raises(DefinitionError, match=r"\$nope is not defined \(defined: \$a\); declare it under define:"):
        expand("x | $nope", {"a": "b"})
    with pytest.raises(DefinitionError) as caught:
        expand("$a", {"a": "$b.x", "b": "[$a]"})
    assert caught.value.message == "$a uses itself ($a -> $b -> $a)"
    bomb = {"n0": "x", **{f"n{k}": f"[$n{k - 1}, $n{k - 1}]" for k in range(1, 31)}}
    with pytest.raises(DefinitionError, match=f"more than {MAX_EXPANDED:,} characters"):
        expand("$n30", bomb)


def test_a_spec_reads_a_fact_by_name(tmp_path):
    spec = load_spec(write(tmp_path, SPEC))
    assert spec.definitions == {"volume": "job.output_result_groups[?name=='volume'] | [0]",
                                "stats": "latest_summary_stats || summary_stats[-1]"}
    gsfsc = spec.fields[0].expression
    assert gsfsc.text == "$volume | $stats | fsc_info_best.radwn_final_A"
    assert gsfsc.evaluated_text == ("(job.output_result_groups[?name=='volume'] | [0]) | "
                                    "(latest_summary_stats || summary_stats[-1]) | fsc_info_best.radwn_final_A")
    latest = {"job": {"output_result_groups": [{"name": "volume", "latest_summary_stats": {
        "fsc_info_best": {"radwn_final_A": 2.28}}}]}}
    listed = {"job": {"output_result_groups": [{"name": "particles"}, {"name": "volume", "summary_stats": [
        {"fsc_info_best": {"radwn_final_A": 2.4}}, {"fsc_info_best": {"radwn_final_A": 2.31}}]}]}}
    functions = CsxFunctions(None, {})
    assert [gsfsc.search(doc, functions) for doc in (latest, listed)] == [2.28, 2.31]
    assert pickle.loads(pickle.dumps(gsfsc)).search(listed, functions) == 2.31  # the registry cache's way


def test_a_name_applies_to_the_element_where_a_projection_uses_it():
    expression = compile_expression("groups[*].{n: name, r: $fsc}", {"fsc": "best.r || autotight.r"})
    data = {"groups": [{"name": "a", "best": {"r": 3.1}}, {"name": "b", "autotight": {"r": 4.2}}, {"name": "c"}]}
    assert expression.search(data, CsxFunctions(None, {})) == [{"n": "a", "r": 3.1}, {"n": "b", "r": 4.2},
                                                               {"n": "c", "r": None}]
    assert compile_expression("'$fsc'", {}).search({}, CsxFunctions(None, {})) == "$fsc"  # a string stays


def test_names_merge_through_extends_and_a_fragment_uses_names_its_specs_define(tmp_path):
    write(tmp_path, """\
        define:
          stats: latest_summary_stats
          gsfsc: $volume | $stats | fsc_info_best.radwn_final_A
        fields:
          gsfsc: $gsfsc
        """, "_base.yaml")
    path = write(tmp_path, "extends: _base.yaml\n" + SPEC.replace("fields:\n", "fields:\n  resolution: $gsfsc\n"))
    spec = load_spec(path)
    assert spec.definitions["stats"] == "latest_summary_stats || summary_stats[-1]"  # the spec's own wins
    assert spec.definitions["gsfsc"] == "$volume | $stats | fsc_info_best.radwn_final_A"
    assert "summary_stats[-1]" in {f.name: f for f in spec.fields}["resolution"].expression.evaluated_text
    assert check_spec(tmp_path / "_base.yaml") == (None, [])  # its $volume is the business of what extends it


@pytest.mark.parametrize("edit, where, message", [
    (("  cfar: $volume | $stats | cfar", "  cfar: $volume | $stat | cfar"), "10:19",
     "field cfar: $stat is not defined (defined: $stats, $volume); declare it under define:"),
    (("  stats: latest_summary_stats || summary_stats[-1]", "  stats: $volume.$x"), "7:18",
     "$stats: $x after '.': a name stands for an expression in parentheses, which JMESPath takes after '|' "
     "(write `... | $x`)"),
    (("  stats: latest_summary_stats || summary_stats[-1]", "  stats: $volume | latest_summary_stats ||"), "7:43",
     "$stats: bad expression: Invalid jmespath expression at end of expression"),
    (("  stats: latest_summary_stats || summary_stats[-1]", "  stats: $volume | $gsfsc\n  gsfsc: $stats.x"), "7:10",
     "$stats: $stats uses itself ($stats -> $gsfsc -> $stats)"),
    (("  stats: latest_summary_stats", "  9stats: latest_summary_stats"), "6:3",
     "spec schema: define: '9stats' does not match"),
])
def test_each_mistake_is_one_line_at_its_place(tmp_path, edit, where, message):
    path = write(tmp_path, SPEC.replace(*edit))
    spec, problems = check_spec(path)
    assert spec is None and len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:{where}: {message}")
    assert isinstance(problems[0], SpecError)


def test_query_uses_the_names_of_the_spec_it_sees_the_job_as(reference_projects, capsys):
    job = reference_projects["P30"] / "J180"
    assert run_csx(capsys, "query", "$volume | $gsfsc", job)[:2] == (0, "2.281461238861084\n")
    code, out, _ = run_csx(capsys, "query", "--spec", "fsc", "$volume | $mask_resolutions | tight", job)
    assert (code, out) == (0, "2.3271\n")
    code, out, err = run_csx(capsys, "query", "$nope", job)
    assert (code, out) == (2, "")
    assert err[0].startswith("csx: query: $nope is not defined (defined: $fsc, $gsfsc, $mask_curves, ")


def test_a_field_of_a_user_spec_reads_a_shipped_name(reference_projects, capsys, tmp_path):
    (tmp_path / "mine.yaml").write_text("extends: csx:map-info-v5.yaml\nfields:\n"
                                        "  gsfsc: {expr: '$volume | $fsc | radwn_loosemask_A'}\n")
    code, out, _ = run_csx(capsys, "extract", "--spec", tmp_path / "mine.yaml", reference_projects["P446"] / "J329")
    assert (code, records(out)[0]["gsfsc"]) == (0, 2.7751)
