"""Expressions of the rule language evaluated against one record, and reasons filled in.

Takes an expression (or a reason template) and an ``Env`` over a fact record; gives its value
(Decimal, date, bool, text, list) and logs which facts were read, so that every result can show
the facts, and their evidence, it rests on. A missing fact or a division by 0 raises
``NotScorable`` with a sentence that names the facts concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from dsl import ast
from dsl.i18n import _
from dsl.tree import HOLE, expr_names
from engine import vn
from engine.records.model import FactRecord


class NotScorable(Exception):
    """A rule could not be evaluated: a fact is missing, or a value is out of range."""


class Later:
    """A text worked out only when it is read: a function and the values it formats, taken when
    the rule ran (values are immutable, so the text is the one it would have been then). Most
    results are ranked or summed, not read: their texts are never formatted."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Any, *args: Any):
        self.fn, self.args = fn, args

    def __str__(self) -> str:
        return self.fn(*self.args)


@dataclass(frozen=True, slots=True)
class FactUse:
    """A fact value a result rests on, as shown to a reader."""

    key: str  # 'ho_so_tre_han' or 'bao_cao[2]'
    label: str
    value_text: str | Later
    evidence: tuple[str, ...]
    reconstructed: str | None

    @property
    def shown(self) -> str:
        return str(self.value_text)


def _item_text(fields: tuple[ast.FieldDecl, ...], item: dict[str, Any]) -> str:
    return "; ".join(f"{f.label}: {vn.value(item[f.name], f.type)}" for f in fields)


class Env:
    """What an expression can read: the facts, the loop record, and a log of what was read."""

    def __init__(self, ruleset: ast.RuleSet, record: FactRecord):
        self.decls = ruleset.facts
        self.record = record
        self.reads: list[str] = []

    def fact(self, name: str) -> Any:
        self.reads.append(name)
        if name in self.record.values:
            return self.record.values[name]
        default = self.decls[name].default
        if default is not None:
            return default.value
        raise NotScorable(_("the record does not give the fact “{label}” (key {key} under "
                            "facts)").format(label=self.decls[name].label, key=name))

    def use(self, key: str) -> FactUse:
        name = key.split("[")[0]
        decl = self.decls[name]
        shown: str | Later
        if "[" in key:
            item = self.record.values[name][int(key.split("[")[1][:-1]) - 1]
            shown = Later(_item_text, decl.fields, item)
        elif name in self.record.values:
            shown = Later(vn.value, self.record.values[name], decl.type)
        else:
            shown = (_("{value} (default)").format(value=vn.value(decl.default.value, decl.type))
                     if decl.default else "—")
        return FactUse(key, decl.label, shown, tuple(self.record.evidence.get(key, ())),
                       self.record.reconstructed.get(key)
                       or (self.record.reconstructed.get(name) if "[" not in key else None))


def evaluate(e: ast.Expr, env: Env, scope: dict[str, tuple[str, int, dict]]) -> Any:
    """The value of an expression. ``scope`` binds loop names to (list, index, record)."""
    if isinstance(e, ast.Literal):
        return e.value
    if isinstance(e, ast.Name):
        return env.fact(e.name)
    if isinstance(e, ast.Field):
        lst, i, rec = scope[e.record]
        env.reads.append(f"{lst}[{i}]")
        return rec[e.name]
    if isinstance(e, ast.Count):
        items = env.fact(e.list)
        n = 0
        for i, item in enumerate(items, 1):
            if e.where is None or evaluate(e.where, env, {**scope, e.var: (e.list, i, item)}):
                n += 1
        return Decimal(n)
    if isinstance(e, ast.Not):
        return not evaluate(e.operand, env, scope)
    if e.op == "and":
        return bool(evaluate(e.left, env, scope)) and bool(evaluate(e.right, env, scope))
    if e.op == "or":
        return bool(evaluate(e.left, env, scope)) or bool(evaluate(e.right, env, scope))
    a, b = evaluate(e.left, env, scope), evaluate(e.right, env, scope)
    ops = {
        "<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b,
        "=": lambda: a == b, "!=": lambda: a != b,
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
    }
    try:
        return ops[e.op]()
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        names = sorted(expr_names(e.right))
        facts = ", ".join(f"“{env.decls[n].label}” [{n}]" for n in names if n in env.decls)
        raise NotScorable(_("division by 0: the denominator {facts} is 0 (rule at {where})")
                          .format(facts=facts or "", where=e.span)) from None


def render(t: ast.Template, env: Env, scope: dict[str, tuple[str, int, dict]],
           value: Any = None, value_type: str = "number") -> str:
    """Fill a reason's holes with fact values, formatted the Vietnamese way."""
    return str(render_later(t, env, scope, value, value_type))


def render_later(t: ast.Template, env: Env, scope: dict[str, tuple[str, int, dict]],
                 value: Any = None, value_type: str = "number") -> Later:
    """A reason as ``render`` gives it, its facts read now (a missing one raises now, and the
    facts read are logged now), its text formatted when it is read."""
    decls = env.decls
    values: list[tuple[Any, str]] = []
    for m in HOLE.finditer(t.text):
        hole = m.group(1).strip()
        if hole == "value":
            values.append((value, value_type))
        elif "." in hole:
            var, _sep, name = hole.partition(".")
            lst, i, rec = scope[var]
            env.reads.append(f"{lst}[{i}]")
            ftype = next(f.type for f in decls[lst].fields if f.name == name)
            values.append((rec[name], ftype))
        else:
            values.append((env.fact(hole), decls[hole].type))
    return Later(_filled, t.text, tuple(values))


def _filled(text: str, values: tuple[tuple[Any, str], ...]) -> str:
    shown = iter(values)
    return HOLE.sub(lambda _m: vn.value(*next(shown)), text)


def _value_type(e: ast.Expr, env: Env) -> str:
    """The display type of an expression's value: percentages stay percentages."""
    if isinstance(e, ast.Literal):
        return e.type
    if isinstance(e, ast.Name):
        return env.decls[e.name].type
    if isinstance(e, ast.BinOp) and e.op == "/":
        return "percent"
    if isinstance(e, ast.BinOp) and e.op in ("+", "-", "*"):
        types = {_value_type(e.left, env), _value_type(e.right, env)}
        return "percent" if "percent" in types else "number"
    return "number"


