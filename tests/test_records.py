"""Records that cannot mislead: each bad record is refused or reported incomplete, located, with
no traceback, and the same record fixed scores as before; recorded points; text robustness."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from dsl import ast
from dsl.check import load_ruleset
from dsl.errors import FactsError
from dsl.parse import parse_text
from engine.evaluate import score
from engine.facts import load_record
from tests.test_cli import cchc

MT = "facts/2022/huyen-muong-te.yaml"
XA = "tests/fixtures/xa"


def variant(root: Path, tmp: Path, old: str, new: str, name: str = "muong-te.yaml") -> Path:
    """Mường Tè's record with one line changed, written to tmp."""
    text = (root / MT).read_text("utf-8")
    assert old in text, old
    out = tmp / name
    out.write_text(text.replace(old, new, 1), "utf-8")
    return out


def line_with(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if needle in line)


def refused(r) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_the_fixed_record_scores_as_published(root):
    r = cchc("score", "rules/2022", MT, "--json", cwd=root)
    assert r.returncode == 0, r.stderr
    (unit,) = json.loads(r.stdout)["units"]
    assert (unit["achieved"], unit["index"], unit["complete"]) == (65.84, 65.84, True)
    assert unit["group"]["id"] == "huyen" and unit["band"] is None  # 1726 declares no bands


def test_a_district_record_marked_as_a_department_is_refused(root, tmp_path):
    bad = variant(root, tmp_path, "kind: huyen", "kind: so")
    r = cchc("score", "rules/2022", str(bad), cwd=root)
    refused(r)
    # every district fact is named, at its own line, as not read by a department's criteria
    line = line_with(bad, "chi_tieu_ktxh_dat:")  # area 8's socio-economic targets: districts only
    assert f"{bad}:{line}: " in r.stderr and "facts.chi_tieu_ktxh_dat" in r.stderr
    assert "'so'" in r.stderr


def test_a_kind_the_rules_do_not_declare_is_refused_once_with_a_suggestion(root, tmp_path):
    bad = variant(root, tmp_path, "kind: huyen", "kind: huyn")
    r = cchc("score", "rules/2022", str(bad), cwd=root)
    refused(r)
    assert r.stderr.count("unit.kind") == 1 and "'huyen'" in r.stderr


def test_a_2022_record_scored_with_the_2024_rules_is_refused_at_its_year(root):
    r = cchc("score", "rules/2024", MT, cwd=root)
    refused(r)
    assert f"{MT}:{line_with(root / MT, 'year: 2022')}: " in r.stderr
    assert "2024" in r.stderr and "2022" in r.stderr


def test_a_percentage_written_as_a_fraction_is_refused_with_the_fix(root, tmp_path):
    bad = variant(root, tmp_path, "value: 86.75", "value: 0.8675")
    r = cchc("score", "rules/2022", str(bad), cwd=root)
    refused(r)
    assert f"{bad}:{line_with(bad, 'value: 0.8675')}: " in r.stderr
    assert "86.75" in r.stderr and "86,75%" in r.stderr
    # and the unambiguous Vietnamese spelling is read as meant
    ok = variant(root, tmp_path, "value: 86.75", 'value: "86,75%"', "ok.yaml")
    rs = load_ruleset(root / "rules/2022")
    assert score(rs, load_record(rs, ok)).achieved == Decimal("65.84")


def test_more_tasks_done_than_planned_is_refused(root, tmp_path):
    text = (root / MT).read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(re.sub(r"(nv_ke_hoach_cchc_hoan_thanh:\n    value: )22", r"\g<1>23", text),
                   "utf-8")
    assert bad.read_text("utf-8") != text
    r = cchc("score", "rules/2022", str(bad), cwd=root)
    refused(r)
    # at the value that breaks the relation: the line after the fact's key
    assert f"{bad}:{line_with(bad, 'nv_ke_hoach_cchc_hoan_thanh:') + 1}: " in r.stderr
    assert "23" in r.stderr and "22" in r.stderr


def test_a_missing_fact_makes_the_result_incomplete_and_names_the_fact(root, tmp_path):
    text = (root / MT).read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(re.sub(r"  tin_bai_tuyen_truyen_cchc:\n(    .*\n)+?(?=  \w)", "", text), "utf-8")
    assert "tin_bai_tuyen_truyen_cchc" not in bad.read_text("utf-8")
    r = cchc("explain", "rules/2022", str(bad), cwd=root)
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    assert "tin_bai_tuyen_truyen_cchc" in r.stdout
    assert "Số tin, bài, phóng sự tuyên truyền CCHC trong năm" in r.stdout  # the fact's label
    s = cchc("score", "rules/2022", str(bad), "--json", cwd=root)
    assert s.returncode == 3
    (unit,) = json.loads(s.stdout)["units"]
    assert unit["complete"] is False and unit["achieved"] is None and unit["index"] is None
    assert unit["partial"]["not_scored"][0].startswith("1.4: ")
    t = cchc("score", "rules/2022", str(bad), cwd=root)
    assert t.returncode == 3 and "65,84" not in t.stdout


