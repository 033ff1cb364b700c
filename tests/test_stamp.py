"""Every output carries a stamp of the rules and records it was made from; `cchc verify` confirms
it on unchanged files and, after one byte changes, refutes it naming the file."""

import shutil

import pytest

from engine.stamp import find, token
from tests.test_cli import cchc

MT = "facts/2022/huyen-muong-te.yaml"


@pytest.fixture()
def copy(root, tmp_path):
    """A copy of the 2022 rules and Mường Tè's record, run from tmp_path (names stay short)."""
    shutil.copytree(root / "rules" / "2022", tmp_path / "rules")
    (tmp_path / "facts").mkdir()
    shutil.copy(root / MT, tmp_path / "facts" / "mt.yaml")
    return tmp_path


def _flip_one_byte(path):
    data = bytearray(path.read_bytes())
    i = data.index(b"#")  # a comment: the rules mean the same, the bytes differ
    data[i + 1:i + 2] = b"!" if data[i + 1:i + 2] != b"!" else b"?"
    path.write_bytes(bytes(data))


def test_unchanged_inputs_verify(copy):
    out = copy / "giai-trinh.txt"
    r = cchc("explain", "rules", "facts/mt.yaml", "-o", str(out), cwd=copy)
    assert r.returncode == 0, r.stderr
    v = cchc("verify", str(out), "--rules", "rules", "--facts", "facts", cwd=copy)
    assert v.returncode == 0, v.stdout + v.stderr
    assert v.stdout.startswith("KHỚP")


def test_one_byte_of_a_rule_file_refutes_naming_it(copy):
    out = copy / "giai-trinh.json"
    cchc("explain", "rules", "facts/mt.yaml", "--format", "json", "-o", str(out), cwd=copy)
    before = find(out.read_bytes())
    _flip_one_byte(copy / "rules" / "huyen.cchc")
    again = copy / "again.json"
    cchc("explain", "rules", "facts/mt.yaml", "--format", "json", "-o", str(again), cwd=copy)
    assert find(again.read_bytes())["rules"]["sha256"] != before["rules"]["sha256"]
    v = cchc("verify", str(out), "--rules", "rules", "--facts", "facts", cwd=copy)
    assert v.returncode == 1
    assert "KHÔNG KHỚP" in v.stdout and "đã thay đổi: rules/huyen.cchc" in v.stdout


def test_one_byte_of_a_record_refutes_naming_it(copy):
    out = copy / "bang.txt"
    cchc("score", "rules", "facts/mt.yaml", "-o", str(out), cwd=copy)
    rec = copy / "facts" / "mt.yaml"
    rec.write_bytes(rec.read_bytes().replace(b"2022-06-24", b"2022-06-25", 1))
    v = cchc("verify", str(out), "--rules", "rules", "--facts", "facts", cwd=copy)
    assert v.returncode == 1 and "đã thay đổi: facts/mt.yaml" in v.stdout


def test_a_record_added_to_a_ranked_folder_refutes(root, tmp_path):
    shutil.copytree(root / "facts" / "2022", tmp_path / "facts")
    shutil.copytree(root / "rules" / "2022", tmp_path / "rules")
    out = tmp_path / "xep-hang.md"
    r = cchc("rank", "rules", "facts", "--format", "md", "-o", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ok = cchc("verify", str(out), "--rules", "rules", "--facts", "facts", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout
    shutil.copy(tmp_path / "facts" / "so-noi-vu.yaml", tmp_path / "facts" / "so-moi.yaml")
    v = cchc("verify", str(out), "--rules", "rules", "--facts", "facts", cwd=tmp_path)
    assert v.returncode == 1 and "có thêm: facts/so-moi.yaml" in v.stdout


def test_the_stamp_alone_verifies(copy):
    out = copy / "bang.json"
    cchc("score", "rules", "facts/mt.yaml", "--json", "-o", str(out), cwd=copy)
    t = token(find(out.read_bytes()))
    v = cchc("verify", t, "--rules", "rules", "--facts", "facts", cwd=copy)
    assert v.returncode == 0, v.stdout + v.stderr


def test_an_output_without_a_stamp(tmp_path, root):
    f = tmp_path / "khac.txt"
    f.write_text("không phải kết quả của cchc")
    v = cchc("verify", str(f), "--rules", "rules/2022", cwd=root)
    assert v.returncode == 1 and "không có dấu xác thực" in v.stderr
    assert "Traceback" not in v.stderr


@pytest.mark.parametrize("args, name", [
    (["score", "rules/2022", MT], "bang.txt"),
    (["score", "rules/2022", MT, "--json"], "bang.json"),
    (["explain", "rules/2022", MT], "gt.txt"),
    (["explain", "rules/2022", MT, "--format", "json"], "gt.json"),
    (["rank", "rules/2022", "facts/2022", "--format", "md"], "xh.md"),
    (["rank", "rules/2022", "facts/2022", "--format", "json"], "xh.json"),
    (["structure", "rules/2024", "--kind", "so"], "cay.txt"),
    (["appendix", "rules/2024", "--kind", "so", "--format", "html"], "pl.html"),
    (["appendix", "rules/2024", "--kind", "so", "--format", "docx"], "pl.docx"),
    (["diff", "rules/2022", "rules/2024", "--kind", "so", "--format", "md"], "ss.md"),
])
def test_every_output_carries_a_stamp(root, tmp_path, args, name):
    out = tmp_path / name
    r = cchc(*args, "-o", str(out), cwd=root)
    assert r.returncode == 0, r.stderr
    stamp = find(out.read_bytes())
    assert stamp is not None and stamp["engine"]
    assert all(f.startswith("rules/") for f in stamp["rules"]["files"])
    v = cchc("verify", str(out), *sum((["--rules", d] for d in ("rules/2022", "rules/2024")
                                       if any(f.startswith(d) for f in stamp["rules"]["files"])),
                                      []), "--facts", "facts/2022", cwd=root)
    assert v.returncode == 0, v.stdout


def test_workbook_and_site_carry_a_stamp(root, tmp_path):
    r = cchc("rank", "rules/2022", "facts/2022", "--format", "xlsx", "--out",
             str(tmp_path / "xh"), cwd=root)
    assert r.returncode == 0, r.stderr
    assert find((tmp_path / "xh" / "xep-hang.xlsx").read_bytes()) is not None
    r = cchc("site", "rules/2024", "--out", str(tmp_path / "web"), cwd=root)
    assert r.returncode == 0, r.stderr
    v = cchc("verify", str(tmp_path / "web"), "--rules", "rules/2024", cwd=root)
    assert v.returncode == 0, v.stdout + v.stderr
    page = (tmp_path / "web" / "site" / "2024" / "tieu-chi.html").read_text("utf-8")
    assert "Dấu xác thực: quyết định" in page  # every page's foot


def test_same_inputs_same_stamp(root):
    one = cchc("explain", "rules/2022", MT, cwd=root).stdout
    two = cchc("explain", "rules/2022", MT, cwd=root).stdout
    assert one == two and "cchc-stamp:v1:" in one
