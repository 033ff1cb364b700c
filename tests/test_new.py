"""`cchc new`: the next decision's rules started from the current ones."""

import shutil

from tests.test_cli import cchc


def test_new_copies_renumbers_and_fills_replaces(root, tmp_path):
    new = tmp_path / "2026"
    r = cchc("new", "rules/2024", str(new), "--decision", "99/QĐ-UBND", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "kiểm tra không có lỗi" in r.stdout
    assert sorted(p.name for p in new.glob("*.cchc")) == \
        sorted(p.name for p in (root / "rules/2024").glob("*.cchc"))
    text = (new / "decision.cchc").read_text("utf-8")
    assert 'decision "99/QĐ-UBND" {' in text
    assert 'replaces "…/QĐ-UBND (2024)"' in text  # the decision it replaces
    assert "# Tạo bằng 'cchc new'" in text
    for f in ("so.cchc", "huyen.cchc"):  # everything else is copied as it is
        assert (new / f).read_bytes() == (root / "rules/2024" / f).read_bytes()
    c = cchc("check", str(new), cwd=root)
    assert c.returncode == 0, c.stderr
    d = cchc("diff", "rules/2024", str(new), "--kind", "huyen", cwd=root)
    assert "Tiêu chí thêm mới" not in d.stdout  # the same criteria


def test_new_fills_replaces_where_there_was_none(root, tmp_path):
    new = tmp_path / "next"
    r = cchc("new", "rules/2022", str(new), "--decision", "5/QĐ-UBND", cwd=root)
    assert r.returncode == 0, r.stderr
    assert 'replaces "1726/QĐ-UBND"' in (new / "decision.cchc").read_text("utf-8")


def test_new_never_writes_into_a_folder_in_use(root, tmp_path):
    used = tmp_path / "used"
    shutil.copytree(root / "rules/2022", used)
    before = {p.name: p.read_bytes() for p in used.iterdir()}
    r = cchc("new", "rules/2024", str(used), "--decision", "9/QĐ-UBND", cwd=root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in used.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["used"]  # no temporary folder left
