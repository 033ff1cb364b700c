"""Blank fact records to fill in: a YAML skeleton and an Excel form, one kind of unit at a time.

Takes a rule set and a kind; gives the text of a YAML record with every fact the kind is scored
on left empty, each under comments that say what it is (its Vietnamese label), how to write it
(type, format, bounds, default) and which criteria read it; or the bytes of an .xlsx workbook
holding the same, as a form: a sheet for the unit, a sheet with one row per fact, and one sheet
per list. ``engine.records.xlsx_record`` reads such a workbook back as a record.

Both are deterministic: the same rules give the same text and the same bytes (the workbook's
dates and the zip entries' times are fixed).

The workbook's layout, which the reader relies on:

- ``Đơn vị``: column B the code (``id``, ``name``, ``kind``, ``year``), column C its value;
- ``Số liệu``: from row 2, column A the fact's name, F its value, G its evidence (one per line);
- one sheet per list fact: row 1 the fields' labels, row 2 their names (and ``evidence``), one
  item per row from row 3;
- ``_cchc`` (hidden): each fact's type and sheet, each list field's type.

Labels are protected (the sheets are locked, the cells to fill are not) and the sheets cannot be
renamed, removed or added (the workbook's structure is locked); neither has a password.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.errors import Diagnostic, UsageError
from dsl.i18n import N_, _
from dsl.tree import expr_names, facts_for_kind, rule_names, scoped_tree, template_names
from engine.records.schema import scalar_schema

UNIT_SHEET = "Đơn vị"
FACTS_SHEET = "Số liệu"
META_SHEET = "_cchc"
META_FORMAT = "cchc-template"
META_VERSION = 1
UNIT_CODES = ("id", "name", "kind", "year")
EVIDENCE = "evidence"
FACT_COLUMNS = 7  # A code, B label, C type, D bounds, E criteria, F value, G evidence
VALUE_COLUMN, EVIDENCE_COLUMN = 6, 7
LIST_FIRST_ROW = 3
LIST_ROWS = 100  # rows prepared (formats, validation) on each list sheet
SHEET_TITLE_MAX = 31
NUMERIC = ("number", "count", "percent")

TYPE_WORDS = {
    "number": N_("number"),
    "count": N_("count (a whole number)"),
    "percent": N_("percentage"),
    "yesno": N_("yes/no"),
    "date": N_("date"),
    "text": N_("text"),
    "list": N_("list"),
}
YAML_HINTS = {
    "number": N_("write 4.35 or \"4,35\""),
    "count": N_("write 51; with a thousands dot, in quotes: \"6.120\""),
    "percent": N_("write 86.75 for 86,75%"),
    "yesno": N_("write có or không"),
    "date": N_("write YYYY-MM-DD, e.g. 2024-08-25"),
    "text": N_("write the text in double quotes"),
    "list": N_("one item per line beginning with '-', with the fields below; no item: write []"),
}
XLSX_HINTS = {
    "number": N_("a number: 4,35"),
    "count": N_("a whole number: 51"),
    "percent": N_("the percentage itself: 86,75 for 86,75%"),
    "yesno": N_("choose có or không"),
    "date": N_("a date (or YYYY-MM-DD)"),
    "text": N_("a text"),
}


@dataclass(frozen=True)
class FactUse:
    """One fact of a kind's record, with where the kind's criteria read it."""

    decl: ast.FactDecl
    criteria: tuple[str, ...]  # the ids of the nodes that read it, in tree order
    area: ast.Node | None  # the area of the first of them; None: read only through a check
    related: tuple[str, ...]  # for a fact no criterion reads: the facts a check relates it to


def _kind(ruleset: ast.RuleSet, kind: str) -> ast.KindDecl:
    for k in ruleset.kinds:
        if k.name == kind:
            return k
    names = [k.name for k in ruleset.kinds]
    raise UsageError([Diagnostic(_("unknown kind '{kind}'; the rules declare: {kinds}").format(
        kind=kind, kinds=", ".join(names)), None)])


def fact_uses(ruleset: ast.RuleSet, kind: str) -> list[FactUse]:
    """Every fact ``kind`` is scored on, in the order of the criteria that first read them (then
    as declared), each with the ids of the criteria that read it."""
    _kind(ruleset, kind)
    names = facts_for_kind(ruleset, kind)
    readers: dict[str, list[str]] = {}
    first: dict[str, tuple[int, ast.Node]] = {}
    order = 0
    for area in scoped_tree(ruleset, kind):
        for s in area.walk():
            node = s.node
            read = expr_names(node.applies_if)
            for z in node.on_zero:
                read |= expr_names(z.denominator) | template_names(z.because)
            for rule in node.rules:
                read |= rule_names(rule)
            for name in sorted(read & names):
                readers.setdefault(name, []).append(node.id)
                first.setdefault(name, (order, area.node))
            order += 1

    def declared(name: str) -> tuple[int, str, int, int, str]:
        span = ruleset.facts[name].span
        at = first.get(name)
        return (at[0] if at else order, Path(span.path).name, span.line, span.column, name)

    out = []
    for name in sorted((n for n in names if n in ruleset.facts), key=declared):
        related: set[str] = set()
        if name not in readers:
            for c in ruleset.checks:
                read = expr_names(c.condition) | template_names(c.because)
                if name in read:
                    related |= read - {name}
        at = first.get(name)
        out.append(FactUse(ruleset.facts[name], tuple(readers.get(name, ())),
                           at[1] if at else None, tuple(sorted(related))))
    return out


# ---- words shared by both forms -------------------------------------------------------------
def _plain(value: Any) -> str:
    """A bound or a default as a record writes it (a percentage in percent, 86.75)."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value != value.to_integral_value() \
            else str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _bounds(type_: str, rng: ast.Range | None) -> tuple[Any, Any]:
    """The least and greatest value a record may give, in record units (as the schema)."""
    if type_ in NUMERIC:
        schema = scalar_schema(type_, rng)
        return schema.get("minimum"), schema.get("maximum")
    if rng is None:
        return None, None
    return (rng.low.value if rng.low else None), (rng.high.value if rng.high else None)


