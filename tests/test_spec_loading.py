"""Spec files: loading, schema checks, expression compilation, and the
errors a spec author sees (file:line:col)."""

import textwrap
from pathlib import Path

import pytest
from packaging.version import Version

from extractor.errors import SpecError
from extractor.language.expressions import ALL_FIELDS
from extractor.language.registry import Registry
from extractor.language.specfile import check_spec, load_spec
from extractor.resources import specs_dir

GOOD = """\
    # yaml-language-server: $schema=../schemas/spec.schema.json
    kind: map-info
    match:
      layout: v4
      job_types: [homo_refine_new]
      cryosparc: ">=4.0,<5"
    datasets:
      volume: {output: volume}
    fields:
      psize_A: datasets.volume."map/psize_A"[0]
      job_info:
        type: {expr: job.job_type, required: true}
        parameters:
          refine_symmetry: param('refine_symmetry')
"""


def write(tmp_path: Path, text: str, name="spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_good_spec_compiles_fields_in_order_with_lines(tmp_path):
    spec = load_spec(write(tmp_path, GOOD))
    assert [f.name for f in spec.fields] == ["psize_A", "job_info.type", "job_info.parameters.refine_symmetry"]
    assert [f.line for f in spec.fields] == [10, 12, 14]
    assert spec.fields[1].required is True and spec.fields[0].required is False
    assert spec.dataset_fields == {"volume": {"map/psize_A"}}
    assert spec.job_types == ("homo_refine_new",) and spec.layout == "v4"
    assert spec.admits_version(Version("4.7.1")) and not spec.admits_version(Version("5.0.3"))
    assert spec.admits_version(None)  # a document without a version is matched by layout and type alone


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace("      job_types: [homo_refine_new]", "      job_types: [homo_refine_new"))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value).startswith(f"{path}:6:")
    assert "YAML syntax" in str(caught.value)


def test_schema_violation_points_at_the_key(tmp_path):
    path = write(tmp_path, GOOD.replace("  layout: v4", "  layuot: v4"))
    spec, problems = check_spec(path)
    assert spec is None
    messages = [str(p) for p in problems]
    assert any(m.startswith(f"{path}:3:") and "'layout' is a required property" in m for m in messages)
    assert any(m.startswith(f"{path}:4:") and "layuot" in m for m in messages)


def test_unknown_field_option_is_a_schema_error(tmp_path):
    path = write(tmp_path, GOOD.replace("{expr: job.job_type, required: true}", "{expr: job.job_type, requird: true}"))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value).startswith(f"{path}:12:")
    assert "requird" in str(caught.value)


def test_expression_syntax_error_has_column_and_caret(tmp_path):
    path = write(tmp_path, GOOD.replace('psize_A: datasets.volume."map/psize_A"[0]', 'psize_A: datasets.volume.[0'))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    error = caught.value
    assert (error.file, error.line) == (str(path), 10)
    assert error.message.startswith("field psize_A: bad expression")
    # the caret line sits under the offending spot of the expression
    expression_line, caret_line = error.detail.splitlines()
    assert expression_line.strip() == "datasets.volume.[0"
    assert caret_line.index("^") - expression_line.index("d") == error.col - 12


def test_unknown_function_is_caught_when_loading(tmp_path):
    path = write(tmp_path, GOOD.replace("param('refine_symmetry')", "parm('refine_symmetry')"))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value).startswith(f"{path}:14:")
    assert "unknown function parm()" in str(caught.value)


def test_wrong_arity_is_caught_when_loading(tmp_path):
    path = write(tmp_path, GOOD.replace("param('refine_symmetry')", "param('a', 'b')"))
    with pytest.raises(SpecError, match=r"param\(\) takes 1 argument\(s\), got 2"):
        load_spec(path)


def test_undeclared_dataset_alias(tmp_path):
    path = write(tmp_path, GOOD.replace('datasets.volume."map/psize_A"[0]', 'datasets.vol."map/psize_A"[0]'))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == (f"{path}:10:3: field psize_A: datasets.vol is not declared under datasets: "
                                 "(declared: volume)")


def test_bad_version_range(tmp_path):
    path = write(tmp_path, GOOD.replace('">=4.0,<5"', '"four or later"'))
    with pytest.raises(SpecError, match=r":6:\d+: match.cryosparc: 'four or later' is not a PEP 440 version range"):
        load_spec(path)


