"""Results out: the JSON document of ``cchc score --json`` and its readable table.

Takes ``UnitResult``s; gives pydantic models (the published shape of a result) and text. Numbers
stay exact: a Decimal is written as a JSON number with exactly its digits.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from engine import vn
from engine.evaluate import NodeResult, UnitResult, area_index


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


class AreaOut(BaseModel):
    id: str
    title: str
    max: Decimal
    achieved: Decimal | None
    index: Decimal | None
    applicable: bool


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
    rule: str | None
    deductions: list[DeductionOut]
    trace: list[str]


class MethodOut(BaseModel):
    max: Decimal
    achieved: Decimal


class ResultOut(BaseModel):
    unit: UnitOut
    year: int
    decision: str
    facts_file: str
    max: Decimal
    achieved: Decimal
    index: Decimal
    complete: bool
    by_method: dict[str, MethodOut]
    areas: list[AreaOut]
    criteria: list[CriterionOut]


def _criterion(n: NodeResult) -> CriterionOut:
    return CriterionOut(
        id=n.id, level="criterion" if n.depth == 1 else "subcriterion", title=n.title,
        method=n.method, source=n.source.kind if n.source else None, max=n.max,
        achieved=n.achieved, applicable=n.applicable, scorable=n.scorable, problem=n.problem,
        rule=f"{n.span.path}:{n.span.line}" if n.span else None,
        deductions=[DeductionOut(
            points=d.points, reason=d.reason, kind=d.kind, nominal=d.nominal,
            rule=f"{d.rule.path}:{d.rule.line}" if d.rule else None,
            facts=[FactOut(fact=f.key, label=f.label, value=f.shown, evidence=list(f.evidence),
                           reconstructed=f.reconstructed) for f in d.facts],
        ) for d in n.deductions],
        trace=n.trace,
    )


def result_model(r: UnitResult, index_step: Decimal | None) -> ResultOut:
    return ResultOut(
        unit=UnitOut(id=r.unit_id, name=r.name, kind=r.kind), year=r.year, decision=r.decision,
        facts_file=r.path, max=r.max, achieved=r.achieved, index=r.index, complete=r.complete,
        by_method={m: MethodOut(max=a, achieved=b) for m, (a, b) in r.by_method.items()},
        areas=[AreaOut(id=a.id, title=a.title, max=a.max, achieved=a.achieved,
                       index=area_index(a, index_step), applicable=a.applicable)
               for a in r.areas],
        criteria=[_criterion(n) for a in r.areas for n in a.walk() if n.depth > 0],
    )


_MARK = "\u0000dec:"


def _raw(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return f"{_MARK}{format(obj.normalize(), 'f')}"
    if isinstance(obj, dict):
        return {k: _raw(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_raw(v) for v in obj]
    return obj


def to_json_doc(data: Any) -> str:
    """JSON text in which every Decimal is a JSON number carrying its exact digits."""
    text = json.dumps(_raw(data), ensure_ascii=False, indent=2)
    return re.sub(r'"\\u0000dec:(-?[0-9.]+)"', r"\1", text) + "\n"


def to_json(models: list[ResultOut]) -> str:
    """``{"units": [...]}`` with numbers as JSON numbers carrying their exact digits."""
    return to_json_doc({"units": [m.model_dump(mode="python") for m in models]})


def table(r: UnitResult, index_step: Decimal | None) -> str:
    """A readable summary of one unit: its areas and totals."""
    lines = [f"{r.name} ({r.kind}) — năm {r.year}, Quyết định {r.decision}"]
    width = max([len(a.title) for a in r.areas] + [20])
    lines.append(f"  {'Lĩnh vực':<{width + 4}} {'Điểm đạt':>9} {'Tối đa':>7} {'Chỉ số':>8}")
    for a in r.areas:
        got = vn.points(a.achieved) if a.achieved is not None else "—"
        idx = area_index(a, index_step)
        shown = vn.number(idx) + "%" if idx is not None else "—"
        lines.append(f"  {a.id + '.':<3} {a.title:<{width}} {got:>9} {vn.points(a.max):>7} "
                     f"{shown:>8}")
    for m, (mx, got) in r.by_method.items():
        label = {"appraisal": "Thẩm định", "survey": "Điều tra XHH"}.get(m, m)
        lines.append(f"  {label}: {vn.points(got)}/{vn.points(mx)}")
    status = "" if r.complete else "  (CHƯA ĐỦ SỐ LIỆU: kết quả chưa đầy đủ)"
    lines.append(f"  Tổng điểm: {vn.points(r.achieved)}/{vn.points(r.max)} — "
                 f"Chỉ số: {vn.number(r.index)}%{status}")
    return "\n".join(lines)
