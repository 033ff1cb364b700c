"""A Vietnamese explanation of every point a unit lost, in the manner of the units' own reports.

Takes a ``UnitResult`` and its rule set; gives text: area by area, each criterion that lost
points, each deduction with its reason, the fact values and evidence documents it rests on, the
place of the rule that produced it and the full citation of the documents the criterion comes
from. Points recorded from a document are said to be so; a result with criteria that could not
be scored says which, and why, and gives no total as if it were final. Numbers are written the
Vietnamese way (2,0 điểm; 86,75%).
"""

from __future__ import annotations

from decimal import Decimal

from dsl import ast
from dsl.i18n import _
from engine import vn
from engine.citations import document_text, source_text
from engine.evaluate import NodeResult, UnitResult, area_index


def method_name(method: str) -> str:
    return {"appraisal": _("appraisal points"), "survey": _("survey points")}.get(method, method)


def recorded_label(level: str, key: str, rs: ast.RuleSet) -> str:
    if level == "column":
        col = next((c for c in rs.columns if c.name == key), None)
        return col.label if col else key
    if level == "method":
        return method_name(key)
    return (_("area {id}") if level == "area" else _("criterion {id}")).format(id=key)


def _label(n: NodeResult) -> str:
    word = _("Criterion") if n.depth == 1 else _("Sub-criterion")
    mark = _(" [reconstructed criterion]") if n.source and n.source.kind == "reconstructed" else ""
    survey = _(" (sociological survey)") if n.method == "survey" else ""
    return f"{word} {n.id} {n.title}{survey}{mark}"


def _deduction_lines(n: NodeResult, indent: str) -> list[str]:
    out: list[str] = []
    for d in n.deductions:
        if d.kind == "rounding":
            continue
        if d.points == 0:
            out.append(indent + _("- nothing more deducted (the most was already deducted): "
                                  "{reason}").format(reason=d.reason))
        else:
            capped = (_(" (by the rule {nominal}, limited by the cap)").format(
                nominal=vn.points(d.nominal)) if d.nominal is not None else "")
            out.append(indent + _("- {points} points deducted{capped}: {reason}").format(
                points=vn.points(d.points), capped=capped, reason=d.reason))
        for f in d.facts:
            line = indent + "    " + _("Fact: {label} [{key}] = {value}").format(
                label=f.label, key=f.key, value=f.shown)
            if f.reconstructed:
                line += _(" (reconstructed figure: {why})").format(why=f.reconstructed)
            out.append(line)
            for e in f.evidence:
                out.append(indent + "    " + _("Evidence: {document}").format(document=e))
        if d.rule is not None:
            out.append(indent + "    " + _("Rule: {where}").format(
                where=f"{d.rule.path}:{d.rule.line}"))
    return out


def _node_lines(n: NodeResult, indent: str, rs: ast.RuleSet) -> list[str]:
    if not n.applicable:
        return [indent + _("{label}: does not apply to the unit (not counted in the maximum)")
                .format(label=_label(n)) + (f": {n.note}" if n.note else "")]
    if n.recorded is not None:
        line = indent + _("{label}: {got}/{max} points, recorded from a document").format(
            label=_label(n), got=vn.points(n.recorded.points), max=vn.maximum(n.max))
        return [line] + ([indent + "    " + _("Source: {source}").format(
            source=n.recorded.source)] if n.recorded.source else [])
    if n.covered is not None:
        return []
    if not n.scorable:
        return [indent + _("{label}: NOT SCORED: {problem}").format(label=_label(n),
                                                                    problem=n.problem)]
    if n.lost == 0 and not any(x.note for x in n.walk()):
        return []
    if n.lost == 0 and not n.children:
        return [indent + _("{label}: full points ({max}), because {note}").format(
            label=_label(n), max=vn.maximum(n.max), note=n.note)]
    head = indent + (_("{label}: {lost} points deducted ({got}/{max})") if n.lost else
                     _("{label}: {got}/{max} points")).format(
        label=_label(n), lost=vn.points(n.lost), got=vn.points(n.achieved or Decimal(0)),
        max=vn.maximum(n.max))
    lines = [head + (_(" because:") if n.deductions and not n.children else "")]
    if n.children:
        for c in n.children:
            lines += _node_lines(c, indent + "    ", rs)
    else:
        lines += _deduction_lines(n, indent + "    ")
    if n.depth == 1:
        lines += [f"{indent}    ({d.reason})" for d in n.deductions if d.kind == "rounding"]
        cited = source_text(rs, n.source)
        if cited:
            lines.append(indent + "    " + _("Criterion's source: {source}").format(source=cited))
    return lines


