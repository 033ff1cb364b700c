"""Fact records: one unit's facts for one year, read from YAML and checked against the rules.

Takes a rule set and a YAML file; gives a ``FactRecord`` whose values are typed (Decimal, date,
bool, text, lists of records), with evidence kept beside each fact, and points recorded from
documents. A record is validated against the schema of its own kind (``schema_for``), in the
years its decision scores, with the forms officials type read where they are unambiguous, the
ranges and relations the rules declare enforced, and every error located by file, YAML path and
line, in words that say what to write instead.

A record looks like::

    unit: {id: huyen-muong-te, name: UBND huyện Mường Tè, kind: huyen}
    year: 2022
    facts:
      ho_so_tre_han: 51                    # a plain value
      ty_le_ky_so:                         # or a value with its evidence
        value: 86.75                       # percentages are written as 86.75 for 86,75%
        evidence: [{cite: bc_muong_te_2022, at: "mục 2.2.3"}]
        reconstructed: "why the number is not from a published source"
    recorded:                              # or points taken from a document
      source: {cite: bc_hdtd_2022, at: "Biểu 01"}
      columns: {tac_dong: 25.90, tham_dinh: 60.31}
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from dsl import ast
from dsl.errors import Diagnostic, FactsError, suggest
from dsl.i18n import _
from dsl.tree import facts_for_kind
from engine.citations import evidence_text, place
from engine.records.assessment import assessment_problems
from engine.records.fastcheck import Check, NotCompiled, compile_schema
from engine.records.forms import Forms, questionable_percents
from engine.records.model import AppraisalRound, FactRecord, Recorded, Unit
from engine.records.recorded import read_recorded
from engine.records.schema import schema_for
from engine.records.yamlio import Path_, dotted, read_yaml

__all__ = ["FactRecord", "Recorded", "Unit", "load_record", "read_yaml", "record_from_data",
           "schema_for", "schema_problems"]

_PY_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
             "number": (int, Decimal), "integer": int}


def _leaf_errors(error: Any) -> list[Any]:
    """For anyOf (a value or a value with evidence), keep the branch the author meant: the
    first whose JSON type is the instance's type."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    meant = 0
    branches = list(enumerate(error.validator_value))
    if isinstance(error.instance, dict):  # a mapping: the branch whose keys it has, or nearly
        keys = set(error.instance)

        def fit(ib: tuple[int, dict[str, Any]]) -> tuple[bool, int]:
            props = list(ib[1].get("properties", {}))
            near = sum(1 for k in keys if difflib.get_close_matches(k, props, n=1, cutoff=0.6))
            return (not set(ib[1].get("required", ["\0"])) <= keys, -near)

        branches.sort(key=fit)
    for i, branch in branches:
        py = _PY_TYPES.get(branch.get("type", ""), ())
        if isinstance(error.instance, py) and not (py is int and isinstance(error.instance, bool)):
            meant = i
            break
    chosen = [e for e in error.context if e.schema_path and e.schema_path[0] == meant]
    return [leaf for e in (chosen or error.context) for leaf in _leaf_errors(e)]


def _shown(inst: Any) -> str:
    if isinstance(inst, str):
        return f"'{inst}'"
    if isinstance(inst, bool):
        return _("yes") if inst else _("no")
    if isinstance(inst, Decimal):
        return f"{inst:f}"
    if isinstance(inst, (dict, list)):
        import yaml  # shown as the user wrote it, never as a Python repr

        return yaml.safe_dump(_plain(inst), allow_unicode=True, default_flow_style=True,
                              width=1000).strip()
    return str(inst)


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, Decimal):
        return f"{x:f}"
    return x if isinstance(x, (int, bool, type(None))) else str(x)


