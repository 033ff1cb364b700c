"""What one decision's rules change from another's, for the officer preparing the next decision.

Takes two rule sets (the older first), optionally one kind of unit and one unit's fact record;
gives the changes as data: criteria added, removed, renamed, renumbered or moved (matched by id
and by the likeness of their titles), maxima, methods, scoring rules and applicability changed
(each shown as the two rule texts), facts added or removed, and each kind's scale and counts
before and after. With a record: the unit scored under both, criterion by criterion, with the
reason for each difference and the facts the newer rules read that the record does not give.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.tree import (
    Scoped,
    expr_names,
    facts_for_kind,
    rule_names,
    scoped_tree,
    template_names,
)

TITLE_ALIKE = 0.7  # two criteria with different ids are one when their titles are this alike
SAME_ID_ALIKE = 0.5  # and with the same id, this alike (else: one removed, another added)


@dataclass
class Item:
    """A node of one rule set, as the comparison sees it."""

    id: str
    title: str
    depth: int
    parent: str | None
    max: str  # as the rules write it: "2", or "so 2, huyen 2.5" without a kind
    method: str
    applies: str  # which kinds, and under which condition
    rule: str  # the scoring rule's text
    rule_at: str  # path:line
    facts: frozenset[str]


@dataclass
class Change:
    kind: str  # added, removed, renamed, renumbered, moved, max, method, rule, applies
    old: Item | None
    new: Item | None


@dataclass
class KindFigures:
    name: str
    label: str | None
    total: Decimal | None  # the scale
    parts: list[tuple[str, Decimal]]  # its split by method
    counts: tuple[int, int, int] | None  # areas, criteria, sub-criteria


@dataclass
class Diff:
    old: str  # the decisions' numbers
    new: str
    kind: str | None
    kinds: list[tuple[KindFigures, KindFigures]]
    changes: list[Change]
    facts_added: list[tuple[str, str]]  # (name, label)
    facts_removed: list[tuple[str, str]]
    unit: UnitComparison | None = None


@dataclass
class Line:
    """One criterion of one unit under both decisions."""

    old_id: str | None
    new_id: str | None
    title: str
    old: tuple[Decimal, Decimal | None] | None  # (max, points); None: not in that decision
    new: tuple[Decimal, Decimal | None] | None
    reasons: list[str] = field(default_factory=list)


@dataclass
class UnitComparison:
    name: str
    path: str
    old_total: tuple[Decimal, Decimal, Decimal | None]  # max, points, index (None: incomplete)
    new_total: tuple[Decimal, Decimal, Decimal | None]
    lines: list[Line]
    missing: list[tuple[str, str, list[str]]]  # facts the newer rules read: name, label, read by
    dropped: list[str]  # what of the record the newer rules cannot use


def shown_max(text: str) -> str:
    """Numbers in a max ("2; huyen 2.5") written the Vietnamese way."""
    from engine import vn
    return re.sub(r"\d+(?:\.\d+)?", lambda m: vn.maximum(Decimal(m.group())), text)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _alike(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def _block(rs: ast.RuleSet, spans: list[ast.Span]) -> str:
    """The rule text the spans cover, lines whole, indentation kept relative."""
    if not spans:
        return ""
    text = rs.texts.get(spans[0].path, "")
    lines = text.splitlines()
    first = min(s.line for s in spans)
    last = max(s.end_line for s in spans)
    return textwrap.dedent("\n".join(lines[first - 1:last])).strip()


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _max_text(node: ast.Node, s: Scoped | None) -> str:
    """The max as the kind sees it; without a kind, as the rules write it ("2; huyen 2.5")."""
    if s is not None:
        return _num(s.max)
    if node.max is None:
        return ""
    return "; ".join([_num(node.max.default)]
                     + [f"{k} {_num(v)}" for k, v, _x in node.max.by_kind])


def _applies(node: ast.Node, rs: ast.RuleSet, kind: str | None) -> str:
    parts = []
    if kind is None and node.applies_to is not None:
        names = ", ".join(k for k, _s in node.applies_to)
        parts.append(("except " if node.applies_except else "") + names)
    if node.applies_if is not None:
        parts.append("if " + _block(rs, [node.applies_if.span]))
    return "; ".join(parts)


def items(rs: ast.RuleSet, kind: str | None) -> list[Item]:
    """Every node in tree order: the kind's own tree, or every node of the rule set."""
    out: list[Item] = []

    def add(node: ast.Node, s: Scoped | None, depth: int, parent: str | None,
            method: str) -> None:
        method = s.method if s is not None else (node.method[0] if node.method else method)
        spans = [z.span for z in node.on_zero] + [r.span for r in node.rules]
        names = expr_names(node.applies_if)
        for r in node.rules:
            names |= rule_names(r)
        for z in node.on_zero:
            names |= expr_names(z.denominator) | template_names(z.because)
        out.append(Item(node.id, node.title, depth, parent, _max_text(node, s), method,
                        _applies(node, rs, kind), _block(rs, spans),
                        f"{spans[0].path}:{min(x.line for x in spans)}" if spans else "",
                        frozenset(names)))
        if s is not None:
            for c in s.children:
                add(c.node, c, depth + 1, node.id, method)
        else:
            for c in node.children:
                add(c, None, depth + 1, node.id, method)

    if kind is not None:
        for a in scoped_tree(rs, kind):
            add(a.node, a, 0, None, "appraisal")
    else:
        for a in rs.areas:
            add(a, None, 0, None, "appraisal")
    return out


