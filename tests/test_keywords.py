"""Vietnamese keywords and `cchc fmt`: the Vietnamese twin of the 2022 rules (rules/2022-vi) means
and scores exactly what rules/2022 does; fmt converts either way without changing the syntax tree,
keeps comments and lines, is idempotent, and every bundled rule file is kept formatted."""

from pathlib import Path

import pytest

from dsl.check import load_ruleset
from dsl.fmt import _plain, formatted, layout, translate
from dsl.keywords import PHRASES, VALUES
from dsl.parse import parse_text
from engine.evaluate import score
from engine.explain import explain
from engine.facts import load_record
from tests.test_cli import cchc

ROOT = Path(__file__).resolve().parent.parent
TWIN = ROOT / "rules" / "2022-vi"
HEADER = 3  # the twin's decision.cchc opens with three lines saying what it is


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "rules/2022").glob("*.cchc")))
def test_the_twin_is_the_english_rules_in_vietnamese(name):
    english = (ROOT / "rules/2022" / name).read_text("utf-8")
    vietnamese = (TWIN / name).read_text("utf-8")
    if name == "decision.cchc":
        vietnamese = vietnamese.split("\n", HEADER)[HEADER]
    assert translate(vietnamese, "en") == english
    assert translate(english, "vi") == vietnamese
    assert _plain(parse_text(vietnamese, name)) == _plain(parse_text(english, name))


def test_the_twin_scores_every_record_identically():
    en, vi = load_ruleset(str(ROOT / "rules/2022")), load_ruleset(str(TWIN))
    assert _plain(en.files) == _plain(vi.files)
    for f in sorted((ROOT / "facts/2022").glob("*.yaml")):
        if f.name == "tong-hop.yaml":
            continue
        a, b = score(en, load_record(en, f)), score(vi, load_record(vi, f))
        assert (a.achieved, a.index, a.complete) == (b.achieved, b.index, b.complete), f.name
        pa = [(n.id, n.achieved, n.max) for x in a.areas for n in x.walk()]
        pb = [(n.id, n.achieved, n.max) for x in b.areas for n in x.walk()]
        assert pa == pb, f.name
        assert explain(b, vi, None).replace("rules/2022-vi/", "rules/2022/") == \
            explain(a, en, None)


def test_every_bundled_rule_file_is_formatted(root):
    r = cchc("fmt", "--check", "rules/2022", "rules/2024", "rules/2022-vi", cwd=root)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT))
                                        for p in (ROOT / "rules").glob("*/*.cchc")))
def test_fmt_is_idempotent_both_ways(path):
    text = (ROOT / path).read_text("utf-8")
    for lang in (None, "vi", "en"):
        once = formatted(text, path, lang)
        assert formatted(once, path, lang) == once
        assert once.count("\n") == text.count("\n")  # no rule moves to another line


def test_one_file_may_mix_both_spellings():
    mixed = ('area 1 "A" max 2 {\n'
             '  tiêu chí 1.1 "B" max 2 {\n'
             '    nguồn published "x"\n'
             '    full if a > 0 còn lại 0\n'
             '      because "thiếu"\n'
             '  }\n'
             '}\n')
    english = translate(mixed, "en")
    assert "criterion 1.1" in english and "source published" in english and "else 0" in english
    assert _plain(parse_text(mixed, "m")) == _plain(parse_text(english, "m"))
    assert _plain(parse_text(translate(mixed, "vi"), "m")) == _plain(parse_text(mixed, "m"))


def test_layout_fixes_indentation_and_keeps_comments():
    messy = ('area 1 "A" max 2 {   \n'
             '\t# a comment\n'
             '      criterion 1.1 "B" max 2 {\n'
             '    full if a > 0 else 0\n'
             '        because "thiếu"\n'
             ' }\n'
             '}')
    want = ('area 1 "A" max 2 {\n'
            '  # a comment\n'
            '  criterion 1.1 "B" max 2 {\n'
            '    full if a > 0 else 0\n'
            '      because "thiếu"\n'
            '  }\n'
            '}\n')
    assert layout(messy) == want
    assert formatted(messy, "m") == want


def test_fmt_command_check_diff_and_write(root, tmp_path):
    f = tmp_path / "a.cchc"
    f.write_text('area 1 "A" max 2 {\n      criterion 1.1 "B" max 2 {\n'
                 '    full if a > 0 else 0 because "x"\n  }\n}\n', "utf-8")
    before = f.read_text("utf-8")
    r = cchc("fmt", "--check", str(f), cwd=root)
    assert r.returncode == 1 and str(f) in r.stderr
    r = cchc("fmt", "--diff", str(f), cwd=root)
    assert r.returncode == 0 and r.stdout.startswith("---") and f.read_text("utf-8") == before
    r = cchc("fmt", str(f), "--lang", "vi", cwd=root)
    assert r.returncode == 0
    assert f.read_text("utf-8").splitlines()[1] == '  tiêu chí 1.1 "B" điểm tối đa 2 {'
    r = cchc("fmt", "--check", str(f), cwd=root)
    assert r.returncode == 0, r.stderr


def test_a_file_that_does_not_parse_is_left_alone(root, tmp_path):
    f = tmp_path / "b.cchc"
    f.write_text('area 1 "A" max 2 {\n', "utf-8")
    r = cchc("fmt", str(f), cwd=root)
    assert r.returncode == 1 and "b.cchc:1:" in r.stderr and "Traceback" not in r.stderr
    assert f.read_text("utf-8") == 'area 1 "A" max 2 {\n'


def test_the_reference_lists_every_vietnamese_keyword():
    page = (ROOT / "docs" / "rule-language.md").read_text("utf-8")
    for _words, vi in PHRASES:
        assert f"`{vi}`" in page, vi
    for values in VALUES.values():
        for vi in values:
            assert f"`{vi}`" in page, vi


def test_tidy_spaces_and_numbers_but_not_ids_texts_or_comments():
    messy = ('area 1 "A   x"   max 2.50 {   # keep   this\n'
             '  criterion 1.10 "B" max 2.50 {\n'
             '    levels by a {\n'
             '      at least 80.0%:   2.50\n'
             '      else: 0\n'
             '    }\n'
             '  }\n'
             '}\n')
    out = formatted(messy, "m")
    assert out.splitlines()[0] == 'area 1 "A   x" max 2.5 {   # keep   this'
    assert out.splitlines()[1] == '  criterion 1.10 "B" max 2.5 {'  # 1.10 is an id, not 1.1
    assert out.splitlines()[3] == "      at least 80%: 2.5"


def test_show_prints_a_criterion_as_its_file_writes_it(root):
    r = cchc("show", "rules/2022", "1.2", "--kind", "huyen", cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# rules/2022/huyen.cchc:36\ncriterion 1.2 ")
    assert "  deduct 0.5 for each r in bao_cao_cchc where r.ngay_gui > r.han at most 2" \
        in r.stdout
    r = cchc("show", "rules/2022", "1.22", cwd=root)
    assert r.returncode == 2 and "'1.2'" in r.stderr


def test_ascii_vietnamese_keywords_in_an_english_file():
    # 'khi' (when) has no diacritics: the file looks English, and still reads
    text = ('area 1 "A" max 1 {\n  criterion 1.1 "B" max 1 {\n'
            '    khi x = 0: not applicable\n    points x because "r"\n  }\n}\n')
    english = text.replace("khi x", "when x")
    assert _plain(parse_text(text, "a")) == _plain(parse_text(english, "a"))