def _message(error: Any, schema: dict[str, Any]) -> str:
    v, inst = error.validator, error.instance
    shown = _shown(inst)
    if v == "type":
        want = error.validator_value
        if want == "integer" and isinstance(inst, Decimal):
            whole, _sep, frac = f"{inst:f}".partition(".")
            if len(frac) == 3:  # 6.120 typed with a thousands dot, read by YAML as 6.12
                return _("{value} is not a whole number; if it means {plain} (with a thousands "
                         "dot), write {plain}").format(value=shown, plain=whole + frac)
            return _("{value} is not a whole number").format(value=shown)
        words = {"number": _("a number"), "integer": _("a whole number"),
                 "boolean": _("yes or no (write có or không)"), "string": _("a text"),
                 "array": _("a list"), "object": _("a mapping of keys")}
        return _("{value} is not {what}").format(value=shown, what=words.get(want, want))
    if v == "format" and error.validator_value == "date":
        return _("{value} is not a date (write 2022-08-25 or 25/8/2022)").format(value=shown)
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return _("'{key}' is missing").format(key=missing)
    if v == "enum":
        return _("{value} is not one of {allowed}").format(
            value=shown, allowed=", ".join(map(str, error.validator_value))) + suggest(
                str(inst), map(str, error.validator_value))
    if v == "minimum":
        return _("{value} is below the least allowed value {low}").format(
            value=shown, low=error.validator_value)
    if v == "maximum":
        hint = _(" (a percentage is written 86.75 for 86,75%)") \
            if error.schema.get("description", "").startswith("phần trăm") \
            and error.validator_value == 100 else ""
        return _("{value} is above the greatest allowed value {high}{hint}").format(
            value=shown, high=error.validator_value, hint=hint)
    if v == "minLength":
        return _("the text is empty")
    if v == "uniqueItems":
        return _("{value} names an item twice").format(value=shown)
    if v == "pattern":
        return _("{value} may hold only lower-case letters without accents, digits and '-'")\
            .format(value=shown)
    return error.message


def _typed(value: Any, type_: str) -> Any:
    if type_ in ("number", "count"):
        return Decimal(value)
    if type_ == "percent":
        return Decimal(value) / 100
    if type_ == "date":
        return dt.date.fromisoformat(value)
    return value


_VALIDATORS: dict[tuple[int, str | None],
                  tuple[ast.RuleSet, Draft202012Validator, Check | None]] = {}


def _validator(ruleset: ast.RuleSet, kind: str | None
               ) -> tuple[Draft202012Validator, Check | None]:
    """Per rule set and kind (rule sets are immutable once loaded), built once: jsonschema's
    validator, for the located messages, and the compiled yes/no check, for speed."""
    key = (id(ruleset), kind)
    hit = _VALIDATORS.get(key)
    if hit is None or hit[0] is not ruleset:
        if len(_VALIDATORS) > 64:
            _VALIDATORS.clear()
        schema = schema_for(ruleset, kind)
        try:
            fast: Check | None = compile_schema(schema)
        except NotCompiled:
            fast = None
        hit = (ruleset, Draft202012Validator(schema, format_checker=FormatChecker()), fast)
        _VALIDATORS[key] = hit
    return hit[1], hit[2]


def schema_problems(schema: dict[str, Any], data: Any, path: str,
                    lines: dict[Path_, int]) -> list[Diagnostic]:
    """Every way ``data`` breaks ``schema``, located and worded as for a record."""
    problems = _Problems(path, lines, ())
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    _report(problems, validator.iter_errors(data),
            lambda key, allowed, _where: _("unknown key '{key}'").format(key=key)
            + (_(" (between braces a comma separates entries: write 1.5, or \"1,5\" in "
                 "quotes)") if str(key).isdigit() else suggest(key, allowed)))
    return sorted(set(problems.found), key=Diagnostic.sort_key)


def _report(problems: _Problems, errors: Any, unknown: Any,
            special: Any = lambda _where, _leaf: False) -> None:
    """Each schema error as a located, worded problem: an unknown key named with a suggestion
    (``unknown(key, allowed, where)`` words it); ``special(where, leaf)`` true when it is said
    already or said otherwise."""
    for error in errors:
        for leaf in _leaf_errors(error):
            where = tuple(leaf.absolute_path)
            if special(where, leaf):
                continue
            if leaf.validator == "additionalProperties":
                allowed = list(leaf.schema.get("properties", {}))
                for key in sorted(k for k in leaf.instance if k not in allowed):
                    problems.add((*where, key), unknown(key, allowed, where))
                continue
            problems.add(where, _message(leaf, leaf.schema))


