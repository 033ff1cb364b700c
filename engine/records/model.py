"""A fact record as the engine reads it: typed values, evidence, recorded and published points."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    kind: str


class Recorded(BaseModel):
    """Points taken from a document instead of computed: for a column or a method of the
    published tables, an area or a criterion (ghi nhận theo tài liệu)."""

    model_config = ConfigDict(frozen=True)
    level: str  # column, method, area, criterion
    key: str  # the column's or method's name, or the node's id
    points: Decimal
    source: str | None  # the full citation of the document it comes from
    line: int | None = None


class AppraisalRound(BaseModel):
    """One round of the council's appraisal (vòng thẩm định): points and notes by criterion."""

    model_config = ConfigDict(frozen=True)
    number: int
    date: str | None = None
    points: dict[str, Decimal] = {}
    notes: dict[str, str] = {}


class FactRecord(BaseModel):
    """One unit's facts for one year, typed, with evidence and reconstruction notes kept apart."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    path: str
    unit: Unit
    year: int
    values: dict[str, Any]
    evidence: dict[str, list[str]]  # by fact name, or 'name[i]' for one item of a list
    reconstructed: dict[str, str]  # same keys: why the value is reconstructed
    self_assessment: dict[str, Decimal] = {}  # the unit's own points (tự đánh giá), by criterion
    appraisal: list[AppraisalRound] = []  # the council's rounds, in order
    explanations: dict[str, str] = {}  # the unit's explanation (giải trình) between rounds
    recorded: list[Recorded] = []
    # figures as published (total, scale, index, rank, area indices…), one mapping per place
    # that states them, its citation under "source": kept to be checked, never used to score
    published: list[dict[str, Any]] = []
