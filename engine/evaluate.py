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

from collections.abc import Callable
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
    compiled,
    fact_uses,
    render,
    render_later,
)
from engine.records.model import FactRecord, Recorded
from engine.records.recorded import leaves_of

PRECISION = 50
ZERO = Decimal(0)
ONE = Decimal(1)


class Deduction:
    """A line of points taken away, with its reason and the facts it rests on (both worked out
    when first read: see ``Later``)."""

    __slots__ = ("points", "text", "rule", "_facts", "nominal", "kind")

    def __init__(self, points: Decimal, text: str | Later, rule: ast.Span | None,
                 facts: tuple[FactUse, ...] | Later = (), nominal: Decimal | None = None,
                 kind: str = "rule"):
        self.points = points  # what this line takes away (negative for a rounding that gives back)
        self.text = text  # the reason
        self.rule = rule
        self._facts = facts
        self.nominal = nominal  # before a cap or floor limited it
        self.kind = kind  # rule, rounding

    @property
    def reason(self) -> str:
        return str(self.text)

    @property
    def facts(self) -> tuple[FactUse, ...]:
        return _settled(self, "_facts")


_NONE: tuple = ()  # shared by every node that has no deductions, trace lines or children


def _settled(obj: Any, slot: str) -> Any:
    """A value kept as a ``Later`` until first read, then kept as itself."""
    found = getattr(obj, slot)
    if isinstance(found, Later):
        found = found.fn(*found.args)
        setattr(obj, slot, found)
    return found


