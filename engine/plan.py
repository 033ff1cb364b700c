"""What a unit would score with other facts: ``cchc whatif``, and the improvement plan built on it.

Takes a rule set, a record's data and changes of facts (``ho_so_tre_han=0``,
``bao_cao_cchc[2].ngay_gui=2022-12-15``); gives the unit re-scored, with every criterion whose
points change. The plan looks, for every point the unit lost, for the smallest change of the
facts its criterion reads that recovers most of it (a yes/no turned, a number moved to a
threshold of the rule or to another fact it is compared with, a date moved to its deadline, the
items of a list that were deducted put right), ranks these by the points they recover, and
re-scores the unit with the top N changes together: that is the index it would reach, and it is
exactly what ``cchc whatif`` with the same changes gives.

A record of an earlier year may be planned under the next decision's rules: it is read as that
decision's first year, with what the newer rules cannot use left out and said, and the facts the
newer rules read that it does not give listed.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.errors import CchcError, Diagnostic, suggest
from dsl.i18n import _
from dsl.tree import facts_for_kind, scoped_tree
from engine import vn
from engine.evaluate import NodeResult, UnitResult, score
from engine.records.model import FactRecord
from engine.totals import scored_points

ZERO = Decimal(0)
SET = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\d+)\]\.([a-z_][a-z0-9_]*))?=(.*)$", re.S)


@dataclass(frozen=True)
class Change:
    fact: str
    item: int | None  # 1-based, for a field of a list item
    field: str | None
    value: Any  # as a record would write it (text, number, date text, bool)

    @property
    def path(self) -> str:
        return self.fact + (f"[{self.item}].{self.field}" if self.item else "")

    def as_arg(self) -> str:
        """The change as ``--set`` takes it (a list in YAML's one-line form)."""
        import yaml

        v = self.value
        if isinstance(v, bool):
            shown = "true" if v else "false"
        elif isinstance(v, (list, dict)):
            shown = yaml.safe_dump(v, default_flow_style=True, allow_unicode=True,
                                   width=10**9).strip()
        else:
            shown = str(v)
        return f"{self.path}={shown}"


def parse_set(ruleset: ast.RuleSet, text: str) -> Change:
    """``PATH=VALUE`` as typed on the command line; a located error when it names no fact."""
    from engine.records.yamlio import load_yaml

    m = SET.match(text.strip())
    if not m:
        raise CchcError([Diagnostic(_("write --set FACT=VALUE or --set LIST[N].FIELD=VALUE, "
                                      "not '{text}'").format(text=text), None, "--set")])
    name, item, fname, raw = m.groups()
    decl = ruleset.facts.get(name)
    if decl is None:
        raise CchcError([Diagnostic(_("no fact '{name}' in these rules").format(name=name)
                                    + suggest(name, list(ruleset.facts)), None, "--set")])
    if item and (decl.type != "list" or fname not in {f.name for f in decl.fields}):
        raise CchcError([Diagnostic(_("'{name}' has no field '{field}'").format(
            name=name, field=fname), None, "--set")])
    value = load_yaml(f"v: {raw}" if raw.strip() else "v: ''", "--set")[0]["v"]
    return Change(name, int(item) if item else None, fname, value)


def apply(data: dict[str, Any], changes: list[Change]) -> dict[str, Any]:
    """A copy of a record's data with the changes made (the record's own file is untouched)."""
    out = copy.deepcopy(data)
    facts = out.setdefault("facts", {}) or {}
    out["facts"] = facts
    for c in changes:
        slot = facts.get(c.fact)
        if c.item is None:
            if isinstance(slot, dict) and "value" in slot:
                slot["value"] = c.value
            else:
                facts[c.fact] = c.value
            continue
        items = slot["value"] if isinstance(slot, dict) and "value" in slot else slot
        if not isinstance(items, list) or not 1 <= c.item <= len(items):
            raise CchcError([Diagnostic(_("'{fact}' has no item {n}").format(
                fact=c.fact, n=c.item), None, "--set")])
        items[c.item - 1][c.field] = c.value
    return out


def carried(ruleset: ast.RuleSet, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A record read under rules of another decision: the decision's first year, without what
    those rules cannot use (said in the list returned)."""
    kind = (data.get("unit") or {}).get("kind")
    years = ruleset.years()
    if not years or not isinstance(data.get("year"), int) or (
            years[0] <= data["year"] and (years[1] is None or data["year"] <= years[1])):
        return data, []
    out = dict(data)
    out["year"] = years[0]
    dropped = [key for key in ("recorded", "published", "self_assessment", "appraisal",
                               "explanations") if key in out]
    for key in dropped:
        out.pop(key)
    known = facts_for_kind(ruleset, kind) & set(ruleset.facts) if kind else set()
    facts = dict(out.get("facts") or {})
    unused = sorted(k for k in facts if k not in known)
    out["facts"] = {k: v for k, v in facts.items() if k not in unused}
    return out, dropped + [f"facts.{k}" for k in unused]


def missing_facts(ruleset: ast.RuleSet, record: FactRecord, result: UnitResult
                  ) -> list[tuple[str, str]]:
    """The facts the record does not give that keep a criterion from being scored."""
    from dsl.tree import expr_names, rule_names

    needed: set[str] = set()
    for n in result.problems:
        node = n.scoped.node
        needed |= expr_names(node.applies_if)
        for r in node.rules:
            needed |= rule_names(r)
        for z in node.on_zero:
            needed |= expr_names(z.denominator)
    return [(n, ruleset.facts[n].label) for n in sorted(needed)
            if n in ruleset.facts and n not in record.values
            and ruleset.facts[n].default is None]


# ---- what if ----------------------------------------------------------------------------

@dataclass
class Difference:
    node: NodeResult  # after
    before: Decimal | None
    after: Decimal | None


def differences(a: UnitResult, b: UnitResult) -> list[Difference]:
    before = {n.id: n for x in a.areas for n in x.walk()}
    out = []
    for x in b.areas:
        for n in x.walk():
            old = before.get(n.id)
            was = old.achieved if old is not None else None
            if n.depth > 0 and (was != n.achieved or (old is not None and old.max != n.max)):
                out.append(Difference(n, was, n.achieved))
    return out


# ---- the plan ---------------------------------------------------------------------------

@dataclass
class Item:
    node: NodeResult
    lost: Decimal
    changes: list[Change]
    gain: Decimal  # points the unit recovers with these changes alone
    text: str  # what to do, in words
    office: str | None = None  # who answers for it, where the rules name one


@dataclass
class Plan:
    result: UnitResult
    items: list[Item]
    unsolved: list[NodeResult]  # points lost with no change of facts found to recover them
    surveyed: list[Item]  # points lost on the survey: its scores, not the unit's facts
    not_scored: list[NodeResult]
    top: int
    predicted: UnitResult | None = None  # with the top items' changes together
    rank_before: tuple[int | None, int] | None = None  # (rank, units in the group)
    rank_after: tuple[int | None, int] | None = None
    dropped: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def chosen(self) -> list[Change]:
        return [c for it in self.items[:self.top] for c in it.changes]


def _settle(rs: ast.RuleSet, record: FactRecord, values: dict[str, Any], moved: str
            ) -> dict[str, Any] | None:
    """The values with the declared relations kept (``check a <= b``): a fact compared with the
    one moved follows it; None when a relation still fails."""
    from engine.facts import _failed_checks

    for _round in range(3):
        trial = record.model_copy(update={"values": values})
        failed = _failed_checks(rs, trial)
        if not failed:
            return values
        for check, _names, _message in failed:
            e = check.condition
            if not (isinstance(e, ast.BinOp) and isinstance(e.left, ast.Name)
                    and isinstance(e.right, ast.Name) and e.op in ("<=", ">=", "=")):
                return None
            a, b = e.left.name, e.right.name
            if moved == b:
                values = {**values, a: values[b]}
            elif moved == a:
                values = {**values, b: values[a]}
            else:
                return None
    return None


def _leaf_score(rs: ast.RuleSet, record: FactRecord, s: Any, values: dict[str, Any]) -> Any:
    from decimal import localcontext

    from engine.evaluate import PRECISION, Scorer

    trial = record.model_copy(update={"values": values})
    with localcontext() as ctx:
        ctx.prec = PRECISION
        node = Scorer(rs, trial).score_node(s)
    return node.achieved if node.applicable else None


def _literals(rules: tuple[ast.Rule, ...]) -> list[Any]:
    out: list[Any] = []

    def walk(e: Any) -> None:
        if isinstance(e, ast.Literal):
            out.append(e.value)
        for name in ("left", "right", "operand", "where", "condition", "by", "ratio", "value"):
            sub = getattr(e, name, None)
            if sub is not None and not isinstance(sub, (str, Decimal, bool)):
                walk(sub)
        for lv in getattr(e, "levels", ()) or ():
            for b in (lv.bound.low, lv.bound.high):
                if b is not None:
                    out.append(b.value)
    for r in rules:
        walk(r)
    return out


def _candidates(rs: ast.RuleSet, n: NodeResult, record: FactRecord) -> list[tuple[dict, list]]:
    """(values, changes) to try for one criterion: each fact it reads moved once."""
    values = record.values
    decls = rs.facts
    node = n.scoped.node
    read = [f.key for f in n.reads]
    # a denominator is what the unit is measured against (the tasks it was given, the units it
    # has), not what it can change: only the other facts are moved
    given = _denominators(node)
    every = list(dict.fromkeys(k.split("[")[0] for k in read))
    names = [k for k in every if k not in given]
    nums = [values[k] for k in every if isinstance(values.get(k), Decimal)]
    lits = _literals(node.rules)
    out: list[tuple[dict, list]] = []
    for name in names:
        decl = decls.get(name)
        if decl is None or name not in values and decl.default is None:
            continue
        now = values.get(name, decl.default.value if decl.default else None)
        if decl.type == "list":
            bad = sorted({int(f.key.split("[")[1][:-1]) for d in n.deductions for f in d.facts
                          if f.key.startswith(name + "[")})
            if bad:
                kept = [x for i, x in enumerate(now, 1) if i not in bad]
                out.append(({**values, name: kept}, [("fix", name, bad)]))
            continue
        tries: list[Any] = []
        if decl.type == "yesno":
            tries = [not now]
        elif decl.type in ("count", "number", "percent"):
            base = {ZERO} | {x for x in nums if x != now} | {x for x in lits
                                                            if isinstance(x, Decimal)}
            scaled = {x * y for x in lits if isinstance(x, Decimal) and x <= 1
                      for y in nums if y != now}
            if decl.type == "count":  # a share of a count: the whole number that reaches it
                scaled = {Decimal(math.ceil(v)) for v in scaled}
                base |= {now + 1} | {x + 1 for x in lits if isinstance(x, Decimal)}
            if decl.type == "percent":
                base.add(Decimal(1))  # 100%
            if decl.type == "number":
                base.add(n.nominal_max)  # a figure that is the points themselves
            tries = sorted(base | scaled)
            if decl.range is not None and decl.range.high is not None:
                tries.append(decl.range.high.value)
            tries = [Decimal(t) for t in tries if t != now and Decimal(t) >= 0]
        elif decl.type == "date":
            tries = [v for k, v in values.items() if isinstance(v, dt.date) and v != now]
        for t in tries:
            out.append(({**values, name: t}, [("set", name, t)]))
    return out


def _denominators(node: ast.Node) -> set[str]:
    from dsl.tree import expr_names

    out: set[str] = set()

    def walk(e: Any) -> None:
        if isinstance(e, ast.BinOp):
            if e.op == "/":
                out.update(expr_names(e.right))
            walk(e.left)
            walk(e.right)
        elif isinstance(e, ast.Not):
            walk(e.operand)
        elif isinstance(e, ast.Count) and e.where is not None:
            walk(e.where)

    for r in node.rules:
        for name in ("by", "ratio", "value", "condition"):
            sub = getattr(r, name, None)
            if sub is not None:
                walk(sub)
    for z in node.on_zero:
        out.update(expr_names(z.denominator))
    return out


def _describe(rs: ast.RuleSet, steps: list, record: FactRecord, n: NodeResult
              ) -> tuple[list[Change], str]:
    changes, words = [], []
    for kind, name, what in steps:
        decl = rs.facts[name]
        if kind == "fix":
            reasons = [d.reason for d in n.deductions
                       if any(f.key.startswith(name + "[") for f in d.facts)]
            words.append(_("put right {n} of “{label}”: {what}").format(
                n=len(what), label=decl.label, what="; ".join(reasons)))
            # the list without the items deducted: made from the record's own text (_expand)
            changes.append(Change(name, None, None, ("fix", tuple(what))))
        else:
            old = record.values.get(name)
            words.append(_("“{label}” [{key}]: {old} → {new}").format(
                label=decl.label, key=name, old=vn.value(old, decl.type),
                new=vn.value(what, decl.type)))
            changes.append(Change(name, None, None, _as_written(what, decl.type)))
    return changes, "; ".join(words)


def _as_written(value: Any, type_: str) -> Any:
    """A typed value as a record writes it (what --set takes)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if type_ == "percent":
            value = value * 100
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def make_plan(rs: ast.RuleSet, data: dict[str, Any], lines: dict, path: str, top: int,
              group: list[UnitResult] | None = None) -> Plan:
    from engine.facts import record_from_data

    data, dropped = carried(rs, data)
    record = record_from_data(rs, data, lines, path)
    base = score(rs, record)
    scoped = {s.node.id: s for a in scoped_tree(rs, record.unit.kind) for s in a.walk()}
    offices = _offices(rs, record.unit.kind)
    items, unsolved = [], []
    for n in (x for a in base.areas for x in a.walk()):
        if n.children or n.depth == 0 or not n.applicable or n.recorded is not None \
                or n.covered is not None or n.achieved is None or n.lost <= 0:
            continue
        s = scoped[n.id]
        best: tuple[Decimal, int, Any] | None = None
        for values, steps in _candidates(rs, n, record):
            settled = _settle(rs, record, values, steps[0][1])
            if settled is None:
                continue
            if settled is not values:  # a related fact followed: say it, and set it
                steps = steps + [("set", k, v) for k, v in settled.items()
                                 if k != steps[0][1] and values.get(k) != v]
            got = _leaf_score(rs, record, s, settled)
            if got is None or got <= n.achieved:
                continue
            key = (got, -len(steps))
            if best is None or key > best[:2]:
                best = (got, -len(steps), steps)
        if best is None:
            unsolved.append(n)
            continue
        changes, text = _describe(rs, best[2], record, n)
        items.append(Item(n, n.lost, changes, ZERO, text, offices.get(n.id)))
    # each item's gain for the whole unit (rounding and caps included)
    for it in items:
        it.changes = _expand(it.changes, data)
        it.gain = scored_points(_rescore(rs, data, it.changes, lines, path)) - scored_points(base)
    items = [it for it in items if it.gain > 0]
    items.sort(key=lambda it: (-it.gain, [int(p) for p in it.node.id.split(".")]))
    surveyed = [it for it in items if it.node.method == "survey"]
    items = [it for it in items if it.node.method != "survey"]
    plan = Plan(base, items, unsolved, surveyed, base.problems, top, dropped=dropped,
                missing=missing_facts(rs, record, base))
    if items:
        plan.predicted = _rescore(rs, data, plan.chosen, lines, path)
    if group is not None:
        plan.rank_before = _rank_in(rs, base, group)
        if plan.predicted is not None:
            plan.rank_after = _rank_in(rs, plan.predicted, group)
    return plan


def _offices(rs: ast.RuleSet, kind: str) -> dict[str, str]:
    """The office each node answers to: its own, else its parent's."""
    out: dict[str, str] = {}

    def walk(s: Any, inherited: str | None) -> None:
        office = s.node.office or inherited
        if office:
            out[s.node.id] = office
        for c in s.children:
            walk(c, office)
    for a in scoped_tree(rs, kind):
        walk(a, None)
    return out


def _expand(changes: list[Change], data: dict[str, Any]) -> list[Change]:
    """A list put right becomes the list without the items deducted (what --set writes)."""
    out = []
    for c in changes:
        if isinstance(c.value, tuple) and c.value and c.value[0] == "fix":
            _fix, bad = c.value
            slot = data["facts"][c.fact]
            items = slot["value"] if isinstance(slot, dict) and "value" in slot else slot
            out.append(Change(c.fact, None, None,
                              [x for i, x in enumerate(items, 1) if i not in bad]))
        else:
            out.append(c)
    return out


def _rescore(rs: ast.RuleSet, data: dict[str, Any], changes: list[Change], lines: dict,
             path: str) -> UnitResult:
    from engine.facts import record_from_data

    return score(rs, record_from_data(rs, apply(data, changes), lines, path))


def _rank_in(rs: ast.RuleSet, r: UnitResult, group: list[UnitResult]) -> tuple[int | None, int]:
    """The unit's place among the group's records (itself replaced by ``r``), high to low."""
    mine = rs.group_of(r.kind)
    others = [x for x in group if x.unit_id != r.unit_id and x.complete
              and rs.group_of(x.kind) == mine]
    if not r.complete:
        return None, len(others) + 1
    return 1 + sum(1 for x in others if x.index > r.index), len(others) + 1
