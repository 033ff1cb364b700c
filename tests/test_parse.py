"""The parser: AST shape and spans, readable syntax errors, and the table of common mistakes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dsl import ast
from dsl.errors import RuleSyntaxError
from dsl.i18n import _, set_language
from dsl.parse import SYNTAX_ERRORS, parse_text

SAMPLE = '''decision "1726/QĐ-UBND" {
  date 2022-12-29
  issuer "UBND tỉnh Lai Châu"
  title "Bộ chỉ số"
  effective 2022-12-29
  round criteria to 0.01
}
kind huyen "UBND huyện" scale 100 = appraisal 70 + survey 30
facts {
  reports: list "Báo cáo" { name: text "Tên" due: date "Hạn" sent: date "Ngày gửi" }
  ratio: percent "Tỷ lệ" default 0%
}
area 1 "Chỉ đạo điều hành" max 13.5 {
  source published "seed 003"
  criterion 1.2 "Thực hiện chế độ báo cáo" max 2 (thanh_tra 1.5) {
    guidance "Mỗi báo cáo gửi chậm" "trừ 0,5 điểm"
    source reconstructed
    deduct 0.5 for each r in reports where r.sent > r.due at most 2
      because "Báo cáo {r.name} gửi ngày {r.sent}, chậm so với hạn {r.due}"
  }
}
'''


def test_sample_parses_to_typed_nodes_with_spans():
    f = parse_text(SAMPLE, "x.cchc")
    d = f.decisions[0]
    assert d.number == "1726/QĐ-UBND"
    assert d.get("date") == dt.date(2022, 12, 29)
    assert d.get("round") == ("criteria", Decimal("0.01"))
    kind = f.kinds[0]
    assert (kind.name, kind.total) == ("huyen", Decimal(100))
    assert [(p.method, p.points) for p in kind.parts] == [("appraisal", 70), ("survey", 30)]
    reports, ratio = f.facts
    assert reports.type == "list" and [x.name for x in reports.fields] == ["name", "due", "sent"]
    assert ratio.default.value == Decimal("0") and ratio.default.type == "percent"
    area = f.areas[0]
    assert (area.id, area.max.default) == ("1", Decimal("13.5"))
    crit = area.children[0]
    assert crit.id == "1.2" and crit.max.for_kind("thanh_tra") == Decimal("1.5")
    assert crit.max.for_kind("huyen") == Decimal(2)
    assert crit.guidance == "Mỗi báo cáo gửi chậm trừ 0,5 điểm"
    assert crit.source.kind == "reconstructed"
    rule = crit.rules[0]
    assert isinstance(rule, ast.Deduct)
    assert (rule.scope, rule.var, rule.list, rule.cap) == ("each", "r", "reports", Decimal(2))
    assert isinstance(rule.condition, ast.BinOp) and rule.condition.op == ">"
    assert rule.span.line == 18 and rule.span.column == 5
    assert rule.list_span.line == 18 and rule.list_span.column == 30
    assert crit.id_span == ast.Span("x.cchc", 15, 13, 15, 16)


def test_percent_literals_are_fractions_and_dates_are_dates():
    src = ('area 1 "A" { criterion 1.1 "B" max 1 { source published '
           'levels by x { at least 80.5%: 1 else: 0 because "r" } } }')
    level = parse_text(src).areas[0].children[0].rules[0].levels[0]
    assert level.bound.low.value == Decimal("0.805")


def test_bad_date_literal_is_a_syntax_error_at_its_place():
    src = 'decision "X" { date 2022-02-30 }'
    with pytest.raises(RuleSyntaxError) as info:
        parse_text(src, "d.cchc")
    (d,) = info.value.diagnostics
    assert (d.span.line, d.span.column, d.message) == (1, 21,
                                                       "'2022-02-30' không phải là ngày hợp lệ")


def test_syntax_error_names_what_was_expected_in_words():
    with pytest.raises(RuleSyntaxError) as info:
        parse_text('kind huyen "H" scale 100 = appraisal 70 + 30', "k.cchc")
    (d,) = info.value.diagnostics
    assert d.message == "gặp '30' không đúng chỗ; ở đây cần 'appraisal' hoặc 'survey'"
    assert (d.span.line, d.span.column) == (1, 43)
    set_language("en")
    with pytest.raises(RuleSyntaxError) as info:
        parse_text('kind huyen "H" scale 100 = appraisal 70 + 30', "k.cchc")
    assert info.value.diagnostics[0].message == "unexpected '30'; expected 'appraisal' or 'survey'"


@pytest.mark.parametrize(
    "label,example",
    [(label, ex) for label, exs in SYNTAX_ERRORS.items() for ex in exs],
    ids=lambda v: v[:30] if isinstance(v, str) else v,
)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_common_mistakes_get_their_label(label, example, lang):
    set_language(lang)  # the labels are message ids, shown translated
    with pytest.raises(RuleSyntaxError) as info:
        parse_text(example)
    assert info.value.diagnostics[0].message.startswith(_(label))


def test_label_applies_at_any_nesting_depth():
    src = SAMPLE + 'area 2 "B" max 1 { criterion 2.1 "C" { } }'
    with pytest.raises(RuleSyntaxError) as info:
        parse_text(src)
    assert info.value.diagnostics[0].message.startswith("sau tên tiêu chí phải có 'max'")