class NodeResult:
    """One node of the criteria tree, scored for one unit. What the rules say about the node
    (id, title, nominal max, source…) is read from its ``Scoped``; only what scoring found is
    kept here."""

    __slots__ = ("scoped", "max", "applicable", "achieved", "problem", "deductions", "steps",
                 "hits", "children", "recorded", "covered", "note", "_reads")

    def __init__(self, scoped: Scoped, max: Decimal, applicable: bool,
                 achieved: Decimal | None):
        self.scoped = scoped
        self.max = max  # real maximum for this unit: 0 when the node does not apply
        self.applicable = applicable
        self.achieved = achieved  # None: not scorable
        self.problem: str | None = None
        self.deductions: list[Deduction] | tuple = _NONE
        self.steps: list[str | Later] | tuple = _NONE  # the trace, formatted when read
        self.hits: list[str] | tuple = _NONE  # branches taken, named as tree.branches
        self.children: list[NodeResult] | tuple = _NONE
        self.recorded: Recorded | None = None  # points taken from a document, not computed
        self.covered: str | None = None  # inside a column or method recorded as a whole
        self.note: str | None = None  # why a rule settled the node without scoring it
        self._reads: tuple[FactUse, ...] | Later = _NONE  # the facts its rules read

    @property
    def reads(self) -> tuple[FactUse, ...]:
        """Every fact the node's own rules read (its condition, its rule), each once."""
        return _settled(self, "_reads")

    id = property(lambda self: self.scoped.node.id)
    title = property(lambda self: self.scoped.node.title)
    depth = property(lambda self: self.scoped.depth)
    method = property(lambda self: self.scoped.method)
    nominal_max = property(lambda self: self.scoped.max)
    source = property(lambda self: self.scoped.node.source)
    guidance = property(lambda self: self.scoped.node.guidance)
    span = property(lambda self: self.scoped.node.span)

    @property
    def trace(self) -> list[str]:
        return [str(s) for s in self.steps]

    @property
    def scorable(self) -> bool:
        return self.achieved is not None or self.covered is not None

    @property
    def lost(self) -> Decimal:
        return self.max - (self.achieved or ZERO) if self.applicable else ZERO

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
        self.env = Env(ruleset, record)  # one log of reads for the unit: each rule reads its part
        self.flat: list[NodeResult] = []  # every node scored, in tree order
        self.round = ruleset.__dict__.get("_rounds")
        if self.round is None:
            decision = ruleset.decision
            rounds = [v for k, v, _x in decision.fields if k == "round"] if decision else []
            self.round = ruleset.__dict__["_rounds"] = {t: st for t, st in rounds}  # type: ignore
        self.criteria_step = self.round.get("criteria")
        kind = record.unit.kind
        self.recorded_nodes = {r.key: r for r in record.recorded
                               if r.level in ("area", "criterion")}
        self.parts = {part_id(r): r for r in record.recorded if r.level in ("column", "method")}
        self.covered = {leaf.node.id: pid for pid, r in self.parts.items()
                        for leaf in leaves_of(ruleset, kind, r.level, r.key)}

    def _uses(self, start: int) -> Later:
        """The facts a rule read since ``start``, shown when first read (each once; a list item
        read stands for its list: the item is shown, not the whole list)."""
        keys = tuple(dict.fromkeys(self.env.reads[start:]))
        if any("[" in k for k in keys):
            listed = {k.split("[", 1)[0] for k in keys if "[" in k}
            keys = tuple(k for k in keys if k not in listed)  # linear for 100 000 items
        return Later(fact_uses, self.rs.facts, self.record, keys)

    def score_node(self, s: Scoped) -> NodeResult:
        node = s.node
        res = NodeResult(s, s.max, True, None)
        self.flat.append(res)
        if self.recorded_nodes:
            rec = self.recorded_nodes.get(node.id)
            if rec is not None:
                res.achieved, res.recorded = rec.points, rec
                res.steps = [_("recorded from a document: {points}").format(
                    points=vn.points(rec.points))]
                return res
        if self.covered and not s.children and node.id in self.covered:
            res.covered = self.covered[node.id]
            return res
        steps: list[str | Later] = []
        hits: list[str] = []
        start = len(self.env.reads)
        if node.applies_if is not None:
            try:
                applies = compiled(node.applies_if)(self.env, {})
            except NotScorable as err:
                res.problem = str(err)
                return res
            res.steps, res.hits = steps, hits
            steps.append(Later(_t_applies, node.applies_if.span, applies))
            hits.append("applies" if applies else "does not apply")
            if not applies:
                _not_applicable(s, res, self.flat)
                return res
        if s.children:
            res.children = children = [self.score_node(c) for c in s.children]
            live = [c for c in children if c.applicable]
            if not live and all(c.scorable for c in children):
                # nothing below applies: neither does the criterion (not "0 out of 0")
                res.applicable, res.max, res.achieved = False, ZERO, ZERO
                return res
            res.max = sum([c.max for c in live], ZERO)
            covered = [c.covered for c in live if c.covered is not None]
            if covered:
                res.covered = covered[0]
            elif all(c.scorable for c in live):
                res.achieved = sum([c.achieved for c in live], ZERO)  # type: ignore[misc]
            else:
                res.problem = _("sub-criteria not scored: {which}").format(which="; ".join(
                    f"{c.id} ({c.problem})" for c in live if not c.scorable))
            found = [d for c in live for d in c.deductions]
            if found:
                res.deductions = found
        else:
            res.steps, res.hits = steps, hits
            deductions: list[Deduction] = []
            try:
                if not (node.on_zero and self.on_zero(s, res, steps, hits)):
                    self.score_leaf(s, res, steps, hits, deductions)
                    if deductions:
                        res.deductions = deductions
            except NotScorable as err:
                res.problem = str(err)
                res.achieved, res.deductions = None, _NONE
            res._reads = self._uses(start)
        step = self.criteria_step
        if step is not None and s.depth == 1 and res.achieved is not None:
            rounded = res.achieved.quantize(step, ROUND_HALF_UP)
            if rounded != res.achieved:
                res.deductions = [*res.deductions, Deduction(
                    res.achieved - rounded, Later(_t_rounding, step, res.achieved, rounded),
                    None, kind="rounding")]
                res.achieved = rounded
        return res

    def on_zero(self, s: Scoped, res: NodeResult, steps: list, hits: list) -> bool:
        """Apply the first ``when D = 0`` whose denominator is 0; True when it settled the node."""
        env = self.env
        for i, z in enumerate(s.node.on_zero, 1):
            value = compiled(z.denominator)(env, {})
            if value != 0:
                hits.append(f"denominator {i} is not 0")
                continue
            hits.append(f"denominator {i} is 0")
            why = render(z.because, env, {}) if z.because is not None else ""
            shown = _zero_text(z.denominator, env)
            steps.append(f"{z.span}: {shown} = 0 → {z.outcome}")
            res.note = _("{facts} is 0").format(facts=shown) + (f": {why}" if why else "")
            if z.outcome == "not applicable":
                _not_applicable(s, res, self.flat)
            elif z.outcome == "full":
                res.achieved = res.max
            else:
                raise NotScorable(f"{shown} bằng 0 nên quy tắc quy định chưa chấm được"
                                  + (f": {why}" if why else "") + f" ({z.span})")
            return True
        return False

    def score_leaf(self, s: Scoped, res: NodeResult, steps: list, hits: list,
                   deductions: list) -> None:
        top = res.max
        plan = s.__dict__.get("_plan")
        if plan is None:
            plan = s.__dict__["_plan"] = _plan(s.node.rules)
        form, rule, deducts, floor = plan
        env = self.env
        if form is ast.Deduct:
            self.score_deductions(deducts, floor, res, steps, hits, deductions)
            return
        start = len(env.reads)
        if form is ast.Levels:
            value = compiled(rule.by)(env, {})
            vtype = rule.__dict__.get("_vtype")
            if vtype is None:
                vtype = _value_type(rule.by, env)
                object.__setattr__(rule, "_vtype", vtype)
            for number, level in enumerate(rule.levels, 1):
                if _in_bound(value, level.bound):
                    break
            else:
                raise NotScorable(f"giá trị {vn.value(value, vtype)} không thuộc mức nào")
            hits.append(_LEVEL[number] if number < len(_LEVEL) else f"level {number}")
            got = level.points
            steps.append(Later(_t_level, level.span, value, vtype, got))
            reason_t, value_shown, where = level.because, value, level.span
        elif form is ast.Full:
            ok = bool(compiled(rule.condition)(env, {}))
            got = top if ok else rule.otherwise
            hits.append("condition holds" if ok else "condition fails")
            steps.append(Later(_t_full, rule.span, ok, got))
            reason_t, value_shown, vtype, where = rule.because, None, "number", rule.span
        elif form is ast.Proportional:
            ratio = compiled(rule.ratio)(env, {})
            clamped = min(max(ratio, ZERO), ONE)
            got = clamped * top
            hits.append("full" if got >= top else "below max")
            steps.append(Later(_t_ratio, rule.span, ratio, top, got))
            reason_t, value_shown, vtype, where = rule.because, ratio, "percent", rule.span
        elif form is ast.Points:
            got = Decimal(compiled(rule.value)(env, {}))
            if not ZERO <= got <= top:
                raise NotScorable(f"điểm {vn.number(got)} nằm ngoài khoảng 0–{vn.points(top)}")
            steps.append(Later(_t_points, rule.span, got))
            hits.append("full" if got >= top else "below max")
            reason_t, value_shown, vtype, where = rule.because, got, "number", rule.span
        else:  # pragma: no cover - the checker allows nothing else
            raise NotScorable(f"quy tắc không chấm được tại {rule.span}")
        res.achieved = got
        if got < top and reason_t is not None:
            reason = render_later(reason_t, env, {}, value_shown, vtype)
            deductions.append(Deduction(top - got, reason, where, self._uses(start)))

    def score_deductions(self, deducts: list[ast.Deduct], floor: Decimal, res: NodeResult,
                         steps: list, hits: list, deductions: list) -> None:
        room = res.max - floor  # what all deductions together may take
        env = self.env
        for number, d in enumerate(deducts, 1):
            line_room = d.cap if d.cap is not None else None
            found = self.occurrences(d, env)
            hits.append(f"deduction {number} {'applied' if found else 'not applied'}")
            for scope, count in found:
                start = len(env.reads)
                nominal = d.points * count
                take = min(nominal, room, line_room if line_room is not None else nominal)
                take = max(take, ZERO)
                room -= take
                if line_room is not None:
                    line_room -= take
                reason = render_later(d.because, env, scope)
                deductions.append(Deduction(take, reason, d.span, self._uses(start),
                                            nominal if take != nominal else None))
                steps.append(Later(_t_deduct, d.span, take, nominal))
        res.achieved = res.max - sum([x.points for x in deductions], ZERO)
        if not deductions:
            steps.append(Later(_t_nothing, deducts[0].span))

    def occurrences(self, d: ast.Deduct, env: Env) -> list[tuple[dict, Decimal]]:
        if d.scope == "if":
            assert d.condition is not None
            return [({}, ONE)] if compiled(d.condition)(env, {}) else []
        if d.scope == "per":
            assert d.condition is not None
            n = Decimal(compiled(d.condition)(env, {}))
            return [({}, n)] if n > 0 else []
        assert d.list is not None and d.var is not None
        out = []
        lname, var = d.list, d.var
        condition = compiled(d.condition) if d.condition is not None else None
        for i, item in enumerate(env.fact(lname), 1):
            scope = {var: (lname, i, item)}
            if condition is None or condition(env, scope):
                out.append((scope, ONE))
        return out