def load_record(ruleset: ast.RuleSet, file: str | Path) -> FactRecord:
    """Read, validate and type one fact record. Raises ``FactsError`` with every problem."""
    data, lines = read_yaml(file)
    return record_from_data(ruleset, data, lines, str(file))


class _Problems:
    def __init__(self, path: str, lines: dict[Path_, int], at: Path_):
        self.path, self.lines, self.at = path, lines, at
        self.found: list[Diagnostic] = []

    def line(self, where: Path_) -> int | None:
        full = (*self.at, *where)
        return next((self.lines[full[:i]] for i in range(len(full), -1, -1)
                     if full[:i] in self.lines), None)

    def add(self, where: Path_, message: str, at_line: Path_ | None = None) -> None:
        self.found.append(Diagnostic(f"{dotted((*self.at, *where))}: {message}", None,
                                     self.path, self.line(at_line or where)))

    def raise_any(self) -> None:
        if self.found:
            raise FactsError(sorted(set(self.found), key=Diagnostic.sort_key))


def _kind_of(ruleset: ast.RuleSet, data: Any, problems: _Problems) -> str | None:
    """The record's kind, if the rules declare it; otherwise one located problem."""
    unit = data.get("unit") if isinstance(data, dict) else None
    kind = unit.get("kind") if isinstance(unit, dict) else None
    kinds = [k.name for k in ruleset.kinds]
    if not isinstance(kind, str):
        return None  # the schema says what is missing
    if kind not in kinds:
        number = ruleset.decision.number if ruleset.decision else "?"
        problems.add(("unit", "kind"), _(
            "kind '{kind}' is not one the rules of {decision} score; write one of: {kinds}")
            .format(kind=kind, decision=number, kinds=", ".join(kinds)) + suggest(kind, kinds))
        return None
    return kind


def _unknown_key(key: str, allowed: list[str], where: Path_, ruleset: ast.RuleSet,
                 kind: str | None) -> str:
    if where == ("facts",) and key in ruleset.facts and kind is not None:
        return _("fact '{key}' is not read by any criterion of kind '{kind}': is the record's "
                 "kind right?").format(key=key, kind=kind)
    return _("unknown key '{key}'").format(key=key) + suggest(key, allowed)


def record_from_data(ruleset: ast.RuleSet, data: Any, lines: dict[Path_, int], path: str,
                     at: Path_ = ()) -> FactRecord:
    """Validate and type a record already read; ``at`` is where it stands in its file."""
    problems = _Problems(path, lines, at)
    kind = _kind_of(ruleset, data, problems)
    decls = ruleset.facts
    forms = Forms(path, lines, at)
    if isinstance(data, dict) and "facts" in data:
        own = {n: decls[n] for n in facts_for_kind(ruleset, kind)} if kind else decls
        data = {**data, "facts": forms.facts(data["facts"], own)}
    for where, message in forms.problems:
        problems.add(where, message)
    said = {where for where, _m in forms.problems}
    raw_facts = data.get("facts") if isinstance(data, dict) else None
    if isinstance(raw_facts, dict):
        for where, message in questionable_percents(decls, forms.explicit_percent, raw_facts):
            problems.add(where, message)
            said.add(where)
    validator, fast = _validator(ruleset, kind)
    errors = [] if fast is not None and fast(data) else validator.iter_errors(data)
    def special(where: Path_, leaf: Any) -> bool:
        if where in said:
            return True  # already said, with the fix
        if leaf.validator == "enum" and where == ("unit", "kind"):
            return True  # said once, by _kind_of
        if leaf.validator in ("minimum", "maximum") and where == ("year",):
            problems.add(where, _year_message(ruleset, data["year"]))
            return True
        return False

    _report(problems, errors,
            lambda key, allowed, where: _unknown_key(key, allowed, where, ruleset, kind), special)
    problems.raise_any()
    if kind is None:  # pragma: no cover - the schema refuses a record without a kind
        problems.add(("unit",), _("'kind' is missing"))
        problems.raise_any()
    facts = data.get("facts") or {}
    record = _build(ruleset, data, path, facts)
    recorded, wrong = read_recorded(ruleset, kind, data.get("recorded") or {}, lines,
                                    lambda item: evidence_text(ruleset, item))
    for where, message in wrong:
        problems.add(where, message)
    for where, message in assessment_problems(ruleset, kind, data):
        problems.add(where, message)
    for check, names, message in _failed_checks(ruleset, record):
        first = next((n for n in names if n in facts), None)
        problems.add(("facts", first) if first else ("facts",), message)
    problems.raise_any()
    record.recorded = recorded
    return record


