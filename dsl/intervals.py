"""Intervals of values, so the checker can tell whether a level can be reached.

Takes the bounds of ``levels`` (``from 80% to under 100%``); gives intervals over Decimals, with
dates mapped to their day numbers, and set differences of them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from dsl import ast
from dsl.i18n import _

INF = Decimal("Infinity")


class Interval(NamedTuple):
    lo: Decimal
    lo_in: bool
    hi: Decimal
    hi_in: bool

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_in and self.hi_in))


def domain_for(t: object) -> Interval:
    """The values a quantity of this type can take: counts and percentages are never negative."""
    if t in ("count", "percent"):
        return Interval(Decimal(0), True, INF, False)
    return Interval(-INF, False, INF, False)


def _value(lit: ast.Literal) -> Decimal:
    if isinstance(lit.value, dt.date):
        return Decimal(lit.value.toordinal())
    return Decimal(lit.value)  # type: ignore[arg-type]


def interval_of(b: ast.Bound, domain: Interval) -> Interval | None:
    """The values a bound admits, within the domain; None if the bound admits nothing at all."""
    lo, hi = (_value(b.low) if b.low else None), (_value(b.high) if b.high else None)
    raw = {
        "eq": lambda: Interval(lo, True, lo, True),
        "at_least": lambda: Interval(lo, True, INF, False),
        "above": lambda: Interval(lo, False, INF, False),
        "at_most": lambda: Interval(-INF, False, hi, True),
        "under": lambda: Interval(-INF, False, hi, False),
        "from_to_under": lambda: Interval(lo, True, hi, False),
        "from_to": lambda: Interval(lo, True, hi, True),
        "else": lambda: Interval(-INF, False, INF, False),
    }[b.kind]()
    if raw.empty:
        return None
    return intersect(raw, domain)


def intersect(a: Interval, b: Interval) -> Interval:
    if a.lo > b.lo:
        lo, lo_in = a.lo, a.lo_in
    elif b.lo > a.lo:
        lo, lo_in = b.lo, b.lo_in
    else:
        lo, lo_in = a.lo, a.lo_in and b.lo_in
    if a.hi < b.hi:
        hi, hi_in = a.hi, a.hi_in
    elif b.hi < a.hi:
        hi, hi_in = b.hi, b.hi_in
    else:
        hi, hi_in = a.hi, a.hi_in and b.hi_in
    return Interval(lo, lo_in, hi, hi_in)


def subtract(a: Interval, b: Interval) -> list[Interval]:
    """The parts of ``a`` not in ``b``."""
    if a.empty:
        return []
    left = intersect(a, Interval(-INF, False, b.lo, not b.lo_in))
    right = intersect(a, Interval(b.hi, not b.hi_in, INF, False))
    if intersect(a, b).empty:
        return [a]
    return [x for x in (left, right) if not x.empty]


def describe(x: Interval, t: object) -> str:
    """Say an interval the way a level is written: 'from 0% to under 80%' (translated: the
    Vietnamese says it in words, 'từ 0% đến dưới 80%'; the values keep the rule syntax)."""

    def show(v: Decimal) -> str:
        if t == "percent":
            return f"{(v * 100).normalize():f}%"
        if t == "date":
            return dt.date.fromordinal(int(v)).isoformat()
        return f"{v.normalize():f}"

    if x.lo == x.hi:
        return _("= {value}").format(value=show(x.lo))
    if x.lo.is_infinite():
        return (_("at most {value}") if x.hi_in else _("under {value}")).format(value=show(x.hi))
    if x.hi.is_infinite():
        return (_("from {value}") if x.lo_in else _("above {value}")).format(value=show(x.lo))
    if x.lo_in:
        phrase = _("from {low} to {high}") if x.hi_in else _("from {low} to under {high}")
    else:
        phrase = _("above {low} to {high}") if x.hi_in else _("above {low} to under {high}")
    return phrase.format(low=show(x.lo), high=show(x.hi))
