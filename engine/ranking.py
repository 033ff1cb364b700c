"""Ranking tables: the units of each declared group, ranked by the group's key and tie rule, with
the group average, the previous year's index, and every published figure cross-checked.

Takes scored ``UnitResult``s, the rule set (its groups) and, optionally, the previous year's
published indices; gives ``Ranking``: one ``GroupTable`` per group and the list of
``Mismatch``es, each with the published and the computed value and what may explain it. Nothing
is corrected on either side: a published figure that disagrees is shown beside the computed one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.errors import Diagnostic, FactsError
from dsl.i18n import _
from engine import vn
from engine.citations import evidence_text
from engine.evaluate import UnitResult
from engine.records.yamlio import read_yaml


@dataclass(frozen=True)
class Previous:
    """A unit's index of the previous year, as published (several documents may disagree)."""

    index: Decimal
    source: str | None
    others: tuple[tuple[Decimal, str | None], ...] = ()


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


@dataclass(frozen=True)
class Mismatch:
    unit: str
    field: str
    published: Decimal | int | None
    computed: Decimal | int | None
    note: str


@dataclass
class Ranking:
    groups: list[GroupTable]
    mismatches: list[Mismatch]


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
        unit = data.get("unit") if isinstance(data, dict) else None
        entries = data.get("published") if isinstance(data, dict) else None
        if isinstance(entries, dict):
            entries = [entries]
        figures = [e for e in entries or [] if isinstance(e, dict) and "index" in e]
        if not isinstance(unit, dict) or "id" not in unit or not figures:
            problems.append(Diagnostic(_("a previous-year record needs 'unit: {id, …}' and "
                                         "'published' with an 'index'"), None, str(path), 1))
            continue
        shown = [(Decimal(str(e["index"])),
                  evidence_text(ruleset, e["source"]) if "source" in e else None) for e in figures]
        out[str(unit["id"])] = Previous(shown[0][0], shown[0][1], tuple(shown[1:]))
    if problems:
        raise FactsError(problems)
    return out


def rank(ruleset: ast.RuleSet, results: list[UnitResult],
         previous: dict[str, Previous] | None = None) -> Ranking:
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
    step = ruleset.rounding("index")
    return Ranking(tables, [m for t in tables for row in t.rows for m in _check(row, step)])


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _check(row: Row, step: Decimal | None) -> list[Mismatch]:
    """Every published figure of a unit against what the rules and its record give."""
    r, pub, out = row.result, row.result.published, []
    uid = r.unit_id

    def differ(name: str, published: Any, computed: Any, note: str) -> None:
        if published is not None and computed is not None and _dec(published) != _dec(computed):
            out.append(Mismatch(uid, name, _dec(published), _dec(computed), note))

    total, scale, index = _dec(pub.get("total")), _dec(pub.get("scale")), _dec(pub.get("index"))
    columns = {c.name: c for c in r.columns}
    col_sum = None
    if isinstance(pub.get("columns"), dict):
        for name, value in pub["columns"].items():
            c = columns.get(name)
            if c is not None:
                differ(f"columns.{name}", value, c.achieved, _("the column as the rules give it"))
        col_sum = sum((_dec(v) for v in pub["columns"].values()), Decimal(0))  # type: ignore[misc]
    differ("scale", scale, r.max, _("the unit's maximum under the rules for its kind"))
    if r.complete:
        note = (_("the published columns add up to {sum}, not to the published total").format(
            sum=vn.number(col_sum)) if col_sum is not None and col_sum != total else
            _("the total the rules give"))
        differ("total", total, r.achieved, note)
        if total is not None and scale:
            own = total / scale * 100
            rounded = own.quantize(step, ROUND_HALF_UP) if step is not None else own
            note = (_("the published total over the published scale is {own}, rounded {rounded}: "
                      "the published index was not rounded from it").format(
                          own=vn.number(own), rounded=vn.number(rounded))
                    if rounded != index else _("the index follows from a different total"))
            differ("index", index, r.index, note)
        differ("rank", pub.get("rank"), row.rank, _("the rank within its group, by the group's "
                                                   "key and tie rule"))
    if row.previous is not None:
        for value, source in row.previous.others:
            differ("previous_index", value, row.previous.index,
                   _("two documents print different previous-year indices: {other}").format(
                       other=source or "—"))
    return out
