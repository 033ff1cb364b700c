"""Score one unit's fact record against a checked rule set.

Takes a ``RuleSet`` and a ``FactRecord``; gives a ``UnitResult``: points per sub-criterion,
criterion, area and method, the unit's real maximum, the index, and for every criterion a trace
of the branch that fired, the fact values it read (with their evidence) and the rule's place.

Arithmetic is exact: ``Decimal`` throughout, divisions carried to 50 significant digits. The
only rounding is the one the decision declares (``round criteria to 0.01``: each criterion's
points, half up, the difference shown as its own line; ``round index to 0.01``: the index).
A fact that is missing and has no default makes its criterion *not scorable* and the unit's
result incomplete; it is never taken as 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

from dsl import ast
from dsl.i18n import _
from dsl.tree import Scoped, expr_names, scoped_tree
from engine import vn
from engine.expr import (
    Env,
    FactUse,
    Later,
    NotScorable,
    _value_type,
    evaluate,
    render,
    render_later,
)
from engine.records.model import FactRecord, Recorded
from engine.records.recorded import leaves_of

PRECISION = 50


@dataclass(frozen=True, slots=True)
class Deduction:
    points: Decimal  # what this line takes away (negative for a rounding that gives back)
    text: str | Later  # the reason, formatted when read
    rule: ast.Span | None
    facts: tuple[FactUse, ...] = ()
    nominal: Decimal | None = None  # before a cap or floor limited it
    kind: str = "rule"  # rule, rounding

    @property
    def reason(self) -> str:
        return str(self.text)


@dataclass(slots=True)
class NodeResult:
    id: str
    title: str
    depth: int
    method: str
    max: Decimal  # real maximum for this unit: 0 when the node does not apply
    nominal_max: Decimal
    applicable: bool
    achieved: Decimal | None  # None: not scorable
    problem: str | None = None
    deductions: list[Deduction] = field(default_factory=list)
    steps: list[str | Later] = field(default_factory=list)  # the trace, formatted when read
    hits: list[str] = field(default_factory=list)  # branches taken, named as tree.branches
    children: list[NodeResult] = field(default_factory=list)
    source: ast.Source | None = None
    guidance: str | None = None
    span: ast.Span | None = None
    recorded: Recorded | None = None  # points taken from a document, not computed
    covered: str | None = None  # inside a column or method whose points are recorded as a whole
    note: str | None = None  # why a rule settled the node without scoring it (a 0 denominator)

    @property
    def trace(self) -> list[str]:
        return [str(s) for s in self.steps]

    @property
    def scorable(self) -> bool:
        return self.achieved is not None or self.covered is not None

    @property
    def lost(self) -> Decimal:
        return self.max - (self.achieved or Decimal(0)) if self.applicable else Decimal(0)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(frozen=True)
class ColumnResult:
    """A column of the published tables (e.g. "Điểm thẩm định": areas 1–7) for one unit."""

    name: str
    label: str
    max: Decimal
    achieved: Decimal | None  # None: not known (an area not scorable, or recorded otherwise)
    recorded: Recorded | None


@dataclass
class UnitResult:
    unit_id: str
    name: str
    kind: str
    year: int
    path: str
    decision: str
    max: Decimal
    achieved: Decimal  # when not complete: the points of what could be scored, not a total
    index: Decimal  # likewise: read it only when complete
    complete: bool
    by_method: dict[str, tuple[Decimal, Decimal | None]]
    areas: list[NodeResult]
    kind_label: str = ""
    group: ast.GroupDecl | None = None
    band: str | None = None
    columns: list[ColumnResult] = field(default_factory=list)
    recorded: list[Recorded] = field(default_factory=list)
    published: list[dict[str, Any]] = field(default_factory=list)

    @property
    def problems(self) -> list[NodeResult]:
        """The leaf criteria that could not be scored, each with its reason."""
        return [n for a in self.areas if a.applicable for n in a.walk()
                if n.applicable and not n.scorable and not n.children]


class Scorer:
    def __init__(self, ruleset: ast.RuleSet, record: FactRecord):
        self.rs = ruleset
        self.record = record
        decision = ruleset.decision
        rounds = [v for k, v, _x in decision.fields if k == "round"] if decision else []
        self.round = {target: step for target, step in rounds}  # type: ignore[misc]
        kind = record.unit.kind
        self.recorded_nodes = {r.key: r for r in record.recorded
                               if r.level in ("area", "criterion")}
        self.parts = {part_id(r): r for r in record.recorded if r.level in ("column", "method")}
        self.covered = {leaf.node.id: pid for pid, r in self.parts.items()
                        for leaf in leaves_of(ruleset, kind, r.level, r.key)}

    def _uses(self, env: Env, start: int) -> tuple[FactUse, ...]:
        keys = list(dict.fromkeys(env.reads[start:]))
        # a list item read stands for its list: show the item, not the whole list
        listed = {k.split("[", 1)[0] for k in keys if "[" in k}
        keys = [k for k in keys if k not in listed]  # linear: a list of 100 000 items is read
        return tuple(env.use(k) for k in keys)

    def score_node(self, s: Scoped) -> NodeResult:
        node = s.node
        res = NodeResult(node.id, node.title, s.depth, s.method, s.max, s.max, True, None,
                         source=node.source, guidance=node.guidance, span=node.span)
        env = Env(self.rs, self.record)
        rec = self.recorded_nodes.get(node.id)
        if rec is not None:
            res.achieved, res.recorded = rec.points, rec
            res.steps.append(_("recorded from a document: {points}").format(
                points=vn.points(rec.points)))
            return res
        if not s.children and node.id in self.covered:
            res.covered = self.covered[node.id]
            return res
        if node.applies_if is not None:
            try:
                applies = evaluate(node.applies_if, env, {})
            except NotScorable as err:
                res.problem = str(err)
                return res
            res.steps.append(Later(_t_applies, node.applies_if.span, applies))
            res.hits.append("applies" if applies else "does not apply")
            if not applies:
                _not_applicable(s, res)
                return res
        if s.children:
            res.children = [self.score_node(c) for c in s.children]
            live = [c for c in res.children if c.applicable]
            if not live and all(c.scorable for c in res.children):
                # nothing below applies: neither does the criterion (not "0 out of 0")
                res.applicable, res.max, res.achieved = False, Decimal(0), Decimal(0)
                return res
            res.max = sum((c.max for c in live), Decimal(0))
            covered = [c.covered for c in live if c.covered is not None]
            if covered:
                res.covered = covered[0]
            elif all(c.scorable for c in live):
                res.achieved = sum((c.achieved for c in live), Decimal(0))  # type: ignore[misc]
            else:
                res.problem = _("sub-criteria not scored: {which}").format(which="; ".join(
                    f"{c.id} ({c.problem})" for c in live if not c.scorable))
            res.deductions = [d for c in live for d in c.deductions]
        else:
            try:
                if self.on_zero(s, res, env):
                    return res
                self.score_leaf(s, res, env)
            except NotScorable as err:
                res.problem = str(err)
                res.achieved, res.deductions = None, []
        step = self.round.get("criteria")
        if s.depth == 1 and step is not None and res.achieved is not None:
            rounded = res.achieved.quantize(step, ROUND_HALF_UP)
            if rounded != res.achieved:
                res.deductions.append(Deduction(
                    res.achieved - rounded, Later(_t_rounding, step, res.achieved, rounded),
                    None, kind="rounding"))
                res.achieved = rounded
        return res

    def on_zero(self, s: Scoped, res: NodeResult, env: Env) -> bool:
        """Apply the first ``when D = 0`` whose denominator is 0; True when it settled the node."""
        for i, z in enumerate(s.node.on_zero, 1):
            value = evaluate(z.denominator, env, {})
            if value != 0:
                res.hits.append(f"denominator {i} is not 0")
                continue
            res.hits.append(f"denominator {i} is 0")
            why = render(z.because, env, {}) if z.because is not None else ""
            shown = _zero_text(z.denominator, env)
            res.steps.append(f"{z.span}: {shown} = 0 → {z.outcome}")
            res.note = _("{facts} is 0").format(facts=shown) + (f": {why}" if why else "")
            if z.outcome == "not applicable":
                _not_applicable(s, res)
            elif z.outcome == "full":
                res.achieved = res.max
            else:
                raise NotScorable(f"{shown} bằng 0 nên quy tắc quy định chưa chấm được"
                                  + (f": {why}" if why else "") + f" ({z.span})")
            return True
        return False

    def score_leaf(self, s: Scoped, res: NodeResult, env: Env) -> None:
        top = res.max
        rules = s.node.rules
        deducts = [r for r in rules if isinstance(r, ast.Deduct)]
        if deducts:
            floors = [r.points for r in rules if isinstance(r, ast.Floor)]
            self.score_deductions(deducts, floors[0] if floors else Decimal(0), res, env)
            return
        rule = rules[0]
        start = len(env.reads)
        if isinstance(rule, ast.Levels):
            value = evaluate(rule.by, env, {})
            vtype = _value_type(rule.by, env)
            level = next((lv for lv in rule.levels if _in_bound(value, lv.bound)), None)
            if level is None:
                raise NotScorable(f"giá trị {vn.value(value, vtype)} không thuộc mức nào")
            res.hits.append(f"level {rule.levels.index(level) + 1}")
            got = level.points
            res.steps.append(Later(_t_level, level.span, value, vtype, got))
            reason_t, value_shown, where = level.because, value, level.span
        elif isinstance(rule, ast.Full):
            ok = bool(evaluate(rule.condition, env, {}))
            got = top if ok else rule.otherwise
            res.hits.append("condition holds" if ok else "condition fails")
            res.steps.append(Later(_t_full, rule.span, ok, got))
            reason_t, value_shown, vtype, where = rule.because, None, "number", rule.span
        elif isinstance(rule, ast.Proportional):
            ratio = evaluate(rule.ratio, env, {})
            clamped = min(max(ratio, Decimal(0)), Decimal(1))
            got = clamped * top
            res.hits.append("full" if got >= top else "below max")
            res.steps.append(Later(_t_ratio, rule.span, ratio, top, got))
            reason_t, value_shown, vtype, where = rule.because, ratio, "percent", rule.span
        elif isinstance(rule, ast.Points):
            got = Decimal(evaluate(rule.value, env, {}))
            if not Decimal(0) <= got <= top:
                raise NotScorable(f"điểm {vn.number(got)} nằm ngoài khoảng 0–{vn.points(top)}")
            res.steps.append(Later(_t_points, rule.span, got))
            res.hits.append("full" if got >= top else "below max")
            reason_t, value_shown, vtype, where = rule.because, got, "number", rule.span
        else:  # pragma: no cover - the checker allows nothing else
            raise NotScorable(f"quy tắc không chấm được tại {rule.span}")
        res.achieved = got
        if got < top and reason_t is not None:
            reason = render_later(reason_t, env, {}, value_shown, vtype)
            res.deductions.append(Deduction(top - got, reason, where, self._uses(env, start)))

    def score_deductions(self, deducts: list[ast.Deduct], floor: Decimal, res: NodeResult,
                         env: Env) -> None:
        room = res.max - floor  # what all deductions together may take
        for number, d in enumerate(deducts, 1):
            line_room = d.cap if d.cap is not None else None
            found = self.occurrences(d, env)
            res.hits.append(f"deduction {number} {'applied' if found else 'not applied'}")
            for scope, count in found:
                start = len(env.reads)
                nominal = d.points * count
                take = min(nominal, room, line_room if line_room is not None else nominal)
                take = max(take, Decimal(0))
                room -= take
                if line_room is not None:
                    line_room -= take
                reason = render_later(d.because, env, scope)
                res.deductions.append(Deduction(take, reason, d.span, self._uses(env, start),
                                                nominal if take != nominal else None))
                res.steps.append(Later(_t_deduct, d.span, take, nominal))
        res.achieved = res.max - sum((x.points for x in res.deductions), Decimal(0))
        if not res.deductions:
            res.steps.append(Later(_t_nothing, deducts[0].span))

    def occurrences(self, d: ast.Deduct, env: Env) -> list[tuple[dict, Decimal]]:
        if d.scope == "if":
            assert d.condition is not None
            return [({}, Decimal(1))] if evaluate(d.condition, env, {}) else []
        if d.scope == "per":
            assert d.condition is not None
            n = Decimal(evaluate(d.condition, env, {}))
            return [({}, n)] if n > 0 else []
        assert d.list is not None and d.var is not None
        out = []
        for i, item in enumerate(env.fact(d.list), 1):
            scope = {d.var: (d.list, i, item)}
            if d.condition is None or evaluate(d.condition, env, scope):
                out.append((scope, Decimal(1)))
        return out


def part_id(r: Recorded) -> str:
    """How a recorded column or method is named where it covers criteria."""
    return f"{r.level}:{r.key}"


def _zero_text(e: ast.Expr, env: Env) -> str:
    """A denominator as a reader knows it: the facts' labels and keys."""
    names = sorted(expr_names(e))
    return ", ".join(f"{env.decls[n].label} [{n}]" for n in names if n in env.decls) or "mẫu số"


