"""The installed ``cchc`` command, run as a user runs it: a subprocess (in Vietnamese, the
default; ``lang="en"`` where a test reads English)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "cchc"
CCHC = str(BIN) if BIN.exists() else shutil.which("cchc")
MT = "facts/2022/huyen-muong-te.yaml"


def line_of(root: Path, needle: str, rules: str = "rules/2022/huyen.cchc") -> int:
    """The line of the rule file that holds a text (so tests survive edits above it)."""
    lines = (root / rules).read_text("utf-8").splitlines()
    (n,) = [i for i, line in enumerate(lines, 1) if needle in line]
    return n


def cchc(*args: str, cwd: Path, lang: str | None = None) -> subprocess.CompletedProcess:
    assert CCHC, "the cchc console script is not installed"
    return subprocess.run([CCHC, *args, *(("--lang", lang) if lang else ())], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_check_passes_on_the_bundled_rules(root):
    r = cchc("check", "rules/2022", cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().endswith(": không có lỗi nào")


def test_score_json_gives_the_published_numbers(root):
    r = cchc("score", "rules/2022", MT, "--json", cwd=root)
    assert r.returncode == 0, r.stderr
    (unit,) = json.loads(r.stdout)["units"]
    assert unit["unit"] == {"id": "huyen-muong-te", "name": "UBND huyện Mường Tè", "kind": "huyen"}
    assert (unit["max"], unit["achieved"], unit["index"], unit["complete"]) == (100, 65.84, 65.84,
                                                                                 True)
    assert [(a["id"], a["achieved"], a["max"]) for a in unit["areas"]] == [
        ("1", 7.07, 13.5), ("2", 5, 5), ("3", 9.25, 13.5), ("4", 6.5, 7.5), ("5", 5.5, 8),
        ("6", 2.38, 7), ("7", 6.86, 12.5), ("8", 23.28, 33)]
    crit = {c["id"]: c for c in unit["criteria"]}
    assert crit["7.3"]["max"] - crit["7.3"]["achieved"] == pytest.approx(3.38)
    assert crit["7.3"]["level"] == "criterion" and crit["7.3.1"]["level"] == "subcriterion"
    assert isinstance(crit["1.2"]["deductions"][0]["points"], float)
    line = line_of(root, "for each r in bao_cao_cchc")
    assert crit["1.2"]["deductions"][0]["rule"] == f"rules/2022/huyen.cchc:{line}"
    assert '"achieved": 65.84,' in r.stdout  # exact digits, not a binary float's


def test_score_output_is_deterministic_and_written_atomically(root, tmp_path):
    out = tmp_path / "out" / "ket-qua.json"
    r1 = cchc("score", "rules/2022", MT, "--json", "-o", str(out), cwd=root)
    assert r1.returncode == 0 and r1.stdout == ""
    first = out.read_bytes()
    r2 = cchc("score", "rules/2022", MT, "--json", cwd=root)
    assert r2.stdout.encode("utf-8") == first
    assert [p.name for p in out.parent.iterdir()] == ["ket-qua.json"]  # no temporary left


def test_score_table_is_readable(root):
    r = cchc("score", "rules/2022", MT, cwd=root)
    assert r.returncode == 0
    assert "Tổng điểm: 65,84/100 — Chỉ số: 65,84%" in r.stdout


def test_explain_names_every_published_deduction(root):
    r = cchc("explain", "rules/2022", MT, cwd=root)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for crit, pts in [("1.2", "2,0"), ("1.5", "2,0"), ("1.7", "2,0"), ("3.1", "2,0"),
                      ("3.3", "1,0"), ("3.4", "1,25"), ("4.1", "1,0"), ("5.5", "2,5"),
                      ("6.1", "1,0"), ("6.2", "2,5"), ("6.5", "1,0"), ("7.1", "2,0"),
                      ("7.2", "0,26"), ("7.3", "3,38")]:
        header = out.split(f"Tiêu chí {crit} ")[1].splitlines()[0]
        assert f": trừ {pts} điểm" in header
    assert "Báo cáo công tác kiểm soát thủ tục hành chính quý II năm 2022 gửi ngày 24/06/2022, " \
           "chậm so với hạn 19/06/2022" in out
    assert ("Tài liệu kiểm chứng: Kết luận số 1424/KL-STC ngày 25/08/2022 "
            "của Thanh tra Sở Tài chính") in out
    assert "Quy tắc: rules/2022/huyen.cchc:" in out
    assert "Tổng điểm đạt: 65,84/100 điểm; Chỉ số CCHC: 65,84%" in out


def _rules_copy(root: Path, tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(root / "rules" / "2022", folder)
    text = (folder / "huyen.cchc").read_text("utf-8")
    assert old in text
    (folder / "huyen.cchc").write_text(text.replace(old, new, 1), "utf-8")
    return folder


def test_misspelt_fact_gives_place_caret_and_suggestion(root, tmp_path):
    folder = _rules_copy(root, tmp_path, "for each r in bao_cao_cchc", "for each r in bao_cao_cch")
    r = cchc("check", str(folder), cwd=root)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    line = line_of(root, "for each r in bao_cao_cchc")
    assert lines[0] == (f"{folder}/huyen.cchc:{line}:30: lỗi: không tìm thấy dữ kiện "
                        "'bao_cao_cch' (có phải là 'bao_cao_cchc' không?)")
    assert lines[2].endswith(" " * 29 + "^" * 11)
    assert "Traceback" not in r.stderr


def test_syntax_error_gives_place_and_caret(root, tmp_path):
    old = '"Mức độ hoàn thành Kế hoạch cải cách hành chính năm" max 2.5 {'
    folder = _rules_copy(root, tmp_path, old, old.replace("max 2.5", "2.5"))
    r = cchc("check", str(folder), cwd=root)
    assert r.returncode == 1
    first = r.stderr.splitlines()[0]
    line = line_of(root, old)
    assert first.startswith(f"{folder}/huyen.cchc:{line}:70:") and "phải có 'max'" in first
    assert "^" in r.stderr.splitlines()[2] and "Traceback" not in r.stderr


def test_wrongly_typed_fact_names_file_path_and_line(root):
    bad = "tests/fixtures/bad-facts/wrong-type.yaml"
    r = cchc("score", "rules/2022", bad, cwd=root, lang="en")
    assert r.returncode == 1
    assert f"{bad}:9: error: facts.ho_so_tre_han: 'năm mươi' is not a whole number" in r.stderr


def test_schema_for_a_kind_is_json(root):
    r = cchc("schema", "rules/2022", "--kind", "huyen", cwd=root)
    assert r.returncode == 0
    assert "ho_so_tre_han" in json.loads(r.stdout)["properties"]["facts"]["properties"]
    r = cchc("schema", "rules/2022", "--kind", "huyn", cwd=root)
    assert r.returncode == 2 and "có phải là 'huyen' không?" in r.stderr


@pytest.mark.parametrize("args", [("frobnicate",), ("check", "rules/1999"),
                                  ("score", "rules/2022")])
def test_usage_errors_exit_2_without_traceback(root, args):
    r = cchc(*args, cwd=root)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stderr.strip()


def test_structure_json_for_a_special_unit(root):
    r = cchc("structure", "rules/2022", "--kind", "vp_ubnd", "--json", cwd=root)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["decision"], doc["kind"], doc["max_total"]) == ("1726/QĐ-UBND", "vp_ubnd", 65)
    assert doc["max_by_method"] == {"appraisal": 45, "survey": 20}
    assert {"id", "title", "max", "criteria", "subcriteria"} <= set(doc["areas"][0])


def test_rule_test_failure_shows_expected_and_got(root):
    r = cchc("test", "rules/2022", "tests/fixtures/failing-cases", cwd=root)
    assert r.returncode == 1
    out = r.stdout
    assert "KHÔNG ĐẠT tests/fixtures/failing-cases/wrong.yaml:5: 1.2: sai kỳ vọng (huyen)" in out
    assert "1.2: kỳ vọng 1,5 điểm, thực tế 0,0 điểm" in out
    assert "1.2: kỳ vọng lý do ['Không có'], thực tế ['Báo cáo công tác kiểm soát" in out
    assert out.splitlines()[-2:] == ["1 ca đạt, 1 ca không đạt", "1 passed, 1 failed"]
    # the last line stays in English, whatever the language: CI tooling reads it
    r = cchc("test", "rules/2022", "tests/fixtures/failing-cases", cwd=root, lang="en")
    assert "FAIL tests/fixtures/failing-cases/wrong.yaml:5: 1.2: sai kỳ vọng (huyen)" in r.stdout
    assert "1.2: expected 1,5 points, got 0,0 points" in r.stdout
    assert "1 passed, 1 failed" not in r.stdout.splitlines()[:-1]  # said once in English
    assert r.stdout.splitlines()[-1] == "1 passed, 1 failed"


def test_rule_tests_pass_with_coverage_report(root):
    r = cchc("test", "rules/2022", "tests/rules/2022", "--coverage", cwd=root)
    assert r.returncode == 0, r.stdout
    assert "độ phủ: nhánh" in r.stdout and r.stdout.rstrip().endswith(" 0 failed")
