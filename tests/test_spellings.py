"""The spellings of an expression as csx lint --job names them: its path in steps of `||` alternatives, and
the text of any AST (parsing it again gives the same AST)."""

import jmespath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.language.spellings import leading_field, render, steps
from tests.test_compiler import LEAVES, compound


@pytest.mark.parametrize("text, expected", [
    ("job.output_result_groups[?name=='volume'] | [0] | (latest_summary_stats || summary_stats[-1]) | "
     "fsc_info_best || fsc_info_autotight || fsc_info",
     [["job.output_result_groups[?name == 'volume']"], ["[0]"], ["latest_summary_stats", "summary_stats[-1]"],
      ["fsc_info_best", "fsc_info_autotight", "fsc_info"]]),
    ("job.spec.outputs.volume.latest_summary_stats.cfar",
     [["job"], ["spec"], ["outputs"], ["volume"], ["latest_summary_stats"], ["cfar"]]),
    ("(a || b).c[0][1]", [["a", "b"], ["c"], ["[0]"], ["[1]"]]),
    ("a[*].b | f(@)", [["a[*].b"], ["f(@)"]]),
    ("{x: a || b}", [["{x: a || b}"]]),
    ("x | first_key(@, 'a', 'b')", [["x"], ["a", "b"]]),  # its keys are the spellings
    ("first_key(x, 'a')", [["first_key(x, 'a')"]]),
])
def test_the_steps_of_a_path(text, expected):
    assert [[render(node) for node in step] for step in steps(jmespath.compile(text).parsed)] == expected


def test_the_first_key_a_node_reads():
    first = [leading_field(jmespath.compile(text).parsed) for text in (
        "job.a[?b].c", "job | [0]", "related.ctf[0]", "param('x')", "`1`", "@.job")]
    assert first == ["job", "job", "related", None, None, None]


@pytest.mark.parametrize("text", [
    "!a && (b || c)", "a[1:2].b", "a[::2]", 'foo."we-ird"', "a.[b, c]", "a[*].[b]", "a.*.[b]", "*.b", "[*].b",
    "a[0][1][2].b", "a[][0]", "(a | b).c", "a == (b || c)", "sort_by(x, &y)", "'it\\'s'", "`[1, 2]`",
    "a[?@ == `1`]", "(a || b) && c", "a.b.c.d",
])
def test_the_text_of_an_ast_parses_to_it(text):
    parsed = jmespath.compile(text).parsed
    assert jmespath.compile(render(parsed)).parsed == parsed


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.recursive(LEAVES, compound, max_leaves=10))
def test_the_text_of_any_ast_parses_to_it(text):
    try:
        parsed = jmespath.compile(text).parsed
    except jmespath.exceptions.JMESPathError:
        return
    assert jmespath.compile(render(parsed)).parsed == parsed