def _not_applicable(s: Scoped, res: NodeResult) -> None:
    """Mark a node, and everything below it, as not applicable: no points, out of the max."""
    res.applicable, res.max, res.achieved = False, Decimal(0), Decimal(0)
    for c in s.children:
        child = NodeResult(c.node.id, c.node.title, c.depth, c.method, Decimal(0), c.max, False,
                           Decimal(0), source=c.node.source, guidance=c.node.guidance,
                           span=c.node.span)
        _not_applicable(c, child)
        res.children.append(child)


def _in_bound(v: Any, b: ast.Bound) -> bool:
    lo = b.low.value if b.low is not None else None
    hi = b.high.value if b.high is not None else None
    return {
        "eq": lambda: v == lo, "at_least": lambda: v >= lo, "above": lambda: v > lo,
        "at_most": lambda: v <= hi, "under": lambda: v < hi,
        "from_to_under": lambda: lo <= v < hi, "from_to": lambda: lo <= v <= hi,
        "else": lambda: True,
    }[b.kind]()


def score(ruleset: ast.RuleSet, record: FactRecord) -> UnitResult:
    """Score one unit: every criterion its kind is scored on, with totals and the index."""
    from engine.totals import unit_result  # the unit's totals, groups and bands

    with localcontext() as ctx:
        ctx.prec = PRECISION
        ctx.traps[DivisionByZero] = True
        ctx.traps[InvalidOperation] = True
        scorer = Scorer(ruleset, record)
        areas = [scorer.score_node(a) for a in scoped_tree(ruleset, record.unit.kind)]
        return unit_result(ruleset, record, areas, scorer.parts, scorer.round.get("index"))


