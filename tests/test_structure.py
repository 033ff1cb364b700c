"""`cchc structure`: each kind's scale, method split and criteria counts, checked against the
numbers the seeds publish (2022: seed 000 Biểu 01 and §II, seed 003; 2024: seed 004 §II.1)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dsl.check import load_ruleset
from engine.structure import as_text, structure

ROOT = Path(__file__).resolve().parent.parent


def d(x) -> Decimal:
    return Decimal(str(x))


# seed 000 Biểu 01 ("Thang điểm") for the totals; the split of the special units' scales
# between appraisal and survey is reconstructed (rules/2022/decision.cchc says why).
SCALES_2022 = {"so": 100, "huyen": 100, "so_ngoai_vu": 69, "vp_ubnd": 65, "bql_kkt": 64,
               "thanh_tra": 74, "ban_dan_toc": 74}

# seed 004 §II.1: kind -> (total, appraisal, survey, criteria, sub-criteria)
SCALES_2024 = {
    "so": (100, 77, 23, 50, 46), "bql_kkt": (100, 77, 23, 50, 46),
    "thanh_tra": (91, 68, 23, 46, 37), "ban_dan_toc": (70.5, 50.5, 20, 37, 30),
    "vp_ubnd": (72.75, 52.75, 20, 38, 32), "so_ngoai_vu": (66.25, 46.25, 20, 35, 26),
    "huyen": (100, 72, 28, 52, 42),
}
AREAS_2024 = {
    "so": [(7, 4), (4, 4), (13, 11), (4, 10), (6, 7), (5, 4), (4, 6), (7, 0)],
    "huyen": [(8, 4), (4, 4), (10, 7), (4, 10), (6, 7), (6, 2), (4, 6), (10, 2)],
}


@pytest.fixture(scope="module")
def rs2022():
    return load_ruleset(ROOT / "rules" / "2022")


@pytest.fixture(scope="module")
def rs2024():
    return load_ruleset(ROOT / "rules" / "2024")


@pytest.mark.parametrize("kind,total", sorted(SCALES_2022.items()))
def test_2022_real_maximum_of_each_kind(rs2022, kind, total):
    doc = structure(rs2022, kind)
    assert doc["max_total"] == d(total)
    assert doc["areas_count"] == len(doc["areas"])


def test_2022_departments_and_districts_split_70_30(rs2022):
    for kind in ("so", "huyen"):
        assert structure(rs2022, kind)["max_by_method"] == {"appraisal": 70, "survey": 30}


def test_2022_department_criteria_per_area(rs2022):
    # seed 000 §II: 7, 3, 7, 3, 6, 4, 3 criteria in areas 1–7; area 8 entirely by survey (30)
    doc = structure(rs2022, "so")
    assert [a["criteria"] for a in doc["areas"][:7]] == [7, 3, 7, 3, 6, 4, 3]
    assert doc["areas"][7]["max_by_method"] == {"survey": 30}


def test_2022_district_area_maxima(rs2022):
    # seed 003 §I.2: 13,50 · 5 · 13,50 · 7,5 · 8,0 · 7,0 · 12,50 · 33; criteria per area
    # seed 003 §2.1 and DOMAIN.md: 7, 3 (4 sub-criteria), 6, 3, 7, 5, 3
    doc = structure(rs2022, "huyen")
    assert [a["max"] for a in doc["areas"]] == [d(x) for x in
                                                (13.5, 5, 13.5, 7.5, 8, 7, 12.5, 33)]
    assert [a["criteria"] for a in doc["areas"][:7]] == [7, 3, 6, 3, 7, 5, 3]
    assert doc["areas"][1]["subcriteria"] == 4
    assert doc["areas"][7]["max_by_method"] == {"appraisal": 3, "survey": 30}


def test_2022_special_units_clues(rs2022):
    ids = {k: {a["id"] for a in structure(rs2022, k)["areas"]} for k in SCALES_2022}
    assert "3" not in ids["vp_ubnd"]  # footnote 7: no administrative procedures
    assert "2" not in ids["bql_kkt"]  # footnote 6: no institutional-reform function
    for kind in ("so_ngoai_vu", "vp_ubnd", "bql_kkt", "thanh_tra", "ban_dan_toc"):
        area8 = structure(rs2022, kind)["areas"][-1]
        assert "8.6" not in {c["id"] for c in area8["items"]}  # §II.8: no satisfaction survey


@pytest.mark.parametrize("kind", sorted(SCALES_2024))
def test_2024_scale_split_and_counts(rs2024, kind):
    total, appraisal, survey, criteria, subcriteria = SCALES_2024[kind]
    doc = structure(rs2024, kind)
    assert doc["max_total"] == d(total)
    assert doc["max_by_method"] == {"appraisal": d(appraisal), "survey": d(survey)}
    assert (doc["areas_count"], doc["criteria"], doc["subcriteria"]) == (8, criteria, subcriteria)


@pytest.mark.parametrize("kind", ["so", "bql_kkt", "huyen"])
def test_2024_counts_per_area(rs2024, kind):
    want = AREAS_2024["huyen" if kind == "huyen" else "so"]
    doc = structure(rs2024, kind)
    assert [(a["criteria"], a["subcriteria"]) for a in doc["areas"]] == want


def test_2024_replaces_1726(rs2024):
    assert rs2024.decision.get("replaces") == "1726/QĐ-UBND"


def test_structure_text_reads_in_vietnamese(rs2022):
    text = as_text(structure(rs2022, "vp_ubnd"))
    assert text.splitlines()[1].startswith("Thang điểm 65,0 = thẩm định 45,0 + điều tra XHH 20,0")
