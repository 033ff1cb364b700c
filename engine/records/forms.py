"""The forms Vietnamese officials type, read where they are unambiguous and refused with the
exact fix where they are not.

Takes a record's raw data and the kind's fact declarations; gives the data with ``có``/``không``
read as yes/no, ``86,75%`` as 86.75, ``1,5`` as 1.5, ``6.120`` (a quoted count) as 6120 and
``25/8/2022`` as 2022-08-25, plus the places where a percentage was written with its ``%`` (so
that ``"0,5%"`` is believed while a bare ``0.5`` is questioned), plus the problems found.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.i18n import _
from engine.records.yamlio import MAX_DIGITS, Path_, dotted

YES = {"có", "co", "yes", "đúng", "true"}
NO = {"không", "khong", "no", "sai", "false"}
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")  # 6.120 or 1.234,5
_AMBIGUOUS = re.compile(r"^-?\d{1,3},\d{3}$")  # 1,500: 1,5 or 1500?
_VN_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class Forms:
    """Reads one record's values by their declared types; collects what it cannot read."""

    def __init__(self, path: str, lines: dict[Path_, int], at: Path_ = ()):
        self.path, self.lines, self.at = path, lines, at
        self.explicit_percent: set[Path_] = set()
        self.problems: list[tuple[Path_, str]] = []

    def number_text(self, text: str, where: Path_, integer: bool, grouped: bool = True) -> Any:
        t = text.strip().replace(" ", "")
        if len(t) > MAX_DIGITS:
            return text  # no figure of a record is that long: the schema says "not a number"
        if _AMBIGUOUS.match(t) and integer:
            self.problems.append((where, _("'{text}' is not a whole number: write {plain} "
                                           "(without a separator)").format(
                text=text, plain=t.replace(",", ""))))
            return text
        if _AMBIGUOUS.match(t):
            whole, frac = t.split(",")
            self.problems.append((where, _(
                "'{text}' can be read as {a} or as {b}: write {a_dot} or {b_plain}").format(
                    text=text, a=f"{whole},{frac.rstrip('0') or '0'}", b=whole + frac,
                    a_dot=f"{whole}.{frac.rstrip('0') or '0'}", b_plain=whole + frac)))
            return text
        if grouped and _GROUPED.match(t):
            return Decimal(t.replace(".", "").replace(",", "."))
        if not integer and _DECIMAL_COMMA.match(t):
            return Decimal(t.replace(",", "."))
        if re.fullmatch(r"-?\d+(\.\d+)?", t):
            return Decimal(t)
        return text

    def value(self, v: Any, type_: str, where: Path_) -> Any:
        if not isinstance(v, str):
            return v
        low = v.strip().lower()
        if type_ == "yesno":
            return True if low in YES else False if low in NO else v
        if type_ == "percent":
            bare = low.rstrip("%").strip()
            read = self.number_text(bare, where, integer=False, grouped=False)
            if isinstance(read, Decimal):
                if low.endswith("%"):
                    self.explicit_percent.add(where)
                return read
            return v
        if type_ in ("number", "count"):
            read = self.number_text(low, where, integer=type_ == "count")
            if isinstance(read, Decimal) and type_ == "count" and read == read.to_integral_value():
                return int(read)
            return read
        if type_ == "date":
            m = _VN_DATE.match(low)
            if m:
                try:
                    return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
                except ValueError:
                    self.problems.append((where, _("'{text}' is not a date").format(text=v)))
        return v

    def facts(self, facts: Any, decls: dict[str, ast.FactDecl]) -> Any:
        """The ``facts`` mapping with every value read by its declared type."""
        if not isinstance(facts, dict):
            return facts
        out = {}
        for name, raw in facts.items():
            decl = decls.get(name)
            where: Path_ = ("facts", name)
            if decl is None:
                out[name] = raw
                continue
            wrapped = isinstance(raw, dict) and "value" in raw
            inner = raw["value"] if wrapped else raw
            at = (*where, "value") if wrapped else where
            if decl.type == "list":
                if isinstance(inner, list):
                    inner = [self.item(x, decl, (*at, i)) for i, x in enumerate(inner)]
            else:
                inner = self.value(inner, decl.type, at)
            out[name] = {**raw, "value": inner} if wrapped else inner
        return out

    def item(self, item: Any, decl: ast.FactDecl, where: Path_) -> Any:
        if not isinstance(item, dict):
            return item
        types = {f.name: f.type for f in decl.fields}
        return {k: self.value(v, types[k], (*where, k)) if k in types else v
                for k, v in item.items()}


def questionable_percents(decls: dict[str, ast.FactDecl], explicit: set[Path_],
                          raw_facts: dict[str, Any]) -> list[tuple[Path_, str]]:
    """Percentages written 0 < x ≤ 1 without a '%': almost always a fraction (0.8675 for 86,75%)."""
    out: list[tuple[Path_, str]] = []

    def look(v: Any, where: Path_) -> None:
        if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
            return
        if 0 < v <= 1 and where not in explicit:
            shown = f"{Decimal(v) * 100:f}".rstrip("0").rstrip(".")
            out.append((where, _(
                "{value} looks like a fraction, but a percentage is written in percent: write "
                "{percent} for {percent_vn}%; if it really is {value_vn}%, write \"{value_vn}%\""
            ).format(value=v, percent=shown, percent_vn=shown.replace(".", ","),
                     value_vn=str(v).replace(".", ","))))

    for name, raw in raw_facts.items():
        decl = decls.get(name)
        if decl is None:
            continue
        wrapped = isinstance(raw, dict) and "value" in raw
        at: Path_ = ("facts", name, "value") if wrapped else ("facts", name)
        inner = raw["value"] if wrapped else raw
        if decl.type == "percent":
            look(inner, at)
        elif decl.type == "list" and isinstance(inner, list):
            for i, item in enumerate(inner):
                for f in decl.fields:
                    if f.type == "percent" and isinstance(item, dict):
                        look(item.get(f.name), (*at, i, f.name))
    return out


__all__ = ["Forms", "questionable_percents", "dotted"]
