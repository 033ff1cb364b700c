"""Kinds, groups and bands are the rules' own words: nothing about them is written in the code.

A copy of the 2024 rules in which every 'huyen' is called 'xa' (the communes that replaced the
districts on 1/7/2025) checks and scores exactly as the original; a small rule set of another
province's communes declares its own kinds, groups and bands.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dsl.check import load_ruleset
from engine.evaluate import score
from engine.facts import load_record

ROOT = Path(__file__).resolve().parent.parent
HUYEN_2024 = ROOT / "tests" / "fixtures" / "facts-2024-huyen.yaml"


def _renamed(tmp: Path) -> tuple[Path, Path]:
    rules = tmp / "rules"
    rules.mkdir()
    for p in (ROOT / "rules" / "2024").glob("*.cchc"):
        (rules / p.name).write_text(p.read_text("utf-8").replace("huyen", "xa"), "utf-8")
    record = tmp / "xa.yaml"
    record.write_text(HUYEN_2024.read_text("utf-8").replace("huyen", "xa"), "utf-8")
    return rules, record


def _figures(result) -> dict:
    nodes = {n.id: (n.achieved, n.max, n.applicable) for a in result.areas for n in a.walk()}
    return {"nodes": nodes, "total": (result.achieved, result.max, result.index, result.complete),
            "group": (result.group.label, result.group.ranked), "methods": result.by_method}


def test_the_2024_rules_with_xa_for_huyen_check_and_score_the_same(tmp_path):
    rules, record = _renamed(tmp_path)
    assert "huyen" not in "".join(p.read_text("utf-8") for p in rules.glob("*.cchc"))
    original = load_ruleset(ROOT / "rules" / "2024")
    renamed = load_ruleset(rules)
    assert [k.name for k in renamed.kinds] == [
        k.name.replace("huyen", "xa") for k in original.kinds]
    a = score(original, load_record(original, HUYEN_2024))
    b = score(renamed, load_record(renamed, record))
    assert b.kind == "xa" and a.kind == "huyen"
    assert _figures(a) == _figures(b)
    assert b.group.name == "xa"  # the group's id was renamed with the rest


def test_no_kind_group_or_band_is_named_in_the_code():
    names = ["huyen", "xa", "so", "thanh_tra", "ban_dan_toc", "vp_ubnd", "so_ngoai_vu", "bql_kkt",
             "dac_thu"]
    quoted = re.compile("|".join(rf"[\"']{n}[\"']" for n in names))
    for p in [*ROOT.joinpath("dsl").rglob("*.py"), *ROOT.joinpath("engine").rglob("*.py")]:
        text = p.read_text("utf-8")
        assert not quoted.search(text), (p, quoted.search(text))
        for word in ("Xuất sắc", "Lai Châu", "1726", "Phụ lục 0"):
            assert word not in text, (p, word)


def test_a_commune_rule_set_declares_its_kinds_groups_and_bands(tmp_path):
    rs = load_ruleset(ROOT / "tests" / "fixtures" / "xa")
    assert [k.name for k in rs.kinds] == ["xa", "dac_khu", "xa_bien_gioi"]
    assert [(g.name, g.ranked) for g in rs.groups] == [("cap_xa", True), ("bien_gioi", False)]
    assert [b.label for b in rs.bands.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    rec = tmp_path / "bg.yaml"
    rec.write_text("unit: {id: xa-bg, name: UBND xã Biên Giới, kind: xa_bien_gioi}\nyear: 2025\n"
                   "facts: {nv: 4, nv_xong: 3, diem_xhh: 3.5}\n", "utf-8")
    result = score(rs, load_record(rs, rec))
    # 1.2 does not apply to xa_bien_gioi: max 3 + 4 = 7; 3/4 tasks (75%) is 'else: 0' → 0 + 3,5
    # = 3,5 of 7 = 50,00% → "Trung bình" (from 50 to under 70)
    assert (result.max, result.achieved, result.index) == (7, pytest.approx(3.5), 50)
    assert result.group.name == "bien_gioi" and not result.group.ranked
    assert result.band == "Trung bình"


@pytest.mark.parametrize("index,band", [(95, "Xuất sắc"), (94.99, "Tốt"), (85, "Tốt"),
                                        (84.99, "Khá"), (70, "Khá"), (50, "Trung bình"),
                                        (49.99, "Yếu"), (0, "Yếu")])
def test_band_bounds_are_read_as_declared(index, band):
    from decimal import Decimal

    from engine.totals import band_of

    assert band_of(load_ruleset(ROOT / "tests" / "fixtures" / "xa"), Decimal(str(index))) == band


def test_a_misspelt_kind_gives_one_error_with_a_suggestion(tmp_path):
    rules = tmp_path / "r"
    shutil.copytree(ROOT / "tests" / "fixtures" / "xa", rules)
    p = rules / "xa.cchc"
    p.write_text(p.read_text("utf-8").replace("applies to all except xa_bien_gioi",
                                              "applies to all except xa_bien_gio"), "utf-8")
    from dsl.errors import CchcError
    from dsl.i18n import set_language

    set_language("en")
    with pytest.raises(CchcError) as info:
        load_ruleset(rules)
    (d,) = info.value.diagnostics
    assert "unknown kind 'xa_bien_gio'" in d.message and "'xa_bien_gioi'" in d.message