def test_a_zero_denominator_is_what_the_rule_says_it_is(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(Path(XA), rules)
    text = (rules / "xa.cchc").read_text("utf-8")
    (rules / "xa.cchc").write_text(text.replace(
        'when nv = 0: full because "Không có nhiệm vụ được giao"',
        'when nv = 0: not scorable because "Chưa có số liệu nhiệm vụ"'), "utf-8")
    rec = tmp_path / "xa.yaml"
    rec.write_text("unit: {id: xa-a, name: UBND xã A, kind: xa}\nyear: 2025\n"
                   "facts: {nv: 0, nv_xong: 0, ty_le_truc_tuyen: 100, diem_xhh: 4}\n", "utf-8")
    rs = load_ruleset(rules)
    result = score(rs, load_record(rs, rec))
    assert not result.complete
    (problem,) = result.problems
    assert problem.id == "1.1" and "[nv]" in problem.problem
    assert "Chưa có số liệu nhiệm vụ" in problem.problem
    # with the rule as written in the fixture, 0 tasks means full points
    rs = load_ruleset(XA)
    result = score(rs, load_record(rs, rec))
    assert result.complete and result.achieved == 10


def test_an_unguarded_division_by_zero_names_its_facts(tmp_path):
    # the checker refuses such rules; the engine must still say what happened, not crash
    text = Path(XA, "xa.cchc").read_text("utf-8").replace(
        '    when nv = 0: full because "Không có nhiệm vụ được giao"\n', "")
    rs = ast.RuleSet(str(tmp_path), (parse_text(text, "xa.cchc"),), {"xa.cchc": text})
    rec = tmp_path / "xa.yaml"
    rec.write_text("unit: {id: xa-a, name: UBND xã A, kind: xa}\nyear: 2025\n"
                   "facts: {nv: 0, nv_xong: 0, ty_le_truc_tuyen: 100, diem_xhh: 4}\n", "utf-8")
    result = score(rs, load_record(load_ruleset(XA), rec))
    (problem,) = result.problems
    assert "[nv]" in problem.problem and "Số nhiệm vụ được giao" in problem.problem


def test_vietnamese_forms_are_read_as_meant(tmp_path):
    rec = tmp_path / "xa.yaml"
    rec.write_text("unit: {id: xa-a, name: UBND xã A, kind: xa}\nyear: 2025\n"
                   "facts:\n  nv: '1.200'\n  nv_xong: 1200\n  ty_le_truc_tuyen: '0,5%'\n"
                   "  diem_xhh: '3,5'\n", "utf-8")
    rs = load_ruleset(XA)
    r = load_record(rs, rec)
    assert r.values["nv"] == 1200 and str(r.values["ty_le_truc_tuyen"]) == "0.005"
    assert str(r.values["diem_xhh"]) == "3.5"


@pytest.mark.parametrize("value,fix", [("'1,500'", "1.5"), ("0.5", "50"), ("'maybe'", "")])
def test_ambiguous_forms_are_refused_with_the_fix(tmp_path, value, fix):
    field = "ty_le_truc_tuyen" if value == "0.5" else "diem_xhh"
    rec = tmp_path / "xa.yaml"
    rec.write_text("unit: {id: xa-a, name: UBND xã A, kind: xa}\nyear: 2025\nfacts:\n"
                   "  nv: 1\n  nv_xong: 1\n  ty_le_truc_tuyen: 10\n  diem_xhh: 1\n", "utf-8")
    text = rec.read_text("utf-8").replace(f"  {field}: {'10' if field != 'diem_xhh' else '1'}\n",
                                          f"  {field}: {value}\n")
    rec.write_text(text, "utf-8")
    with pytest.raises(FactsError) as info:
        load_record(load_ruleset(XA), rec)
    (d,) = info.value.diagnostics
    assert d.line == 6 if field == "ty_le_truc_tuyen" else d.line == 7
    assert f"facts.{field}" in d.message and fix in d.message


def test_recorded_points_of_a_published_row_score_and_say_recorded(root):
    rs = load_ruleset(root / "rules/2022")
    result = score(rs, load_record(rs, root / "facts/2022/so-noi-vu.yaml"))
    # Biểu 01, Sở Nội vụ: 25,90 + 60,31 = 86,21 of 100
    assert (result.achieved, result.max, result.index, result.complete) == (
        Decimal("86.21"), 100, Decimal("86.21"), True)
    assert [(c.name, float(c.achieved)) for c in result.columns] == [
        ("tac_dong", 25.90), ("tham_dinh", 60.31)]
    assert result.published[0]["rank"] == 1  # kept, not used
    assert result.published[0]["at"] == "Biểu 01, mục I, dòng 1"
    r = cchc("score", "rules/2022", "facts/2022/so-noi-vu.yaml", "--json", cwd=root)
    assert r.returncode == 0, r.stderr
    (unit,) = json.loads(r.stdout)["units"]
    assert (unit["achieved"], unit["index"]) == (86.21, 86.21)
    assert {x["key"]: x["points"] for x in unit["recorded"]} == {"tac_dong": 25.9,
                                                                  "tham_dinh": 60.31}
    assert all(a["covered_by"] for a in unit["areas"])
    assert "ghi nhận" in cchc("score", "rules/2022", "facts/2022/so-noi-vu.yaml",
                              cwd=root).stdout
    e = cchc("explain", "rules/2022", "facts/2022/so-noi-vu.yaml", cwd=root)
    assert e.returncode == 0 and "ghi nhận" in e.stdout and "86,21" in e.stdout
    assert "Biểu 01" in e.stdout


def test_recorded_points_above_the_maximum_are_refused(root, tmp_path):
    bad = tmp_path / "so.yaml"
    bad.write_text((root / "facts/2022/so-noi-vu.yaml").read_text("utf-8").replace(
        "tac_dong: 25.90", "tac_dong: 30.5"), "utf-8")
    r = cchc("score", "rules/2022", str(bad), cwd=root)
    refused(r)
    assert f"{bad}:{line_with(bad, 'tac_dong: 30.5')}: " in r.stderr and "30" in r.stderr


def _nfd_copy(src: Path, dst: Path, bom: bool) -> None:
    text = unicodedata.normalize("NFD", src.read_text("utf-8")).replace("\n", "\r\n")
    dst.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def test_nfd_bom_and_crlf_spellings_give_identical_results(root, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    for p in (root / "rules/2022").glob("*.cchc"):
        _nfd_copy(p, rules / p.name, bom=True)
    rec = tmp_path / "mt.yaml"
    _nfd_copy(root / MT, rec, bom=True)
    assert unicodedata.normalize("NFC", rec.read_text("utf-8")) != rec.read_text("utf-8")
    a = cchc("score", "rules/2022", MT, "--json", cwd=root)
    b = cchc("score", str(rules), str(rec), "--json", cwd=root)
    assert a.returncode == b.returncode == 0, b.stderr
    strip = re.compile(r'"(facts_file|rule)": "[^"]*"')
    # the stamps differ, as they must: they hash the files' bytes
    same = b.stdout.replace(f"{rules}/", "rules/2022/").split('\n  "stamp"')[0]
    assert strip.sub("", a.stdout.split('\n  "stamp"')[0]) == strip.sub("", same)
    e = cchc("explain", str(rules), str(rec), cwd=root)
    assert "Mường Tè" in e.stdout and "65,84" in e.stdout


def test_a_rule_file_that_is_not_utf8_is_located(tmp_path):
    shutil.copytree(Path(XA), tmp_path / "r")
    p = tmp_path / "r" / "xa.cchc"
    p.write_bytes(p.read_bytes().replace("Thử Nghiệm".encode(), "Th\xe1 Nghiem".encode("latin-1"),
                                         1))
    r = cchc("check", str(tmp_path / "r"), cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{p}:6:" in r.stderr and "UTF-8" in r.stderr


def test_no_user_facing_text_says_seed(root):
    for folder in ("rules", "facts"):
        for p in sorted((root / folder).rglob("*")):
            if p.is_file():
                assert "seed" not in p.read_text("utf-8").lower(), p
    e = cchc("explain", "rules/2022", MT, cwd=root)
    assert e.returncode == 0, e.stderr
    assert "seed" not in e.stdout.lower()
    # the documents are cited in full: kind, number, issuer and title
    assert "Báo cáo" in e.stdout and "UBND huyện Mường Tè" in e.stdout
    assert "1726/QĐ-UBND" in e.stdout


def test_co_khong_and_vietnamese_dates_are_read(mini, tmp_path):
    rec = tmp_path / "u.yaml"
    rec.write_text("unit: {id: u, name: Đơn vị thử, kind: huyen}\nyear: 2024\nfacts:\n"
                   "  ty_le: 100\n  co: 'Không'\n  han: 31/3/2024\n  ngay: '1/3/2024'\n"
                   "  so_vu: 0\n  diem: 2\n  nv: 4\n  nv_xong: 4\n  bao_cao: []\n", "utf-8")
    r = load_record(mini, rec)
    assert r.values["co"] is False
    assert r.values["han"].isoformat() == "2024-03-31"
    assert r.values["ngay"].isoformat() == "2024-03-01"
    bad = tmp_path / "bad.yaml"
    bad.write_text(rec.read_text("utf-8").replace("31/3/2024", "31/2/2024"), "utf-8")
    with pytest.raises(FactsError) as info:
        load_record(mini, bad)
    assert [(d.line, "facts.han" in d.message) for d in info.value.diagnostics] == [(6, True)]
