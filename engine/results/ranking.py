"""Ranking tables: the units of each declared group, ranked by the group's key and tie rule, with
the group average, the previous year's index, and every published figure cross-checked.

Takes scored ``UnitResult``s, the rule set (its groups) and, optionally, the previous year's
published indices; gives ``Ranking``: one ``GroupTable`` per group and the list of
``Mismatch``es, each with the published and the computed value and what may explain it. Nothing
is corrected on either side: a published figure that disagrees is shown beside the computed one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.errors import Diagnostic, FactsError
from dsl.i18n import _
from engine.citations import place
from engine.evaluate import UnitResult
from engine.records.yamlio import read_yaml
from engine.results.components import Components, components, percent
from engine.results.crosscheck import Checker, Mismatch, Unchecked, check_figures, check_unit
from engine.results.summary import Figure, is_summary


@dataclass(frozen=True)
class Previous:
    """A unit's index of the previous year, as published (several documents may disagree)."""

    index: Decimal
    source: str | None
    others: tuple[tuple[Decimal, dict[str, str | None] | None], ...] = ()  # other documents
    areas: tuple[tuple[str, Decimal], ...] = ()  # component indices, by area id
    printed_areas: tuple[tuple[str, Decimal], ...] = ()  # as printed, where printed
    where: dict[str, str | None] | None = None  # the first index's source, document and place
    printed_where: dict[str, str | None] | None = None  # the printed area indices' likewise


@dataclass
class Row:
    result: UnitResult
    rank: int | None = None
    previous: Previous | None = None

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or not self.result.complete:
            return None
        return self.result.index - self.previous.index


@dataclass
class GroupTable:
    id: str
    label: str
    kinds: tuple[str, ...]
    ranked: bool
    rows: list[Row] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        done = [r.result.index for r in self.rows if r.result.complete]
        return sum(done, Decimal(0)) / len(done) if done else None

    def moved(self) -> tuple[int, int, int]:
        """How many units rose, fell, stayed, against the previous year."""
        changes = [r.change for r in self.rows if r.change is not None]
        return (sum(c > 0 for c in changes), sum(c < 0 for c in changes),
                sum(c == 0 for c in changes))


@dataclass
class Ranking:
    groups: list[GroupTable]
    mismatches: list[Mismatch]
    components: dict[str, Components] = field(default_factory=dict)  # by group id
    unchecked: list[Unchecked] = field(default_factory=list)


def _key(r: UnitResult, key: ast.RankKey) -> Decimal:
    return r.index if key.key == "index" else r.achieved


def _rank(table: GroupTable, group: ast.GroupDecl) -> None:
    """Ranks 1, 2, 2, 4…: units equal on every key share a rank (the tie rule decides)."""
    complete = [row for row in table.rows if row.result.complete]
    assert group.rank is not None
    keys = [group.rank] + ([group.ties] if isinstance(group.ties, ast.RankKey) else [])

    def order(row: Row) -> tuple:
        return tuple((-_key(row.result, k) if k.descending else _key(row.result, k)) for k in keys)

    complete.sort(key=lambda row: (order(row), row.result.name))
    for i, row in enumerate(complete):
        same = i > 0 and order(complete[i - 1]) == order(row)
        row.rank = complete[i - 1].rank if same else i + 1
    table.rows = complete + [row for row in table.rows if not row.result.complete]


