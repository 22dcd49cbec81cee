"""agree() and divide(): what related jobs say together, and a unit change."""

import pytest
from jmespath.exceptions import JMESPathError, JMESPathTypeError

from extractor.language.expressions import compile_expression
from extractor.language.functions import CsxFunctions


def search(text, data):
    return compile_expression(text).search(data, CsxFunctions())


@pytest.mark.parametrize("values, agreed", [
    ([300.0, 300.0], 300.0),
    ([300.0, 200.0, 300.0], [200.0, 300.0]),
    ([None, 52.5, None, 50.0], [50.0, 52.5]),
    ([None], None),
    ([], None),
    (["J11"], "J11"),
    (["J12", "J11"], ["J11", "J12"]),
])
def test_agree(values, agreed):
    assert search("agree(v)", {"v": values}) == agreed


def test_divide():
    assert search("divide(a, `10000`)", {"a": 25400.0}) == 2.54
    assert search("divide(a, `10000`)", {"a": None}) is None
    with pytest.raises(JMESPathError, match="division by zero"):
        search("divide(a, `0`)", {"a": 1})
    with pytest.raises(JMESPathTypeError):
        search("divide(a, `2`)", {"a": "2"})
