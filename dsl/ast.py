"""The typed syntax tree of a rule set.

Takes nothing: ``parse.py`` builds these nodes. Gives frozen dataclasses, each carrying the
``Span`` of the source text it came from, so that every later message and every trace can point
back to a file, line and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

KINDS: dict[str, str] = {
    "so": "Sở, ban, ngành tỉnh",
    "huyen": "UBND huyện, thành phố",
    "thanh_tra": "Thanh tra tỉnh",
    "ban_dan_toc": "Ban Dân tộc tỉnh",
    "vp_ubnd": "Văn phòng UBND tỉnh",
    "so_ngoai_vu": "Sở Ngoại vụ",
    "bql_kkt": "Ban Quản lý Khu kinh tế tỉnh",
}
"""The unit kinds this project knows, with their Vietnamese names."""

METHODS = ("appraisal", "survey")
SCALAR_TYPES = ("number", "count", "percent", "yesno", "date", "text")


@dataclass(frozen=True)
class Span:
    """Where a node stands in its file; lines and columns are 1-based, the end column exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


# ---- expressions ------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    value: Decimal | dt.date | str | bool
    type: str  # number, percent, date, text, yesno
    span: Span


@dataclass(frozen=True)
class Name:
    name: str
    span: Span


@dataclass(frozen=True)
class Field:
    record: str
    name: str
    span: Span


@dataclass(frozen=True)
class Count:
    var: str
    list: str
    where: Expr | None
    span: Span


@dataclass(frozen=True)
class Not:
    operand: Expr
    span: Span


@dataclass(frozen=True)
class BinOp:
    op: str  # and, or, + - * /, < <= > >= = !=
    left: Expr
    right: Expr
    span: Span


Expr = Union[Literal, Name, Field, Count, Not, BinOp]


# ---- scoring rules ----------------------------------------------------------------------
@dataclass(frozen=True)
class Template:
    """A Vietnamese reason with ``{fact}`` or ``{r.field}`` holes; nothing else is interpolated."""

    text: str
    span: Span


@dataclass(frozen=True)
class Bound:
    kind: str  # eq, at_least, above, at_most, under, from_to_under, from_to, else
    low: Literal | None
    high: Literal | None
    span: Span


@dataclass(frozen=True)
class Level:
    bound: Bound
    points: Decimal
    because: Template | None
    span: Span


@dataclass(frozen=True)
class Levels:
    by: Expr
    levels: tuple[Level, ...]
    span: Span


@dataclass(frozen=True)
class Full:
    condition: Expr
    otherwise: Decimal
    because: Template
    span: Span


@dataclass(frozen=True)
class Proportional:
    ratio: Expr
    because: Template
    span: Span


@dataclass(frozen=True)
class Points:
    value: Expr
    because: Template
    span: Span


@dataclass(frozen=True)
class Deduct:
    points: Decimal
    scope: str  # if, each, per
    condition: Expr | None  # for if/each: the condition; for per: the count
    var: str | None
    list: str | None
    cap: Decimal | None
    because: Template
    span: Span
    list_span: Span | None = None


@dataclass(frozen=True)
class Floor:
    points: Decimal
    span: Span


Rule = Union[Levels, Full, Proportional, Points, Deduct, Floor]


# ---- the tree -----------------------------------------------------------------------------
@dataclass(frozen=True)
class MaxSpec:
    default: Decimal
    by_kind: tuple[tuple[str, Decimal, Span], ...]
    span: Span

    def for_kind(self, kind: str) -> Decimal:
        for name, value, _ in self.by_kind:
            if name == kind:
                return value
        return self.default


@dataclass(frozen=True)
class Source:
    kind: str  # published, reconstructed
    note: str | None
    span: Span


@dataclass(frozen=True)
class Node:
    """An area (lĩnh vực), a criterion (tiêu chí) or a sub-criterion (tiêu chí thành phần)."""

    level: str  # area, criterion
    id: str
    title: str
    max: MaxSpec | None
    method: tuple[str, Span] | None
    applies_to: tuple[tuple[str, Span], ...] | None
    applies_if: Expr | None
    guidance: str | None
    source: Source | None
    children: tuple[Node, ...]
    rules: tuple[Rule, ...]
    span: Span
    id_span: Span


# ---- declarations -------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldDecl:
    name: str
    type: str
    label: str
    span: Span


@dataclass(frozen=True)
class FactDecl:
    name: str
    type: str  # a scalar type or "list"
    label: str
    default: Literal | None
    fields: tuple[FieldDecl, ...]
    span: Span


@dataclass(frozen=True)
class ScalePart:
    method: str
    points: Decimal
    span: Span


@dataclass(frozen=True)
class KindDecl:
    name: str
    label: str
    total: Decimal
    parts: tuple[ScalePart, ...]
    span: Span


@dataclass(frozen=True)
class Decision:
    number: str
    fields: tuple[tuple[str, object, Span], ...]
    span: Span

    def get(self, name: str) -> object | None:
        for key, value, _ in self.fields:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class RuleFile:
    path: str
    decisions: tuple[Decision, ...]
    kinds: tuple[KindDecl, ...]
    facts: tuple[FactDecl, ...]
    areas: tuple[Node, ...]


@dataclass(frozen=True)
class RuleSet:
    """All rule files of one decision's folder, merged."""

    root: str
    files: tuple[RuleFile, ...]
    texts: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def decision(self) -> Decision | None:
        for f in self.files:
            if f.decisions:
                return f.decisions[0]
        return None

    @property
    def kinds(self) -> tuple[KindDecl, ...]:
        return tuple(k for f in self.files for k in f.kinds)

    @property
    def facts(self) -> dict[str, FactDecl]:
        return {d.name: d for f in self.files for d in f.facts}

    @property
    def areas(self) -> tuple[Node, ...]:
        return tuple(sorted((a for f in self.files for a in f.areas), key=lambda a: id_key(a.id)))


def id_key(node_id: str) -> tuple[int, ...]:
    """Sort key for ids such as ``1.10.2``: numerically, part by part."""
    return tuple(int(p) for p in node_id.split("."))