_LEVEL = tuple(f"level {i}" for i in range(20))  # the branch names, made once


def _plan(rules: tuple[ast.Rule, ...]) -> tuple[Any, Any, list[ast.Deduct], Decimal]:
    """A leaf's rules sorted once: the form, the rule, its deductions and their floor."""
    deducts = [r for r in rules if isinstance(r, ast.Deduct)]
    if deducts:
        floors = [r.points for r in rules if isinstance(r, ast.Floor)]
        return ast.Deduct, None, deducts, floors[0] if floors else ZERO
    return type(rules[0]), rules[0], [], ZERO


def part_id(r: Recorded) -> str:
    """How a recorded column or method is named where it covers criteria."""
    return f"{r.level}:{r.key}"


def _zero_text(e: ast.Expr, env: Env) -> str:
    """A denominator as a reader knows it: the facts' labels and keys."""
    names = sorted(expr_names(e))
    return ", ".join(f"{env.decls[n].label} [{n}]" for n in names if n in env.decls) or "mẫu số"


def _not_applicable(s: Scoped, res: NodeResult, flat: list[NodeResult]) -> None:
    """Mark a node, and everything below it, as not applicable: no points, out of the max."""
    res.applicable, res.max, res.achieved = False, ZERO, ZERO
    if s.children:
        res.children = []
    for c in s.children:
        child = NodeResult(c, ZERO, False, ZERO)
        flat.append(child)
        _not_applicable(c, child, flat)
        res.children.append(child)


