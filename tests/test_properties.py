"""Properties that hold for any rule set and any record (hypothesis): no traceback; at every
node 0 ≤ points ≤ max; a parent's points and max are its children's sums; the index is the
achieved points over the maximum; the same inputs give the same result."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.check import load_ruleset
from dsl.errors import CchcError
from dsl.tree import facts_for_kind
from engine.evaluate import score
from engine.facts import record_from_data
from engine.records.yamlio import load_yaml

HEAD = '''decision "1/QĐ-UBND" {
  date 2022-01-20
  issuer "UBND tỉnh Thử Nghiệm"
  title "Bộ chỉ số thử"
  effective 2022-01-20
  years 2022 to 2023
  round index to 0.01
}

kind huyen "UBND huyện" scale SCALE = appraisal SCALE

facts {
  a: count "Số a"
  b: count "Số b" at least 1
  p: percent "Tỷ lệ p"
  y: yesno "Có y"
  ds: list "Danh sách" {
    n: count "Số n"
  }
}
'''

MAXIMA = [Decimal("0.25"), Decimal("0.5"), Decimal(1), Decimal(2), Decimal("2.5"), Decimal(3)]


def _rule(kind: int, top: Decimal, k: int) -> str:
    half = top / 2
    return [
        f"full if y and a >= {k} else 0 because \"Chưa đạt: a = {{a}}\"",
        "levels by a / b {\n      at least 100%: " + f"{top}\n      from 50% to under 100%: "
        f"{half} because \"Đạt {{value}}\"\n      else: 0 because \"Chỉ đạt {{value}}\"\n    }}",
        "proportional p because \"Tỷ lệ đạt {value}\"",
        f"deduct {half} if not y because \"Không có y\"\n    deduct 0.25 per a at most {half}"
        " because \"Có {a} lần\"\n    floor 0",
        f"deduct 0.5 for each r in ds where r.n > {k} because \"Mục {{r.n}}\"\n    floor 0",
    ][kind]


@st.composite
def rule_sets(draw) -> str:
    areas = []
    scale = Decimal(0)
    for ai in range(1, draw(st.integers(1, 3)) + 1):
        crits = []
        for ci in range(1, draw(st.integers(1, 3)) + 1):
            top = draw(st.sampled_from(MAXIMA))
            scale += top
            rule = _rule(draw(st.integers(0, 4)), top, draw(st.integers(0, 30)))
            crits.append(f'  criterion {ai}.{ci} "Tiêu chí {ai}.{ci}" max {top} {{\n'
                         f'    source reconstructed "thử"\n    {rule}\n  }}\n')
        area_max = sum(Decimal(c.split(" max ")[1].split(" ")[0]) for c in crits)
        areas.append(f'area {ai} "Lĩnh vực {ai}" max {area_max} {{\n' + "".join(crits) + "}\n")
    return HEAD.replace("SCALE", str(scale)) + "\n".join(areas)


records = st.fixed_dictionaries({
    "a": st.integers(0, 10**6),
    "b": st.integers(1, 10**6),
    "p": st.decimals(min_value=0, max_value=100, places=2).filter(lambda d: not 0 < d <= 1),
    "y": st.booleans(),
    "ds": st.lists(st.fixed_dictionaries({"n": st.integers(0, 60)}), max_size=6),
})


def _load(tmp: Path, text: str):
    folder = tmp / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "r.cchc").write_text(text, "utf-8")
    return load_ruleset(folder)


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n.children)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=rule_sets(), facts=records)
def test_any_rule_set_and_record_score_within_bounds(tmp_path, text, facts):
    rs = _load(tmp_path, text)  # every generated rule set is valid
    read = facts_for_kind(rs, "huyen")
    given_facts = {**facts, "p": str(facts["p"]).replace(".", ",") + "%"}
    data = {"unit": {"id": "x", "name": "X", "kind": "huyen"}, "year": 2022,
            "facts": {k: v for k, v in given_facts.items() if k in read}}
    raw, lines = load_yaml(yaml.safe_dump(data, allow_unicode=True), "r.yaml")
    record = record_from_data(rs, raw, lines, "r.yaml")  # a valid record: never refused
    first, second = score(rs, record), score(rs, record)
    for n in _walk(first.areas):
        if n.achieved is not None:
            assert Decimal(0) <= n.achieved <= n.max, (n.id, n.achieved, n.max)
        live = [c for c in n.children if c.applicable]
        if live and n.achieved is not None:
            assert n.max == sum(c.max for c in live)
    if first.complete and first.max:
        assert first.index == (first.achieved / first.max * 100).quantize(Decimal("0.01"),
                                                                          "ROUND_HALF_UP")
    assert [(n.id, n.achieved, n.max, [d.reason for d in n.deductions], n.trace)
            for n in _walk(first.areas)] == [
        (n.id, n.achieved, n.max, [d.reason for d in n.deductions], n.trace)
        for n in _walk(second.areas)]


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_as_a_record_is_an_error_or_a_record(text):
    try:
        load_yaml(text, "r.yaml")
    except CchcError:
        pass


# ---- the compiled validity check says what jsonschema says ----------------------------------

_ODD = [-1, 0, 1, 2.5, 101, 10**9, True, False, None, "", "x", "2022-02-30", "2022-02-28",
        [], [{}], {}, {"value": 1}, {"value": 1, "evidence": ["x"]}, {"value": 1, "bad": 2},
        Decimal("0.5"), Decimal("-0.01"), [{"ten": "a", "han": "2022-01-01"}]]


@pytest.fixture(scope="module")
def bundled():
    from dsl.check import load_ruleset as load

    root = Path(__file__).resolve().parent.parent
    return [load(root / "rules/2022"), load(root / "rules/2024")]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_compiled_check_agrees_with_jsonschema(bundled, data):
    from engine.bench.synth import record
    from engine.facts import _validator

    rs = data.draw(st.sampled_from(bundled))
    kind = data.draw(st.sampled_from([k.name for k in rs.kinds]))
    rec = record(rs, kind, 0, __import__("random").Random(data.draw(st.integers(0, 10**6))))
    facts = rec["facts"]
    for _n in range(data.draw(st.integers(0, 3))):
        where = data.draw(st.sampled_from(["fact", "unit", "top", "year"]))
        odd = data.draw(st.sampled_from(_ODD))
        if where == "fact" and facts:
            facts[data.draw(st.sampled_from(sorted(facts)))] = odd
        elif where == "unit":
            rec["unit"][data.draw(st.sampled_from(["id", "kind", "name", "extra"]))] = odd
        elif where == "year":
            rec["year"] = odd
        else:
            rec[data.draw(st.sampled_from(["recorded", "published", "facts", "other"]))] = odd
    validator, fast = _validator(rs, kind)
    assert fast is not None
    assert fast(rec) == (next(validator.iter_errors(rec), None) is None), rec
