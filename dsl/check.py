"""Static checks of a parsed rule set.

Takes a ``RuleSet`` from ``parse.py``; gives a list of ``Diagnostic`` (empty when the rules are
sound), or, through ``load_ruleset``, a checked ``RuleSet`` or a ``CchcError`` holding every
problem of the run. What it checks: the decision header, unit kinds and their scales, fact
declarations, ids and their nesting, names and types in every expression and reason template,
the shape of each criterion's rule, that sub-criteria add up to their parent, that no rule can
award more than its max or (without a floor) less than 0, and that every level can be reached.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from dsl import ast
from dsl.declarations import DeclarationChecker
from dsl.errors import Diagnostic, RuleCheckError, UsageError, suggest
from dsl.guards import unguarded
from dsl.i18n import _
from dsl.intervals import Interval, describe, domain_for, interval_of, subtract
from dsl.parse import parse_folder
from dsl.tree import deduction_reach
from dsl.typecheck import NUMERIC, family, type_name

DECISION_REQUIRED = ("date", "issuer", "title", "effective")  # and "years", checked apart


def load_ruleset(folder: str | Path) -> ast.RuleSet:
    """Parse and check a rule folder. Raises ``CchcError`` with every problem found."""
    root = Path(folder)
    if not root.is_dir():
        raise UsageError([Diagnostic(_("no rule folder '{folder}'").format(folder=folder), None,
                                     str(folder))])
    if not any(root.glob("*.cchc")):
        raise UsageError([Diagnostic(_("no .cchc rule files in this folder"), None,
                                     str(folder))])
    ruleset = parse_folder(root)
    problems = check(ruleset)
    if problems:
        err = RuleCheckError(problems)
        err.texts = ruleset.texts  # type: ignore[attr-defined]
        raise err
    return ruleset


def _expr_text(e: ast.Expr, rs: ast.RuleSet) -> str:
    """An expression as its author wrote it, for a message."""
    text = rs.texts.get(e.span.path, "")
    lines = text.splitlines()
    if e.span.line == e.span.end_line and 1 <= e.span.line <= len(lines):
        return lines[e.span.line - 1][e.span.column - 1:e.span.end_column - 1]
    return "…"


def check(ruleset: ast.RuleSet) -> list[Diagnostic]:
    """Return every problem of a parsed rule set, sorted by place."""
    return sorted(Checker(ruleset).run(), key=Diagnostic.sort_key)


class Checker(DeclarationChecker):
    def __init__(self, ruleset: ast.RuleSet):
        self.rs = ruleset
        self.facts = ruleset.facts
        self.kinds = {k.name: k for k in ruleset.kinds}
        self.diags: list[Diagnostic] = []
        self.misspelt_kind = False

    def error(self, message: str, span: ast.Span | None) -> None:
        self.diags.append(Diagnostic(message, span, self.rs.root))

    def run(self) -> list[Diagnostic]:
        self.check_decision()
        self.check_kinds()
        self.check_documents()
        self.check_facts()
        self.check_ranges()
        self.check_groups()
        self.check_bands()
        self.check_columns()
        self.check_tree()
        return self.diags

    # ---- header, kinds, facts --------------------------------------------------------------
    def check_decision(self) -> None:
        decisions = [d for f in self.rs.files for d in f.decisions]
        if not decisions:
            self.error(_("no 'decision' block: say which decision these rules encode"), None)
            return
        for extra in decisions[1:]:
            self.error(_("a second 'decision' block; a rule folder encodes one decision"),
                       extra.span)
        d = decisions[0]
        seen: set[str] = set()
        for name, _x, span in d.fields:
            if name in seen and name != "round":
                self.error(_("'{what}' is given twice").format(what=name), span)
            seen.add(name)
        self.check_rounding(d)
        for name in DECISION_REQUIRED:
            if name not in seen:
                self.error(_("the decision has no '{field}'").format(field=name), d.span)
        self.check_years(d)

    def check_rounding(self, d: ast.Decision) -> None:
        """``round T to S``: once per target, S a power of ten (0,01 · 0,1 · 1), and for
        criteria every maximum a multiple of S, so that rounding never lifts a criterion above
        its maximum (2,5 rounded to 1 would give 3)."""
        targets: set[str] = set()
        for name, value, span in d.fields:
            if name != "round":
                continue
            target, step = value  # type: ignore[misc]
            if target in targets:
                self.error(_("'round {target}' is given twice").format(target=target), span)
            targets.add(target)
            if step <= 0 or step.normalize().as_tuple().digits != (1,):
                self.error(_("a rounding step is 0.01, 0.1 or 1 (a power of ten), not {step}")
                           .format(step=step), span)
                continue
            if target != "criteria":
                continue
            for node in (n for a in self.rs.areas for c in a.children for n in _walk(c)):
                if node.max is None:
                    continue
                for top in (node.max.default, *(v for _k, v, _s in node.max.by_kind)):
                    if top % step:
                        self.error(_("criterion {id} has a maximum of {max}, not a multiple of "
                                     "the rounding step {step}: rounded, it could score more "
                                     "than its maximum").format(id=node.id, max=top, step=step),
                                   span)
                        break

    def check_kinds(self) -> None:
        if not self.kinds:
            self.error(_("no 'kind' declared: say which kinds of unit these rules score"), None)
        seen: set[str] = set()
        for k in self.rs.kinds:
            if k.name in seen:
                self.error(_("kind '{kind}' is declared twice").format(kind=k.name), k.span)
            seen.add(k.name)
            methods = [p.method for p in k.parts]
            for m in set(methods):
                if methods.count(m) > 1:
                    self.error(_("the scale of '{kind}' names {method} twice").format(
                        kind=k.name, method=m), k.span)
            parts = sum((p.points for p in k.parts), Decimal(0))
            if parts != k.total:
                self.error(_("the scale of '{kind}' does not add up: its parts make {parts}, "
                             "not {total}").format(kind=k.name, parts=parts, total=k.total),
                           k.span)

    def check_facts(self) -> None:
        seen: dict[str, ast.FactDecl] = {}
        for f in self.rs.files:
            for d in f.facts:
                if d.name in seen:
                    self.error(_("fact '{name}' is declared twice (first at {where})").format(
                        name=d.name, where=seen[d.name].span), d.span)
                seen[d.name] = d
                if d.default is not None and family(d.default.type) != family(d.type):
                    self.error(_("the default of '{name}' is {got}, but the fact is {type}")
                               .format(name=d.name, got=type_name(d.default.type),
                                       type=type_name(d.type)), d.default.span)
                names = [x.name for x in d.fields]
                for x in d.fields:
                    if names.count(x.name) > 1:
                        self.error(_("field '{name}' is declared twice").format(name=x.name),
                                   x.span)

    # ---- the tree ------------------------------------------------------------------------
    def check_tree(self) -> None:
        seen: dict[str, list[tuple[ast.Node, tuple[str, ...]]]] = {}
        all_kinds = tuple(self.kinds)
        for area in self.rs.areas:
            if "." in area.id:
                self.error(_("an area's id is one number, not '{id}'").format(id=area.id),
                           area.id_span)
            self.check_node(area, None, all_kinds, "appraisal", seen, ())
        if not self.misspelt_kind:  # its scale would be off because of it: one error is enough
            for kind in self.kinds.values():
                self.check_scale(kind)

    def node_kinds(self, node: ast.Node, inherited: tuple[str, ...]) -> tuple[str, ...]:
        if node.applies_to is None:
            return inherited
        kinds = []
        for name, span in node.applies_to:
            if name not in self.kinds:
                self.error(_("unknown kind '{kind}'").format(kind=name)
                           + suggest(name, self.kinds), span)
                self.misspelt_kind = True
                return inherited  # one error is enough: do not report the sums it upsets
            if name not in inherited:
                self.error(_("kind '{kind}' is not scored by the enclosing area or criterion")
                           .format(kind=name), span)
            else:
                kinds.append(name)
        if node.applies_except:
            return tuple(k for k in inherited if k not in kinds)
        return tuple(kinds)

    def check_node(self, node: ast.Node, parent: ast.Node | None, inherited: tuple[str, ...],
                   method: str, seen: dict[str, list[tuple[ast.Node, tuple[str, ...]]]],
                   outer: tuple[ast.Expr, ...]) -> None:
        kinds = self.node_kinds(node, inherited)
        if node.source is not None:
            for cite in node.source.cites:
                self.check_citation(cite)
        for z in node.on_zero:
            self.expect(z.denominator, {}, NUMERIC, _("'when' needs a number that can be 0"))
            if z.because is not None:
                self.check_template(z.because, {}, value=False)
            if node.children:
                self.error(_("{id} has sub-criteria: put 'when' in the sub-criterion that "
                             "divides").format(id=node.id), z.span)
        # ids are unique among the criteria one kind is scored on: the departments' area 1
        # and the districts' area 1 may stand side by side in one rule folder
        for other, other_kinds in seen.get(node.id, []):
            if set(other_kinds) & set(kinds) or not kinds:
                shared = sorted(set(other_kinds) & set(kinds))
                if shared:
                    message = _("duplicate id {id} for {kinds} (first at {where})").format(
                        id=node.id, kinds=", ".join(shared), where=other.span)
                else:
                    message = _("duplicate id {id} (first at {where})").format(
                        id=node.id, where=other.span)
                self.error(message, node.id_span)
                break
        seen.setdefault(node.id, []).append((node, kinds))
        if parent is not None and node.id.rsplit(".", 1)[0] != parent.id:
            self.error(_("{id} cannot stand inside {parent}: its id should be {parent}.N")
                       .format(id=node.id, parent=parent.id), node.id_span)
        if node.id.count(".") > 2:
            self.error(_("{id} is nested too deep: areas hold criteria, criteria hold "
                         "sub-criteria").format(id=node.id), node.id_span)
        if node.method is not None:
            method = node.method[0]
        if node.max is not None:
            for name, _x, span in node.max.by_kind:
                if name not in kinds:
                    self.error(_("a max for kind '{kind}', which {id} does not score").format(
                        kind=name, id=node.id) + suggest(name, kinds), span)
        scope: dict[str, object] = {}
        if node.applies_if is not None:
            self.expect(node.applies_if, scope, ("yesno",), _("'applies if' needs a yes/no"))
        if node.source is None and node.level == "criterion":
            self.error(_("{id} has no 'source': say 'published' or 'reconstructed'").format(
                id=node.id), node.id_span)
        inner = (*outer, node.applies_if) if node.applies_if is not None else outer
        for child in node.children:
            self.check_node(child, node, kinds, method, seen, inner)
        if not node.children:
            for div in unguarded(node, outer, self.facts):
                self.error(_("the denominator of this ratio can be 0, and the rule does not say "
                             "what 0 means; add to {id}: when {den} = 0: not applicable "
                             "(or full, or not scorable), or 'applies if {den} > 0'").format(
                                 id=node.id, den=_expr_text(div.right, self.rs)), div.span)
        if node.children:
            for rule in node.rules:
                self.error(_("{id} has sub-criteria and is scored as their sum; move this "
                             "rule into a sub-criterion").format(id=node.id), rule.span)
            self.check_sums(node, kinds)
        elif node.level == "area":
            self.error(_("area {id} has no criteria").format(id=node.id), node.id_span)
        else:
            self.check_rules(node, kinds)

    def check_sums(self, node: ast.Node, kinds: tuple[str, ...]) -> None:
        """A declared max must equal what its criteria add up to. For a kind scored on only
        some of them (a special unit), the max is theirs unless the node names that kind."""
        if node.max is None:
            return
        overridden = {name for name, _x, _x in node.max.by_kind}
        for kind in kinds:
            if kind not in overridden and not self.whole(node, kind, kinds):
                continue
            total = self.real_max(node, kind, kinds)
            own = node.max.for_kind(kind)
            if total != own:
                if node.level == "criterion":
                    message = _("the sub-criteria of {id} add up to {total} for {kind}, "
                                "but {id} has max {max}")
                else:
                    message = _("the criteria of {id} add up to {total} for {kind}, "
                                "but {id} has max {max}")
                self.error(message.format(id=node.id, total=total, kind=kind, max=own),
                           node.max.span)

    def whole(self, node: ast.Node, kind: str, inherited: tuple[str, ...]) -> bool:
        """Whether a kind is scored on every criterion below this node."""
        return all(kind in self.kinds_of(c, inherited) and self.whole(c, kind, inherited)
                   for c in node.children)

    def real_max(self, node: ast.Node, kind: str, inherited: tuple[str, ...]) -> Decimal:
        """What the criteria below a node add up to for a kind; a criterion whose own max
        holds for that kind counts with it (so one wrong sum is reported once)."""
        total = Decimal(0)
        for c in node.children:
            if kind not in self.kinds_of(c, inherited):
                continue
            declared = c.max is not None and (
                not c.children or self.whole(c, kind, inherited)
                or kind in {name for name, _x, _x in c.max.by_kind})
            total += c.max.for_kind(kind) if declared else self.real_max(c, kind, inherited)
        return total

    def kinds_of(self, node: ast.Node, inherited: tuple[str, ...]) -> tuple[str, ...]:
        if node.applies_to is None or any(k not in self.kinds for k, _s in node.applies_to):
            return inherited  # unknown kinds are reported once, by node_kinds
        named = {k for k, _s in node.applies_to}
        if node.applies_except:
            return tuple(k for k in inherited if k not in named)
        return tuple(k for k in inherited if k in named)

    def check_scale(self, kind: ast.KindDecl) -> None:
        totals: dict[str, Decimal] = {}

        def walk(node: ast.Node, kinds: tuple[str, ...], method: str) -> None:
            kinds = self.kinds_of(node, kinds)
            if kind.name not in kinds:
                return
            method = node.method[0] if node.method else method
            if node.children:
                for c in node.children:
                    walk(c, kinds, method)
            elif node.max is not None:
                totals[method] = totals.get(method, Decimal(0)) + node.max.for_kind(kind.name)

        for area in self.rs.areas:
            walk(area, tuple(self.kinds), "appraisal")
        want = {p.method: p.points for p in kind.parts}
        methods = [m for m in ast.METHODS if m in totals or m in want]
        if any(totals.get(m, Decimal(0)) != want.get(m, Decimal(0)) for m in methods):
            got = " + ".join(f"{m} {totals.get(m, 0)}" for m in methods)
            said = " + ".join(f"{p.method} {p.points}" for p in kind.parts)
            self.error(_("the criteria for '{kind}' add up to {got}, but its scale says "
                         "{total} = {said}").format(kind=kind.name, got=got, total=kind.total,
                                                   said=said), kind.span)

    # ---- rules ---------------------------------------------------------------------------
    def check_rules(self, node: ast.Node, kinds: tuple[str, ...]) -> None:
        rules = node.rules
        if not rules:
            self.error(_("{id} has no scoring rule").format(id=node.id), node.id_span)
            return
        assert node.max is not None
        maxima = [node.max.for_kind(k) for k in kinds] or [node.max.default]
        least_max = min(maxima)
        forms = [r for r in rules if not isinstance(r, (ast.Deduct, ast.Floor))]
        deducts = [r for r in rules if isinstance(r, ast.Deduct)]
        floors = [r for r in rules if isinstance(r, ast.Floor)]
        if len(forms) > 1 or (forms and (deducts or floors)):
            self.error(_("{id} mixes scoring forms; a criterion is scored by one of levels, "
                         "full, proportional or points, or by deductions from its max").format(
                             id=node.id),
                       (forms[1] if len(forms) > 1 else [*deducts, *floors][0]).span)
        for r in floors[1:]:
            self.error(_("a second 'floor'"), r.span)
        if floors and not deducts:
            self.error(_("'floor' only makes sense with deductions"), floors[0].span)
        for r in floors:
            if not Decimal(0) <= r.points <= least_max:
                self.error(_("the floor must lie between 0 and the max {max}").format(
                    max=least_max), r.span)
        for r in rules:
            getattr(self, f"check_{type(r).__name__.lower()}")(r, node, least_max, max(maxima))
        if deducts and not floors:
            reach = deduction_reach(deducts)
            if reach > least_max:
                if reach.is_infinite():
                    message = _("deductions can take {id} below 0 (without limit, from max "
                                "{max}); add 'at most N' to a deduction or 'floor 0'")
                else:
                    message = _("deductions can take {id} below 0 (up to {reach}, from max "
                                "{max}); add 'at most N' to a deduction or 'floor 0'")
                self.error(message.format(id=node.id, reach=reach, max=least_max),
                           deducts[0].span)

    def check_floor(self, r: ast.Floor, node: ast.Node, least: Decimal, most: Decimal) -> None:
        pass  # checked with the deductions, above

    def check_deduct(self, r: ast.Deduct, node: ast.Node, least: Decimal, most: Decimal) -> None:
        scope: dict[str, object] = {}
        if r.points <= 0:
            self.error(_("a deduction must take away more than 0 points"), r.span)
        if r.scope == "each":
            assert r.list is not None and r.var is not None
            decl = self.list_fact(r.list, r.list_span or r.span)
            scope[r.var] = ("record", decl) if decl is not None else ("unknown", None)
            if r.condition is not None:
                self.expect(r.condition, scope, ("yesno",), _("'where' needs a yes/no"))
        elif r.scope == "if":
            assert r.condition is not None
            self.expect(r.condition, scope, ("yesno",), _("'if' needs a yes/no"))
        else:
            assert r.condition is not None
            self.expect(r.condition, scope, NUMERIC, _("'per' needs a number to count"))
        if r.cap is not None and r.cap > most:
            self.error(_("'at most {cap}' is more than the max {max}").format(cap=r.cap, max=most),
                       r.span)
        self.check_template(r.because, scope, value=False)

    def check_full(self, r: ast.Full, node: ast.Node, least: Decimal, most: Decimal) -> None:
        self.expect(r.condition, {}, ("yesno",), _("'full if' needs a yes/no"))
        if r.otherwise < 0 or r.otherwise >= least:
            self.error(_("'else {points}' must be at least 0 and less than the max {max}").format(
                points=r.otherwise, max=least), r.span)
        self.check_template(r.because, {}, value=False)

    def check_proportional(self, r: ast.Proportional, node: ast.Node, least: Decimal,
                           most: Decimal) -> None:
        self.expect(r.ratio, {}, ("percent",), _("'proportional' needs a percentage"))
        self.check_template(r.because, {}, value=True)

    def check_points(self, r: ast.Points, node: ast.Node, least: Decimal, most: Decimal) -> None:
        self.expect(r.value, {}, NUMERIC, _("'points' needs a number of points"))
        self.check_template(r.because, {}, value=True)

    def check_levels(self, r: ast.Levels, node: ast.Node, least: Decimal, most: Decimal) -> None:
        t = self.infer(r.by, {})
        if t is not None and family(t) not in ("number", "percent", "date"):
            self.error(_("'levels by' needs a number, a percentage or a date, not {got}").format(
                got=type_name(t)), r.by.span)
            t = None
        taken: list[Interval] = []
        for i, level in enumerate(r.levels):
            b = level.bound
            for lit in (b.low, b.high):
                if lit is not None and t is not None and family(lit.type) != family(t):
                    self.error(_("this level compares {left} with {right}").format(
                        left=type_name(t), right=type_name(lit.type)), lit.span)
                    t = None
            if b.kind == "else" and i != len(r.levels) - 1:
                self.error(_("'else' must be the last level"), b.span)
            if level.points > least:
                self.error(_("this level awards {points}, more than the max {max}").format(
                    points=level.points, max=least), level.span)
            if level.points < least and level.because is None:
                self.error(_("a level below the max needs a reason: add because \"…\""),
                           level.span)
            if level.because is not None:
                self.check_template(level.because, {}, value=True)
            if t is None:
                continue
            interval = interval_of(b, domain_for(t))
            if interval is None:
                self.error(_("this level is empty: its lower bound is above its upper bound"),
                           b.span)
                continue
            rest = [interval]
            for prev in taken:
                rest = [piece for x in rest for piece in subtract(x, prev)]
            if not rest:
                self.error(_("this level can never be reached: the levels above take all its "
                             "values"), b.span)
            taken.append(interval)
        if t is not None and not any(lv.bound.kind == "else" for lv in r.levels):
            gaps = [domain_for(t)]
            for x in taken:
                gaps = [piece for g in gaps for piece in subtract(g, x)]
            if gaps:
                self.error(_("no level covers values {values}; add a level or "
                             "'else: 0 because \"…\"'").format(values=describe(gaps[0], t)),
                           r.span)


def _walk(node: ast.Node):
    yield node
    for c in node.children:
        yield from _walk(c)