def _header(r: UnitResult, rs: ast.RuleSet) -> list[str]:
    lines = [_("EXPLANATION OF THE PAR INDEX POINTS FOR {year}").format(year=r.year),
             _("Unit: {name} ({kind})").format(name=r.name, kind=r.kind_label or r.kind)]
    decision = rs.decision
    if decision is not None:
        doc = next((d for d in rs.documents.values() if d.get("number") == decision.number), None)
        lines.append(_("Rules: {decision}").format(decision=document_text(doc) if doc else
                     _("Decision {number} by {issuer}").format(
                         number=decision.number, issuer=decision.get("issuer"))))
    lines.append(_("Fact record: {path}").format(path=r.path))
    if r.group is not None:
        lines.append(_("Group: {group}{ranked}").format(
            group=r.group.label, ranked="" if r.group.ranked else _(" (scored, not ranked)")))
    lines.append("")
    if not r.complete:
        lines.append(_("RESULT INCOMPLETE: {n} criteria could not be scored, so there is no "
                       "total and no index yet.").format(n=len(r.problems)))
        for n in r.problems:
            lines.append("  - " + _("{id} {title}: {problem}").format(
                id=n.id, title=n.title, problem=n.problem))
        lines.append(_("  Points of what could be scored: {got} of {max}").format(
            got=vn.fixed(r.achieved, 2), max=vn.maximum(r.max)))
    else:
        lines.append(_("Total: {got}/{max} points; PAR Index: {index}%").format(
            got=vn.fixed(r.achieved, 2), max=vn.maximum(r.max), index=vn.fixed(r.index, 2)))
        if r.band:
            lines.append(_("Classification: {band}").format(band=r.band))
    known = [(m, mx, got) for m, (mx, got) in r.by_method.items() if got is not None]
    if known:
        lines.append("  " + "; ".join(f"{method_name(m).capitalize()}: {vn.fixed(got, 2)}/"
                                      f"{vn.maximum(mx)}" for m, mx, got in known))
    for rec in r.recorded:
        line = "  " + _("Recorded from a document: {what} {points} points").format(
            what=recorded_label(rec.level, rec.key, rs), points=vn.fixed(rec.points, 2))
        lines.append(line + (_(" (source: {source})").format(source=rec.source)
                             if rec.source else ""))
    return lines


def explain(r: UnitResult, rs: ast.RuleSet, index_step: Decimal | None) -> str:
    """The whole explanation of one unit's result."""
    lines = _header(r, rs)
    for a in r.areas:
        lines.append("")
        if not a.applicable:
            lines.append(_("{id}. {title}: does not apply to the unit").format(
                id=a.id, title=a.title))
            continue
        if a.covered is not None:
            level, _sep, key = a.covered.partition(":")
            lines.append(_("{id}. {title}: max {max} points; recorded from a document within "
                           "{part} (see above)").format(id=a.id, title=a.title,
                                                       max=vn.maximum(a.max),
                                                       part=recorded_label(level, key, rs)))
            continue
        if a.recorded is not None:
            lines += _node_lines(a, "", rs)
            continue
        idx = area_index(a, index_step)
        lost = _(", {lost} points lost").format(lost=vn.points(a.lost)) \
            if a.scorable and a.lost else ""
        if a.achieved is None:
            lines.append(_("{id}. {title}: not scored (max {max} points)").format(
                id=a.id, title=a.title, max=vn.maximum(a.max)))
        else:
            lines.append(_("{id}. {title}: {got}/{max} points").format(
                id=a.id, title=a.title, got=vn.points(a.achieved), max=vn.maximum(a.max))
                + (f" ({vn.fixed(idx, 2)}%)" if idx is not None else "") + lost)
        body = [x for c in a.children for x in _node_lines(c, "   ", rs)]
        lines += body or ["   " + _("No points deducted.")]
    return "\n".join(lines) + "\n"
