"""Every published figure against what the rules and the records give.

Takes the ranked rows (a unit's published statements: a table row, a comparison table, the
analysis text), the component indices, and the province's figures (group averages, area
averages); gives a ``Mismatch`` for each figure that disagrees, with both values, the place that
publishes it, and the likely cause where one is evident (a rounding, a sum that does not add up,
another table that prints another value), and the list of figures the records cannot check.
Nothing is corrected on either side.

Whole-table figures (total, index, columns) are compared exactly: the rules give them to the
hundredth. Percentages of the analysis text (component indices, averages, changes) are compared
at the precision they are printed with, one decimal at least: "68,5%" agrees with 68,52%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dsl.i18n import _
from engine import vn
from engine.results.components import AreaColumn, Components, mean
from engine.results.summary import Figure
from engine.results.summary import dec as _dec

ZERO = Decimal(0)


@dataclass(frozen=True)
class Mismatch:
    unit: str  # a unit's id, or the ids of the groups a province figure is about, joined by +
    field: str
    published: Decimal | int | None
    computed: Decimal | int | None
    note: str
    source: str | None = None  # where the published figure is printed, in full
    document: str | None = None  # the same, as the document
    at: str | None = None  # and the place in it


@dataclass(frozen=True)
class Unchecked:
    """A published figure the records cannot check (a column that covers several areas)."""

    unit: str
    field: str
    published: Decimal
    source: str | None


Source = dict[str, Any] | str | None  # a statement (its source, document, at) or a citation


def _where(source: Source) -> tuple[str | None, str | None, str | None]:
    if isinstance(source, dict):
        return source.get("source"), source.get("document"), source.get("at")
    return source, None, None


def agrees_as_printed(published: Decimal, computed: Decimal) -> bool:
    """Whether ``computed``, rounded as ``published`` is printed (one decimal at least),
    is ``published``."""
    exponent = published.as_tuple().exponent
    decimals = max(1, -exponent if isinstance(exponent, int) else 0)
    return computed.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP) == published


class Checker:
    def __init__(self) -> None:
        self.mismatches: list[Mismatch] = []
        self.unchecked: list[Unchecked] = []

    def exact(self, unit: str, name: str, published: Any, computed: Any, note: str,
              source: Source) -> None:
        if published is not None and computed is not None and _dec(published) != _dec(computed):
            self.mismatches.append(Mismatch(unit, name, _dec(published), _dec(computed), note,
                                            *_where(source)))

    def printed(self, unit: str, name: str, published: Any, computed: Decimal | None,
                note: str, source: Source) -> None:
        if published is None:
            return
        value = _dec(published)
        assert value is not None
        if computed is None:
            self.unchecked.append(Unchecked(unit, name, value, _where(source)[0]))
        elif not agrees_as_printed(value, computed):
            shown = computed.quantize(Decimal("0.01"), ROUND_HALF_UP)
            self.mismatches.append(Mismatch(unit, name, value, shown, note, *_where(source)))


def check_unit(ck: Checker, row: Any, step: Decimal | None, areas: dict[str, AreaColumn]) -> None:
    """Every statement a unit's record publishes about it."""
    r, uid = row.result, row.result.unit_id
    columns = {c.name: c for c in r.columns}
    for st in r.published:
        src = st
        total, scale, index = _dec(st.get("total")), _dec(st.get("scale")), _dec(st.get("index"))
        col_sum = None
        if isinstance(st.get("columns"), dict):
            for name, value in st["columns"].items():
                c = columns.get(name)
                if c is not None:
                    ck.exact(uid, f"columns.{name}", value, c.achieved,
                             _("the column as the rules give it"), src)
            col_sum = sum((_dec(v) for v in st["columns"].values()), ZERO)  # type: ignore[misc]
        ck.exact(uid, "scale", scale, r.max, _("the unit's maximum under the rules for its kind"),
                 src)
        if r.complete:
            _totals(ck, row, st, total, scale, index, col_sum, step)
        _areas(ck, row, st, areas)


def short_place(here: Source, there: Source) -> str:
    """Where ``there`` is, said briefly when it is in the same document as ``here``."""
    full, document, at = _where(there)
    if at and document and document == _where(here)[1]:
        return at
    return full or "—"


