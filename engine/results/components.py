"""Component indices (chỉ số thành phần): each area's points over its maximum, per unit and per
group, and the share of points each criterion earned across the units that have it.

Takes scored ``UnitResult``s (and a previous year's published area figures); gives, per area,
each unit's component index where its record allows it: computed from facts, recorded for the
area itself, or recorded for a column that is exactly that area (Điểm đánh giá tác động is area
8). An area a unit is not scored on is "not applicable" and left out of averages, as the report
does ("không chấm điểm"). A group average is given only when every unit the area applies to is
known: an average of the few records that have facts would not be the group's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from engine.evaluate import NodeResult, UnitResult

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent(points: Decimal, top: Decimal) -> Decimal:
    """A share as a percentage, to the hundredth (half up), as the report prints it."""
    return (points / top * HUNDRED).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class AreaFigure:
    id: str
    title: str
    applicable: bool
    max: Decimal
    points: Decimal | None  # None: the record does not say (a column covers several areas)

    @property
    def index(self) -> Decimal | None:
        if not self.applicable or self.points is None or not self.max:
            return None
        return percent(self.points, self.max)


def _leaf_ids(n: NodeResult) -> set[str]:
    return {x.id for x in n.walk() if not x.children and x.applicable}


def area_points(r: UnitResult, area: NodeResult) -> Decimal | None:
    """An area's points as far as the record allows: computed, recorded for the area, or
    recorded for a column or method whose criteria are exactly the area's."""
    if not area.applicable:
        return ZERO
    if area.covered is None:
        return area.achieved
    inside = _leaf_ids(area)
    covered = {x.covered for a in r.areas for x in a.walk()
               if not x.children and x.applicable and x.id in inside}
    if len(covered) != 1 or None in covered:
        return None
    (pid,) = covered
    outside = {x.id for a in r.areas if a.applicable for x in a.walk()
               if not x.children and x.applicable and x.covered == pid} - inside
    if outside:
        return None
    level, _sep, key = pid.partition(":")
    part = next((p for p in r.recorded if p.level == level and p.key == key), None)
    return part.points if part is not None else None


def area_figures(r: UnitResult) -> dict[str, AreaFigure]:
    return {a.id: AreaFigure(a.id, a.title, a.applicable, a.max,
                             area_points(r, a) if a.applicable else None) for a in r.areas}


@dataclass
class AreaColumn:
    """One area across a group: each unit's component index and the group's average."""

    id: str
    title: str
    figures: dict[str, AreaFigure] = field(default_factory=dict)  # by unit id
    previous: dict[str, Decimal] = field(default_factory=dict)  # previous index, by unit id

    @property
    def applies_to(self) -> list[str]:
        return [u for u, f in self.figures.items() if f.applicable]

    @property
    def known(self) -> list[str]:
        return [u for u in self.applies_to if self.figures[u].index is not None]

    @property
    def average(self) -> Decimal | None:
        """The mean of the units' component indices, when every unit it applies to is known."""
        units = self.applies_to
        if not units or len(self.known) != len(units):
            return None
        return mean([self.figures[u].index for u in units])  # type: ignore[misc]

    def change(self, unit: str) -> Decimal | None:
        now, before = self.figures[unit].index, self.previous.get(unit)
        return None if now is None or before is None else now - before


@dataclass(frozen=True)
class CriterionShare:
    """The points a criterion earned across the units whose records score it."""

    id: str
    title: str
    units: int  # units whose record gives the criterion's points
    applies_to: int  # units of the group it applies to
    achieved: Decimal
    max: Decimal

    @property
    def share(self) -> Decimal | None:
        return percent(self.achieved, self.max) if self.max else None


@dataclass
class Components:
    group: str
    areas: list[AreaColumn]
    criteria: list[CriterionShare]


def mean(values: list[Decimal]) -> Decimal:
    return (sum(values, ZERO) / len(values)).quantize(CENT, ROUND_HALF_UP)


def components(group: str, results: list[UnitResult],
               previous: dict[str, dict[str, Decimal]]) -> Components:
    """The component indices of one group's units; ``previous`` holds each unit's previous
    area indices by area id."""
    columns: dict[str, AreaColumn] = {}
    for r in results:
        for aid, fig in area_figures(r).items():
            col = columns.setdefault(aid, AreaColumn(aid, fig.title))
            col.figures[r.unit_id] = fig
            if aid in previous.get(r.unit_id, {}):
                col.previous[r.unit_id] = previous[r.unit_id][aid]
    for col in columns.values():  # an area a kind is not scored on at all: not applicable
        col.figures = {r.unit_id: col.figures.get(r.unit_id) or AreaFigure(
            col.id, col.title, False, ZERO, None) for r in results}
    return Components(group, list(columns.values()), _criteria(results))


def _criteria(results: list[UnitResult]) -> list[CriterionShare]:
    order: list[str] = []
    seen: dict[str, list[NodeResult]] = {}
    titles: dict[str, str] = {}
    applies: dict[str, int] = {}
    for r in results:
        for a in r.areas:
            for c in a.children:
                if c.id not in seen:
                    order.append(c.id)
                    seen[c.id], titles[c.id], applies[c.id] = [], c.title, 0
                if a.applicable and c.applicable:
                    applies[c.id] += 1
                    if c.covered is None and c.achieved is not None:
                        seen[c.id].append(c)
    return [CriterionShare(i, titles[i], len(seen[i]), applies[i],
                           sum((n.achieved for n in seen[i]), ZERO),  # type: ignore[misc]
                           sum((n.max for n in seen[i]), ZERO))
            for i in order if seen[i]]
