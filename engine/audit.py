"""Self-assessment against appraisal against the rules: where the points a unit claimed, the
points each appraisal round gave and the points the rules compute disagree, and why.

Takes a unit's result and its record; gives, per criterion the record says something about, the
three views side by side with the unit's explanation and the rules' reasons (deductions, facts,
evidence, rule line); and a summary of the points claimed against those awarded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.i18n import _
from engine import vn
from engine.evaluate import NodeResult, UnitResult
from engine.explain import _deduction_lines
from engine.records.model import FactRecord

ZERO = Decimal(0)


@dataclass
class Line:
    node: NodeResult
    claimed: Decimal | None
    rounds: list[tuple[int, Decimal | None, str | None]]  # (round, points, note)
    computed: Decimal | None
    explanation: str | None

    @property
    def agree(self) -> bool:
        seen = {v for v in [self.claimed, self.computed, *(p for _n, p, _x in self.rounds)]
                if v is not None}
        return len(seen) <= 1


@dataclass
class Audit:
    result: UnitResult
    lines: list[Line]
    claimed: Decimal = ZERO  # over the criteria the unit assessed itself
    computed: Decimal = ZERO  # the rules' points over those criteria
    last_round: Decimal | None = None  # the last round's points over those it gave
    assessed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def disagreements(self) -> list[Line]:
        return [x for x in self.lines if not x.agree]


def audit(r: UnitResult, record: FactRecord) -> Audit:
    said = set(record.self_assessment) | {k for x in record.appraisal for k in x.points} \
        | set(record.explanations)
    rounds = sorted(record.appraisal, key=lambda x: x.number)
    lines = []
    for a in r.areas:
        for n in a.walk():
            if n.id not in said:
                continue
            lines.append(Line(
                n, record.self_assessment.get(n.id),
                [(x.number, x.points.get(n.id), x.notes.get(n.id)) for x in rounds
                 if n.id in x.points or n.id in x.notes],
                n.achieved if n.applicable else ZERO, record.explanations.get(n.id)))
    out = Audit(r, lines)
    # the summary counts each claimed criterion once: not again through a sub-criterion
    claimed = [x for x in lines if x.claimed is not None]
    top = [x for x in claimed if not any(x.node.id.startswith(y.node.id + ".")
                                         for y in claimed)]
    out.assessed = len(top)
    out.claimed = sum((x.claimed for x in top), ZERO)  # type: ignore[misc]
    out.computed = sum((x.computed or ZERO for x in top), ZERO)
    if rounds:
        last = rounds[-1].points
        given = [x for x in top if x.node.id in last]
        if given:
            out.last_round = sum((last[x.node.id] for x in given), ZERO)
            if len(given) < len(top):
                out.notes.append(_("the last round gives points for {n} of these criteria")
                                 .format(n=len(given)))
    return out


def _p(v: Decimal | None) -> str:
    return vn.points(v) if v is not None else "—"


def as_text(audits: list[Audit]) -> str:
    out: list[str] = []
    for au in audits:
        r = au.result
        out.append(_("SELF-ASSESSMENT, APPRAISAL AND RULES: {name} ({path})").format(
            name=r.name, path=r.path))
        if au.assessed:
            line = _("The unit assessed {n} criteria: claimed {claimed} points; the rules give "
                     "{computed}").format(n=au.assessed, claimed=vn.fixed(au.claimed, 2),
                                          computed=vn.fixed(au.computed, 2))
            if au.last_round is not None:
                line += _("; the last appraisal round gave {points}").format(
                    points=vn.fixed(au.last_round, 2))
            out.append(line + (f" ({'; '.join(au.notes)})" if au.notes else ""))
        if not au.disagreements:
            out.append(_("No disagreement: the self-assessment, the appraisal rounds and the "
                         "rules give the same points."))
        for x in au.disagreements:
            n = x.node
            out.append("")
            out.append(_("Criterion {id} {title} (max {max}):").format(
                id=n.id, title=n.title, max=vn.maximum(n.nominal_max)))
            views = [_("self-assessment {points}").format(points=_p(x.claimed))]
            views += [_("appraisal round {n}: {points}").format(n=k, points=_p(p))
                      + (f" ({note})" if note else "") for k, p, note in x.rounds]
            views.append(_("by the rules: {points}").format(points=_p(x.computed))
                         if n.scorable else _("by the rules: not scored"))
            out.append("  " + " · ".join(views))
            if x.explanation:
                out.append("  " + _("The unit's explanation: {text}").format(text=x.explanation))
            out.append("  " + _("Why the rules give {points}:").format(points=_p(x.computed)))
            out += _reasons(n, "    ")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _reasons(n: NodeResult, indent: str) -> list[str]:
    if not n.applicable:
        return [indent + _("the criterion does not apply to the unit")
                + (f": {n.note}" if n.note else "")]
    if not n.scorable:
        return [indent + _("not scored: {problem}").format(problem=n.problem)]
    if n.recorded is not None:
        return [indent + _("recorded from a document: {source}").format(
            source=n.recorded.source or "—")]
    found = _deduction_lines(n, indent) if n.deductions else []
    if not found:
        found = [indent + _("nothing deducted: full points")]
        for f in n.reads:
            found.append(indent + "    " + _("Fact: {label} [{key}] = {value}").format(
                label=f.label, key=f.key, value=f.shown))
            found += [indent + "    " + _("Evidence: {document}").format(document=e)
                      for e in f.evidence]
        if n.span is not None:
            found.append(indent + "    " + _("Rule: {where}").format(
                where=f"{n.span.path}:{n.span.line}"))
    return found


def as_data(audits: list[Audit], rs: ast.RuleSet) -> dict[str, Any]:
    def fact(f):
        return {"fact": f.key, "label": f.label, "shown": f.shown,
                "evidence": list(f.evidence)}

    units = []
    for au in audits:
        r = au.result
        units.append({
            "unit": {"id": r.unit_id, "name": r.name, "kind": r.kind}, "facts_file": r.path,
            "assessed": au.assessed, "claimed": au.claimed, "computed": au.computed,
            "last_round": au.last_round,
            "criteria": [{
                "id": x.node.id, "title": x.node.title, "max": x.node.nominal_max,
                "agree": x.agree, "self_assessment": x.claimed,
                "rounds": [{"round": k, "points": p, "note": note} for k, p, note in x.rounds],
                "computed": x.computed, "scorable": x.node.scorable, "problem": x.node.problem,
                "explanation": x.explanation,
                "deductions": [{"points": d.points, "reason": d.reason,
                                "rule": f"{d.rule.path}:{d.rule.line}" if d.rule else None,
                                "facts": [fact(f) for f in d.facts]}
                               for d in x.node.deductions],
                "facts": [fact(f) for f in x.node.reads],
            } for x in au.lines],
        })
    return {"units": units}
