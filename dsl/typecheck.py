"""Names and types in expressions and reason templates, for the checker.

Takes expressions and templates with the names in scope (the declared facts, and the record a
'for each' or 'count' binds); gives their types, reporting unknown names (with a suggestion)
and mismatches such as a date compared with a number. ``check.Checker`` mixes this in.
"""

from __future__ import annotations

import re

from dsl import ast
from dsl.errors import suggest
from dsl.i18n import N_, _
from dsl.tree import HOLE

NUMERIC = ("number", "count")


TYPE_NAMES = {"number": N_("a number"), "count": N_("a number"), "percent": N_("a percentage"),
              "yesno": N_("a yes/no"), "date": N_("a date"), "text": N_("a text"),
              "list": N_("a list"), "record": N_("a record")}


def type_name(t: object) -> str:
    """How a type reads in a message (translated)."""
    if isinstance(t, tuple):
        key = "list" if t[0] == "list" else "record"
        return _(TYPE_NAMES[key])
    return _(TYPE_NAMES[str(t)]) if str(t) in TYPE_NAMES else str(t)


def family(t: object) -> object:
    return "number" if t in NUMERIC else t


class ExprChecker:
    """Type inference over the expression AST; needs ``self.facts`` and ``self.error``."""

    facts: dict[str, ast.FactDecl]

    def error(self, message: str, span: ast.Span | None) -> None:  # pragma: no cover
        raise NotImplementedError

    def list_fact(self, name: str, span: ast.Span) -> ast.FactDecl | None:
        decl = self.facts.get(name)
        if decl is None:
            self.error(_("unknown fact '{name}'").format(name=name) + suggest(name, self.facts),
                       span)
            return None
        if decl.type != "list":
            self.error(_("'{name}' is {type}, not a list").format(name=name,
                                                                  type=type_name(decl.type)), span)
            return None
        return decl

    def expect(self, expr: ast.Expr, scope: dict[str, object], types: tuple[str, ...],
               message: str) -> None:
        t = self.infer(expr, scope)
        if t is not None and t not in types:
            self.error(_("{need}, not {got}").format(need=message, got=type_name(t)), expr.span)

    def infer(self, e: ast.Expr, scope: dict[str, object]) -> object | None:
        """The type of an expression, or None after reporting why it has none."""
        if isinstance(e, ast.Literal):
            return e.type
        if isinstance(e, ast.Name):
            if e.name in scope:
                self.error(_("'{name}' is a record; name one of its fields, e.g. {name}.field")
                           .format(name=e.name), e.span)
                return None
            decl = self.facts.get(e.name)
            if decl is None:
                self.error(_("unknown fact '{name}'").format(name=e.name)
                           + suggest(e.name, [*self.facts, *scope]), e.span)
                return None
            return ("list", decl) if decl.type == "list" else decl.type
        if isinstance(e, ast.Field):
            rec = scope.get(e.record)
            if rec is not None and rec[0] == "unknown":  # type: ignore[index]
                return None  # its list is unknown, and that was reported
            if rec is None:
                self.error(_("unknown name '{name}'{suggestion}; fields are read from the record "
                             "of 'for each' or 'count'").format(
                                 name=e.record, suggestion=suggest(e.record, scope)), e.span)
                return None
            decl = rec[1]  # type: ignore[index]
            for f in decl.fields:
                if f.name == e.name:
                    return f.type
            self.error(_("'{record}' has no field '{name}'").format(record=decl.name, name=e.name)
                       + suggest(e.name, [f.name for f in decl.fields]), e.span)
            return None
        if isinstance(e, ast.Count):
            decl = self.list_fact(e.list, e.span)
            if e.where is not None:
                inner = dict(scope)
                inner[e.var] = ("record", decl) if decl is not None else ("unknown", None)
                self.expect(e.where, inner, ("yesno",), _("'where' needs a yes/no"))
            return "count"
        if isinstance(e, ast.Not):
            self.expect(e.operand, scope, ("yesno",), _("'not' needs a yes/no"))
            return "yesno"
        return self.infer_binop(e, scope)

    def infer_binop(self, e: ast.BinOp, scope: dict[str, object]) -> object | None:
        if e.op in ("and", "or"):
            need = _("'{op}' needs a yes/no").format(op=e.op)
            self.expect(e.left, scope, ("yesno",), need)
            self.expect(e.right, scope, ("yesno",), need)
            return "yesno"
        lt, rt = self.infer(e.left, scope), self.infer(e.right, scope)
        if lt is None or rt is None:
            return None
        lf, rf = family(lt), family(rt)
        if e.op in ("<", "<=", ">", ">=", "=", "!="):
            if lf != rf or isinstance(lf, tuple):
                hint = (_(" (write a percentage as 80%)") if {lf, rf} == {"number", "percent"}
                        else "")
                self.error(_("cannot compare {left} with {right}").format(
                    left=type_name(lt), right=type_name(rt)) + hint, e.span)
                return None
            if lf in ("yesno", "text") and e.op not in ("=", "!="):
                self.error(_("{type} can only be compared with = or !=").format(
                    type=type_name(lt)), e.span)
                return None
            return "yesno"
        ok = {("number", "number"), ("percent", "percent"), ("percent", "number"),
              ("number", "percent")}
        if (lf, rf) not in ok:
            self.error(_("cannot use '{op}' on {left} and {right}").format(
                op=e.op, left=type_name(lt), right=type_name(rt)), e.span)
            return None
        if e.op == "/":
            return "number" if (lf, rf) == ("number", "percent") else "percent"
        if e.op == "*":
            return "percent" if "percent" in (lf, rf) else "number"
        if lf != rf:
            self.error(_("cannot use '{op}' on {left} and {right}").format(
                op=e.op, left=type_name(lt), right=type_name(rt)), e.span)
            return None
        return lf

    def check_template(self, t: ast.Template, scope: dict[str, object], value: bool) -> None:
        for m in HOLE.finditer(t.text):
            hole = m.group(1).strip()
            col = t.span.column + 1 + m.start()
            span = ast.Span(t.span.path, t.span.line, col, t.span.line, col + len(m.group(0)))
            if hole == "value" and value:
                continue
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", hole):
                self.error(_("'{text}' in a reason is not a hole: a hole holds a fact's name, "
                             "r.field or value; write the text without braces").format(
                                 text=m.group(0)), span)
                continue
            if "." in hole:
                rec, _sep, name = hole.partition(".")
                if rec not in scope:
                    self.error(_("unknown name '{name}' in the reason").format(name=rec)
                               + suggest(rec, scope), span)
                    continue
                if scope[rec][0] == "unknown":  # type: ignore[index]
                    continue
                fields = [f.name for f in scope[rec][1].fields]  # type: ignore[index]
                if name not in fields:
                    self.error(_("'{record}' has no field '{name}'").format(record=rec, name=name)
                               + suggest(name, fields), span)
            elif hole not in self.facts:
                names = [*self.facts, *(["value"] if value else [])]
                self.error(_("unknown fact '{name}' in the reason").format(name=hole)
                           + suggest(hole, names), span)
            elif self.facts[hole].type == "list":
                self.error(_("'{name}' is a list; a reason can show one value").format(name=hole),
                           span)
