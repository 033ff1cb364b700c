"""Walks over a checked rule set: which nodes a kind of unit is scored on, which facts a rule reads.

Takes a ``RuleSet``; gives the nodes of one kind's criteria tree with their effective method and
max, and the fact names that expressions and reason templates read. Shared by the engine, the
fact schema and the structure report, so that all three agree on what applies to a kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from dsl import ast

HOLE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Scoped:
    """A node as one kind of unit sees it."""

    node: ast.Node
    kind: str
    method: str
    depth: int  # 0 area, 1 criterion, 2 sub-criterion
    children: tuple[Scoped, ...]

    @cached_property
    def max(self) -> Decimal:
        if self.children:
            return sum((c.max for c in self.children), Decimal(0))
        assert self.node.max is not None
        return self.node.max.for_kind(self.kind)

    def walk(self) -> Iterator[Scoped]:
        yield self
        for c in self.children:
            yield from c.walk()


def applies_to_kind(node: ast.Node, kind: str) -> bool:
    if node.applies_to is None:
        return True
    named = any(k == kind for k, _s in node.applies_to)
    return not named if node.applies_except else named


def scoped_tree(ruleset: ast.RuleSet, kind: str) -> tuple[Scoped, ...]:
    """The areas, criteria and sub-criteria a kind of unit is scored on, in id order (built once
    per rule set and kind: a rule set does not change once loaded)."""
    cache = ruleset.__dict__.setdefault("_scoped_trees", {})
    if kind not in cache:
        cache[kind] = _scoped_tree(ruleset, kind)
    return cache[kind]


def _scoped_tree(ruleset: ast.RuleSet, kind: str) -> tuple[Scoped, ...]:

    def build(node: ast.Node, method: str, depth: int) -> Scoped | None:
        if not applies_to_kind(node, kind):
            return None
        method = node.method[0] if node.method else method
        kids = tuple(s for c in node.children if (s := build(c, method, depth + 1)) is not None)
        if node.children and not kids:
            return None
        return Scoped(node, kind, method, depth, kids)

    return tuple(s for a in ruleset.areas if (s := build(a, "appraisal", 0)) is not None)


def expr_names(e: ast.Expr | None, bound: frozenset[str] = frozenset()) -> set[str]:
    """Fact names an expression reads (not the names bound by 'for each' or 'count')."""
    if e is None:
        return set()
    if isinstance(e, ast.Name):
        return set() if e.name in bound else {e.name}
    if isinstance(e, ast.Count):
        return {e.list} | expr_names(e.where, bound | {e.var})
    if isinstance(e, ast.Not):
        return expr_names(e.operand, bound)
    if isinstance(e, ast.BinOp):
        return expr_names(e.left, bound) | expr_names(e.right, bound)
    return set()


def template_names(t: ast.Template | None) -> set[str]:
    if t is None:
        return set()
    return {h.strip() for h in HOLE.findall(t.text) if "." not in h and h.strip() != "value"}


def rule_names(rule: ast.Rule) -> set[str]:
    """Fact names one scoring rule reads, its reasons included."""
    if isinstance(rule, ast.Levels):
        names = expr_names(rule.by)
        for lv in rule.levels:
            names |= template_names(lv.because)
        return names
    if isinstance(rule, ast.Full):
        return expr_names(rule.condition) | template_names(rule.because)
    if isinstance(rule, ast.Proportional):
        return expr_names(rule.ratio) | template_names(rule.because)
    if isinstance(rule, ast.Points):
        return expr_names(rule.value) | template_names(rule.because)
    if isinstance(rule, ast.Deduct):
        bound = frozenset({rule.var}) if rule.var else frozenset()
        lst = {rule.list} if rule.list else set()
        return lst | expr_names(rule.condition, bound) | template_names(rule.because)
    return set()


def facts_for_kind(ruleset: ast.RuleSet, kind: str) -> set[str]:
    """Every fact the criteria of one kind read, and those related to them by a 'check' (worked
    out once per rule set and kind; a copy is given, the caller may change it)."""
    cache = ruleset.__dict__.setdefault("_facts_for_kind", {})
    if kind not in cache:
        cache[kind] = frozenset(_facts_for_kind(ruleset, kind))
    return set(cache[kind])


def _facts_for_kind(ruleset: ast.RuleSet, kind: str) -> set[str]:
    names: set[str] = set()
    for area in scoped_tree(ruleset, kind):
        for s in area.walk():
            names |= expr_names(s.node.applies_if)
            for z in s.node.on_zero:
                names |= expr_names(z.denominator) | template_names(z.because)
            for rule in s.node.rules:
                names |= rule_names(rule)
    # a fact read only by a relation belongs with the facts it is related to
    for c in ruleset.checks:
        read = expr_names(c.condition) | template_names(c.because)
        if read & names:
            names |= read
    return names


def branches(node: ast.Node) -> list[str]:
    """The branches of a node's rules, named as the evaluator names the ones it takes."""
    out = ["applies", "does not apply"] if node.applies_if is not None else []
    if node.children:
        return out
    for i, _z in enumerate(node.on_zero, 1):
        out += [f"denominator {i} is 0", f"denominator {i} is not 0"]
    n_deduct = 0
    for rule in node.rules:
        if isinstance(rule, ast.Levels):
            out += [f"level {i}" for i in range(1, len(rule.levels) + 1)]
        elif isinstance(rule, ast.Full):
            out += ["condition holds", "condition fails"]
        elif isinstance(rule, (ast.Proportional, ast.Points)):
            out += ["full", "below max"]
        elif isinstance(rule, ast.Deduct):
            n_deduct += 1
            out += [f"deduction {n_deduct} applied", f"deduction {n_deduct} not applied"]
    return out


def outcomes(node: ast.Node) -> list[str]:
    """What a leaf's rules can give: full points, part of them, none, or not applicable."""
    possible: set[str] = {"not applicable"} if node.applies_if is not None else set()
    if node.children or node.max is None:
        return sorted(possible)
    top = node.max.default
    for z in node.on_zero:
        if z.outcome in ("not applicable", "full"):
            possible.add(z.outcome)

    def add(points: Decimal) -> None:
        possible.add("full" if points >= top else "zero" if points <= 0 else "partial")

    deducts = [r for r in node.rules if isinstance(r, ast.Deduct)]
    floors = [r.points for r in node.rules if isinstance(r, ast.Floor)]
    for rule in node.rules:
        if isinstance(rule, ast.Levels):
            for lv in rule.levels:
                add(lv.points)
        elif isinstance(rule, ast.Full):
            add(top)
            add(rule.otherwise)
        elif isinstance(rule, (ast.Proportional, ast.Points)):
            possible |= {"full", "partial", "zero"}
    if deducts:
        floor = floors[0] if floors else Decimal(0)
        possible.add("full")
        reach = deduction_reach(deducts)
        if min(d.points for d in deducts) < top - floor or floor > 0:
            possible.add("partial")
        if floor == 0 and reach >= top:
            possible.add("zero")
    return sorted(possible)


def deduction_reach(deducts: list[ast.Deduct]) -> Decimal:
    """The most that deduction lines can take together (Infinity when one is unbounded)."""
    reach = Decimal(0)
    for d in deducts:
        if d.scope == "if":
            reach += min(d.points, d.cap) if d.cap is not None else d.points
        elif d.cap is not None:
            reach += d.cap
        else:
            return Decimal("Infinity")
    return reach
