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


@dataclass(frozen=True)
class FactUse:
    """A fact value a result rests on, as shown to a reader."""

    key: str  # 'ho_so_tre_han' or 'bao_cao[2]'
    label: str
    shown: str
    evidence: tuple[str, ...]
    reconstructed: str | None


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
        if "[" in key:
            item = self.record.values[name][int(key.split("[")[1][:-1]) - 1]
            shown = "; ".join(f"{f.label}: {vn.value(item[f.name], f.type)}" for f in decl.fields)
        elif name in self.record.values:
            shown = vn.value(self.record.values[name], decl.type)
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
    decls = env.decls

    def fill(m: Any) -> str:
        hole = m.group(1).strip()
        if hole == "value":
            return vn.value(value, value_type)
        if "." in hole:
            var, _sep, name = hole.partition(".")
            lst, i, rec = scope[var]
            env.reads.append(f"{lst}[{i}]")
            ftype = next(f.type for f in decls[lst].fields if f.name == name)
            return vn.value(rec[name], ftype)
        return vn.value(env.fact(hole), decls[hole].type)

    return HOLE.sub(fill, t.text)


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


