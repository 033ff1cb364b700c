"""`cchc diff`: what a decision's rules change from the previous one's, checked on an edited copy
(where every change is known) and on the two bundled decisions (figures from the seeds and the
rule files)."""

import json
import shutil
from decimal import Decimal

import pytest

from dsl.check import load_ruleset
from engine.facts import read_yaml
from engine.publishing.diff import compare, unit_under_both
from engine.publishing.diff_render import as_text
from tests.test_cli import cchc


@pytest.fixture(scope="module")
def both(root):
    return load_ruleset(str(root / "rules" / "2022")), load_ruleset(str(root / "rules" / "2024"))


def _edited(root, tmp_path, edits):
    rules = tmp_path / "rules"
    shutil.copytree(root / "rules" / "2024", rules)
    f = rules / "huyen.cchc"
    text = f.read_text("utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    f.write_text(text, "utf-8")
    return load_ruleset(str(rules))


def test_every_change_of_an_edited_copy_and_nothing_else(root, tmp_path, both):
    _a, b = both
    edited = _edited(root, tmp_path, [
        ('criterion 1.1.1 "Ban hành Kế hoạch CCHC năm kịp thời"',
         'criterion 1.1.1 "Ban hành kịp thời Kế hoạch CCHC năm"'),
        ("full if ke_hoach_cchc_kip_thoi else 0\n", "full if ke_hoach_cchc_kip_thoi else 0.25\n"),
    ])
    d = compare(b, edited, "huyen")
    got = sorted((c.kind, c.old.id if c.old else None, c.new.id if c.new else None)
                 for c in d.changes)
    assert got == [("renamed", "1.1.1", "1.1.1"), ("rule", "1.1.1", "1.1.1")]
    rule = next(c for c in d.changes if c.kind == "rule")
    assert "else 0\n" in rule.old.rule + "\n" and "else 0.25" in rule.new.rule
    assert d.facts_added == [] and d.facts_removed == []
    assert compare(b, b, "huyen").changes == []


def test_a_renumbered_criterion_is_matched_by_its_title(root, tmp_path, both):
    _a, b = both
    # 1.5 and 1.7 exchange their numbers: the same criteria, renumbered, rules unchanged
    edited = _edited(root, tmp_path, [
        ('criterion 1.5 "Sáng kiến', 'criterion 1.9 "Sáng kiến'),
        ('criterion 1.7 "', 'criterion 1.5 "'),
        ('criterion 1.9 "Sáng kiến', 'criterion 1.7 "Sáng kiến'),
    ])
    d = compare(b, edited, "huyen")
    assert sorted((c.kind, c.old.id, c.new.id) for c in d.changes) == [
        ("renumbered", "1.5", "1.7"), ("renumbered", "1.7", "1.5")]


def test_2022_to_2024_scale_and_counts(both):
    a, b = both
    d = compare(a, b, "huyen")
    ((old, new),) = d.kinds
    # seed 000 §B.I: 100 = 70 appraisal + 30 survey; seed 004 mục II.1: Phụ lục 06 is
    # 8 areas · 52 criteria · 42 sub-criteria, 100 = 72 + 28
    assert (old.total, dict(old.parts)) == (100, {"appraisal": 70, "survey": 30})
    assert (new.total, dict(new.parts)) == (100, {"appraisal": 72, "survey": 28})
    assert new.counts == (8, 52, 42)
    (so_old, so_new), = compare(a, b, "so").kinds
    assert so_new.counts == (8, 50, 46) and dict(so_new.parts) == {"appraisal": 77, "survey": 23}


def test_2022_to_2024_changes_named_in_the_rule_files(both):
    a, b = both
    d = compare(a, b, "huyen")
    found = {(c.kind, c.old.id if c.old else None, c.new.id if c.new else None): c
             for c in d.changes}
    # rules/2022/huyen.cchc: 1.5 max 2; rules/2024/huyen.cchc: 1.5 max 1.5
    assert found[("max", "1.5", "1.5")].new.max == "1.5"
    # 2022's 7.3.3 "Thanh toán trực tuyến" is 2024's 7.3.2, and its max 0.75 became 2
    assert ("renumbered", "7.3.3", "7.3.2") in found
    assert found[("max", "7.3.3", "7.3.2")].old.max == "0.75"
    # 2.4 (phổ biến, giáo dục pháp luật) is new in 2024
    assert ("added", None, "2.4") in found
    assert any(n == "nv_pbgdpl" for n, _label in d.facts_added)
    text = as_text(d)
    assert "Tiêu chí thêm mới" in text and "Thay đổi điểm tối đa" in text
    assert "1,5" in text  # numbers the Vietnamese way


def test_muong_te_under_both_decisions(root, both):
    a, b = both
    path = "facts/2022/huyen-muong-te.yaml"
    data, lines = read_yaml(root / path)
    d = compare(a, b, "huyen")
    u = unit_under_both(a, b, "huyen", data, lines, path, d)
    assert u.old_total[1:] == (Decimal("65.84"), Decimal("65.84"))  # seed 003: 65,84
    assert u.new_total[2] is None  # the 2024 rules read facts the 2022 record does not give
    missing = {k: where for k, _label, where in u.missing}
    assert missing["nv_pbgdpl"] == ["2.4"]
    line = next(x for x in u.lines if x.new_id == "1.5")
    # seed 003: Mường Tè had no initiative recognised (1.5: 0 of 2); 2024 gives 1.5 at most
    assert (line.old, line.new) == ((Decimal(2), Decimal(0)), (Decimal("1.5"), Decimal(0)))
    assert "điểm tối đa 2 → 1,5" in line.reasons


def test_cli_formats(root):
    r = cchc("diff", "rules/2022", "rules/2024", "--kind", "so", cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("NHỮNG ĐIỂM THAY ĐỔI CỦA BỘ QUY TẮC: 1726/QĐ-UBND")
    r = cchc("diff", "rules/2022", "rules/2024", "--kind", "huyen", "--facts",
             "facts/2022/huyen-muong-te.yaml", "--format", "json", cwd=root)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["unit"]["before"]["index"] == 65.84
    assert {c["change"] for c in doc["changes"]} >= {"added", "removed", "max", "rule"}
    r = cchc("diff", "rules/2022", "rules/2024", "--format", "md", cwd=root)
    assert r.returncode == 0 and r.stdout.startswith("# ")
    r = cchc("diff", "rules/2022", "rules/2024", "--kind", "so", "--facts",
             "facts/2022/huyen-muong-te.yaml", cwd=root)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "--kind huyen" in r.stderr