def test_dataset_column_analysis():
    from extractor.language.expressions import compile_expression

    assert compile_expression('abspath(datasets.volume."map/path"[0])').dataset_fields == {"volume": {"map/path"}}
    assert compile_expression("keys(datasets.volume)").dataset_fields == {"volume": ALL_FIELDS}
    assert compile_expression("job.output_result_groups[?name=='volume'].num_items").dataset_fields == {}


def test_shipped_specs_load_and_cover_the_refinements():
    registry = Registry()
    covered = {(s.layout, t) for s in registry.specs if s.kind == "map-info" for t in s.job_types}
    for layout in ("v4", "v5"):
        for job_type in ("homo_refine_new", "nonuniform_refine_new", "new_local_refine", "homo_reconstruct"):
            assert (layout, job_type) in covered


def test_every_shipped_spec_carries_the_schema_line():
    for path in specs_dir().glob("*.yaml"):
        assert path.read_text().startswith("# yaml-language-server: $schema=../schemas/spec.schema.json\n"), path


def test_two_specs_matching_the_same_jobs_is_a_load_time_error(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD.replace('">=4.0,<5"', '">=4.4"'), "b.yaml")
    with pytest.raises(SpecError, match=r"b.yaml:3:1: matches the same jobs as .*a.yaml"):
        Registry([tmp_path])


def test_adjacent_version_ranges_do_not_clash(tmp_path):
    write(tmp_path, GOOD.replace('">=4.0,<5"', '">=4.0,<4.4"'), "a.yaml")
    write(tmp_path, GOOD.replace('">=4.0,<5"', '">=4.4,<5"'), "b.yaml")
    assert [s.name for s in Registry([tmp_path]).tiers[0]] == ["a", "b"]


BASE = """\
    kind: map-info
    datasets:
      volume: {output: volume}
    fields:
      psize_A: datasets.volume."map/psize_A"[0]
      job_info:
        juid: job.uid
        parameters:
          refine_symmetry: param('refine_symmetry')
"""


def test_extends_merges_fields_and_datasets_layer_by_layer(tmp_path):
    write(tmp_path, BASE, "_base.yaml")
    path = write(tmp_path, """\
        extends: _base.yaml
        match: {layout: v4, job_types: [homo_refine_new]}
        fields:
          job_info:
            juid: {expr: job.uid, required: true}
            type: job.job_type
    """)
    spec = load_spec(path)
    assert spec.kind == "map-info" and spec.datasets == {"volume": "volume"}
    assert [(f.name, f.file.name, f.line) for f in spec.fields] == [
        ("psize_A", "_base.yaml", 5),
        ("job_info.parameters.refine_symmetry", "_base.yaml", 9),
        ("job_info.juid", "spec.yaml", 5),
        ("job_info.type", "spec.yaml", 6),
    ]
    assert spec.fields[2].required is True


def test_a_group_replaces_a_base_field_and_a_field_replaces_a_base_group(tmp_path):
    write(tmp_path, BASE, "_base.yaml")
    path = write(tmp_path, """\
        extends: _base.yaml
        match: {layout: v4, job_types: [homo_refine_new]}
        fields:
          psize_A: {expr: 'datasets.volume."map/psize_A"[0]', type: number}
          job_info: job.uid
    """)
    assert [f.name for f in load_spec(path).fields] == ["psize_A", "job_info"]


def test_errors_in_a_base_name_the_base_file(tmp_path):
    base = write(tmp_path, BASE.replace("param('refine_symmetry')", "parm('refine_symmetry')"), "_base.yaml")
    path = write(tmp_path, "extends: _base.yaml\nmatch: {layout: v4, job_types: [x]}\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value).startswith(f"{base}:9:")


def test_extends_problems(tmp_path):
    write(tmp_path, "extends: b.yaml\nkind: map-info\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\nmatch: {layout: v4, job_types: [x]}\nfields: {a: job.uid}\n", "b.yaml")
    with pytest.raises(SpecError, match=r"a.yaml:1:1: extends: b.yaml extends this file again \(a cycle\)"):
        load_spec(tmp_path / "b.yaml")
    path = write(tmp_path, "extends: nowhere.yaml\n", "c.yaml")
    with pytest.raises(SpecError, match=r"c.yaml:1:1: extends: no file .*nowhere.yaml"):
        load_spec(path)
    path = write(tmp_path, "match: {layout: v4, job_types: [x]}\nfields: {a: job.uid}\n", "d.yaml")
    with pytest.raises(SpecError, match=r"d.yaml:1:1: spec: missing kind \(here or in what it extends\)"):
        load_spec(path)


def test_fragments_are_not_specs(tmp_path):
    write(tmp_path, BASE, "_base.yaml")
    assert Registry([tmp_path]).tiers[0] == []
