"""`cchc test` as a person drives it: one folder, one file or one case; -k, -v; JSON and JUnit;
coverage of what a file is about, each branch not exercised named by its rule line."""

import json
import xml.etree.ElementTree as ET

from tests.test_cli import cchc

AREA1 = "tests/rules/2022/huyen-area-1.yaml"
ONE = "1.2: một báo cáo chậm trừ 0,5 điểm"


def test_one_file(root):
    r = cchc("test", "rules/2022", AREA1, cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.rstrip().endswith("30 passed, 0 failed")


def test_one_case(root):
    r = cchc("test", "rules/2022", f"{AREA1}::{ONE}", "-v", cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"ĐẠT {AREA1}" in r.stdout or f"PASS {AREA1}" in r.stdout
    assert r.stdout.rstrip().endswith("1 passed, 0 failed")


def test_a_case_that_is_not_there(root):
    r = cchc("test", "rules/2022", f"{AREA1}::không có", cwd=root)
    assert r.returncode == 2 and "không có" in r.stderr and ONE in r.stderr


def test_k_selects_by_name(root):
    r = cchc("test", "rules/2022", "tests/rules/2022", "-k", "báo cáo chậm", "-v", cwd=root)
    assert r.returncode == 0
    names = [x for x in r.stdout.splitlines() if x.startswith(("ĐẠT", "PASS"))]
    assert names and all("báo cáo chậm" in x for x in names)


def test_json_and_junit(root):
    r = cchc("test", "rules/2022", AREA1, "--format", "json", "--coverage", cwd=root)
    doc = json.loads(r.stdout)
    assert (doc["passed"], doc["failed"]) == (30, 0)
    # rules/2022/huyen.cchc line 47: 1.3's "when don_vi_truc_thuoc = 0" no case of the file
    # exercises
    assert {"branch": "denominator 1 is 0", "at": "rules/2022/huyen.cchc:47"} in \
        doc["coverage"]["huyen.cchc 1.3"]
    r = cchc("test", "rules/2022", AREA1, "--format", "junit", cwd=root)
    suite = ET.fromstring(r.stdout.split("\n", 1)[1])
    assert suite.get("tests") == "30" and suite.get("failures") == "0"


def test_coverage_of_a_file_is_about_its_criteria(root):
    r = cchc("test", "rules/2022", AREA1, "--coverage", cwd=root)
    uncovered = [x for x in r.stdout.splitlines() if x.startswith("    ")]
    assert uncovered and all(" 1." in x.split(":")[0] for x in uncovered)  # area 1 only
    assert not any("so.cchc" in x for x in uncovered)  # the file is about districts
    assert "(rules/2022/huyen.cchc:47)" in r.stdout  # a branch by its rule line


def test_a_mistyped_key_is_refused_with_a_suggestion(root, tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text('kind: huyen\nbase: ' + str(root / "facts/2022/huyen-muong-te.yaml")
                 + '\ncases:\n  - name: a\n    expect:\n      "1.2": {point: 1}\n', "utf-8")
    r = cchc("test", "rules/2022", str(f), cwd=root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{f}:6" in r.stderr and "'point'" in r.stderr and "'points'" in r.stderr


def test_points_written_the_vietnamese_way(root, tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text('kind: huyen\nbase: ' + str(root / "facts/2022/huyen-muong-te.yaml")
                 + '\ncases:\n  - name: a\n    facts:\n      bao_cao_cchc:\n'
                 '        - {ten: "Quý I", han: 2022-03-15, ngay_gui: 2022-03-20}\n'
                 '    expect:\n      "1.2":\n        points: 1,5\n      "1.1": 2,5\n', "utf-8")
    r = cchc("test", "rules/2022", str(f), cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    # inside { } a comma separates entries: said so, not a puzzle about a key '5'
    text = f.read_text("utf-8")
    f.write_text(text.replace('"1.2":\n        points: 1,5', '"1.2": {points: 1,5}'), "utf-8")
    r = cchc("test", "rules/2022", str(f), cwd=root)
    assert r.returncode == 1 and "dấu phẩy" in r.stderr
