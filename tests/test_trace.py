"""`cchc explain --format json`: the trace validates against its published schema
(docs/giai-trinh.schema.json), for every bundled record and for synthetic ones, and says, for a
criterion worked out by hand, the branch, the facts read and the rule's place."""

import json
import tempfile
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from dsl.check import load_ruleset
from engine.bench.synth import records
from tests.test_cli import cchc

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "giai-trinh.schema.json").read_text("utf-8"))


def _trace(*args, cwd=ROOT):
    r = cchc("explain", *args, "--format", "json", cwd=cwd)
    assert r.returncode in (0, 3), r.stderr
    return json.loads(r.stdout)


def test_the_schema_is_a_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("record", sorted(p.name for p in (ROOT / "facts" / "2022").glob("*.yaml")
                                          if p.name != "tong-hop.yaml"))
def test_every_bundled_record(record):
    jsonschema.validate(_trace("rules/2022", f"facts/2022/{record}"), SCHEMA)


@pytest.mark.parametrize("year", ["2022", "2024"])
def test_synthetic_records(year):
    rs = load_ruleset(str(ROOT / "rules" / year))
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in records(rs, 7, 11):  # one of each kind
            (Path(tmp) / name).write_text(text, "utf-8")
            jsonschema.validate(_trace(f"rules/{year}", str(Path(tmp) / name)), SCHEMA)


def test_what_the_trace_says_of_criterion_1_2_of_muong_te():
    doc = json.loads(cchc("explain", "rules/2022", "facts/2022/huyen-muong-te.yaml", "--format",
                          "json", cwd=ROOT).stdout, parse_float=Decimal)
    assert (doc["achieved"], doc["index"]) == (Decimal("65.84"), Decimal("65.84"))  # seed 003
    c = next(x for x in doc["criteria"] if x["id"] == "1.2")
    # rules/2022/huyen.cchc line 39: deduct 0.5 for each late report, at most 2; four were late
    assert c["branches"] == ["deduction 1 applied"]
    assert [d["points"] for d in c["deductions"]] == [Decimal("0.5")] * 4
    assert all(d["rule"] == {"file": "rules/2022/huyen.cchc", "line": 39} for d in c["deductions"])
    first = c["deductions"][0]["facts"][0]
    assert first["fact"] == "bao_cao_cchc[1]"
    assert first["value"] == {"ten": "công tác kiểm soát thủ tục hành chính quý II năm 2022",
                              "han": "2022-06-19", "ngay_gui": "2022-06-24"}
    assert first["evidence"][0] == "Hệ thống thông tin báo cáo Chính phủ"
    assert [f["fact"] for f in c["facts"]] == [f"bao_cao_cchc[{i}]" for i in range(1, 5)]
