"""Expressions of the rule language evaluated against one record, and reasons filled in.

Takes an expression (or a reason template) and an ``Env`` over a fact record; gives its value
(Decimal, date, bool, text, list) and logs which facts were read, so that every result can show
the facts, and their evidence, it rests on. A missing fact or a division by 0 raises
``NotScorable`` with a sentence that names the facts concerned.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
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


_ABSENT = object()


class Env:
    """What an expression can read: the facts, the loop record, and a log of what was read."""

    def __init__(self, ruleset: ast.RuleSet, record: FactRecord):
        self.decls = ruleset.facts
        self.record = record
        self.values = record.values
        self.reads: list[str] = []

    def fact(self, name: str) -> Any:
        self.reads.append(name)
        value = self.values.get(name, _ABSENT)
        if value is not _ABSENT:
            return value
        default = self.decls[name].default
        if default is not None:
            return default.value
        raise NotScorable(_("the record does not give the fact “{label}” (key {key} under "
                            "facts)").format(label=self.decls[name].label, key=name))

    def use(self, key: str) -> FactUse:
        return fact_use(self.decls, self.record, key)


def fact_uses(decls: dict[str, ast.FactDecl], record: FactRecord,
              keys: tuple[str, ...]) -> tuple[FactUse, ...]:
    return tuple(fact_use(decls, record, k) for k in keys)


def fact_use(decls: dict[str, ast.FactDecl], record: FactRecord, key: str) -> FactUse:
    """A fact (or one item of a list fact: ``key[i]``) as a reader is shown it."""
    name = key.split("[")[0]
    decl = decls[name]
    shown: str | Later
    if "[" in key:
        item = record.values[name][int(key.split("[")[1][:-1]) - 1]
        shown = Later(_item_text, decl.fields, item)
    elif name in record.values:
        shown = Later(vn.value, record.values[name], decl.type)
    else:
        shown = (_("{value} (default)").format(value=vn.value(decl.default.value, decl.type))
                 if decl.default else "—")
    return FactUse(key, decl.label, shown, tuple(record.evidence.get(key, ())),
                   record.reconstructed.get(key)
                   or (record.reconstructed.get(name) if "[" not in key else None))


def evaluate(e: ast.Expr, env: Env, scope: dict[str, tuple[str, int, dict]]) -> Any:
    """The value of an expression. ``scope`` binds loop names to (list, index, record)."""
    return compiled(e)(env, scope)


Compiled = Callable[[Env, dict[str, tuple[str, int, dict]]], Any]


def compiled(e: ast.Expr) -> Compiled:
    """An expression turned once into a Python closure: no dispatch on the node type at each
    evaluation. The closure is kept on the (immutable) node; rule text is never executed, only
    the few operations the grammar has are composed."""
    fn = e.__dict__.get("_compiled")
    if fn is None:
        fn = _compile(e)
        object.__setattr__(e, "_compiled", fn)
    return fn


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "=": operator.eq, "!=": operator.ne,
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}


def _compile(e: ast.Expr) -> Compiled:
    if isinstance(e, ast.Literal):
        value = e.value
        return lambda env, scope: value
    if isinstance(e, ast.Name):
        name = e.name
        return lambda env, scope: env.fact(name)
    if isinstance(e, ast.Field):
        var, fname = e.record, e.name

        def field(env: Env, scope: dict) -> Any:
            lst, i, rec = scope[var]
            env.reads.append(f"{lst}[{i}]")
            return rec[fname]
        return field
    if isinstance(e, ast.Count):
        lname, loop = e.list, e.var
        where = compiled(e.where) if e.where is not None else None

        def count(env: Env, scope: dict) -> Any:
            items = env.fact(lname)
            if where is None:
                return Decimal(len(items))
            n = 0
            for i, item in enumerate(items, 1):
                if where(env, {**scope, loop: (lname, i, item)}):
                    n += 1
            return Decimal(n)
        return count
    if isinstance(e, ast.Not):
        operand = compiled(e.operand)
        return lambda env, scope: not operand(env, scope)
    left, right = compiled(e.left), compiled(e.right)
    if e.op == "and":
        return lambda env, scope: bool(left(env, scope)) and bool(right(env, scope))
    if e.op == "or":
        return lambda env, scope: bool(left(env, scope)) or bool(right(env, scope))
    op = _OPS[e.op]

    def binary(env: Env, scope: dict) -> Any:
        a, b = left(env, scope), right(env, scope)
        try:
            return op(a, b)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            names = sorted(expr_names(e.right))
            facts = ", ".join(f"“{env.decls[n].label}” [{n}]" for n in names if n in env.decls)
            raise NotScorable(_("division by 0: the denominator {facts} is 0 (rule at {where})")
                              .format(facts=facts or "", where=e.span)) from None
    return binary


def render(t: ast.Template, env: Env, scope: dict[str, tuple[str, int, dict]],
           value: Any = None, value_type: str = "number") -> str:
    """Fill a reason's holes with fact values, formatted the Vietnamese way."""
    return str(render_later(t, env, scope, value, value_type))


def render_later(t: ast.Template, env: Env, scope: dict[str, tuple[str, int, dict]],
                 value: Any = None, value_type: str = "number") -> Later:
    """A reason as ``render`` gives it, its facts read now (a missing one raises now, and the
    facts read are logged now), its text formatted when it is read."""
    holes = t.__dict__.get("_holes")
    if holes is None:
        holes = tuple(_hole(m.group(1).strip(), env.decls) for m in HOLE.finditer(t.text))
        object.__setattr__(t, "_holes", holes)
    if not holes:
        return Later(_filled, t.text, ())
    values: list[tuple[Any, str]] = []
    for form, a, b, ftype in holes:
        if form == 0:
            values.append((value, value_type))
        elif form == 1:
            lst, i, rec = scope[a]
            env.reads.append(f"{lst}[{i}]")
            values.append((rec[b], next(f.type for f in env.decls[lst].fields if f.name == b)))
        else:
            values.append((env.fact(a), ftype))
    return Later(_filled, t.text, tuple(values))


def _hole(hole: str, decls: dict[str, ast.FactDecl]) -> tuple[int, str, str, str]:
    """A reason's hole read once: (0, the value) · (1, loop name, field, type) · (2, fact)."""
    if hole == "value":
        return 0, "", "", ""
    if "." in hole:
        var, _sep, name = hole.partition(".")
        return 1, var, name, ""  # the field's type: from the list the loop runs over
    return 2, hole, "", decls[hole].type


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