def _elsewhere(row: Any, here: dict[str, Any], name: str, value: Decimal) -> str | None:
    """Another statement of the same unit printing another value for the same figure."""
    for st in row.result.published:
        other = _dec(st.get(name))
        if other is not None and other != value:
            return _("another table prints {value} ({source})").format(
                value=vn.number(other), source=short_place(here, st))
    return None


def _totals(ck: Checker, row: Any, st: dict[str, Any], total: Decimal | None,
            scale: Decimal | None, index: Decimal | None, col_sum: Decimal | None,
            step: Decimal | None) -> None:
    r, uid, src = row.result, row.result.unit_id, st
    if col_sum is not None and col_sum != total:
        note = _("the published columns add up to {sum}, not to the published total").format(
            sum=vn.number(col_sum))
    else:
        note = _("the total the rules give")
    ck.exact(uid, "total", total, r.achieved, note, src)
    if index is not None:
        if total is not None and scale:
            own = total / scale * 100
            rounded = own.quantize(step, ROUND_HALF_UP) if step is not None else own
            note = (_("the published total over the published scale is {own}, rounded {rounded}: "
                      "the published index was not rounded from it").format(
                          own=vn.number(own), rounded=vn.number(rounded))
                    if rounded != index else _("the index follows from a different total"))
        else:
            note = _elsewhere(row, st, "index", index) or _("the index the rules give")
        ck.exact(uid, "index", index, r.index, note, src)
    ck.exact(uid, "rank", st.get("rank"), row.rank,
             _("the rank within its group, by the group's key and tie rule"), src)
    change = _dec(st.get("change"))
    if change is not None and row.previous is not None:
        ck.exact(uid, "change", change, row.change, _change_note(row, st, change), src)


def _change_note(row: Any, here: dict[str, Any], change: Decimal) -> str:
    """Why a published change may differ: it follows from another published index, this
    year's or the previous year's."""
    before = row.previous.index
    for st in row.result.published:
        index = _dec(st.get("index"))
        if index is not None and index - before == change:
            return _("the published change follows from the published index {index}").format(
                index=vn.fixed(index, 2))
    for other, where in row.previous.others:
        if row.result.index - other == change:
            return _("the published change follows from the previous-year index {before} "
                     "printed in {source}").format(before=vn.fixed(other, 2),
                                                   source=short_place(here, where))
    return _("the change the rules give from the previous year's published index {before}")\
        .format(before=vn.fixed(before, 2))


def _areas(ck: Checker, row: Any, st: dict[str, Any], areas: dict[str, AreaColumn]) -> None:
    uid, src = row.result.unit_id, st
    for aid, value in (st.get("areas") or {}).items():
        fig = areas[aid].figures.get(uid) if aid in areas else None
        points = value.get("points") if isinstance(value, dict) else value
        top = value.get("max") if isinstance(value, dict) else None
        if fig is None or fig.points is None:
            ck.unchecked.append(Unchecked(uid, f"areas.{aid}", _dec(points),  # type: ignore[arg-type]
                                          st.get("source")))
            continue
        ck.exact(uid, f"areas.{aid}", points, fig.points, _("the area's points as the rules "
                                                             "give them"), src)
        ck.exact(uid, f"areas.{aid}.max", top, fig.max, _("the area's maximum for this unit"),
                 src)
    for aid, value in (st.get("area_index") or {}).items():
        fig = areas[aid].figures.get(uid) if aid in areas else None
        index = fig.index if fig is not None else None
        note = ""
        if fig is not None and index is not None:
            note = _("{points} of {max} points is {index}%").format(
                points=vn.fixed(fig.points, 2), max=vn.maximum(fig.max),  # type: ignore[arg-type]
                index=vn.number(fig.points / fig.max * 100))  # type: ignore[operator]
        ck.printed(uid, f"areas.{aid}.index", value, index, note, src)
    for aid, value in (st.get("area_change") or {}).items():
        col = areas.get(aid)
        change = col.change(uid) if col is not None and uid in col.figures else None
        note = ""
        if change is not None:
            assert col is not None
            note = _("{now}% this year against {before}% the year before").format(
                now=vn.fixed(col.figures[uid].index, 2), before=vn.fixed(col.previous[uid], 2))
            printed = _printed_change(row, aid, _dec(value))  # type: ignore[arg-type]
            if printed:
                note = printed
        ck.printed(uid, f"areas.{aid}.change", value, change, note, src)


