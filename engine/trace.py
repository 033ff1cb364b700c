"""The trace of one unit's result as data: what ``cchc explain --format json`` writes.

Takes a ``UnitResult`` and its rule set; gives a document whose shape is published as a JSON
Schema (``docs/giai-trinh.schema.json``, checked by the tests): per criterion, the branch the
rules took, each fact value read (exact, and as a reader is shown it) with its evidence, the
rule's file and line, the points and every deduction. The shape only grows: a reader written
for this version reads the next.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dsl import ast
from engine.citations import source_text
from engine.evaluate import NodeResult, UnitResult, area_index
from engine.expr import FactUse

VERSION = 1


def _exact(value: Any) -> Any:
    """A fact value as JSON holds it exactly: numbers as numbers, dates as YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


def _fact(f: FactUse, values: dict[str, Any]) -> dict[str, Any]:
    name, _sep, rest = f.key.partition("[")
    raw = values.get(name)
    if rest and isinstance(raw, list):
        raw = raw[int(rest[:-1]) - 1]
    return {"fact": f.key, "label": f.label, "value": _exact(raw), "shown": f.shown,
            "evidence": list(f.evidence), "reconstructed": f.reconstructed}


def _place(span: ast.Span | None) -> dict[str, Any] | None:
    return {"file": span.path, "line": span.line} if span is not None else None


def _criterion(n: NodeResult, rs: ast.RuleSet, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": n.id, "level": "criterion" if n.depth == 1 else "subcriterion",
        "title": n.title, "method": n.method, "max": n.max, "nominal_max": n.nominal_max,
        "achieved": n.achieved, "applicable": n.applicable, "scorable": n.scorable,
        "problem": n.problem, "note": n.note,
        "recorded": ({"points": n.recorded.points, "source": n.recorded.source}
                     if n.recorded is not None else None),
        "covered_by": n.covered, "rule": _place(n.span),
        "source": source_text(rs, n.source),
        "branches": list(n.hits),
        "facts": [_fact(f, values) for f in n.reads],
        "deductions": [{
            "points": d.points, "reason": d.reason, "kind": d.kind, "rule": _place(d.rule),
            "nominal": d.nominal, "facts": [_fact(f, values) for f in d.facts],
        } for d in n.deductions],
        "trace": n.trace,
    }


def trace_data(r: UnitResult, rs: ast.RuleSet, values: dict[str, Any],
               index_step: Decimal | None) -> dict[str, Any]:
    """The document; ``values``: the record's fact values (the exact values read)."""
    g = r.group
    return {
        "version": VERSION,
        "unit": {"id": r.unit_id, "name": r.name, "kind": r.kind},
        "year": r.year, "decision": r.decision, "facts_file": r.path,
        "complete": r.complete, "max": r.max,
        "achieved": r.achieved if r.complete else None,
        "index": r.index if r.complete else None,
        "group": {"id": g.name, "label": g.label, "ranked": g.ranked} if g else None,
        "band": r.band,
        "by_method": {m: {"max": a, "achieved": b} for m, (a, b) in r.by_method.items()},
        "areas": [{"id": a.id, "title": a.title, "max": a.max, "achieved": a.achieved,
                   "index": area_index(a, index_step), "applicable": a.applicable,
                   "recorded": a.recorded is not None, "covered_by": a.covered}
                  for a in r.areas],
        "criteria": [_criterion(n, rs, values) for a in r.areas for n in a.walk()
                     if n.depth > 0],
    }
