"""Fact records: the schema a rule set implies, and errors that name file, YAML path and line.

The '# expect:' lines of fixtures/bad-facts are in English (the message ids): those tests ask for
English messages."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from dsl.errors import FactsError
from engine.facts import load_record, schema_for

BAD = Path(__file__).parent / "fixtures" / "bad-facts"
EXPECT = re.compile(r"^# expect: (\d+): (.*)$", re.M)


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_fact_file_reports_exactly_its_errors(rules_2022, path: Path, english):
    expected = sorted((int(a), b) for a, b in EXPECT.findall(path.read_text("utf-8")))
    assert expected
    with pytest.raises(FactsError) as info:
        load_record(rules_2022, path)
    got = sorted((d.line, d.message) for d in info.value.diagnostics)
    assert got == expected
    assert all(d.path == str(path) for d in info.value.diagnostics)


def test_error_display_is_file_line_path_message(rules_2022, english):
    path = BAD / "wrong-type.yaml"
    with pytest.raises(FactsError) as info:
        load_record(rules_2022, path)
    assert info.value.format_message() == (
        f"{path}:9: error: facts.ho_so_tre_han: 'năm mươi' is not a whole number")


def test_schema_is_valid_json_schema_and_types_follow_declarations(rules_2022):
    schema = schema_for(rules_2022)
    Draft202012Validator.check_schema(schema)
    facts = schema["properties"]["facts"]["properties"]
    assert facts["ho_so_tre_han"]["anyOf"][0] == {"type": "integer", "minimum": 0}
    assert facts["ho_so_tre_han"]["title"] == "Số hồ sơ TTHC trả quá hạn"
    assert facts["ty_le_van_ban_ky_so"]["anyOf"][0]["type"] == "number"
    report = facts["bao_cao_cchc"]["anyOf"][0]["items"]
    assert report["required"] == ["ten", "han", "ngay_gui"]
    assert report["properties"]["han"]["format"] == "date"
    assert schema["properties"]["unit"]["properties"]["kind"] == {
        "enum": ["huyen", "so", "so_ngoai_vu", "vp_ubnd", "bql_kkt", "thanh_tra", "ban_dan_toc"]}
    only_huyen = schema_for(rules_2022, "huyen")
    assert only_huyen["properties"]["unit"]["properties"]["kind"] == {"enum": ["huyen"]}
    assert "ty_le_ho_so_tren_he_thong" not in only_huyen["properties"]["facts"]["properties"]


def test_schema_for_a_kind_holds_only_the_facts_its_criteria_read(mini):
    so = set(schema_for(mini, "so")["properties"]["facts"]["properties"])
    huyen = set(schema_for(mini, "huyen")["properties"]["facts"]["properties"])
    assert huyen - so == {"nv", "nv_xong"}  # read only by 1.3, which applies to huyen alone


def test_record_values_are_typed_and_evidence_kept(rules_2022, root):
    rec = load_record(rules_2022, root / "facts/2022/huyen-muong-te.yaml")
    assert rec.unit.kind == "huyen" and rec.year == 2022
    assert rec.values["ty_le_van_ban_ky_so"] == Decimal("0.8675")
    assert rec.values["ho_so_tre_han"] == Decimal(51)
    assert rec.values["bao_cao_cchc"][0]["ngay_gui"].isoformat() == "2022-06-24"
    assert rec.evidence["ket_luan_sai_pham_tu_chu[1]"] == [
        "Kết luận số 1424/KL-STC ngày 25/08/2022 của Thanh tra Sở Tài chính (về việc thanh tra "
        "công tác quản lý sử dụng ngân sách huyện năm 2021)"]
    assert "nv_tinh_giao" in rec.reconstructed
