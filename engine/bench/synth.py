"""Synthetic fact records: valid for their kind, made from the rule set's own declarations.

Takes a rule set, a kind, a count and a seed; gives YAML texts, the same for the same seed. Each
fact gets a value of its type inside its declared range (a percentage above 1%, so that no value
is read as an ambiguous fraction); lists get 0 to 4 items; a declared relation ``check A <= B``
is made true by exchanging the two values. Nothing here knows a particular decision.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import yaml

from dsl import ast
from dsl.tree import facts_for_kind


def _bounds(rng: ast.Range | None, low: Decimal, high: Decimal,
            scale: Decimal = Decimal(1)) -> tuple[Decimal, Decimal]:
    if rng is not None and rng.low is not None:
        low = rng.low.value * scale  # type: ignore[operator]
    if rng is not None and rng.high is not None:
        high = rng.high.value * scale  # type: ignore[operator]
    return low, max(low, high)


def value(type_: str, rng: ast.Range | None, year: int, rnd: random.Random) -> Any:
    if type_ == "yesno":
        return rnd.random() < 0.75
    if type_ == "count":
        low, high = _bounds(rng, Decimal(0), Decimal(60))
        return rnd.randint(int(low), int(min(high, low + 500)))
    if type_ == "number":
        low, high = _bounds(rng, Decimal(0), Decimal(1000))
        high = min(high, low + 100000)
        return float(round(Decimal(rnd.uniform(float(low), float(high))), 2))
    if type_ == "percent":
        low, high = _bounds(rng, Decimal(0), Decimal(100), Decimal(100))
        low = max(low, Decimal("1.01")) if high > Decimal("1.01") else low
        return float(round(Decimal(rnd.uniform(float(low), float(high))), 2))
    if type_ == "date":
        return f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    return f"Nội dung {rnd.randint(1, 999)}"


def record(ruleset: ast.RuleSet, kind: str, i: int, rnd: random.Random) -> dict[str, Any]:
    span = ruleset.years()
    year = span[0] if span else 2022
    decls = ruleset.facts
    facts: dict[str, Any] = {}
    for name in sorted(facts_for_kind(ruleset, kind) & set(decls)):
        d = decls[name]
        if d.type == "list":
            facts[name] = [{f.name: value(f.type, f.range, year, rnd) for f in d.fields}
                           for _n in range(rnd.randint(0, 4))]
        else:
            facts[name] = value(d.type, d.range, year, rnd)
    _hold_relations(ruleset, facts)
    return {"unit": {"id": f"{kind.replace('_', '-')}-{i:05d}",
                     "name": f"Đơn vị {kind} số {i}", "kind": kind},
            "year": year, "facts": facts}


def _hold_relations(ruleset: ast.RuleSet, facts: dict[str, Any]) -> None:
    """Make every ``check A <= B`` (or ``>=``) between two facts true: exchange the values."""
    pairs = []
    for c in ruleset.checks:
        e = c.condition
        if isinstance(e, ast.BinOp) and isinstance(e.left, ast.Name) \
                and isinstance(e.right, ast.Name) and e.op in ("<=", ">="):
            small, big = (e.left.name, e.right.name) if e.op == "<=" else \
                (e.right.name, e.left.name)
            pairs.append((small, big))
    for _round in range(len(pairs) + 1):  # chains (a <= b <= c) settle in a few rounds
        moved = False
        for small, big in pairs:
            if small in facts and big in facts and facts[small] > facts[big]:
                facts[small], facts[big] = facts[big], facts[small]
                moved = True
        if not moved:
            break


def records(ruleset: ast.RuleSet, n: int, seed: int = 1) -> list[tuple[str, str]]:
    """``n`` records in all, the kinds in turn: (file name, YAML text)."""
    rnd = random.Random(seed)
    kinds = [k.name for k in ruleset.kinds]
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        data = record(ruleset, kind, i, rnd)
        out.append((f"{data['unit']['id']}.yaml",
                    yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))
    return out