def _in_bound(v: Any, b: ast.Bound) -> bool:
    test = b.__dict__.get("_test")
    if test is None:
        test = _bound_test(b)
        object.__setattr__(b, "_test", test)
    return test(v)


def _bound_test(b: ast.Bound) -> Callable[[Any], bool]:
    """A level's bound as a test made once (the bound is immutable)."""
    lo = b.low.value if b.low is not None else None
    hi = b.high.value if b.high is not None else None
    return {
        "eq": lambda v: v == lo, "at_least": lambda v: v >= lo, "above": lambda v: v > lo,
        "at_most": lambda v: v <= hi, "under": lambda v: v < hi,
        "from_to_under": lambda v: lo <= v < hi, "from_to": lambda v: lo <= v <= hi,
        "else": lambda v: True,
    }[b.kind]


def score(ruleset: ast.RuleSet, record: FactRecord) -> UnitResult:
    """Score one unit: every criterion its kind is scored on, with totals and the index."""
    from engine.totals import unit_result  # the unit's totals, groups and bands

    with localcontext() as ctx:
        ctx.prec = PRECISION
        ctx.traps[DivisionByZero] = True
        ctx.traps[InvalidOperation] = True
        scorer = Scorer(ruleset, record)
        areas = [scorer.score_node(a) for a in scoped_tree(ruleset, record.unit.kind)]
        return unit_result(ruleset, record, areas, scorer.parts, scorer.round.get("index"),
                           scorer.flat)


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
