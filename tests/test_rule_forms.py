"""Each rule form, evaluated on the small rule set in fixtures/good/mini.cchc.

Expected values are worked out by hand from the rules written in that file.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from engine.evaluate import score
from engine.facts import load_record

BASE = {
    "ty_le": 100, "co": True, "han": "2024-03-31", "ngay": "2024-03-01", "so_vu": 0,
    "diem": 2, "nv": 4, "nv_xong": 4, "bao_cao": [],
}


def run(mini, tmp_path: Path, kind: str = "huyen", **facts):
    values = {**BASE, **facts}
    values = {k: v for k, v in values.items() if v is not None}
    doc = {"unit": {"id": "u", "name": "Đơn vị thử", "kind": kind}, "year": 2024,
           "facts": values}
    path = tmp_path / "u.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    result = score(mini, load_record(mini, path))
    nodes = {n.id: n for a in result.areas for n in a.walk()}
    return result, nodes


def test_all_facts_good_gives_full_marks(mini, tmp_path):
    result, nodes = run(mini, tmp_path)
    assert (result.max, result.achieved, result.index, result.complete) == (10, 10, 100, True)
    assert all(not n.deductions for n in nodes.values())


@pytest.mark.parametrize("ratio,points", [(100, 2), (120, 2), (99.99, 1), (80, 1), (79.9, 0),
                                          (0, 0)])
def test_levels_respect_their_boundaries(mini, tmp_path, ratio, points):
    _, nodes = run(mini, tmp_path, ty_le=ratio)
    assert nodes["1.1"].achieved == points


def test_level_reason_interpolates_the_value_in_vietnamese(mini, tmp_path):
    _, nodes = run(mini, tmp_path, ty_le=85.5)
    (d,) = nodes["1.1"].deductions
    assert (d.points, d.reason) == (D(1), "Đạt 85,5%")
    assert d.rule.line == 35


def test_yes_no_and_dates(mini, tmp_path):
    _, nodes = run(mini, tmp_path, ngay="2024-04-02")
    assert nodes["1.2"].achieved == 0
    assert nodes["1.2"].deductions[0].reason == "Không thực hiện đúng hạn 31/03/2024"
    _, nodes = run(mini, tmp_path, co=False)
    assert nodes["1.2"].achieved == 0


def test_proportional_is_ratio_times_max_and_capped(mini, tmp_path):
    _, nodes = run(mini, tmp_path, nv=8, nv_xong=3)
    assert nodes["1.3"].achieved == D("0.38")  # 3/8 × 1 = 0,375, rounded half up per criterion
    reasons = [d.reason for d in nodes["1.3"].deductions]
    assert reasons[0] == "Hoàn thành 3/8 (37,5%)"
    assert nodes["1.3"].deductions[-1].kind == "rounding"
    assert sum(d.points for d in nodes["1.3"].deductions) == D("0.62")


def test_condition_that_does_not_hold_removes_the_criterion_from_the_maximum(mini, tmp_path):
    result, nodes = run(mini, tmp_path, nv=0, nv_xong=0)
    assert nodes["1.3"].applicable is False
    assert result.max == 9 and result.achieved == 9 and result.index == 100


def test_kind_applicability_and_per_kind_max(mini, tmp_path):
    # a department is not scored on 1.3, so its record does not give 1.3's facts
    result, nodes = run(mini, tmp_path, kind="so", nv=None, nv_xong=None)
    assert "1.3" not in nodes
    assert result.max == 9


def test_deduction_per_item_with_a_cap(mini, tmp_path):
    late = [{"ten": f"BC{i}", "han": "2024-01-10", "gui": "2024-01-12"} for i in range(3)]
    on_time = [{"ten": "BC9", "han": "2024-01-10", "gui": "2024-01-09"}]
    _, nodes = run(mini, tmp_path, bao_cao=late + on_time)
    n = nodes["1.4.1"]
    assert n.achieved == D("0.5")  # 1.5 - at most 1
    assert [d.points for d in n.deductions] == [D("0.5"), D("0.5"), D(0)]
    assert n.deductions[0].reason == "Báo cáo BC0 gửi ngày 12/01/2024, chậm so với hạn 10/01/2024"
    assert n.deductions[2].nominal == D("0.5")
    assert [f.key for f in n.deductions[1].facts] == ["bao_cao[2]"]


def test_deduction_per_count_stops_at_the_floor(mini, tmp_path):
    _, nodes = run(mini, tmp_path, so_vu=5)
    n = nodes["1.4.2"]
    assert n.achieved == 0  # 5 × 0,25 = 1,25 > 0,5: floor 0
    (d,) = n.deductions
    assert (d.points, d.nominal, d.reason) == (D("0.5"), D("1.25"), "Có 5 vụ việc")


def test_a_fact_with_a_default_may_be_left_out(mini, tmp_path):
    result, nodes = run(mini, tmp_path, so_vu=None)
    assert nodes["1.4.2"].achieved == D("0.5") and result.complete


def test_a_missing_fact_is_never_zero(mini, tmp_path):
    result, nodes = run(mini, tmp_path, ty_le=None)
    assert nodes["1.1"].scorable is False
    assert "ty_le" in nodes["1.1"].problem
    assert nodes["1"].scorable is False
    assert result.complete is False


def test_count_expression(mini, tmp_path):
    late = [{"ten": "A", "han": "2024-01-10", "gui": "2024-01-11"}]
    _, nodes = run(mini, tmp_path, bao_cao=late)
    assert nodes["1.5"].achieved == 0


def test_survey_points_are_taken_as_given_and_checked_against_the_max(mini, tmp_path):
    result, nodes = run(mini, tmp_path, diem=1.35)
    assert nodes["2.1"].achieved == D("1.35")
    assert result.by_method["survey"] == (D(2), D("1.35"))
    assert nodes["2.1"].deductions[0].reason == "Điểm điều tra đạt 1,35/2"
    _, nodes = run(mini, tmp_path, diem=2.5)
    assert nodes["2.1"].scorable is False


def test_a_zero_denominator_is_what_the_rule_says(rules_2022, root, tmp_path):
    doc = yaml.safe_load((root / "facts/2022/huyen-muong-te.yaml").read_text("utf-8"))
    # no units to inspect: 1.3 says 'when don_vi_truc_thuoc = 0: not applicable'
    doc["facts"]["don_vi_truc_thuoc"] = 0
    doc["facts"]["don_vi_duoc_kiem_tra_cchc"] = 0
    path = tmp_path / "mt.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    result = score(rules_2022, load_record(rules_2022, path))
    nodes = {n.id: n for a in result.areas for n in a.walk()}
    assert nodes["1.3"].applicable is False and "[don_vi_truc_thuoc]" in nodes["1.3"].note
    # Mường Tè had 1.3 in full (9/27 ≥ 30%: 1,5 of 1,5): 65,84 − 1,5 = 64,34 of 100 − 1,5 = 98,5,
    # an index of 64,34 / 98,5 = 65,3198…% → 65,32
    assert (result.achieved, result.max, result.index) == (D("64.34"), D("98.5"), D("65.32"))
    assert (nodes["1"].achieved, nodes["1"].max) == (D("5.57"), D("12.0"))
    # a digital-transformation plan with no task: 7.1.2 says 'not scorable'
    doc["facts"]["nv_cds"] = 0
    doc["facts"]["nv_cds_hoan_thanh"] = 0
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    result = score(rules_2022, load_record(rules_2022, path))
    assert result.complete is False
    (problem,) = result.problems
    assert problem.id == "7.1.2" and "[nv_cds]" in problem.problem