def _year_message(ruleset: ast.RuleSet, year: Any) -> str:
    first, last = ruleset.years() or (None, None)
    number = ruleset.decision.number if ruleset.decision else "?"
    if last is None:
        span = _("from {first}").format(first=first)
    else:
        span = _("{first} to {last}").format(first=first, last=last)
    return _("Decision {decision} scores the years {span}, not {year}: score this record with "
             "the rules in force in {year}").format(decision=number, span=span, year=year)


def _build(ruleset: ast.RuleSet, data: dict[str, Any], path: str,
           facts: dict[str, Any]) -> FactRecord:
    decls = ruleset.facts
    values: dict[str, Any] = {}
    evidence: dict[str, list[str]] = {}
    reconstructed: dict[str, str] = {}
    for name, raw in facts.items():
        decl = decls[name]
        if isinstance(raw, dict):
            evidence[name] = [evidence_text(ruleset, e) for e in raw.get("evidence", [])]
            if "reconstructed" in raw:
                reconstructed[name] = raw["reconstructed"]
            raw = raw["value"]
        if decl.type == "list":
            items = []
            for i, item in enumerate(raw):
                key = f"{name}[{i + 1}]"
                if item.get("evidence"):
                    evidence[key] = [evidence_text(ruleset, e) for e in item["evidence"]]
                if item.get("reconstructed"):
                    reconstructed[key] = item["reconstructed"]
                items.append({f.name: _typed(item[f.name], f.type) for f in decl.fields})
            values[name] = items
        else:
            values[name] = _typed(raw, decl.type)
    said = data.get("published") or []
    published = []
    for statement in said if isinstance(said, list) else [said]:
        figures = dict(statement)
        source = figures.pop("source", None)
        published.append({**figures, **(place(ruleset, source) if source is not None else
                                         {"source": None, "document": None, "at": None})})
    return FactRecord(
        path=path, unit=Unit(**data["unit"]), year=data["year"], values=values,
        evidence=evidence, reconstructed=reconstructed,
        self_assessment={k: Decimal(str(v)) for k, v in
                         (data.get("self_assessment") or {}).items()},
        appraisal=[AppraisalRound(
            number=r["round"], date=str(r["date"]) if r.get("date") else None,
            points={k: Decimal(str(v)) for k, v in (r.get("points") or {}).items()},
            notes=dict(r.get("notes") or {})) for r in data.get("appraisal") or []],
        explanations=dict(data.get("explanations") or {}),
        published=published,
    )


def _first_place(e: ast.Expr, name: str) -> tuple[int, int]:
    """Where a fact's name first stands in an expression: a broken relation is reported at
    the fact written first (done ≤ total: at 'done')."""
    places = []

    def walk(x: Any) -> None:
        if isinstance(x, ast.Name) and x.name == name:
            places.append((x.span.line, x.span.column))
        for child in getattr(x, "__dataclass_fields__", {}):
            value = getattr(x, child)
            if hasattr(value, "__dataclass_fields__") and child != "span":
                walk(value)

    walk(e)
    return min(places, default=(0, 0))


def _failed_checks(ruleset: ast.RuleSet, record: FactRecord):
    """The declared relations between facts that this record breaks (skipping those whose
    facts it does not give)."""
    from dsl.tree import expr_names
    from engine.expr import Env, NotScorable, evaluate, render  # the evaluator reads records
    out = []
    for check in ruleset.checks:
        names = sorted(expr_names(check.condition), key=lambda n: _first_place(check.condition, n))
        if not all(n in record.values for n in names):
            continue
        env = Env(ruleset, record)
        try:
            holds = evaluate(check.condition, env, {})
            if not holds:
                out.append((check, names, render(check.because, env, {})))
        except NotScorable:
            continue
    return out