def match(old: list[Item], new: list[Item]) -> list[tuple[Item, Item]]:
    """Pairs of the same criterion: the same title (ids may differ), then the same id with a
    like title, then the likest titles left."""
    pairs: list[tuple[Item, Item]] = []
    left_old = list(old)
    left_new = list(new)

    def take(a: Item, b: Item) -> None:
        pairs.append((a, b))
        left_old.remove(a)
        left_new.remove(b)

    by_title: dict[str, list[Item]] = {}
    for b in new:
        by_title.setdefault(_norm(b.title), []).append(b)
    for a in old:
        same = [b for b in by_title.get(_norm(a.title), []) if b in left_new]
        if same:
            same.sort(key=lambda b: (b.id != a.id, b.depth != a.depth))
            take(a, same[0])
    new_by_id = {b.id: b for b in left_new}
    for a in list(left_old):
        b = new_by_id.get(a.id)
        if b is not None and b in left_new and _alike(a.title, b.title) >= SAME_ID_ALIKE:
            take(a, b)
    scored = sorted(((_alike(a.title, b.title), i, j) for i, a in enumerate(left_old)
                     for j, b in enumerate(left_new)), reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for ratio, i, j in scored:
        if ratio < TITLE_ALIKE:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((left_old[i], left_new[j]))
    for a, b in chosen:
        take(a, b)
    order = {id(b): n for n, b in enumerate(new)}
    return sorted(pairs, key=lambda p: order[id(p[1])])


def _kind_figures(rs: ast.RuleSet, name: str) -> KindFigures:
    decl = rs.kind(name)
    if decl is None:
        return KindFigures(name, None, None, [], None)
    tree = scoped_tree(rs, name)
    crit = [c for a in tree for c in a.children]
    subs = [x for c in crit for x in c.children]
    return KindFigures(name, decl.label, decl.total, [(p.method, p.points) for p in decl.parts],
                       (len(tree), len(crit), len(subs)))


def compare(a: ast.RuleSet, b: ast.RuleSet, kind: str | None = None) -> Diff:
    old, new = items(a, kind), items(b, kind)
    pairs = match(old, new)
    paired_old = {id(x) for x, _y in pairs}
    paired_new = {id(y) for _x, y in pairs}
    new_parent_of = {id(x): y for x, y in pairs}
    old_by_id = {x.id: x for x in old}
    changes: list[Change] = []
    for x, y in pairs:
        if _norm(x.title) != _norm(y.title):
            changes.append(Change("renamed", x, y))
        if x.id != y.id:
            parent_old = old_by_id.get(x.parent) if x.parent else None
            parent_match = new_parent_of.get(id(parent_old)) if parent_old else None
            moved = (parent_match.id if parent_match else None) != y.parent or x.depth != y.depth
            changes.append(Change("moved" if moved else "renumbered", x, y))
        if x.max != y.max:
            changes.append(Change("max", x, y))
        if x.method != y.method:
            changes.append(Change("method", x, y))
        if _norm(x.rule) != _norm(y.rule):
            changes.append(Change("rule", x, y))
        if _norm(x.applies) != _norm(y.applies):
            changes.append(Change("applies", x, y))
    changes += [Change("removed", x, None) for x in old if id(x) not in paired_old]
    changes += [Change("added", None, y) for y in new if id(y) not in paired_new]
    if kind is not None:
        fa, fb = facts_for_kind(a, kind), facts_for_kind(b, kind)
    else:
        fa, fb = set(a.facts), set(b.facts)
    names = sorted({k.name for k in a.kinds} | {k.name for k in b.kinds}) if kind is None \
        else [kind]
    return Diff(
        a.decision.number if a.decision else a.root, b.decision.number if b.decision else b.root,
        kind, [(_kind_figures(a, k), _kind_figures(b, k)) for k in names], changes,
        [(n, b.facts[n].label) for n in sorted(fb - fa)],
        [(n, a.facts[n].label) for n in sorted(fa - fb)])


def unit_under_both(a: ast.RuleSet, b: ast.RuleSet, kind: str, data: dict[str, Any],
                    lines: dict, path: str, diff: Diff) -> UnitComparison:
    """One unit's record scored under the older and the newer rules, criterion by criterion."""
    from dsl.i18n import _
    from engine.evaluate import score
    from engine.facts import record_from_data
    from engine.totals import scored_points

    rec_a = record_from_data(a, data, lines, path)
    dropped = []
    newer = dict(data)
    years = b.years()
    if years and newer.get("year") != years[0]:
        newer["year"] = years[0]
    for key in ("recorded", "published", "self_assessment"):
        if key in newer:
            newer.pop(key)
            dropped.append(key)
    known = facts_for_kind(b, kind) & set(b.facts)
    facts = dict(newer.get("facts") or {})
    unused = sorted(k for k in facts if k not in known and k.split("[")[0] not in known)
    newer["facts"] = {k: v for k, v in facts.items() if k not in unused}
    evidence = newer.get("evidence")
    if isinstance(evidence, dict):
        newer["evidence"] = {k: v for k, v in evidence.items() if k.split("[")[0] in known}
    rec_b = record_from_data(b, newer, lines, path)
    res_a, res_b = score(a, rec_a), score(b, rec_b)
    nodes_a = {n.id: n for x in res_a.areas for n in x.walk()}
    nodes_b = {n.id: n for x in res_b.areas for n in x.walk()}
    old_items, new_items = items(a, kind), items(b, kind)
    matched = match(old_items, new_items)
    pairs = {y.id: x for x, y in matched}
    reasons_of: dict[str, list[Change]] = {}
    for c in diff.changes:
        if c.new is not None and c.old is not None:
            reasons_of.setdefault(c.new.id, []).append(c)
    out: list[Line] = []
    seen_old = set()
    for y in new_items:
        if y.depth == 0:
            continue
        x = pairs.get(y.id)
        nb = nodes_b.get(y.id)
        na = nodes_a.get(x.id) if x is not None else None
        if x is not None:
            seen_old.add(x.id)
        line = Line(x.id if x else None, y.id, y.title,
                    (na.max, na.achieved) if na is not None else None,
                    (nb.max, nb.achieved) if nb is not None else None)
        if x is None:
            line.reasons.append(_("new in the newer decision"))
        for c in reasons_of.get(y.id, []):
            line.reasons.append(_change_reason(c))
        if nb is not None and not nb.scorable and nb.problem:
            line.reasons.append(_("not scored under the newer rules: {problem}").format(
                problem=nb.problem))
        out.append(line)
    for x in old_items:
        if x.depth == 0 or x.id in seen_old:
            continue
        na = nodes_a.get(x.id)
        out.append(Line(x.id, None, x.title,
                        (na.max, na.achieved) if na is not None else None, None,
                        [_("no longer in the newer decision")]))
    readers: dict[str, list[str]] = {}
    for y in new_items:
        for f in y.facts:
            readers.setdefault(f, []).append(y.id)
    missing = sorted(n for n in known if n not in rec_b.values and b.facts[n].default is None)
    return UnitComparison(
        rec_a.unit.name, path,
        (res_a.max, scored_points(res_a), res_a.index if res_a.complete else None),
        (res_b.max, scored_points(res_b), res_b.index if res_b.complete else None), out,
        [(n, b.facts[n].label, readers.get(n, [])) for n in missing],
        dropped + [f"facts.{k}" for k in unused])


def _change_reason(c: Change) -> str:
    from dsl.i18n import _
    assert c.old is not None and c.new is not None
    if c.kind == "renamed":
        return _("renamed")
    if c.kind == "renumbered":
        return _("renumbered from {old}").format(old=c.old.id)
    if c.kind == "moved":
        return _("moved from {old}").format(old=c.old.id)
    if c.kind == "max":
        return _("maximum {old} → {new}").format(old=shown_max(c.old.max),
                                                 new=shown_max(c.new.max))
    if c.kind == "method":
        return _("method {old} → {new}").format(old=c.old.method, new=c.new.method)
    if c.kind == "rule":
        return _("scoring rule changed ({old} → {new})").format(old=c.old.rule_at or "—",
                                                                new=c.new.rule_at or "—")
    return _("applicability changed")