def _printed_change(row: Any, aid: str, change: Decimal) -> str | None:
    """A published change that is the difference of two printed (rounded) indices."""
    before = dict(row.previous.printed_areas).get(aid) if row.previous else None
    if before is None:
        return None
    for st in row.result.published:
        now = _dec((st.get("area_index") or {}).get(aid))
        if now is not None and agrees_as_printed(change, now - before):
            return _("the published change is the difference of the printed indices {now}% and "
                     "{before}%").format(now=vn.number(now), before=vn.number(before))
    return None


def check_figures(ck: Checker, figures: list[Figure], tables: list[Any],
                  comps: dict[str, Components]) -> None:
    """The province figures, each against the records, and any two that print the same
    figure differently against each other."""
    for fig in figures:
        check_figure(ck, fig, tables, comps, figures)
    seen: dict[tuple[tuple[str, ...], str | None, str], Figure] = {}
    for fig in figures:
        for name in ("average", "change"):
            value = getattr(fig, name)
            if value is None:
                continue
            first = seen.setdefault((fig.groups, fig.area, name), fig)
            other = getattr(first, name)
            if other != value:
                field = name if fig.area is None else f"areas.{fig.area}.{name}"
                here = {"source": fig.source, "document": fig.document, "at": fig.at}
                there = {"source": first.source, "document": first.document, "at": first.at}
                ck.mismatches.append(Mismatch(
                    "+".join(fig.groups), field, value, None,
                    _("two places of the reports print different figures: {other} ({source})")
                    .format(other=vn.number(other), source=short_place(here, there)),
                    fig.source, fig.document, fig.at))


def check_figure(ck: Checker, fig: Figure, tables: list[Any],
                 comps: dict[str, Components], figures: list[Figure]) -> None:
    """One province figure: a group's (or several groups') average and its change."""
    mine = [t for t in tables if t.id in fig.groups]
    who = "+".join(fig.groups)
    if fig.area is None:
        rows = [row for t in mine for row in t.rows]
        now = [row.result.index for row in rows if row.result.complete]
        before = [row.previous.index for row in rows if row.previous is not None]
        complete = len(now) == len(rows) and rows
        average = mean(now) if complete else None
        per_group = [t.average for t in mine]
        field = "average"
    else:
        cols = [comps[t.id].areas for t in mine]
        col = [c for cs in cols for c in cs if c.id == fig.area]
        units = [(c, u) for c in col for u in c.applies_to]
        known = [c.figures[u].index for c, u in units if c.figures[u].index is not None]
        complete = units and len(known) == len(units)
        now = known if complete else []
        average = mean(known) if complete else None  # type: ignore[arg-type]
        prev = [c.previous.get(u) for c, u in units]
        before = [p for p in prev if p is not None] if all(p is not None for p in prev) else []
        per_group = [c.average for c in col]
        field = f"areas.{fig.area}.average"
    note = _("the mean of the {n} units' indices").format(n=len(now))
    if average is not None and len(mine) > 1 and fig.average is not None:
        printed = [next((f.average for f in figures if f.groups == (g,) and f.area == fig.area
                         and f.average is not None), None) for g in fig.groups]
        said = (_("the published figure is the mean of the computed group averages ({groups}), "
                  "not of the {n} units"),
                _("the published figure is the mean of the published group averages "
                  "({groups}), not of the {n} units"))
        for averages, text in zip((per_group, printed), said):
            if None not in averages and agrees_as_printed(fig.average, mean(averages)):
                note = text.format(groups="; ".join(vn.fixed(a, 2) for a in averages),
                                   n=len(now))
                break
    src = {"source": fig.source, "document": fig.document, "at": fig.at}
    ck.printed(who, field, fig.average, average, note, src)
    if fig.change is not None:
        computed = None
        prev_avg = mean(before) if before and len(before) == len(now) else None
        if average is not None and prev_avg is not None:
            computed = average - prev_avg
        note = ""
        if prev_avg is not None:
            note = _("the average against the previous year's {before}%").format(
                before=vn.fixed(prev_avg, 2))
            if fig.average is not None and agrees_as_printed(fig.change, fig.average - prev_avg):
                note = _("the published change follows from the published average {average}%")\
                    .format(average=vn.fixed(fig.average, 2))
        ck.printed(who, field.replace("average", "change"), fig.change, computed, note, src)
