"""Checker warnings (apart from errors; `check --strict` fails on them), a missing '}' located at
the block it fails to close, and no internal token name in any message."""

import shutil

import pytest

from dsl.check import load_ruleset
from dsl.errors import RuleSyntaxError
from dsl.parse import parse_text
from dsl.warnings import warnings
from tests.test_cli import cchc


@pytest.fixture()
def rules(root, tmp_path):
    dst = tmp_path / "rules"
    shutil.copytree(root / "rules" / "2024", dst)
    return dst


def _edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize("year", ["2022", "2024"])
def test_the_bundled_rules_have_no_warning(root, year):
    r = cchc("check", f"rules/{year}", "--strict", cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_a_fact_no_rule_reads(rules, root):
    _edit(rules / "facts-common.cchc", "facts {\n", 'facts {\n  khong_dung: count "Không dùng"\n')
    found = warnings(load_ruleset(str(rules)))
    assert [d.message for d in found] == [
        "số liệu 'khong_dung' được khai báo nhưng không quy tắc nào của loại đơn vị nào đọc đến"]
    r = cchc("check", str(rules), cwd=root)
    assert r.returncode == 0 and "cảnh báo: số liệu 'khong_dung'" in r.stderr
    assert "facts-common.cchc:" in r.stderr
    strict = cchc("check", str(rules), "--strict", cwd=root)
    assert strict.returncode == 1


def test_guidance_that_disagrees_with_the_rule(rules):
    # rules/2024/huyen.cchc, 1.1.1: max 0.5, "full if … else 0"; the guidance says 0,5 points
    _edit(rules / "huyen.cchc", 'guidance "Ban hành kịp thời: 0,5 điểm; ban hành chậm: 0 điểm."',
          'guidance "Ban hành kịp thời: 1,5 điểm; ban hành chậm: 0 điểm."')
    found = [d.message for d in warnings(load_ruleset(str(rules)))]
    assert found == ["hướng dẫn chấm của 1.1.1 nói 1,5 điểm, nhưng quy tắc của nó không cho mức "
                     "điểm này"]


def test_guidance_threshold_that_is_not_the_rules(rules):
    # 1.1.2: levels at 100% and 80%; a guidance saying 90% has no such threshold
    _edit(rules / "huyen.cchc", "từ 80% đến dưới 100%: 1 điểm", "từ 90% đến dưới 100%: 1 điểm")
    found = [d.message for d in warnings(load_ruleset(str(rules)))]
    assert any("nói 90%" in m for m in found), found


def test_counts_the_decision_declares(rules):
    # Quyết định năm 2024, mục II.1: Phụ lục 06 has 52 criteria; say 51 and the rules disagree
    _edit(rules / "decision.cchc", "counts 8 areas, 52 criteria, 42 subcriteria",
          "counts 8 areas, 51 criteria, 42 subcriteria")
    found = [d.message for d in warnings(load_ruleset(str(rules)))]
    assert found == ["quyết định quy định 'huyen' có 8 lĩnh vực, 51 tiêu chí và 42 tiêu chí thành "
                     "phần; bộ quy tắc có 8, 52 và 42"]


def test_braces_in_a_reason_that_are_not_a_hole(rules, root):
    _edit(rules / "huyen.cchc", 'because "Kế hoạch CCHC năm không được ban hành kịp thời"',
          'because "Kế hoạch CCHC năm không được ban hành kịp thời {1,5}"')
    r = cchc("check", str(rules), cwd=root)
    assert r.returncode == 1
    assert "'{1,5}' trong lý do không phải một chỗ điền số liệu" in r.stderr


def test_a_missing_brace_is_reported_at_the_block_it_fails_to_close(rules, root):
    f = rules / "huyen.cchc"
    lines = f.read_text("utf-8").split("\n")
    opened = next(i for i, x in enumerate(lines, 1) if x.startswith("    criterion 1.1.1 "))
    close = next(i for i in range(opened, len(lines)) if lines[i] == "    }")  # 0-based index
    del lines[close]
    f.write_text("\n".join(lines), "utf-8")
    r = cchc("check", str(rules), cwd=root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"huyen.cchc:{opened}:5: lỗi: " in r.stderr, r.stderr
    assert f"khối mở ở dòng {opened} chưa có dấu '}}' đóng: thêm '}}' trước dòng {close + 1}" \
        in r.stderr


@pytest.mark.parametrize("text", [
    'area 1 "A" max 1 { criterion 1.1 "B" max 1 { full if x else 0 because "r" }',
    'area 1 "A" max 1 {\n  criterion 1.1 "B" max 1 {\n    full if x\n}\n',
    'area 1 "A" max 1 { criterion 1.1 "B" max 1 { deduct 0.5 for each r in } }',
    'kind huyen "H" scale 100 = appraisal 70 + survey 30 counts 8 areas 52',
])
def test_no_internal_token_name_reaches_a_person(text):
    with pytest.raises(RuleSyntaxError) as info:
        parse_text(text, "x.cchc")
    message = info.value.diagnostics[0].message
    assert "__" not in message and "ANON" not in message.upper(), message