def area_index(node: NodeResult, step: Decimal | None) -> Decimal | None:
    """A component index: the area's points over its real maximum, in percent."""
    if not node.max or node.achieved is None:
        return None
    value = node.achieved / node.max * 100
    return value.quantize(step, ROUND_HALF_UP) if step is not None else value


# The trace's lines, formatted only when read (see engine.expr.Later).

def _t_applies(span: ast.Span, applies: bool) -> str:
    return f"{span}: điều kiện áp dụng → {'có' if applies else 'không'}"


def _t_level(span: ast.Span, value: Any, vtype: str, got: Decimal) -> str:
    return f"{span}: giá trị {vn.value(value, vtype)} → {vn.points(got)} điểm"


def _t_full(span: ast.Span, ok: bool, got: Decimal) -> str:
    return f"{span}: điều kiện {'đạt' if ok else 'không đạt'} → {vn.points(got)} điểm"


def _t_ratio(span: ast.Span, ratio: Decimal, top: Decimal, got: Decimal) -> str:
    return f"{span}: tỷ lệ {vn.percent(ratio)} × {vn.points(top)} → {vn.number(got)} điểm"


def _t_points(span: ast.Span, got: Decimal) -> str:
    return f"{span}: điểm {vn.number(got)}"


def _t_deduct(span: ast.Span, take: Decimal, nominal: Decimal) -> str:
    return (f"{span}: trừ {vn.points(take)} điểm"
            + (f" (theo quy tắc {vn.points(nominal)})" if take != nominal else ""))


def _t_nothing(span: ast.Span) -> str:
    return f"{span}: không có nội dung bị trừ điểm"


def _t_rounding(step: Decimal, before: Decimal, rounded: Decimal) -> str:
    return (f"Làm tròn điểm tiêu chí đến {vn.number(step)}: "
            f"{vn.number(before)} thành {vn.points(rounded)}")
