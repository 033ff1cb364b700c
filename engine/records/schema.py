"""The JSON Schema of a fact record that a rule set implies, one kind of unit at a time.

Takes a rule set and a kind; gives the schema every record of that kind is validated against:
only the facts that kind's criteria read, each with its type, declared range and label; the
evidence forms; the points a record may carry as recorded or as published.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.tree import facts_for_kind

_SCALAR: dict[str, dict[str, Any]] = {
    "number": {"type": "number"},
    "count": {"type": "integer", "minimum": 0},
    "percent": {"type": "number", "minimum": 0, "maximum": 100,
                "description": "phần trăm: 86.75 là 86,75%"},
    "yesno": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "text": {"type": "string"},
}


def _json_number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def scalar_schema(type_: str, rng: ast.Range | None) -> dict[str, Any]:
    """A value's schema: its type and its bounds (a percentage in record units: 86.75)."""
    out = dict(_SCALAR[type_])
    if rng is None:
        return out
    scale = Decimal(100) if type_ == "percent" else Decimal(1)
    if rng.low is not None:
        out["minimum"] = _json_number(rng.low.value * scale)  # type: ignore[operator]
    if rng.high is not None:
        out["maximum"] = _json_number(rng.high.value * scale)  # type: ignore[operator]
    return out


def source_schema(documents: list[str]) -> dict[str, Any]:
    """One piece of evidence: a text, a unit's own document, or a document the rules declare."""
    cite: dict[str, Any] = {"type": "string", "title": "Mã tài liệu khai báo trong quy định"}
    if documents:
        cite = dict(cite, enum=documents)
    return {"anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "required": ["cite"], "additionalProperties": False,
         "properties": {"cite": cite, "at": {"type": "string", "title": "Mục, trang, biểu"},
                        "note": {"type": "string"}}},
        {"type": "object", "required": ["document"], "additionalProperties": False,
         "properties": {
             "document": {"type": "string", "title": "Số, ký hiệu văn bản"},
             "date": {"type": "string", "format": "date", "title": "Ngày ban hành"},
             "issuer": {"type": "string", "title": "Cơ quan ban hành"},
             "note": {"type": "string"}}},
    ]}


def _with_meta(plain: dict[str, Any], evidence: dict[str, Any]) -> dict[str, Any]:
    wrapped = {"type": "object", "required": ["value"], "additionalProperties": False,
               "properties": {"value": plain, "evidence": evidence,
                              "reconstructed": {"type": "string", "minLength": 1},
                              "note": {"type": "string"}}}
    return {"anyOf": [plain, wrapped]}


def _fact(decl: ast.FactDecl, evidence: dict[str, Any]) -> dict[str, Any]:
    if decl.type == "list":
        fields = {f.name: dict(scalar_schema(f.type, f.range), title=f.label) for f in decl.fields}
        fields.update({"evidence": evidence, "reconstructed": {"type": "string"},
                       "note": {"type": "string"}})
        item = {"type": "object", "required": [f.name for f in decl.fields],
                "additionalProperties": False, "properties": fields}
        plain: dict[str, Any] = {"type": "array", "items": item}
    else:
        plain = scalar_schema(decl.type, decl.range)
    schema = _with_meta(plain, evidence)
    schema["title"] = decl.label
    return schema


def _points_map(names: list[str] | None, source: dict[str, Any]) -> dict[str, Any]:
    points = {"type": "number", "minimum": 0}
    value = {"anyOf": [points, {"type": "object", "required": ["points"],
                                "additionalProperties": False,
                                "properties": {"points": points, "source": source}}]}
    if names is None:
        return {"type": "object", "additionalProperties": value}
    return {"type": "object", "additionalProperties": False,
            "properties": {n: value for n in names}}


def schema_for(ruleset: ast.RuleSet, kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a fact record for this rule set; for one kind, only its facts."""
    decision = ruleset.decision
    kinds = [k.name for k in ruleset.kinds] if kind is None else [kind]
    decls = ruleset.facts
    names = sorted(decls) if kind is None else sorted(facts_for_kind(ruleset, kind) & set(decls))
    source = source_schema(sorted(ruleset.documents))
    evidence = {"type": "array", "items": source}
    columns = [c.name for c in ruleset.columns]
    methods = sorted({p.method for k in ruleset.kinds if k.name in kinds for p in k.parts})
    number = decision.number if decision else ""
    years: dict[str, Any] = {"type": "integer", "minimum": 1900, "maximum": 2200}
    span = ruleset.years()
    if span is not None:
        years["minimum"] = span[0]
        if span[1] is not None:
            years["maximum"] = span[1]
    recorded = {"type": "object", "additionalProperties": False,
                "title": "Điểm ghi nhận theo tài liệu",
                "properties": {"source": source, "columns": _points_map(columns, source),
                               "methods": _points_map(methods, source),
                               "areas": _points_map(None, source),
                               "criteria": _points_map(None, source)}}
    figure = {"type": "number", "minimum": 0}
    change = {"type": "number"}
    area_ids = {"type": "object",
                "propertyNames": {"enum": list(dict.fromkeys(a.id for a in ruleset.areas))}}
    area_points = {"anyOf": [figure, {"type": "object", "required": ["points"],
                                      "additionalProperties": False,
                                      "properties": {"points": figure, "max": figure}}]}
    statement = {"type": "object", "additionalProperties": False,
                 "title": "Số liệu như đã công bố (để đối chiếu, không dùng để chấm)",
                 "properties": {"source": source, "total": figure, "scale": figure,
                                "index": figure, "rank": {"type": "integer", "minimum": 1},
                                "change": change, "band": {"type": "string"},
                                "columns": _points_map(columns, source),
                                "methods": _points_map(methods, source),
                                "areas": {**area_ids, "additionalProperties": area_points},
                                "area_index": {**area_ids, "additionalProperties": figure},
                                "area_change": {**area_ids, "additionalProperties": change}}}
    published = {"anyOf": [statement, {"type": "array", "minItems": 1, "items": statement}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Hồ sơ số liệu chấm điểm Chỉ số CCHC theo Quyết định {number}"
                 + (f" ({kind})" if kind else ""),
        "type": "object",
        "required": ["unit", "year"],
        "additionalProperties": False,
        "properties": {
            "unit": {
                "type": "object",
                "required": ["id", "name", "kind"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "name": {"type": "string", "minLength": 1},
                    "kind": {"enum": kinds},
                },
            },
            "year": years,
            "note": {"type": "string"},
            "self_assessment": {
                "type": "object",
                "title": "Điểm tự đánh giá theo tiêu chí",
                "additionalProperties": {"type": "number", "minimum": 0},
            },
            "appraisal": {
                "type": "array",
                "title": "Các vòng thẩm định của Hội đồng: điểm và ghi chú theo tiêu chí",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["round", "points"],
                    "properties": {
                        "round": {"type": "integer", "minimum": 1},
                        "date": {"type": "string", "format": "date"},
                        "points": {"type": "object",
                                   "additionalProperties": {"type": "number", "minimum": 0}},
                        "notes": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
            },
            "explanations": {
                "type": "object",
                "title": "Giải trình của đơn vị giữa các vòng thẩm định, theo tiêu chí",
                "additionalProperties": {"type": "string"},
            },
            "recorded": recorded,
            "published": published,
            "facts": {
                "type": "object",
                "additionalProperties": False,
                "properties": {name: _fact(decls[name], evidence) for name in names},
            },
        },
    }