def read_previous(ruleset: ast.RuleSet, folder: str | Path) -> dict[str, Previous]:
    """The previous year's published indices, by unit id, from a folder of records."""
    out: dict[str, Previous] = {}
    problems: list[Diagnostic] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data, lines = read_yaml(path)
        if is_summary(data):
            continue  # the province's figures: not a unit's
        unit = data.get("unit") if isinstance(data, dict) else None
        entries = data.get("published") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            entries = [entries]
        entries = [e for e in entries or [] if isinstance(e, dict)]
        figures = [e for e in entries if "index" in e]
        if not isinstance(unit, dict) or "id" not in unit or not figures:
            problems.append(Diagnostic(_("a previous-year record needs 'unit: {id, …}' and "
                                         "'published' with an 'index'"), None, str(path), 1))
            continue
        shown = [(Decimal(str(e["index"])), _place(ruleset, e)) for e in figures]
        printed = next((e for e in entries if e.get("area_index")), None)
        first = shown[0][1]
        out[str(unit["id"])] = Previous(
            shown[0][0], first["source"] if first else None, tuple(shown[1:]),
            _area_indices(entries),
            _printed(entries), _place(ruleset, figures[0]), _place(ruleset, printed))
    if problems:
        raise FactsError(problems)
    return out


def _area_indices(statements: list[dict[str, Any]]) -> tuple[tuple[str, Decimal], ...]:
    """A previous year's component indices: from points of a maximum where published so,
    otherwise as printed."""
    out: dict[str, Decimal] = {}
    for st in statements:
        for aid, v in (st.get("areas") or {}).items():
            if isinstance(v, dict) and v.get("max"):
                out.setdefault(str(aid), percent(Decimal(str(v["points"])),
                                                 Decimal(str(v["max"]))))
    for aid, v in _printed(statements):
        out.setdefault(aid, v)
    return tuple(sorted(out.items()))


def _place(ruleset: ast.RuleSet, statement: dict[str, Any] | None) -> dict[str, str | None] | None:
    if statement is None or "source" not in statement:
        return None
    return place(ruleset, statement["source"])


def _printed(statements: list[dict[str, Any]]) -> tuple[tuple[str, Decimal], ...]:
    out: dict[str, Decimal] = {}
    for st in statements:
        for aid, v in (st.get("area_index") or {}).items():
            out.setdefault(str(aid), Decimal(str(v)))
    return tuple(sorted(out.items()))


def rank(ruleset: ast.RuleSet, results: list[UnitResult],
         previous: dict[str, Previous] | None = None,
         figures: list[Figure] | None = None) -> Ranking:
    previous = previous or {}
    tables = []
    for g in ruleset.groups:
        kinds = tuple(k for k, _s in g.kinds)
        table = GroupTable(g.name, g.label, kinds, g.ranked,
                           [Row(r, previous=previous.get(r.unit_id)) for r in results
                            if r.kind in kinds])
        if g.ranked:
            _rank(table, g)
        else:
            table.rows.sort(key=lambda row: row.result.name)
        tables.append(table)
    grouped = {r.unit_id for t in tables for row in t.rows for r in [row.result]}
    loose = [r for r in results if r.unit_id not in grouped]
    if loose:
        tables.append(GroupTable("", _("Units in no group"), (), False,
                                 [Row(r, previous=previous.get(r.unit_id)) for r in loose]))
    before = {u: dict(p.areas) for u, p in previous.items()}
    comps = {t.id: components(t.id, [row.result for row in t.rows], before) for t in tables}
    step = ruleset.rounding("index")
    ck = Checker()
    for t in tables:
        areas = {c.id: c for c in comps[t.id].areas}
        for row in t.rows:
            check_unit(ck, row, step, areas)
            for value, where in row.previous.others if row.previous else ():
                assert row.previous is not None
                ck.exact(row.result.unit_id, "previous_index", value, row.previous.index,
                         _("two documents print different previous-year indices: {other}")
                         .format(other=row.previous.source or "—"), where)
            _previous_areas(ck, row)
    check_figures(ck, figures or [], tables, comps)
    return Ranking(tables, ck.mismatches, comps, ck.unchecked)


def _previous_areas(ck: Checker, row: Row) -> None:
    """A previous year's printed component index against its own points and maximum."""
    if row.previous is None:
        return
    exact = dict(row.previous.areas)
    for aid, printed in row.previous.printed_areas:
        if aid in exact:
            ck.printed(row.result.unit_id, f"previous.areas.{aid}.index", printed, exact[aid],
                       _("the previous year's points over its maximum"),
                       row.previous.printed_where)
