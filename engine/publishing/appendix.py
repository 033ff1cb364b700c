"""The criteria appendix of a decision (Phụ lục), made from the rules that score it.

Takes a rule set and a kind, and optionally one unit's result; gives the appendix as rows (the
data every format shares) and as Markdown or HTML. The columns are those of the appendices the
decisions publish: STT · Lĩnh vực/Tiêu chí/Tiêu chí thành phần · Điểm tối đa · Tự đánh giá ·
Kết quả thẩm định · Điều tra xã hội học · Điểm đạt được · Chỉ số · Ghi chú. Rows are numbered as
the decisions number them (I, II … for areas; 1, 2 … for criteria; 1.1, 1.2 … for
sub-criteria); each criterion's scoring guidance stands under its title; a reconstructed row is
marked, and its note points to the source it was reconstructed from, listed under the table.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from decimal import Decimal

from dsl import ast
from dsl.i18n import _
from dsl.tree import Scoped, scoped_tree
from engine import vn
from engine.citations import document_text
from engine.evaluate import NodeResult, UnitResult, area_index
from engine.explain import recorded_label

ZERO = Decimal(0)
ROMAN = (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90),
         ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))


def roman(n: int) -> str:
    out = ""
    for letters, value in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def number_of(s: Scoped) -> str:
    """STT as a decision writes it: area 3 is III; criterion 3.5 is 5; sub-criterion 3.5.2 is
    5.2 (numbers restart in each area)."""
    node_id = s.node.id
    if s.depth == 0:
        return roman(int(node_id)) if node_id.isdigit() and 0 < int(node_id) < 4000 else node_id
    _head, _sep, rest = node_id.partition(".")
    return rest or node_id


@dataclass
class Row:
    number: str  # STT
    depth: int  # 0 area, 1 criterion, 2 sub-criterion
    id: str
    title: str
    guidance: str | None
    max: Decimal
    survey: bool  # scored by the sociological survey
    conditional: bool  # scored only where a condition holds
    reconstructed: bool
    cites: str  # where a reconstructed row comes from: "[1], mục II.1; [2]" (see sources)
    # one unit's figures (with --facts); None: not shown
    self_assessed: Decimal | None = None
    appraisal: Decimal | None = None
    surveyed: Decimal | None = None
    achieved: Decimal | None = None
    index: Decimal | None = None
    applies: bool = True
    recorded: bool = False
    covered: str | None = None  # the recorded column or method whose points include this row

    @property
    def notes(self) -> list[str]:
        """What the Ghi chú column says."""
        out = []
        if self.survey:
            out.append(_("Assessed through the sociological survey"))
        if self.conditional:
            out.append(_("Scored only where its condition holds"))
        if not self.applies:
            out.append(_("Does not apply to the unit"))
        if self.recorded:
            out.append(_("Points recorded from a document"))
        if self.covered:
            out.append(_("Counted in {part}, recorded from a document as a whole").format(
                part=self.covered))
        if self.reconstructed:
            out.append(_("Reconstructed from {cites}").format(cites=self.cites) if self.cites
                       else _("Reconstructed"))
        return out


@dataclass
class Appendix:
    heading: list[str]  # the title block, line by line
    columns: list[str]
    rows: list[Row]
    total: Row
    sources: list[str] = field(default_factory=list)  # [n]: the documents rows are drawn from
    unit: str | None = None  # the unit whose figures fill the score columns
    notes: list[str] = field(default_factory=list)  # lines under the heading


def columns() -> list[str]:
    return [_("No."), _("Area / Criterion / Sub-criterion"), _("Maximum points"),
            _("Self-assessment"), _("Appraisal result"), _("Sociological survey"),
            _("Points achieved"), _("Index"), _("Notes")]


def heading(rs: ast.RuleSet, kind: ast.KindDecl) -> tuple[list[str], list[str]]:
    """The title block, and the notes under it (a decision's own note; what is reconstructed)."""
    d = rs.decision
    doc = next((x for x in rs.documents.values() if d and x.get("number") == d.number), None)
    lines = [_("CRITERIA FOR ASSESSING ADMINISTRATIVE REFORM (PAR INDEX)"),
             _("Applies to: {kind}").format(kind=kind.label)]
    if d is not None:
        date = d.get("date")
        lines.append(_("(Attached to Decision No. {number} of {date} by {issuer})").format(
            number=d.number, date=vn.date(date) if isinstance(date, dt.date) else "…",
            issuer=d.get("issuer") or "…"))
    notes = []
    if doc is not None:
        notes.append(_("Decision: {decision}").format(decision=document_text(doc)))
    elif d is not None and d.get("note"):
        notes.append(str(d.get("note")))
    notes.append(_("Generated from the rule files that score it. Rows marked (*) are "
                   "reconstructed, not published text: their notes say what they are drawn "
                   "from."))
    return lines, notes


def _split(n: NodeResult) -> dict[str, Decimal]:
    """A node's points by scoring method (a criterion's own rounding stays with it)."""
    if not n.applicable or n.achieved is None:
        return {}
    live = [c for c in n.children if c.applicable]
    methods = {x.method for c in live for x in c.walk() if not x.children}
    if not live or (n.depth >= 1 and methods <= {n.method}):
        return {n.method: n.achieved}
    out: dict[str, Decimal] = {}
    for c in live:
        for m, v in _split(c).items():
            out[m] = out.get(m, ZERO) + v
    return out


def build(rs: ast.RuleSet, kind: str, result: UnitResult | None = None,
          self_assessment: dict[str, Decimal] | None = None) -> Appendix:
    """The appendix of ``kind``; with ``result``, one unit's figures in the score columns."""
    decl = rs.kind(kind)
    assert decl is not None
    lines, notes = heading(rs, decl)
    sources: list[str] = []
    scored = {n.id: n for a in result.areas for n in a.walk()} if result else {}
    step = rs.rounding("index")
    rows = []

    def visit(s: Scoped) -> None:
        node = s.node
        src = node.source
        reconstructed = src is not None and src.kind == "reconstructed"
        refs = []
        for c in src.cites if src is not None and reconstructed else ():
            doc = rs.documents.get(c.document)
            text = document_text(doc, with_note=False) if doc is not None else c.document
            if text not in sources:
                sources.append(text)
            refs.append(f"[{sources.index(text) + 1}]" + (f", {c.at}" if c.at else ""))
        row = Row(number_of(s), s.depth, node.id, node.title, node.guidance, s.max,
                  s.method == "survey", node.applies_if is not None, reconstructed,
                  "; ".join(refs))
        n = scored.get(node.id)
        if n is not None:
            split = _split(n)
            row.applies, row.recorded = n.applicable, n.recorded is not None
            row.achieved = n.achieved if n.applicable else None
            row.appraisal, row.surveyed = split.get("appraisal"), split.get("survey")
            row.index = area_index(n, step) if s.depth == 0 else None
            if n.covered is not None and s.depth == 0:  # said once, on the area's row
                level, _sep, key = n.covered.partition(":")
                row.covered = recorded_label(level, key, rs)
        if self_assessment and node.id in self_assessment:
            row.self_assessed = self_assessment[node.id]
        rows.append(row)
        for c in s.children:
            visit(c)

    for a in scoped_tree(rs, kind):
        visit(a)
    top = sum((a.max for a in scoped_tree(rs, kind)), ZERO)
    total = Row("", -1, "", _("Total of the appendix"), None, top, False, False, False, "")
    if result is not None:
        total.max = result.max
        total.achieved = result.achieved if result.complete else None
        total.index = result.index if result.complete else None
        by = {m: got for m, (_top, got) in result.by_method.items()}
        total.appraisal, total.surveyed = by.get("appraisal"), by.get("survey")
    if self_assessment and "total" in self_assessment:
        total.self_assessed = self_assessment["total"]
    return Appendix(lines, columns(), rows, total, sources,
                    unit=result.name if result else None, notes=notes)


def cells(row: Row) -> list[str]:
    """A row's cells as text, numbers the Vietnamese way; an empty score column stays empty."""
    def points(v: Decimal | None) -> str:
        return vn.fixed(v, 2) if v is not None else ""

    title = row.title + (" (*)" if row.reconstructed else "")
    return [row.number, title, vn.maximum(row.max) if row.applies else "—",
            points(row.self_assessed), points(row.appraisal), points(row.surveyed),
            points(row.achieved), vn.fixed(row.index, 2) + "%" if row.index is not None else "",
            "; ".join(row.notes)]


# ---- Markdown ---------------------------------------------------------------------------

def _md(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
            .replace("<", "&lt;").replace(">", "&gt;"))


def as_markdown(ap: Appendix) -> str:
    out = [f"**{_md(line)}**" if i < 2 else f"*{_md(line)}*"
           for i, line in enumerate(ap.heading)]
    out = ["  \n".join(out), ""]
    out += [f"> {_md(n)}" for n in ap.notes] + [""]
    if ap.unit:
        out += [_("Figures of: {unit}").format(unit=_md(ap.unit)), ""]
    out.append("| " + " | ".join(ap.columns) + " |")
    out.append("|" + "|".join([":-:", ":--"] + ["--:"] * 6 + [":--"]) + "|")
    for row in ap.rows + [ap.total]:
        c = [_md(x) for x in cells(row)]
        if row.depth <= 0:
            c[0], c[1] = (f"**{c[0]}**" if c[0] else ""), f"**{c[1]}**"
        if row.guidance:
            c[1] += f"<br>*{_md(row.guidance)}*"
        out.append("| " + " | ".join(c) + " |")
    if ap.sources:
        out += ["", _("Documents the reconstructed rows are drawn from:"), ""]
        out += [f"{i}. {_md(s)}" for i, s in enumerate(ap.sources, 1)]
    return "\n".join(out) + "\n"


# ---- HTML -------------------------------------------------------------------------------

_CSS = """body{font-family:"Times New Roman",serif;margin:2em}
.heading{text-align:center}.heading p{margin:.2em}.heading .t{font-weight:bold}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:.25em .4em;
vertical-align:top}th{background:#eee}td.n{text-align:right;white-space:nowrap}
tr.d0 td{font-weight:bold;background:#f6f6f6}tr.total td{font-weight:bold}
.guidance{font-style:italic;font-weight:normal;font-size:.92em;margin-top:.2em}
.notes{font-size:.95em}"""


def as_html(ap: Appendix, standalone: bool = True) -> str:
    e = html.escape
    out = ['<div class="heading">']
    out += [f'<p class="{"t" if i < 2 else "s"}">{e(line)}</p>' for i, line in enumerate(
        ap.heading)]
    out.append("</div>")
    out += [f'<p class="notes">{e(n)}</p>' for n in ap.notes]
    if ap.unit:
        shown = _("Figures of: {unit}").format(unit=ap.unit)
        out.append(f"<p>{e(shown)}</p>")
    out.append('<table class="phu-luc"><thead><tr>'
               + "".join(f"<th>{e(c)}</th>" for c in ap.columns) + "</tr></thead><tbody>")
    for row in ap.rows + [ap.total]:
        c = [e(x) for x in cells(row)]
        if row.guidance:
            c[1] += f'<div class="guidance">{e(row.guidance)}</div>'
        klass = "total" if row.depth < 0 else f"d{row.depth}"
        tds = "".join(f'<td class="n">{x}</td>' if 2 <= i <= 7 else f"<td>{x}</td>"
                      for i, x in enumerate(c))
        out.append(f'<tr class="{klass}" id="{e(row.id)}">{tds}</tr>' if row.id else
                   f'<tr class="{klass}">{tds}</tr>')
    out.append("</tbody></table>")
    if ap.sources:
        drawn = _("Documents the reconstructed rows are drawn from:")
        out.append(f"<p>{e(drawn)}</p><ol>")
        out += [f"<li>{e(s)}</li>" for s in ap.sources]
        out.append("</ol>")
    body = "\n".join(out)
    if not standalone:
        return body + "\n"
    title = e(ap.heading[0] + " — " + ap.heading[1])
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")
