"""The province's published figures that belong to no single unit: a group's average index, an
area's average over one or more groups, and their change from the previous year.

A file of the records folder holding ``figures:`` (and no ``unit:``) carries them, each with the
document and place that states it::

    year: 2022
    figures:
      - source: {cite: bc_hdtd_2022, at: "mục B.III.8"}
        groups: [huyen]
        area: "8"
        average: 73.01
        change: 1.13

Takes the file's data and the rule set; gives ``Figure``s, after checking the groups, areas and
documents it names against the rules (the errors located as in a record).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.errors import FactsError
from engine.citations import place
from engine.facts import schema_problems
from engine.records.schema import source_schema
from engine.records.yamlio import Path_


@dataclass(frozen=True)
class Figure:
    groups: tuple[str, ...]
    area: str | None  # None: the index itself
    average: Decimal | None
    change: Decimal | None
    source: str
    line: int | None
    document: str | None = None
    at: str | None = None


def is_summary(data: Any) -> bool:
    return isinstance(data, dict) and "figures" in data and "unit" not in data


def summary_schema(ruleset: ast.RuleSet) -> dict[str, Any]:
    figure = {
        "type": "object", "additionalProperties": False, "required": ["source", "groups"],
        "anyOf": [{"required": ["average"]}, {"required": ["change"]}],
        "properties": {
            "source": source_schema(sorted(ruleset.documents)),
            "groups": {"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"enum": [g.name for g in ruleset.groups]}},
            "area": {"enum": list(dict.fromkeys(a.id for a in ruleset.areas))},
            "average": {"type": "number", "minimum": 0},
            "change": {"type": "number"},
            "note": {"type": "string"},
        },
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Số liệu tổng hợp của tỉnh như đã công bố", "type": "object",
            "additionalProperties": False, "required": ["figures"],
            "properties": {"year": {"type": "integer"},
                           "figures": {"type": "array", "items": figure}}}


def read_summary(ruleset: ast.RuleSet, data: Any, lines: dict[Path_, int],
                 path: str) -> list[Figure]:
    problems = schema_problems(summary_schema(ruleset), data, path, lines)
    if problems:
        raise FactsError(problems)
    out = []
    for i, f in enumerate(data["figures"]):
        where = place(ruleset, f["source"])
        out.append(Figure(tuple(f["groups"]), f.get("area"),
                          dec(f.get("average")), dec(f.get("change")),
                          where["source"] or "", lines.get(("figures", i)),
                          where["document"], where["at"]))
    return out


def dec(v: Any) -> Decimal | None:
    """A published figure as an exact Decimal (None stays None)."""
    return None if v is None else Decimal(str(v))
