"""The fast JSON writer gives the standard library's text, and results' JSON is the models' JSON."""

import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl.check import load_ruleset
from engine import vn
from engine.bench.synth import records
from engine.evaluate import score
from engine.facts import load_record
from engine.outputs.jsontext import dumps
from engine.report import result_model, results_json, to_json

ROOT = Path(__file__).resolve().parent.parent

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(plain)
def test_the_text_of_the_standard_library(data):
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_decimals_are_numbers_with_their_exact_digits():
    text = dumps({"a": Decimal("65.840"), "b": [Decimal("-0.5"), Decimal("1E+2")],
                  "c": Decimal("0.1") + Decimal("0.2")})
    assert text == '{\n  "a": 65.84,\n  "b": [\n    -0.5,\n    100\n  ],\n  "c": 0.3\n}\n'
    assert json.loads(text, parse_float=Decimal)["c"] == Decimal("0.3")


def test_a_string_that_looks_like_a_marked_number_stays_a_string():
    # the writer before this one marked Decimals with such a string and unquoted every match
    assert dumps({"x": "\u0000dec:5"}) == '{\n  "x": "\\u0000dec:5"\n}\n'


def test_other_types_are_left_to_the_standard_library():
    with pytest.raises(TypeError):
        dumps({"d": {1, 2}})
    assert dumps({1: "a"}) == json.dumps({1: "a"}, indent=2) + "\n"


@pytest.mark.parametrize("year", ["2022", "2024"])
def test_results_json_is_the_models_json(year):
    rs = load_ruleset(str(ROOT / "rules" / year))
    step = rs.rounding("index")
    files = sorted((ROOT / "facts" / year).glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in records(rs, 14, 5):
            (Path(tmp) / name).write_text(text, "utf-8")
        files += sorted(Path(tmp).glob("*.yaml"))
        results = [score(rs, load_record(rs, f)) for f in files if f.name != "tong-hop.yaml"]
        assert results_json(results, rs, step) == to_json(
            [result_model(r, rs, step) for r in results])


def test_numbers_already_written_are_written_alike():
    assert vn.number(Decimal("2.0")) == vn.number(Decimal("2")) == "2"
    assert vn.points(Decimal("2")) == "2,0"
    assert vn.number(Decimal("-0")) == "-0"  # -0 equals 0 but is not written as 0
    assert vn.number(Decimal("0")) == "0"
    assert vn.number(Decimal("1234567.891")) == "1.234.567,891"
