"""What spec and layout expressions read of a job, found without running them (extractor.language.reads):
the places each JMESPath form reaches, written out by hand, and the shipped specs' reads checked against
what running them over real documents touches."""

import jmespath
import pytest

from extractor.language.layouts import load_layouts
from extractor.language.reads import (ALL_COLUMNS, ANY, ITEM, ReadTree, columns_read, expression_reads,
                                      layout_reads, spec_reads)
from extractor.language.registry import Registry
from extractor.resources import specs_dir


def reads(text: str):
    found = expression_reads(jmespath.compile(text).parsed)
    return sorted(found.passed), sorted(found.whole), sorted(found.params)


def test_a_chain_of_keys_passes_through_each_and_reads_the_last_whole():
    assert reads("job.spec.outputs.volume.num_items") == (
        [(), ("job",), ("job", "spec"), ("job", "spec", "outputs"), ("job", "spec", "outputs", "volume")],
        [("job", "spec", "outputs", "volume", "num_items")], [])


def test_a_filter_reads_the_key_it_compares_and_the_multiselect_each_of_its_keys():
    passed, whole, _ = reads("job.output_result_groups[?name=='volume'] | [0].latest_summary_stats."
                             "fsc_info_best.{a: radwn_nomask_A, b: radwn_final_A}")
    groups = ("job", "output_result_groups", ITEM)
    assert whole == [groups + ("latest_summary_stats", "fsc_info_best", "radwn_final_A"),
                     groups + ("latest_summary_stats", "fsc_info_best", "radwn_nomask_A"), groups + ("name",)]
    assert groups + ("latest_summary_stats", "fsc_info_best") in passed
    assert groups + ("latest_summary_stats", "fsc_info_best", "fsc_nomask") not in passed


def test_param_gives_its_name_and_reads_nothing_itself():
    assert reads("param('refine_symmetry')") == ([], [], ["refine_symmetry"])
    assert reads("param(job.x)")[1:] == ([("job", "x")], [ANY])


def test_params_gives_the_names_of_its_list():
    assert reads("params(['diameter', 'diameter_max'])") == ([], [], ["diameter", "diameter_max"])
    assert reads("params(job.names)")[1:] == ([("job", "names")], [ANY])


def test_items_and_keys_read_any_key_and_only_what_is_asked_of_its_value():
    passed, whole, _ = reads("items(job.spec.outputs)[?starts_with([0], 'imported_')] | [0][1].num_items")
    assert whole == [("job", "spec", "outputs", ANY, "num_items")]
    passed, whole, _ = reads("keys(job.spec.inputs || `{}`)")
    assert (whole, ("job", "spec", "inputs", ANY) in passed) == ([], True)


def test_zip_rows_keep_which_list_each_part_came_from():
    passed, whole, _ = reads("zip(job.a[?x].n, job.b[*].{r: c.d})[*].{p: [0], q: [1].r}")
    assert whole == [("job", "a", ITEM, "n"), ("job", "b", ITEM, "c", "d")]
    assert ("job", "a", ITEM, "x") in passed  # a filter's truth looks at a value without reading into it


def test_root_a_value_projection_a_flatten_and_a_comparison():
    assert reads("root().job.x")[1] == [("job", "x")]
    assert reads("job.spec.outputs.*.num_items")[1] == [("job", "spec", "outputs", ANY, "num_items")]
    # flatten: the items, and the items of items that are lists themselves
    assert set(reads("job.a[].b[].c")[1]) == {("job", "a", ITEM, "b", "c"), ("job", "a", ITEM, "b", ITEM, "c"),
                                              ("job", "a", ITEM, ITEM, "b", "c"),
                                              ("job", "a", ITEM, ITEM, "b", ITEM, "c")}
    assert reads("job.a == `1` && job.b")[1] == [("job", "a"), ("job", "b")]


def test_length_looks_at_a_value_without_reading_into_it():
    passed, whole, _ = reads("length(job.bench)")
    assert (whole, ("job", "bench") in passed) == ([], True)


def test_an_expression_too_deep_to_walk_counts_as_reading_everything():
    # `a || a || ...` parses without recursion, but nests deeper than Python's recursion allows
    assert reads(" || ".join(["job.a"] * 3000))[1] == [()]
    assert reads("job." + ".".join(["a"] * 3000))[1] == [("job", *["a"] * 3000)]  # a chain is flat


def test_dataset_columns_by_alias():
    tree = ReadTree.of(expression_reads(jmespath.compile(
        'abspath(datasets.volume."map/path"[0]) || datasets.volume."map_sharp/path"[0]').parsed))
    assert columns_read(tree, "volume") == {"map/path", "map_sharp/path"}
    assert columns_read(tree, "particles") == set()
    whole = ReadTree.of(expression_reads(jmespath.compile("keys(datasets.volume)").parsed))
    assert columns_read(whole, "volume") is ALL_COLUMNS


def test_the_map_info_spec_reads_these_columns_of_the_volume_output():
    spec = Registry().load_checked(specs_dir() / "map-info-v4.yaml")
    _, columns = spec_reads(spec)
    assert columns == {"volume": {"map/psize_A", "map/shape", "map/path", "map_sharp/path", "map_half_A/path",
                                  "map_half_B/path", "mask_refine/path", "mask_fsc/path", "mask_fsc_auto/path"}}


@pytest.mark.parametrize("layout", ["v4", "v5"])
def test_a_layouts_parameter_templates_and_output_results_read_where_the_layout_file_says(layout):
    layouts = load_layouts([specs_dir()])
    found = layout_reads(layouts[layout], outputs=["volume"], params=["refine_symmetry"])
    expected = {
        "v4": [("job", "params_spec", "refine_symmetry", "value"), ("job", "params_base", "refine_symmetry", "value"),
               ("job", "output_results", ITEM, "metafiles"), ("job", "output_results", ITEM, "group_name"),
               ("job", "job_type"), ("job", "input_slot_groups", ITEM, "connections", ITEM, "job_uid")],
        "v5": [("job", "spec", "params", "refine_symmetry"), ("job", "spec", "outputs", "volume", "results", ITEM,
                                                              "metafiles"),
               ("job", "spec", "type"), ("job", "spec", "inputs", ANY, "connections", ITEM, "job_uid")],
    }[layout]
    assert [path for path in expected if path not in found.whole] == []
