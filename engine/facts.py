"""Fact records: one unit's facts for one year, read from YAML and checked against the rules.

Takes a rule set and a YAML file; gives a ``FactRecord`` whose values are typed (Decimal, date,
bool, text, lists of records) and whose evidence documents are kept beside each fact. The JSON
Schema a rule set implies (``schema_for``) is the contract: every record is validated against
it, and every error names the file, the YAML path and the line.

A record looks like::

    unit: {id: huyen-muong-te, name: UBND huyện Mường Tè, kind: huyen}
    year: 2022
    facts:
      ho_so_tre_han: 51                    # a plain value
      ty_le_ky_so:                         # or a value with its evidence
        value: 86.75                       # percentages are written as 86.75 for 86,75%
        evidence: ["Báo cáo số 12/BC-UBND ngày 05/01/2023"]
        reconstructed: "why the number is not from a published source"
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import BaseModel, ConfigDict

from dsl import ast
from dsl.errors import Diagnostic, FactsError, suggest
from dsl.tree import facts_for_kind

META_KEYS = ("evidence", "reconstructed", "note")

_SCALAR_SCHEMA: dict[str, dict[str, Any]] = {
    "number": {"type": "number"},
    "count": {"type": "integer", "minimum": 0},
    "percent": {"type": "number", "minimum": 0, "description": "phần trăm: 86.75 là 86,75%"},
    "yesno": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "text": {"type": "string"},
}

_EVIDENCE = {
    "type": "array",
    "items": {
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "required": ["document"],
                "additionalProperties": False,
                "properties": {
                    "document": {"type": "string", "title": "Số, ký hiệu văn bản"},
                    "date": {"type": "string", "format": "date", "title": "Ngày ban hành"},
                    "issuer": {"type": "string", "title": "Cơ quan ban hành"},
                    "note": {"type": "string"},
                },
            },
        ]
    },
}


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    kind: str


class FactRecord(BaseModel):
    """One unit's facts for one year, typed, with evidence and reconstruction notes kept apart."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    path: str
    unit: Unit
    year: int
    values: dict[str, Any]
    evidence: dict[str, list[str]]  # by fact name, or 'name[i]' for one item of a list
    reconstructed: dict[str, str]  # same keys: why the value is reconstructed
    self_assessment: dict[str, Decimal] = {}


# ---- schema ---------------------------------------------------------------------------------
def _with_meta(plain: dict[str, Any]) -> dict[str, Any]:
    wrapped = {
        "type": "object",
        "required": ["value"],
        "additionalProperties": False,
        "properties": {
            "value": plain,
            "evidence": _EVIDENCE,
            "reconstructed": {"type": "string", "minLength": 1},
            "note": {"type": "string"},
        },
    }
    return {"anyOf": [plain, wrapped]}


def _fact_schema(decl: ast.FactDecl) -> dict[str, Any]:
    if decl.type == "list":
        fields = {f.name: dict(_SCALAR_SCHEMA[f.type], title=f.label) for f in decl.fields}
        fields.update({"evidence": _EVIDENCE, "reconstructed": {"type": "string"},
                       "note": {"type": "string"}})
        item = {"type": "object", "required": [f.name for f in decl.fields],
                "additionalProperties": False, "properties": fields}
        plain: dict[str, Any] = {"type": "array", "items": item}
    else:
        plain = dict(_SCALAR_SCHEMA[decl.type])
    schema = _with_meta(plain)
    schema["title"] = decl.label
    return schema


def schema_for(ruleset: ast.RuleSet, kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a fact record for this rule set (for one kind: only its facts)."""
    decision = ruleset.decision
    kinds = [k.name for k in ruleset.kinds] if kind is None else [kind]
    decls = ruleset.facts
    names = sorted(decls) if kind is None else sorted(facts_for_kind(ruleset, kind) & set(decls))
    number = decision.number if decision else ""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Hồ sơ số liệu chấm điểm Chỉ số CCHC theo Quyết định {number}"
                 + (f" ({kind})" if kind else ""),
        "type": "object",
        "required": ["unit", "year", "facts"],
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
            "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
            "note": {"type": "string"},
            "self_assessment": {
                "type": "object",
                "title": "Điểm tự đánh giá theo tiêu chí",
                "additionalProperties": {"type": "number", "minimum": 0},
            },
            "facts": {
                "type": "object",
                "additionalProperties": False,
                "properties": {name: _fact_schema(decls[name]) for name in names},
            },
        },
    }


# ---- YAML with lines ------------------------------------------------------------------------
Path_ = tuple[str | int, ...]


def _load_yaml(text: str, path: str) -> tuple[Any, dict[Path_, int]]:
    """Load YAML keeping every node's line, numbers as Decimal and dates as their text."""
    lines: dict[Path_, int] = {}
    problems: list[Diagnostic] = []

    def build(node: yaml.Node, at: Path_) -> Any:
        lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                key = str(k.value)
                if key in out:
                    problems.append(Diagnostic(f"{_dotted((*at, key))}: key given twice", None,
                                               path, k.start_mark.line + 1))
                out[key] = build(v, (*at, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(v, (*at, i)) for i, v in enumerate(node.value)]
        tag, raw = node.tag, node.value
        if tag.endswith(":int"):
            return int(raw.replace("_", ""), 0) if raw.lower().startswith("0x") else int(raw)
        if tag.endswith(":float"):
            try:
                return Decimal(raw.replace("_", ""))
            except InvalidOperation:
                return raw
        if tag.endswith(":bool"):
            return raw.lower() in ("true", "yes", "on")
        if tag.endswith(":null"):
            return None
        return raw  # strings, and timestamps kept as text for the date format check

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(err, "problem", None) or str(err)
        raise FactsError([Diagnostic(f"not valid YAML: {problem}", None, path, line)]) from None
    if node is None:
        raise FactsError([Diagnostic("the file is empty", None, path, 1)])
    data = build(node, ())
    if problems:
        raise FactsError(problems)
    return data, lines


def _dotted(at: Path_) -> str:
    out = ""
    for part in at:
        # list items are counted from 1, as people count them and as explanations show them
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the record)"


# ---- validation -----------------------------------------------------------------------------
_TYPE_WORDS = {"number": "a number", "integer": "a whole number", "boolean": "true or false",
               "string": "a text", "array": "a list", "object": "a mapping of keys"}


_PY_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
             "number": (int, Decimal), "integer": int}


