"""A unit's totals from its scored criteria: the sum, the real maximum, the split by method,
the published columns, the index, and the group and band the rules declare for its kind.

Takes the scored areas and the recorded parts (columns or methods recorded as a whole); gives a
``UnitResult``. Recorded parts count with their recorded points; everything else with what the
rules computed. A unit with any criterion not scorable is incomplete: its figures are partial.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from dsl import ast
from dsl.declarations import band_bound
from engine.evaluate import ColumnResult, NodeResult, UnitResult, _in_bound
from engine.records.model import FactRecord, Recorded

ZERO = Decimal(0)


def _uncovered(n: NodeResult) -> Decimal:
    """The computed points of a node, leaving out what recorded parts stand for."""
    if not n.applicable:
        return ZERO
    if n.covered is None:
        return n.achieved or ZERO
    return sum((_uncovered(c) for c in n.children), ZERO)


def _by_method(areas: list[NodeResult], leaves: list[NodeResult], parts: dict[str, Recorded]
               ) -> dict[str, tuple[Decimal, Decimal | None]]:
    top: dict[str, Decimal] = {}
    got: dict[str, Decimal | None] = {}
    for n in leaves:
        top[n.method] = top.get(n.method, ZERO) + n.max
        got.setdefault(n.method, ZERO)
        if n.covered is None and got[n.method] is not None:
            if n.achieved is None:
                got[n.method] = None  # a criterion not scored: the method's points are not known
            else:
                got[n.method] = got[n.method] + n.achieved  # type: ignore[operator]
    # criterion rounding moves points between a criterion and its sub-criteria; the split
    # by method follows the criteria (a criterion's sub-criteria share its method here)
    for a in areas:
        for c in a.children:
            if c.applicable and c.children and c.achieved is not None and c.covered is None:
                raw = sum((x.achieved or ZERO) for x in c.children if x.applicable)
                if raw != c.achieved and got.get(c.method) is not None:
                    got[c.method] = got[c.method] - raw + c.achieved  # type: ignore[operator]
    for pid, part in parts.items():
        inside = [n for n in leaves if n.covered == pid]
        methods = {n.method for n in inside}
        whole = len(methods) == 1 and all(n.covered == pid for n in leaves
                                          if n.method in methods)
        for m in methods:
            if whole and got.get(m) is not None:
                got[m] = got[m] + part.points  # type: ignore[operator]
            else:
                got[m] = None  # a part that mixes methods: the split is not known
    return {m: (top[m], got[m]) for m in sorted(top)}


def _columns(ruleset: ast.RuleSet, areas: list[NodeResult],
             parts: dict[str, Recorded]) -> list[ColumnResult]:
    out = []
    by_id = {a.id: a for a in areas}
    for col in ruleset.columns:
        mine = [by_id[a] for a, _s in col.areas if a in by_id and by_id[a].applicable]
        top = sum((a.max for a in mine), ZERO)
        rec = parts.get(f"column:{col.name}")
        if rec is not None:
            got: Decimal | None = rec.points
        elif all(a.achieved is not None for a in mine):
            got = sum((a.achieved for a in mine), ZERO)  # type: ignore[misc]
        else:
            got = None
        out.append(ColumnResult(col.name, col.label, top, got, rec))
    return out


def scored_points(r: UnitResult) -> Decimal:
    """The points of every criterion scored: the total when the result is complete, and still a
    measure of the scored part when it is not (a criterion not scored counts nothing)."""
    if r.complete:
        return r.achieved
    return sum((c.achieved for a in r.areas if a.applicable for c in a.children
                if c.applicable and c.achieved is not None), ZERO)


def band_of(ruleset: ast.RuleSet, index: Decimal) -> str | None:
    bands = ruleset.bands
    if bands is None:
        return None
    return next((b.label for b in bands.bands if _in_bound(index, band_bound(b.bound))), None)


def unit_result(ruleset: ast.RuleSet, record: FactRecord, areas: list[NodeResult],
                parts: dict[str, Recorded], index_step: Decimal | None,
                flat: list[NodeResult]) -> UnitResult:
    """``flat``: every node of ``areas``, in tree order. A node that applies lies under nodes
    that apply (one that does not apply has none that does below it): filtering the flat list
    is walking the areas that apply."""
    kind = record.unit.kind
    live = [a for a in areas if a.applicable]
    total_max = sum((a.max for a in live), ZERO)
    achieved = sum((_uncovered(a) for a in live), ZERO) + sum(
        (p.points for p in parts.values()), ZERO)
    complete = all(n.scorable for n in flat if n.applicable)
    leaves = [n for n in flat if n.applicable and not n.children]
    index = achieved / total_max * 100 if total_max else ZERO
    if index_step is not None:
        index = index.quantize(index_step, ROUND_HALF_UP)
    decision = ruleset.decision
    decl = ruleset.kind(kind)
    return UnitResult(
        record.unit.id, record.unit.name, kind, record.year, record.path,
        decision.number if decision else "", total_max, achieved, index, complete,
        _by_method(areas, leaves, parts), areas, kind_label=decl.label if decl else kind,
        group=ruleset.group_of(kind), band=band_of(ruleset, index) if complete else None,
        columns=_columns(ruleset, areas, parts), recorded=list(record.recorded),
        published=list(record.published))
