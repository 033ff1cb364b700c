"""Recorded points: what a record takes from a document instead of computing it.

Takes a record's ``recorded`` mapping, the rule set and the unit's kind; gives ``Recorded``
entries (columns or methods of the published tables, areas, criteria), each with the citation of
the document it comes from, after checking that each names something the kind is scored on,
that no two cover the same criterion, and that none exceeds what the rules allow there.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.i18n import _
from dsl.tree import Scoped, scoped_tree
from engine.records.model import Recorded
from engine.records.yamlio import Path_, dotted

LEVELS = (("columns", "column"), ("methods", "method"), ("areas", "area"),
          ("criteria", "criterion"))


def leaves_of(ruleset: ast.RuleSet, kind: str, level: str, key: str) -> list[Scoped]:
    """The leaf criteria a recorded entry stands for, for one kind."""
    tree = [s for a in scoped_tree(ruleset, kind) for s in a.walk()]
    if level == "column":
        col = next(c for c in ruleset.columns if c.name == key)
        areas = {a for a, _s in col.areas}
        chosen = [s for s in tree if s.depth == 0 and s.node.id in areas]
        return [x for s in chosen for x in s.walk() if not x.children]
    if level == "method":
        return [s for s in tree if not s.children and s.method == key]
    node = next((s for s in tree if s.node.id == key), None)
    return [] if node is None else [x for x in node.walk() if not x.children]


def read_recorded(ruleset: ast.RuleSet, kind: str, data: dict[str, Any],
                  lines: dict[Path_, int], cite: Any) -> tuple[list[Recorded],
                                                               list[tuple[Path_, str]]]:
    """The recorded entries of one record and the problems with them."""
    out: list[Recorded] = []
    problems: list[tuple[Path_, str]] = []
    default_source = cite(data["source"]) if "source" in data else None
    tree = {s.node.id: s for a in scoped_tree(ruleset, kind) for s in a.walk()}
    owner: dict[str, Path_] = {}
    for section, level in LEVELS:
        for key, raw in (data.get(section) or {}).items():
            where: Path_ = ("recorded", section, key)
            points = Decimal(raw["points"] if isinstance(raw, dict) else raw)
            source = cite(raw["source"]) if isinstance(raw, dict) and "source" in raw \
                else default_source
            if level in ("area", "criterion"):
                node = tree.get(str(key))
                if node is None or (level == "area") != (node.depth == 0):
                    what = _("area") if level == "area" else _("criterion")
                    problems.append((where, _("kind '{kind}' is scored on no {what} {id}")
                                     .format(kind=kind, what=what, id=key)))
                    continue
            leaves = leaves_of(ruleset, kind, level, str(key))
            top = sum((s.max for s in leaves), Decimal(0))
            if not leaves:
                problems.append((where, _("kind '{kind}' has no criteria in {key}").format(
                    kind=kind, key=key)))
                continue
            if points > top:
                problems.append((where, _(
                    "{points} is more than the {top} points the rules allow here").format(
                        points=_num(points), top=_num(top))))
            clash = next((owner[s.node.id] for s in leaves if s.node.id in owner), None)
            if clash is not None:
                problems.append((where, _("these points overlap {other}: a criterion is "
                                          "recorded once").format(other=dotted(clash))))
            for s in leaves:
                owner.setdefault(s.node.id, where)
            out.append(Recorded(level=level, key=str(key), points=points, source=source,
                                line=lines.get(where)))
    return out, problems


def _num(d: Decimal) -> str:
    return f"{d.normalize():f}"