def bounds_text(type_: str, rng: ast.Range | None) -> str:
    low, high = _bounds(type_, rng)
    if low is not None and high is not None:
        return _("from {low} to {high}").format(low=_plain(low), high=_plain(high))
    if low is not None:
        return _("{low} or more").format(low=_plain(low))
    if high is not None:
        return _("at most {high}").format(high=_plain(high))
    return ""


def _default_text(decl: ast.FactDecl) -> str:
    if decl.default is None:
        return ""
    value = decl.default.value
    if decl.type == "percent" and isinstance(value, Decimal):
        value = value * 100
    return _plain(value)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _area_title(area: ast.Node | None) -> str:
    if area is None:
        return _("facts no criterion reads, checked with the facts above")
    return _one_line(f"{area.id}. {area.title}")


def _type_word(type_: str) -> str:
    return _(TYPE_WORDS.get(type_, type_))


# ---- YAML -----------------------------------------------------------------------------------
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _yaml_scalar(text: str) -> str:
    if _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def template_yaml(ruleset: ast.RuleSet, kind: str) -> str:
    """A fact record for ``kind`` to fill in: every fact it is scored on, empty, under comments
    saying what it is, how to write it and which criteria read it. Valid YAML as it stands."""
    k = _kind(ruleset, kind)
    years = ruleset.years()
    year = years[0] if years else ""
    decision = ruleset.decision.number if ruleset.decision else "?"
    out = [
        "# " + _("Fact record of {kind} ({name}), year {year}, scored by the rules of "
                 "{decision}").format(kind=_one_line(k.label), name=kind, year=year,
                                      decision=decision),
        "# " + _("Write each value after the colon of its fact; leave a fact empty while it is "
                 "not known (it is not read as 0)."),
        "# " + _("A value may carry its evidence: write 'value:' and 'evidence:' on the lines "
                 "under the fact (see docs/facts.md)."),
        "unit:",
        "  id:    # " + _("the unit's code: lower-case letters without accents, digits and '-'"),
        "  name:  # " + _("the unit's full name"),
        f"  kind: {_yaml_scalar(kind)}  # {_one_line(k.label)}",
        f"year: {year}".rstrip(),
        "facts:",
    ]
    area: object = False
    for use in fact_uses(ruleset, kind):
        out.append("")
        if use.area is not area:
            area = use.area
            out.append("  # ---- " + _area_title(use.area) + " ----")
        out += _yaml_fact(use)
    return "\n".join(out) + "\n"


