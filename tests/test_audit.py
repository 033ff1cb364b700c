"""Self-assessment and appraisal rounds in a record, and `cchc audit`: every criterion where the
unit's points, a round's points and the rules' points disagree, with the rules' reasons."""

import json
from decimal import Decimal

import pytest

from tests.test_cli import cchc

MT = "facts/2022/huyen-muong-te.yaml"

# Mường Tè claims full points on 1.1 (the rules agree: 2,5 of 2,5, seed 003 names no deduction
# there), on 1.2 (the rules give 0: four reports late, seed 003 mục 2.1.1) and on 1.5 (the rules
# give 0: no initiative recognised, seed 003 mục 2.1.1).
ASSESSED = """
self_assessment:
  "1.1": 2.5
  "1.2": 2
  "1.5": 2
appraisal:
  - round: 1
    date: 2023-03-10
    points: {"1.1": 2.5, "1.2": 1, "1.5": 0}
    notes: {"1.2": "Thiếu tài liệu kiểm chứng báo cáo quý II"}
  - round: 2
    points: {"1.1": 2.5, "1.2": 0, "1.5": 0}
explanations:
  "1.2": "Đơn vị bổ sung ảnh chụp Hệ thống báo cáo"
"""


@pytest.fixture()
def assessed(root, tmp_path):
    f = tmp_path / "mt.yaml"
    f.write_text((root / MT).read_text("utf-8") + ASSESSED, "utf-8")
    return f


def test_audit_lists_each_disagreement_with_its_reason(root, assessed):
    r = cchc("audit", "rules/2022", str(assessed), cwd=root)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Tiêu chí 1.1 " not in out  # all three agree: not listed
    assert ("tự đánh giá 2,0 · thẩm định vòng 1: 1,0 (Thiếu tài liệu kiểm chứng báo cáo quý II)"
            " · thẩm định vòng 2: 0,0 · theo quy tắc: 0,0") in out
    assert "Giải trình của đơn vị: Đơn vị bổ sung ảnh chụp Hệ thống báo cáo" in out
    assert "gửi ngày 24/06/2022, chậm so với hạn 19/06/2022" in out  # the rules' reason for 1.2
    assert "Quy tắc: rules/2022/huyen.cchc:39" in out
    assert "Tiêu chí 1.5 Sáng kiến" in out
    # claimed 2,5 + 2 + 2 = 6,5; the rules give 2,5 + 0 + 0; round 2 gave 2,5 + 0 + 0
    assert ("Đơn vị tự chấm 3 tiêu chí: tự nhận 6,50 điểm; theo quy tắc 2,50 điểm; vòng thẩm định "
            "cuối cho 2,50") in out


def test_audit_json(root, assessed):
    r = cchc("audit", "rules/2022", str(assessed), "--format", "json", cwd=root)
    assert r.returncode == 0, r.stderr
    (unit,) = json.loads(r.stdout, parse_float=Decimal)["units"]
    assert (unit["claimed"], unit["computed"], unit["last_round"]) == (
        Decimal("6.5"), Decimal("2.5"), Decimal("2.5"))
    by_id = {c["id"]: c for c in unit["criteria"]}
    assert by_id["1.1"]["agree"] and not by_id["1.2"]["agree"]
    assert [x["points"] for x in by_id["1.2"]["rounds"]] == [1, 0]
    assert len(by_id["1.2"]["deductions"]) == 4


def test_no_assessment_no_disagreement(root):
    r = cchc("audit", "rules/2022", MT, cwd=root)
    assert r.returncode == 0 and "Không có chênh lệch" in r.stdout


@pytest.mark.parametrize("bad, message", [
    ('self_assessment:\n  "1.22": 1\n', "loại đơn vị này không có tiêu chí '1.22'"),
    ('self_assessment:\n  "1.2": 3\n', "3 điểm vượt điểm tối đa 2 của tiêu chí"),
    ('appraisal:\n  - round: 1\n    points: {"1.2": 1}\n  - round: 1\n    points: {}\n',
     "vòng 1 được ghi hai lần"),
    ('appraisal:\n  - points: {"1.2": 1}\n', "round"),
])
def test_wrong_assessments_are_located(root, tmp_path, bad, message):
    f = tmp_path / "mt.yaml"
    f.write_text((root / MT).read_text("utf-8") + bad, "utf-8")
    r = cchc("audit", "rules/2022", str(f), cwd=root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert message in r.stderr and str(f) in r.stderr


def test_the_appendix_shows_the_self_assessment(root, assessed):
    r = cchc("appendix", "rules/2022", "--kind", "huyen", "--facts", str(assessed), cwd=root)
    assert r.returncode == 0, r.stderr
    row = next(line for line in r.stdout.splitlines() if line.startswith("| 2 | Thực hiện chế"))
    cells = [c.strip() for c in row.split(" | ")]
    assert cells[3:7] == ["2,00", "0,00", "", "0,00"]  # Tự đánh giá · Thẩm định · XHH · Đạt


def test_the_scorecard_shows_the_self_assessment(root, assessed, tmp_path):
    facts = tmp_path / "ho-so"
    facts.mkdir()
    assessed.rename(facts / "mt.yaml")
    r = cchc("site", "rules/2022", "--facts", str(facts), "--out", str(tmp_path / "web"),
             cwd=root)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "web" / "site" / "2022" / "don-vi" / "huyen-muong-te.html").read_text()
    assert "Tự đánh giá và thẩm định" in page
    row = page[page.index("1.2 Thực hiện chế độ báo cáo cải cách hành chính</td>"):]
    row = row[:row.index("</tr>")]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:5]]
    assert cells == ["2,00", "1,00", "0,00", "0,00"]  # self · round 1 · round 2 · rules
