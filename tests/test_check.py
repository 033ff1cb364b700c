"""The static checker: one bad rule file per kind of error, each with its exact place and text.

Each file in fixtures/bad-rules states what it must produce in '# expect: LINE:COL: message'
lines, in English (the message ids); the test checks that exactly those errors come out, all of
them in one run. The rendered display is checked in Vietnamese, the default.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dsl import ast
from dsl.check import check, load_ruleset
from dsl.errors import CchcError, RuleCheckError, RuleSyntaxError
from dsl.i18n import set_language
from dsl.parse import parse_text

BAD = Path(__file__).parent / "fixtures" / "bad-rules"
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.*)$", re.M)


def problems_of(path: Path) -> list[str]:
    rel = path.relative_to(Path(__file__).parent.parent)
    text = path.read_text(encoding="utf-8")
    try:
        rule_file = parse_text(text, str(rel))
    except RuleSyntaxError as err:
        diags = err.diagnostics
    else:
        diags = check(ast.RuleSet(str(rel.parent), (rule_file,), {str(rel): text}))
    return [f"{d.span.line}:{d.span.column}: {d.message}" for d in diags if d.span]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.cchc")), ids=lambda p: p.stem)
def test_bad_rule_file_reports_exactly_its_errors(path: Path, english):
    expected = [f"{m[0]}:{m[1]}: {m[2]}" for m in EXPECT.findall(path.read_text("utf-8"))]
    assert expected, f"{path.name} states no '# expect:' line"
    assert sorted(problems_of(path)) == sorted(expected)


def test_every_error_kind_has_a_fixture():
    stems = {p.stem for p in BAD.glob("*.cchc")}
    for kind in ("unknown-fact", "type-mismatch", "duplicate-id", "subcriteria-sum", "over-max",
                 "below-zero", "unreachable-level", "scale-parts", "scale-criteria"):
        assert kind in stems


def test_rendered_error_has_source_line_and_caret(tmp_path: Path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "r.cchc").write_text((BAD / "unknown-fact.cchc").read_text("utf-8"), "utf-8")
    with pytest.raises(CchcError) as info:
        load_ruleset(folder)
    shown = info.value.format_message(getattr(info.value, "texts", None)).splitlines()
    path = str(folder / "r.cchc")
    assert shown[0] == (f"{path}:13:30: lỗi: không tìm thấy dữ kiện 'report' "
                        "(có phải là 'reports' không?)")
    assert shown[1] == ("   13 |     deduct 0.5 for each r in report where r.sent > r.due "
                        "at most 3 "
                        "because \"Báo cáo {r.name}\"")
    assert shown[2] == "      |                              ^^^^^^"
    set_language("en")  # messages are made in the language of the run
    with pytest.raises(CchcError) as info:
        load_ruleset(folder)
    shown = info.value.format_message(getattr(info.value, "texts", None)).splitlines()
    assert shown[0] == f"{path}:13:30: error: unknown fact 'report' (did you mean 'reports'?)"


def test_all_errors_of_a_run_come_together(tmp_path: Path, english):
    folder = tmp_path / "rules"
    folder.mkdir()
    for name in ("unknown-fact", "type-mismatch"):
        (folder / f"{name}.cchc").write_text((BAD / f"{name}.cchc").read_text("utf-8"), "utf-8")
    with pytest.raises(RuleCheckError) as info:
        load_ruleset(folder)
    messages = [d.message for d in info.value.diagnostics]
    assert "unknown fact 'report' (did you mean 'reports'?)" in messages
    assert "cannot compare a date with a number" in messages


def test_bundled_rule_sets_are_sound(rules_2022):
    assert check(rules_2022) == []
    assert rules_2022.decision.number == "1726/QĐ-UBND"