def _yaml_fact(use: FactUse) -> list[str]:
    decl = use.decl
    lines = ["  # " + _one_line(decl.label)]
    lines.append("  #   " + _("type: {type}; {hint}").format(
        type=_type_word(decl.type), hint=_(YAML_HINTS[decl.type])))
    bounds = bounds_text(decl.type, decl.range) if decl.type != "list" else ""
    if bounds:
        lines.append("  #   " + _("allowed values: {bounds}").format(bounds=bounds))
    if decl.default is not None:
        lines.append("  #   " + _("when left empty: {value}").format(value=_default_text(decl)))
    lines.append("  #   " + _criteria_text(use))
    if decl.type != "list":
        return [*lines, f"  {decl.name}:"]
    lines.append(f"  {decl.name}:")
    width = max(len(f.name) for f in decl.fields) + 1 if decl.fields else 0
    for i, f in enumerate(decl.fields):
        lead = "    - " if i == 0 else "      "
        words = [_one_line(f.label), _type_word(f.type), _(YAML_HINTS[f.type])]
        bounds = bounds_text(f.type, f.range)
        if bounds:
            words.append(_("allowed values: {bounds}").format(bounds=bounds))
        lines.append(f"{lead}{(f.name + ':').ljust(width)}  # " + "; ".join(words))
    return lines


def _criteria_text(use: FactUse) -> str:
    if use.criteria:
        return _("read by criteria: {ids}").format(ids=", ".join(use.criteria))
    return _("read by no criterion; checked with: {names}").format(
        names=", ".join(use.related) or "—")


# ---- Excel ----------------------------------------------------------------------------------
def list_sheets(ruleset: ast.RuleSet, kind: str) -> dict[str, str]:
    """The sheet of each list fact of ``kind``'s workbook, by the fact's name."""
    used = {UNIT_SHEET.lower(), FACTS_SHEET.lower(), META_SHEET.lower()}
    out: dict[str, str] = {}
    for use in fact_uses(ruleset, kind):
        if use.decl.type != "list":
            continue
        title = re.sub(r"[\[\]:*?/\\']", "_", use.decl.name)[:SHEET_TITLE_MAX] or "list"
        n = 1
        while title.lower() in used:
            n += 1
            suffix = f"_{n}"
            title = title[:SHEET_TITLE_MAX - len(suffix)] + suffix
        used.add(title.lower())
        out[use.decl.name] = title
    return out


def _number_formats(type_: str) -> str:
    return {"count": "0", "date": "yyyy-mm-dd", "text": "@"}.get(type_, "General")


