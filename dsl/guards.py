"""Which divisions of a criterion can meet a denominator of 0, and whether the rule says what
0 means there.

Takes a criterion's expressions and what guards them: an ``applies if`` conjunct such as
``x > 0`` (its own or an enclosing node's), a ``when x = 0: …`` clause, a fact declared
``at least 1``, or a literal; gives the divisions left unguarded, for the checker to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

from dsl import ast


def same(a: object, b: object) -> bool:
    """Structural equality of two expressions, wherever they were written."""
    if type(a) is not type(b):
        return False
    if not hasattr(a, "__dataclass_fields__"):
        return a == b
    return all(same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a)  # type: ignore[arg-type]
               if f.name != "span")


def divisions(e: ast.Expr | None) -> Iterator[ast.BinOp]:
    """Every division in an expression, the inner ones too."""
    if e is None:
        return
    if isinstance(e, ast.BinOp):
        if e.op == "/":
            yield e
        yield from divisions(e.left)
        yield from divisions(e.right)
    elif isinstance(e, ast.Not):
        yield from divisions(e.operand)
    elif isinstance(e, ast.Count):
        yield from divisions(e.where)


def rule_exprs(rule: ast.Rule) -> list[ast.Expr]:
    for name in ("by", "condition", "ratio", "value"):
        e = getattr(rule, name, None)
        if e is not None:
            return [e]
    return []


def conjuncts(e: ast.Expr | None) -> Iterator[ast.Expr]:
    if e is None:
        return
    if isinstance(e, ast.BinOp) and e.op == "and":
        yield from conjuncts(e.left)
        yield from conjuncts(e.right)
    else:
        yield e


def _zero(e: ast.Expr) -> bool:
    return isinstance(e, ast.Literal) and e.type in ("number", "percent") and e.value == 0


def _positive(e: ast.Expr) -> bool:
    return (isinstance(e, ast.Literal) and e.type in ("number", "percent")
            and e.value > 0)  # type: ignore[operator]


def excludes_zero(condition: ast.Expr, den: ast.Expr) -> bool:
    """Whether a condition that holds implies ``den`` is not 0."""
    if not isinstance(condition, ast.BinOp):
        return False
    op, left, right = condition.op, condition.left, condition.right
    if same(left, den):
        return (op in (">", "!=") and _zero(right)) or (op in (">=", ">", "=") and _positive(right))
    if same(right, den):
        return (op in ("<", "!=") and _zero(left)) or (op in ("<=", "<", "=") and _positive(left))
    return False


def nonzero(den: ast.Expr, facts: dict[str, ast.FactDecl]) -> bool:
    """A literal other than 0, or a fact declared with a lower bound above 0."""
    if isinstance(den, ast.Literal):
        return den.value != 0
    if isinstance(den, ast.Name):
        decl = facts.get(den.name)
        low = decl.range.low if decl is not None and decl.range is not None else None
        return low is not None and _positive(low)
    return False


def unguarded(node: ast.Node, outer: tuple[ast.Expr, ...],
              facts: dict[str, ast.FactDecl]) -> list[ast.BinOp]:
    """Divisions of a leaf criterion whose denominator may be 0 with nothing saying what then.

    ``outer`` holds the ``applies if`` conditions of the enclosing nodes."""
    conditions = [c for e in outer for c in conjuncts(e)]
    exprs: list[tuple[ast.Expr, bool]] = []
    if node.applies_if is not None:
        exprs.append((node.applies_if, False))  # evaluated before its own guards
    for rule in node.rules:
        exprs += [(e, True) for e in rule_exprs(rule)]
    own = [*conditions, *conjuncts(node.applies_if)]
    out = []
    for e, inner in exprs:
        for div in divisions(e):
            den = div.right
            if nonzero(den, facts):
                continue
            pool = own if inner else conditions
            if any(excludes_zero(c, den) for c in pool):
                continue
            if inner and any(same(z.denominator, den) for z in node.on_zero):
                continue
            out.append(div)
    return out

