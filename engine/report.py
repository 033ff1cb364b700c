"""Results out: the JSON document of ``cchc score --json`` and its readable table.

Takes ``UnitResult``s; gives pydantic models (the published shape of a result) and text. Numbers
stay exact: a Decimal is written as a JSON number with exactly its digits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from dsl import ast
from dsl.i18n import _
from engine import vn
from engine.citations import source_text
from engine.evaluate import NodeResult, UnitResult, area_index
from engine.explain import method_name, recorded_label
from engine.outputs.jsontext import dumps


class UnitOut(BaseModel):
    id: str
    name: str
    kind: str


class FactOut(BaseModel):
    fact: str
    label: str
    value: str
    evidence: list[str]
    reconstructed: str | None


class DeductionOut(BaseModel):
    points: Decimal
    reason: str
    kind: str
    rule: str | None
    nominal: Decimal | None
    facts: list[FactOut]


class RecordedOut(BaseModel):
    """Points taken from a document (ghi nhận theo tài liệu), not computed from facts."""

    level: str
    key: str
    label: str
    points: Decimal
    source: str | None


class AreaOut(BaseModel):
    id: str
    title: str
    max: Decimal
    achieved: Decimal | None
    index: Decimal | None
    applicable: bool
    recorded: bool
    covered_by: str | None


class ColumnOut(BaseModel):
    name: str
    label: str
    max: Decimal
    achieved: Decimal | None
    recorded: bool


class GroupOut(BaseModel):
    id: str
    label: str
    ranked: bool


class CriterionOut(BaseModel):
    id: str
    level: str
    title: str
    method: str
    source: str | None
    max: Decimal
    achieved: Decimal | None
    applicable: bool
    scorable: bool
    problem: str | None
    note: str | None
    recorded: bool
    recorded_source: str | None
    rule: str | None
    source_text: str | None
    deductions: list[DeductionOut]
    trace: list[str]


class MethodOut(BaseModel):
    max: Decimal
    achieved: Decimal | None


class PartialOut(BaseModel):
    """What could be scored of an incomplete result: never a total."""

    achieved: Decimal
    not_scored: list[str]


class ResultOut(BaseModel):
    unit: UnitOut
    year: int
    decision: str
    facts_file: str
    max: Decimal
    achieved: Decimal | None  # null while the result is incomplete
    index: Decimal | None
    complete: bool
    partial: PartialOut | None
    group: GroupOut | None
    band: str | None
    recorded: list[RecordedOut]
    columns: list[ColumnOut]
    published: list[dict[str, Any]]
    by_method: dict[str, MethodOut]
    areas: list[AreaOut]
    criteria: list[CriterionOut]


def _criterion(n: NodeResult, rs: ast.RuleSet) -> CriterionOut:
    return CriterionOut(
        id=n.id, level="criterion" if n.depth == 1 else "subcriterion", title=n.title,
        method=n.method, source=n.source.kind if n.source else None, max=n.max,
        achieved=n.achieved, applicable=n.applicable, scorable=n.scorable, problem=n.problem,
        note=n.note, recorded=n.recorded is not None,
        recorded_source=n.recorded.source if n.recorded is not None else None,
        rule=f"{n.span.path}:{n.span.line}" if n.span else None,
        source_text=source_text(rs, n.source),
        deductions=[DeductionOut(
            points=d.points, reason=d.reason, kind=d.kind, nominal=d.nominal,
            rule=f"{d.rule.path}:{d.rule.line}" if d.rule else None,
            facts=[FactOut(fact=f.key, label=f.label, value=f.shown, evidence=list(f.evidence),
                           reconstructed=f.reconstructed) for f in d.facts],
        ) for d in n.deductions],
        trace=n.trace,
    )


def result_model(r: UnitResult, rs: ast.RuleSet, index_step: Decimal | None) -> ResultOut:
    g = r.group
    return ResultOut(
        unit=UnitOut(id=r.unit_id, name=r.name, kind=r.kind), year=r.year, decision=r.decision,
        facts_file=r.path, max=r.max, achieved=r.achieved if r.complete else None,
        index=r.index if r.complete else None, complete=r.complete,
        partial=None if r.complete else PartialOut(
            achieved=r.achieved, not_scored=[f"{n.id}: {n.problem}" for n in r.problems]),
        group=GroupOut(id=g.name, label=g.label, ranked=g.ranked) if g else None,
        band=r.band,
        recorded=[RecordedOut(level=x.level, key=x.key, label=recorded_label(x.level, x.key, rs),
                              points=x.points, source=x.source) for x in r.recorded],
        columns=[ColumnOut(name=c.name, label=c.label, max=c.max, achieved=c.achieved,
                           recorded=c.recorded is not None) for c in r.columns],
        published=r.published,
        by_method={m: MethodOut(max=a, achieved=b) for m, (a, b) in r.by_method.items()},
        areas=[AreaOut(id=a.id, title=a.title, max=a.max, achieved=a.achieved,
                       index=area_index(a, index_step), applicable=a.applicable,
                       recorded=a.recorded is not None, covered_by=a.covered)
               for a in r.areas],
        criteria=[_criterion(n, rs) for a in r.areas for n in a.walk() if n.depth > 0],
    )


def to_json_doc(data: Any) -> str:
    """JSON text in which every Decimal is a JSON number carrying its exact digits."""
    return dumps(data)


def to_json(models: list[ResultOut]) -> str:
    """``{"units": [...]}`` with numbers as JSON numbers carrying their exact digits."""
    return dumps({"units": [m.model_dump(mode="python") for m in models]})


def results_json(results: list[UnitResult], rs: ast.RuleSet, index_step: Decimal | None) -> str:
    """The text of ``to_json`` for these results, built without the models (the same data:
    tests hold the two equal) and written by the fast writer."""
    return dumps({"units": [result_data(r, rs, index_step) for r in results]})


def result_data(r: UnitResult, rs: ast.RuleSet, index_step: Decimal | None) -> dict[str, Any]:
    """``result_model(r, …).model_dump()``, built directly: a unit has some hundred criteria,
    facts and deductions, and validating each into a model is most of the cost of its JSON."""
    g = r.group
    complete = r.complete
    return {
        "unit": {"id": r.unit_id, "name": r.name, "kind": r.kind}, "year": r.year,
        "decision": r.decision, "facts_file": r.path, "max": r.max,
        "achieved": r.achieved if complete else None, "index": r.index if complete else None,
        "complete": complete,
        "partial": None if complete else {
            "achieved": r.achieved, "not_scored": [f"{n.id}: {n.problem}" for n in r.problems]},
        "group": {"id": g.name, "label": g.label, "ranked": g.ranked} if g else None,
        "band": r.band,
        "recorded": [{"level": x.level, "key": x.key, "label": recorded_label(x.level, x.key, rs),
                      "points": x.points, "source": x.source} for x in r.recorded],
        "columns": [{"name": c.name, "label": c.label, "max": c.max, "achieved": c.achieved,
                     "recorded": c.recorded is not None} for c in r.columns],
        "published": [dict(p) for p in r.published],
        "by_method": {m: {"max": a, "achieved": b} for m, (a, b) in r.by_method.items()},
        "areas": [{"id": a.id, "title": a.title, "max": a.max, "achieved": a.achieved,
                   "index": area_index(a, index_step), "applicable": a.applicable,
                   "recorded": a.recorded is not None, "covered_by": a.covered}
                  for a in r.areas],
        "criteria": [_criterion_data(n, rs) for a in r.areas for n in a.walk() if n.depth > 0],
    }


def _criterion_data(n: NodeResult, rs: ast.RuleSet) -> dict[str, Any]:
    node = n.scoped.node
    span, rec = node.span, n.recorded
    return {
        "id": node.id, "level": "criterion" if n.scoped.depth == 1 else "subcriterion",
        "title": node.title, "method": n.scoped.method,
        "source": node.source.kind if node.source else None, "max": n.max,
        "achieved": n.achieved, "applicable": n.applicable, "scorable": n.scorable,
        "problem": n.problem, "note": n.note, "recorded": rec is not None,
        "recorded_source": rec.source if rec is not None else None,
        "rule": f"{span.path}:{span.line}" if span else None,
        "source_text": source_text(rs, node.source),
        "deductions": [{
            "points": d.points, "reason": d.reason, "kind": d.kind,
            "rule": f"{d.rule.path}:{d.rule.line}" if d.rule else None, "nominal": d.nominal,
            "facts": [{"fact": f.key, "label": f.label, "value": f.shown,
                       "evidence": list(f.evidence), "reconstructed": f.reconstructed}
                      for f in d.facts],
        } for d in n.deductions],
        "trace": n.trace,
    }


TITLE_WIDTH = 56  # a longer area title is cut with '…' so that the table fits a screen


def table(r: UnitResult, rs: ast.RuleSet, index_step: Decimal | None) -> str:
    """A readable summary of one unit: its areas and totals, points to two decimals."""
    lines = [_("{name} ({kind}), year {year}, Decision {decision}").format(
        name=r.name, kind=r.kind_label or r.kind, year=r.year, decision=r.decision)]
    if r.group is not None:
        lines.append("  " + _("Group: {group}{ranked}").format(
            group=r.group.label, ranked="" if r.group.ranked else _(" (scored, not ranked)")))
    width = min(TITLE_WIDTH, max([len(a.title) for a in r.areas] + [20]))
    area, got, top, index = _("Area"), _("Points"), _("Max"), _("Index")
    lines.append(f"  {area:<{width + 4}} {got:>9} {top:>7} {index:>8}")
    for a in r.areas:
        if a.recorded is not None:
            got = vn.fixed(a.achieved, 2) + "*"  # type: ignore[arg-type]
        elif a.covered is not None:
            got = "·"
        else:
            got = vn.fixed(a.achieved, 2) if a.achieved is not None else "—"
        idx = area_index(a, index_step)
        shown = vn.fixed(idx, 2) + "%" if idx is not None else "—"
        title = a.title if len(a.title) <= width else a.title[:width - 1] + "…"
        lines.append(f"  {a.id + '.':<3} {title:<{width}} {got:>9} {vn.maximum(a.max):>7} "
                     f"{shown:>8}")
    if r.columns:
        lines.append("  " + _("Columns of the result tables: {columns}").format(columns="; ".join(
            f"{c.label} {vn.fixed(c.achieved, 2) if c.achieved is not None else '—'}/"
            f"{vn.maximum(c.max)}" + ("*" if c.recorded is not None else "") for c in r.columns)))
    lines.append("  " + _("By scoring method: {methods}").format(methods="; ".join(
        f"{method_name(m)} {vn.fixed(got, 2) if got is not None else '—'}/{vn.maximum(mx)}"
        for m, (mx, got) in r.by_method.items())))
    for rec in r.recorded:
        lines.append("  * " + _("recorded from a document: {what} {points} ({source})").format(
            what=recorded_label(rec.level, rec.key, rs), points=vn.fixed(rec.points, 2),
            source=rec.source or "—"))
    if r.complete:
        band = _("; classification: {band}").format(band=r.band) if r.band else ""
        lines.append("  " + _("Total: {got}/{max}; index: {index}%{band}").format(
            got=vn.fixed(r.achieved, 2), max=vn.maximum(r.max), index=vn.fixed(r.index, 2),
            band=band))
    else:
        lines.append("  " + _("INCOMPLETE: {n} criteria not scored, no total: {which}").format(
            n=len(r.problems), which="; ".join(f"{n.id} ({n.problem})" for n in r.problems)))
        lines.append("  " + _("(points of what could be scored: {got} of {max})").format(
            got=vn.fixed(r.achieved, 2), max=vn.maximum(r.max)))
    return "\n".join(lines)