def _leaf_errors(error: Any) -> list[Any]:
    """For anyOf (a value or a value with evidence), keep the branch the author meant: the
    first whose JSON type is the instance's type."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    meant = 0
    for i, branch in enumerate(error.validator_value):
        py = _PY_TYPES.get(branch.get("type", ""), ())
        if isinstance(error.instance, py) and not (py is int and isinstance(error.instance, bool)):
            meant = i
            break
    chosen = [e for e in error.context if e.schema_path and e.schema_path[0] == meant]
    return [leaf for e in (chosen or error.context) for leaf in _leaf_errors(e)]


def _message(error: Any) -> str:
    v, inst = error.validator, error.instance
    shown = f"'{inst}'" if isinstance(inst, str) else repr(inst)
    if v == "type":
        return f"{shown} is not {_TYPE_WORDS.get(error.validator_value, error.validator_value)}"
    if v == "format" and error.validator_value == "date":
        return f"{shown} is not a date (write YYYY-MM-DD)"
    if v == "required":
        return error.message.replace("is a required property", "is missing")
    if v == "enum":
        return f"{shown} is not one of {', '.join(map(str, error.validator_value))}" + suggest(
            str(inst), map(str, error.validator_value))
    if v == "minimum":
        return f"{shown} is below the least allowed value {error.validator_value}"
    return error.message


def _typed(value: Any, type_: str) -> Any:
    if type_ in ("number", "count"):
        return Decimal(value)
    if type_ == "percent":
        return Decimal(value) / 100
    if type_ == "date":
        return dt.date.fromisoformat(value)
    return value


def _evidence_text(item: Any) -> str:
    if isinstance(item, str):
        return item
    parts = [item["document"]]
    if "date" in item:
        parts.append("ngày " + dt.date.fromisoformat(item["date"]).strftime("%d/%m/%Y"))
    if "issuer" in item:
        parts.append("của " + item["issuer"])
    return " ".join(parts)


def read_yaml(file: str | Path) -> tuple[Any, dict[Path_, int]]:
    """Read a YAML file with each node's line. Raises ``FactsError`` if it cannot be read."""
    path = str(file)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not UTF-8 text"
        raise FactsError([Diagnostic(f"cannot read the file: {reason}", None, path)]) from None
    return _load_yaml(text, path)


def load_record(ruleset: ast.RuleSet, file: str | Path) -> FactRecord:
    """Read, validate and type one fact record. Raises ``FactsError`` with every problem."""
    data, lines = read_yaml(file)
    return record_from_data(ruleset, data, lines, str(file))


def record_from_data(ruleset: ast.RuleSet, data: Any, lines: dict[Path_, int], path: str,
                     at: Path_ = ()) -> FactRecord:
    """Validate and type a record already read; ``at`` is where it stands in its file."""
    validator = Draft202012Validator(schema_for(ruleset), format_checker=FormatChecker())
    problems = []

    def line_of(where: Path_) -> int | None:
        full = (*at, *where)
        return next((lines[full[:i]] for i in range(len(full), -1, -1) if full[:i] in lines),
                    None)

    for error in validator.iter_errors(data):
        for leaf in _leaf_errors(error):
            where = tuple(leaf.absolute_path)
            if leaf.validator == "additionalProperties":
                # one message per unknown key, at the key's own line
                allowed = list(leaf.schema.get("properties", {}))
                for key in sorted(k for k in leaf.instance if k not in allowed):
                    problems.append(Diagnostic(
                        f"{_dotted((*at, *where, key))}: unknown key '{key}'"
                        f"{suggest(key, allowed)}", None, path, line_of((*where, key))))
                continue
            problems.append(Diagnostic(f"{_dotted((*at, *where))}: {_message(leaf)}", None, path,
                                       line_of(where)))
    if problems:
        raise FactsError(sorted(set(problems), key=Diagnostic.sort_key))
    decls = ruleset.facts
    values: dict[str, Any] = {}
    evidence: dict[str, list[str]] = {}
    reconstructed: dict[str, str] = {}
    for name, raw in data["facts"].items():
        decl = decls[name]
        if isinstance(raw, dict):
            evidence[name] = [_evidence_text(e) for e in raw.get("evidence", [])]
            if "reconstructed" in raw:
                reconstructed[name] = raw["reconstructed"]
            raw = raw["value"]
        if decl.type == "list":
            items = []
            for i, item in enumerate(raw):
                key = f"{name}[{i + 1}]"
                if item.get("evidence"):
                    evidence[key] = [_evidence_text(e) for e in item["evidence"]]
                if item.get("reconstructed"):
                    reconstructed[key] = item["reconstructed"]
                items.append({f.name: _typed(item[f.name], f.type) for f in decl.fields})
            values[name] = items
        else:
            values[name] = _typed(raw, decl.type)
    return FactRecord(
        path=path, unit=Unit(**data["unit"]), year=data["year"], values=values,
        evidence=evidence, reconstructed=reconstructed,
        self_assessment={k: Decimal(v) for k, v in data.get("self_assessment", {}).items()},
    )
