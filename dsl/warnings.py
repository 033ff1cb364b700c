"""What a rule set says that is allowed but probably not meant: warnings, apart from errors.

Takes a checked ``RuleSet``; gives ``Diagnostic``s: a fact declared that no rule of any kind
reads; a number in a criterion's guidance (points, a percentage) that its rules do not use; a
kind whose areas, criteria or sub-criteria are not as many as the decision says (``counts``).
``cchc check`` prints them; ``--strict`` fails on them.
"""

from __future__ import annotations

import re
from decimal import Decimal

from dsl import ast
from dsl.errors import Diagnostic
from dsl.i18n import _
from dsl.tree import expr_names, rule_names, scoped_tree, template_names

POINTS = re.compile(r"(\d+(?:,\d+)?)\s*điểm")
PERCENT = re.compile(r"(\d+(?:,\d+)?)\s*%")


def warnings(rs: ast.RuleSet) -> list[Diagnostic]:
    out = _unused_facts(rs) + _guidance(rs) + _counts(rs)
    return sorted(out, key=Diagnostic.sort_key)


def _nodes(rs: ast.RuleSet):
    def walk(n: ast.Node):
        yield n
        for c in n.children:
            yield from walk(c)
    for a in rs.areas:
        yield from walk(a)


def _unused_facts(rs: ast.RuleSet) -> list[Diagnostic]:
    read: set[str] = set()
    for n in _nodes(rs):
        read |= expr_names(n.applies_if)
        for r in n.rules:
            read |= rule_names(r)
        for z in n.on_zero:
            read |= expr_names(z.denominator) | template_names(z.because)
    return [Diagnostic(_("the fact '{name}' is declared but no rule of any kind reads it")
                       .format(name=name), d.span)
            for name, d in rs.facts.items() if name not in read]


def _numbers(pattern: re.Pattern, text: str) -> set[Decimal]:
    return {Decimal(m.group(1).replace(",", ".")) for m in pattern.finditer(text)}


def _used(n: ast.Node, top: Decimal | None) -> tuple[set[Decimal], set[Decimal]]:
    """The points and the percentages a criterion's rules can speak of."""
    points: set[Decimal] = {Decimal(0)} | ({top} if top is not None else set())
    shares: set[Decimal] = {Decimal(100)}

    def literal(e: object) -> None:
        if isinstance(e, ast.Literal) and isinstance(e.value, Decimal):
            points.add(e.value)
            shares.add(e.value * 100 if e.type == "percent" else e.value)
        for name in ("left", "right", "operand", "where"):
            sub = getattr(e, name, None)
            if sub is not None:
                literal(sub)

    for r in n.rules:
        if isinstance(r, ast.Levels):
            for lv in r.levels:
                points.add(lv.points)
                for b in (lv.bound.low, lv.bound.high):
                    if b is not None:
                        literal(b)
            literal(r.by)
        elif isinstance(r, ast.Full):
            points.add(r.otherwise)
            literal(r.condition)
        elif isinstance(r, ast.Deduct):
            points.add(r.points)
            if r.cap is not None:
                points.add(r.cap)
            if r.condition is not None:
                literal(r.condition)
        elif isinstance(r, ast.Floor):
            points.add(r.points)
        elif isinstance(r, (ast.Proportional, ast.Points)):
            return set(), set()  # any points can come of a ratio: nothing to compare
    return points, shares


def _guidance(rs: ast.RuleSet) -> list[Diagnostic]:
    out = []
    for n in _nodes(rs):
        if not n.guidance or not n.rules:
            continue
        top = n.max.default if n.max is not None else None
        maxima = {top} | {v for _k, v, _s in n.max.by_kind} if n.max is not None else set()
        points, shares = _used(n, top)
        if not points:
            continue
        points |= maxima - {None}  # type: ignore[arg-type]
        wrong = sorted(_numbers(POINTS, n.guidance) - points)
        wrong_shares = sorted(_numbers(PERCENT, n.guidance) - shares)
        for value in wrong:
            out.append(Diagnostic(_(
                "the guidance of {id} says {number} points, but its rules give no such points"
            ).format(id=n.id, number=_vn(value)), n.span))
        for value in wrong_shares:
            out.append(Diagnostic(_(
                "the guidance of {id} says {number}%, but its rules have no such threshold"
            ).format(id=n.id, number=_vn(value)), n.span))
    return out


def _vn(d: Decimal) -> str:
    return format(d.normalize(), "f").replace(".", ",")


def _counts(rs: ast.RuleSet) -> list[Diagnostic]:
    out = []
    for k in rs.kinds:
        if k.counts is None:
            continue
        tree = scoped_tree(rs, k.name)
        crit = [c for a in tree for c in a.children]
        subs = [x for c in crit for x in c.children]
        have = (len(tree), len(crit), len(subs))
        said = (k.counts.areas, k.counts.criteria, k.counts.subcriteria)
        if have != said:
            out.append(Diagnostic(_(
                "the decision counts {said_a} areas, {said_c} criteria and {said_s} "
                "sub-criteria for '{kind}'; the rules have {a}, {c} and {s}").format(
                said_a=said[0], said_c=said[1], said_s=said[2], kind=k.name,
                a=have[0], c=have[1], s=have[2]), k.counts.span))
    return out
