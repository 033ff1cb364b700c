"""The typed syntax tree of a rule set.

Takes nothing: ``parse.py`` builds these nodes. Gives frozen dataclasses, each carrying the
``Span`` of the source text it came from, so that every later message and every trace can point
back to a file, line and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Union

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
        for name, value, _x in self.by_kind:
            if name == kind:
                return value
        return self.default


@dataclass(frozen=True)
class Citation:
    """A place in a declared document: its id and, optionally, the section or page."""

    document: str
    at: str | None
    span: Span


@dataclass(frozen=True)
class Source:
    kind: str  # published, reconstructed
    note: str | None
    span: Span
    cites: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class OnZero:
    """What a criterion gives when a denominator is 0: ``when x = 0: not applicable``."""

    denominator: Expr
    outcome: str  # not applicable, full, not scorable
    because: Template | None
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
    applies_except: bool = False  # applies to every kind except those of applies_to
    on_zero: tuple[OnZero, ...] = ()
    office: str | None = None  # who in the unit answers for it (its children inherit it)


# ---- declarations -------------------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """The values a fact may take, as declared: ``at least 1``, ``from 0% to 200%``."""

    low: Literal | None
    high: Literal | None
    span: Span


@dataclass(frozen=True)
class FieldDecl:
    name: str
    type: str
    label: str
    span: Span
    range: Range | None = None


@dataclass(frozen=True)
class FactDecl:
    name: str
    type: str  # a scalar type or "list"
    label: str
    default: Literal | None
    fields: tuple[FieldDecl, ...]
    span: Span
    range: Range | None = None


@dataclass(frozen=True)
class FactCheck:
    """A relation every record must satisfy: ``check done <= total because "…"``."""

    condition: Expr
    because: Template
    span: Span


@dataclass(frozen=True)
class DocumentDecl:
    """A document the rules rely on, declared once and cited by its id."""

    name: str
    kind: str  # Quyết định, Báo cáo, …
    fields: tuple[tuple[str, object, Span], ...]
    span: Span

    def get(self, name: str) -> object | None:
        return next((v for k, v, _x in self.fields if k == name), None)


@dataclass(frozen=True)
class RankKey:
    key: str  # index, total
    descending: bool
    span: Span


@dataclass(frozen=True)
class GroupDecl:
    """Kinds of unit ranked together (or scored but not ranked)."""

    name: str
    label: str
    kinds: tuple[tuple[str, Span], ...]
    rank: RankKey | None
    ties: RankKey | str | None  # "share", or a second key
    ranked: bool
    span: Span
    items: tuple[tuple[str, Span], ...] = ()  # which clauses were written, for the checker


@dataclass(frozen=True)
class Band:
    label: str
    bound: Bound
    span: Span


@dataclass(frozen=True)
class BandsDecl:
    label: str
    bands: tuple[Band, ...]
    span: Span


@dataclass(frozen=True)
class ColumnDecl:
    """A column of the published result tables: the areas whose points it sums."""

    name: str
    label: str
    areas: tuple[tuple[str, Span], ...]
    span: Span


@dataclass(frozen=True)
class ScalePart:
    method: str
    points: Decimal
    span: Span


@dataclass(frozen=True)
class Counts:
    """How many areas, criteria and sub-criteria the decision says a kind is scored on."""

    areas: int
    criteria: int
    subcriteria: int
    span: Span


@dataclass(frozen=True)
class KindDecl:
    name: str
    label: str
    total: Decimal
    parts: tuple[ScalePart, ...]
    span: Span
    counts: Counts | None = None  # as the decision publishes them, when it does


@dataclass(frozen=True)
class Decision:
    number: str
    fields: tuple[tuple[str, object, Span], ...]
    span: Span

    def get(self, name: str) -> object | None:
        for key, value, _x in self.fields:
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
    documents: tuple[DocumentDecl, ...] = ()
    groups: tuple[GroupDecl, ...] = ()
    bands: tuple[BandsDecl, ...] = ()
    columns: tuple[ColumnDecl, ...] = ()
    checks: tuple[FactCheck, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """All rule files of one decision's folder, merged."""

    root: str
    files: tuple[RuleFile, ...]
    texts: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def decision(self) -> Decision | None:
        for f in self.files:
            if f.decisions:
                return f.decisions[0]
        return None

    @cached_property
    def kinds(self) -> tuple[KindDecl, ...]:
        return tuple(k for f in self.files for k in f.kinds)

    @cached_property
    def facts(self) -> dict[str, FactDecl]:
        return {d.name: d for f in self.files for d in f.facts}

    @cached_property
    def documents(self) -> dict[str, DocumentDecl]:
        return {d.name: d for f in self.files for d in f.documents}

    @cached_property
    def groups(self) -> tuple[GroupDecl, ...]:
        return tuple(g for f in self.files for g in f.groups)

    @cached_property
    def bands(self) -> BandsDecl | None:
        return next((b for f in self.files for b in f.bands), None)

    @cached_property
    def columns(self) -> tuple[ColumnDecl, ...]:
        return tuple(c for f in self.files for c in f.columns)

    @cached_property
    def checks(self) -> tuple[FactCheck, ...]:
        return tuple(c for f in self.files for c in f.checks)

    def rounding(self, target: str) -> Decimal | None:
        """The step the decision rounds 'criteria' or 'index' to, if it declares one."""
        d = self.decision
        steps = [v for k, v, _x in d.fields if k == "round"] if d is not None else []
        return next((step for tgt, step in steps if tgt == target), None)  # type: ignore[misc]

    def kind(self, name: str) -> KindDecl | None:
        return next((k for k in self.kinds if k.name == name), None)

    def group_of(self, kind: str) -> GroupDecl | None:
        return next((g for g in self.groups if any(k == kind for k, _s in g.kinds)), None)

    def years(self) -> tuple[int, int | None] | None:
        """The years the decision scores: (first, last), last None when open-ended."""
        d = self.decision
        return d.get("years") if d is not None else None  # type: ignore[return-value]

    @cached_property
    def areas(self) -> tuple[Node, ...]:
        return tuple(sorted((a for f in self.files for a in f.areas), key=lambda a: id_key(a.id)))


def id_key(node_id: str) -> tuple[int, ...]:
    """Sort key for ids such as ``1.10.2``: numerically, part by part."""
    return tuple(int(p) for p in node_id.split("."))