class _Validations:
    """One data validation per rule (type and bounds), holding every cell it applies to, made
    in the order cells ask for them (so the bytes do not vary)."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.made: dict[tuple[Any, ...], Any] = {}

    def add(self, cell: str, type_: str, rng: ast.Range | None) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        key, make = self._rule(type_, rng)
        if key is None:
            return
        dv = self.made.get(key)
        if dv is None:
            dv = self.made[key] = DataValidation(allow_blank=True, showErrorMessage=True,
                                                 errorTitle=_("Value not allowed"), **make)
            self.ws.add_data_validation(dv)
        dv.add(cell)

    @staticmethod
    def _rule(type_: str, rng: ast.Range | None) -> tuple[Any, dict[str, Any]]:
        if type_ == "yesno":
            return ("list",), {"type": "list", "formula1": '"có,không"',
                               "error": _("Choose có or không.")}
        if type_ == "date":
            low, high = _bounds(type_, rng)
            f1 = _excel_date(low) if isinstance(low, dt.date) else "DATE(1900,1,1)"
            f2 = _excel_date(high) if isinstance(high, dt.date) else "DATE(9999,12,31)"
            return ("date", f1, f2), {"type": "date", "operator": "between", "formula1": f1,
                                      "formula2": f2, "error": _("Write a date.")}
        if type_ not in NUMERIC:
            return None, {}
        low, high = _bounds(type_, rng)
        kind = "whole" if type_ == "count" else "decimal"
        bounds = bounds_text(type_, rng)
        error = (_("Write a whole number.") if type_ == "count" else _("Write a number."))
        if bounds:
            error += " " + _("Allowed values: {bounds}.").format(bounds=bounds)
        if low is not None and high is not None:
            spec = {"operator": "between", "formula1": _plain(low), "formula2": _plain(high)}
        elif low is not None:
            spec = {"operator": "greaterThanOrEqual", "formula1": _plain(low)}
        elif high is not None:
            spec = {"operator": "lessThanOrEqual", "formula1": _plain(high)}
        else:
            spec = {"operator": "between", "formula1": "-999999999999999",
                    "formula2": "999999999999999"}
        key = (kind, *sorted(spec.items()))
        return key, {"type": kind, "error": error, **spec}


def _excel_date(d: dt.date) -> str:
    return f"DATE({d.year},{d.month},{d.day})"


def template_xlsx(ruleset: ast.RuleSet, kind: str) -> bytes:
    """The record for ``kind`` as an Excel form to fill in (see the module's docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    from engine.outputs.workbook import FIXED, _fixed_zip

    k = _kind(ruleset, kind)
    uses = fact_uses(ruleset, kind)
    sheets = list_sheets(ruleset, kind)
    years = ruleset.years()
    first_year = years[0] if years else None
    decision = ruleset.decision.number if ruleset.decision else "?"

    bold = Font(bold=True)
    grey = Font(color="666666", italic=True)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    fill = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    locked, unlocked = Protection(locked=True), Protection(locked=False)

    def header(ws: Any, row: int, values: list[str], font: Any = bold) -> None:
        for col, text in enumerate(values, 1):
            c = ws.cell(row=row, column=col, value=text)
            c.font, c.alignment, c.protection = font, wrap, locked
            if font is bold:
                c.fill = head_fill

    def to_fill(c: Any, type_: str) -> None:
        c.protection, c.fill = unlocked, fill
        c.number_format = _number_formats(type_)
        c.alignment = wrap

    def protect(ws: Any) -> None:
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # widening a column stays possible
        ws.protection.formatRows = False

    wb = Workbook()
    # ---- the unit
    ws = wb.active
    ws.title = UNIT_SHEET
    header(ws, 1, [_("Item"), _("Code"), _("Value")])
    labels = {"id": _("Unit code (lower-case letters without accents, digits and '-')"),
              "name": _("Full name of the unit"),
              "kind": _("Kind of unit: {label}").format(label=_one_line(k.label)),
              "year": _("Year scored")}
    for row, code in enumerate(UNIT_CODES, 2):
        ws.cell(row=row, column=1, value=labels[code]).alignment = wrap
        ws.cell(row=row, column=2, value=code)
        c = ws.cell(row=row, column=3)
        to_fill(c, "text")
        if code == "kind":
            c.value, c.protection, c.fill = kind, locked, PatternFill()
        elif code == "year" and first_year is not None:
            c.value, c.number_format = first_year, "0"
            low, high = first_year, (years[1] if years and years[1] is not None else None)
            rng = {"operator": "between", "formula1": str(low), "formula2": str(high)} \
                if high is not None else {"operator": "greaterThanOrEqual",
                                          "formula1": str(low)}
            dv = DataValidation(type="whole", allow_blank=False, showErrorMessage=True,
                                errorTitle=_("Value not allowed"),
                                error=_("Write a year the rules score."), **rng)
            ws.add_data_validation(dv)
            dv.add(c.coordinate)
    notes = [
        _("Rules: {decision}. Kind of unit: {kind} ({name}).").format(
            decision=decision, kind=_one_line(k.label), name=kind),
        _("Fill in the yellow cells, here and on the sheet '{sheet}'; leave a cell empty while "
          "the fact is not known (it is not read as 0).").format(sheet=FACTS_SHEET),
        _("Yes/no: có or không. Dates: as dates (or YYYY-MM-DD). Percentages: the percentage "
          "itself, 86,75 for 86,75%."),
        _("Evidence: one document per line of the cell."),
    ]
    if sheets:
        notes.append(_("Each list has its own sheet, one item per row from row {row}; a list "
                       "sheet left empty means the list has no item:").format(row=LIST_FIRST_ROW))
        for use in uses:
            if use.decl.type == "list":
                notes.append(f"  {sheets[use.decl.name]}: {_one_line(use.decl.label)} ("
                             + _criteria_text(use) + ")")
    for i, text in enumerate(notes, len(UNIT_CODES) + 3):
        ws.cell(row=i, column=1, value=text).font = grey if i > len(UNIT_CODES) + 3 else bold
    ws.column_dimensions["A"].width = 70
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 40
    protect(ws)

    # ---- the scalar facts
    ws = wb.create_sheet(FACTS_SHEET)
    header(ws, 1, [_("Code"), _("Fact"), _("Type"), _("Allowed values"),
                   _("Read by criteria"), _("Value"), _("Evidence")])
    checks = _Validations(ws)
    row = 1
    for use in uses:
        decl = use.decl
        if decl.type == "list":
            continue
        row += 1
        kind_text = "; ".join([_type_word(decl.type), _(XLSX_HINTS[decl.type])])
        if decl.default is not None:
            kind_text += "; " + _("when left empty: {value}").format(value=_default_text(decl))
        values = [decl.name, _one_line(decl.label), kind_text, bounds_text(decl.type, decl.range),
                  ", ".join(use.criteria) or _criteria_text(use)]
        for col, value in enumerate(values, 1):
            c = ws.cell(row=row, column=col, value=value)
            c.alignment, c.protection = wrap, locked
        c = ws.cell(row=row, column=VALUE_COLUMN)
        to_fill(c, decl.type)
        checks.add(c.coordinate, decl.type, decl.range)
        to_fill(ws.cell(row=row, column=EVIDENCE_COLUMN), "text")
    for col, width in zip("ABCDEFG", (30, 50, 28, 16, 16, 18, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C2"
    protect(ws)

    # ---- one sheet per list
    for use in uses:
        decl = use.decl
        if decl.type != "list":
            continue
        ws = wb.create_sheet(sheets[decl.name])
        fields = list(decl.fields)
        header(ws, 1, [_one_line(f.label) for f in fields]
               + [_("Evidence")])
        header(ws, 2, [f.name for f in fields] + [EVIDENCE], font=grey)
        checks = _Validations(ws)
        for col, f in enumerate([*fields, None], 1):
            type_ = f.type if f is not None else "text"
            for r in range(LIST_FIRST_ROW, LIST_FIRST_ROW + LIST_ROWS):
                c = ws.cell(row=r, column=col)
                to_fill(c, type_)
                if f is not None:
                    checks.add(c.coordinate, f.type, f.range)
            letter = ws.cell(row=1, column=col).column_letter
            ws.column_dimensions[letter].width = 40 if type_ == "text" else 16
        ws.freeze_panes = f"A{LIST_FIRST_ROW}"
        protect(ws)

    # ---- what the reader needs
    ws = wb.create_sheet(META_SHEET)
    ws.append([META_FORMAT, META_VERSION, kind])
    for use in uses:
        decl = use.decl
        ws.append([decl.name, decl.type, sheets.get(decl.name, FACTS_SHEET)])
        for f in decl.fields:
            ws.append([f"{decl.name}.{f.name}", f.type, None])
    ws.sheet_state = "hidden"
    protect(ws)

    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = "cchc"
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue())
