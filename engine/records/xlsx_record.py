"""A fact record filled in on the Excel form of ``engine.records.template``, read back.

Takes an .xlsx file; gives the record's data shaped as ``read_yaml`` gives a YAML record's, so
that ``engine.facts.record_from_data`` validates it, plus where each value stands: a ``lines``
map whose numbers are the places' order, and a ``places`` map from each YAML path to its sheet
and cell (``Số liệu!F7``). ``located`` puts those cell names into a validation error, so that a
message reads ``ho-so.xlsx: Số liệu!F7: facts.ho_so_tre_han: …``.

Cells are read as a person means them: ``có``/``không`` (or TRUE/FALSE) for yes/no, a date cell
as YYYY-MM-DD, a number as the exact decimal it shows (86,75 stays 86.75; a cell formatted as a
percentage, 86,75%, is read as 86.75), a text as typed; an empty cell leaves its fact out. What
can only be read one way is converted here; the rest is left to the record's own checks, which
say what to write instead.

Bounded, whatever the file holds: a file over ``MAX_BYTES`` is refused before it is opened, and
so is an archive that unpacks to more than ``MAX_UNPACKED`` bytes, or a list of more than
``MAX_ROWS`` items; a file that is not an .xlsx, or not one made by ``template_xlsx``, is refused
with a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.errors import CchcError, Diagnostic, FactsError
from dsl.i18n import _
from engine.records.template import (
    EVIDENCE,
    EVIDENCE_COLUMN,
    FACT_COLUMNS,
    FACTS_SHEET,
    LIST_FIRST_ROW,
    META_FORMAT,
    META_SHEET,
    UNIT_CODES,
    UNIT_SHEET,
    VALUE_COLUMN,
)
from engine.records.yamlio import MAX_BYTES, MAX_DIGITS, Path_

MAX_UNPACKED = 50 * 1024 * 1024  # a filled form unpacks to a megabyte or two
MAX_ENTRIES = 1000  # files in the archive: a form has a few dozen
MAX_ROWS = 5000  # items of one list, rows of the facts sheet
MAX_COLUMNS = 100
EXCEL_ROWS = 1_048_576  # no sheet has more rows: a file that claims more is not read further
UNIT_ROWS = 20  # the unit's codes stand in the first rows of its sheet

Places = dict[Path_, str]


@dataclass(frozen=True)
class CellDiagnostic(Diagnostic):
    """A diagnostic whose place is a sheet and a cell (in ``path``: ``ho-so.xlsx: Số liệu!F7``),
    sorted in the order of the workbook rather than by the text of the cell's name."""

    file: str = ""
    order: int = 0

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or self.path, self.order, 0, self.message)


@dataclass
class XlsxRecord:
    """A workbook read as a record: ``data`` and ``lines`` for ``record_from_data``, ``places``
    for ``located``."""

    path: str
    data: dict[str, Any]
    lines: dict[Path_, int]
    places: Places

    def locate(self, err: CchcError) -> CchcError:
        return located(err, self.places)


def read_xlsx(file: str | Path) -> tuple[dict[str, Any], dict[Path_, int]]:
    """The record a filled-in form holds, as ``read_yaml`` gives a YAML record: (data, lines).
    Raises ``FactsError`` for a file that cannot be read as such a form."""
    record = read_xlsx_record(file)
    return record.data, record.lines


def xlsx_places(file: str | Path) -> Places:
    """Where each value of the form stands, by YAML path: ``("facts", "x") -> "Số liệu!F7"``."""
    return read_xlsx_record(file).places


def located(err: CchcError, places: Places) -> CchcError:
    """``err`` with each diagnostic placed at its sheet and cell, for a record read from a form
    (its lines are the order of ``places``, as ``read_xlsx`` numbers them)."""
    cells = list(places.values())
    out: list[Diagnostic] = []
    for d in err.diagnostics:
        if d.span is None and d.line is not None and 1 <= d.line <= len(cells) \
                and not isinstance(d, CellDiagnostic):
            out.append(CellDiagnostic(d.message, None, f"{d.path}: {cells[d.line - 1]}", None,
                                      file=d.path, order=d.line))
        else:
            out.append(d)
    try:
        new = type(err)(out)
    except TypeError:  # pragma: no cover - every error of the project takes its diagnostics
        new = FactsError(out)
    new.__dict__.update({k: v for k, v in err.__dict__.items() if k != "diagnostics"})
    return new


def load_xlsx(ruleset: ast.RuleSet, file: str | Path):
    """Read, validate and type a record filled in on the form; errors name sheets and cells."""
    from engine.facts import record_from_data  # engine.facts reads records: imported late

    record = read_xlsx_record(file)
    try:
        return record_from_data(ruleset, record.data, record.lines, record.path)
    except CchcError as err:
        raise record.locate(err) from None


# ---- reading ----------------------------------------------------------------------------------
class _Reader:
    def __init__(self, path: str):
        self.path = path
        self.lines: dict[Path_, int] = {}
        self.places: Places = {}
        self.problems: list[Diagnostic] = []

    def place(self, at: Path_, where: str) -> None:
        if at not in self.places:
            self.places[at] = where
            self.lines[at] = len(self.places)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(CellDiagnostic(message, None, f"{self.path}: {where}", None,
                                            file=self.path, order=len(self.problems)))

    def fail(self, message: str, where: str | None = None) -> FactsError:
        if where is None:
            return FactsError([Diagnostic(message, None, self.path)])
        return FactsError([CellDiagnostic(message, None, f"{self.path}: {where}", None,
                                          file=self.path)])


def read_xlsx_record(file: str | Path) -> XlsxRecord:
    """The form read as a record, with where each value stands (see the module's docstring).
    Raises ``FactsError`` for a file that cannot be read as such a form."""
    path = str(file)
    reader = _Reader(path)
    try:
        with open(file, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as err:
        raise reader.fail(_("cannot read the file: {reason}").format(
            reason=err.strerror)) from None
    if len(raw) > MAX_BYTES:
        raise reader.fail(_("the file is larger than {size} MB; a filled-in form is far smaller")
                          .format(size=MAX_BYTES // (1024 * 1024)))
    _check_archive(raw, reader)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of what it does not keep
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                data = _read_book(book, reader)
            finally:
                book.close()
    except CchcError:
        raise
    except Exception:  # noqa: BLE001 - whatever a broken archive makes openpyxl raise
        raise reader.fail(_("not an Excel workbook that can be read (.xlsx); open it in Excel "
                            "and save it again as an Excel workbook")) from None
    if reader.problems:
        raise FactsError(reader.problems)
    return XlsxRecord(path, data, reader.lines, reader.places)


def _check_archive(raw: bytes, reader: _Reader) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise reader.fail(_("not an Excel workbook (.xlsx): the file is not a zip archive; "
                            "save it from Excel as an Excel workbook (.xlsx), not .xls or "
                            ".csv")) from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise reader.fail(_("the workbook unpacks to more than {size} MB; a filled-in form is "
                            "far smaller").format(size=MAX_UNPACKED // (1024 * 1024)))
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise reader.fail(_("not an Excel workbook (.xlsx): the archive holds no workbook"))


def _rows(ws: Any, first: int, columns: int, reader: _Reader) -> Any:
    """(row number, cells) from row ``first``, at most ``MAX_ROWS`` rows holding a value."""
    ws.reset_dimensions()  # every row the sheet holds, whatever size its header claims
    for n, cells in enumerate(ws.iter_rows(min_row=first, max_col=columns), first):
        if n >= EXCEL_ROWS or n - first >= MAX_ROWS:
            if any(not _empty(c.value) for c in cells) or n >= EXCEL_ROWS:
                raise reader.fail(_("more than {n} rows; a form has far fewer").format(
                    n=MAX_ROWS), ws.title)
            continue
        yield n, cells


def _where(ws: Any, column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{ws.title}!{get_column_letter(column)}{row}"


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_book(book: Any, reader: _Reader) -> dict[str, Any]:
    names = list(book.sheetnames)
    missing = [s for s in (UNIT_SHEET, FACTS_SHEET, META_SHEET) if s not in names]
    if missing:
        raise reader.fail(_("the workbook has no sheet {sheets}: it is not a form made by "
                            "cchc, or a sheet was renamed or removed; start again from a new "
                            "form").format(sheets=", ".join(f"'{m}'" for m in missing)))
    types, list_sheets = _read_meta(book[META_SHEET], reader)
    absent = [s for s in list_sheets.values() if s not in names]
    if absent:
        raise reader.fail(_("the workbook has no sheet {sheets}: a list sheet of the form was "
                            "renamed or removed; start again from a new form").format(
                                sheets=", ".join(f"'{s}'" for s in absent)))
    data: dict[str, Any] = {}
    reader.place((), UNIT_SHEET)
    data["unit"], year = _read_unit(book[UNIT_SHEET], reader)
    if year is not None:
        data["year"] = year
    reader.place(("facts",), FACTS_SHEET)
    facts = _read_facts(book[FACTS_SHEET], types, reader)
    for name, title in list_sheets.items():
        if name in facts:
            reader.problem(title, _("list '{name}' is also given on the sheet '{sheet}'").format(
                name=name, sheet=FACTS_SHEET))
            continue
        facts[name] = _read_list(book[title], name, types, reader)
    data["facts"] = facts
    return data


def _read_meta(ws: Any, reader: _Reader) -> tuple[dict[str, str], dict[str, str]]:
    types: dict[str, str] = {}
    sheets: dict[str, str] = {}
    for n, cells in _rows(ws, 1, 3, reader):
        a, b, c = (cell.value for cell in cells) if len(cells) == 3 else (None, None, None)
        if n == 1:
            if a != META_FORMAT:
                raise reader.fail(_("the sheet '{sheet}' is not the one cchc makes in a form; "
                                    "start again from a new form").format(sheet=META_SHEET))
            continue
        if not isinstance(a, str) or not isinstance(b, str):
            continue
        types[a] = b
        if b == "list" and isinstance(c, str) and c:
            sheets[a] = c
    if not types:
        raise reader.fail(_("the sheet '{sheet}' is not the one cchc makes in a form; "
                            "start again from a new form").format(sheet=META_SHEET))
    return types, sheets


def _read_unit(ws: Any, reader: _Reader) -> tuple[dict[str, Any], Any]:
    unit: dict[str, Any] = {}
    year: Any = None
    reader.place(("unit",), f"{ws.title}!C2:C{len(UNIT_CODES) + 1}")
    seen: set[str] = set()
    for n, cells in _rows(ws, 2, 3, reader):
        if n > UNIT_ROWS:
            break
        code, value = cells[1].value, cells[2]
        if not isinstance(code, str) or code.strip() not in UNIT_CODES or code.strip() in seen:
            continue
        code = code.strip()
        seen.add(code)
        where = _where(ws, 3, n)
        at: Path_ = ("year",) if code == "year" else ("unit", code)
        reader.place(at, where)
        if _empty(value.value):
            continue
        if code == "year":
            year = _whole(value.value)
        else:
            unit[code] = _text(value.value)
    return unit, year


def _read_facts(ws: Any, types: dict[str, str], reader: _Reader) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for n, cells in _rows(ws, 2, FACT_COLUMNS, reader):
        if len(cells) < FACT_COLUMNS:
            continue
        code = cells[0].value
        value, evidence = cells[VALUE_COLUMN - 1], cells[EVIDENCE_COLUMN - 1]
        cell = _where(ws, VALUE_COLUMN, n)
        ev_cell = _where(ws, EVIDENCE_COLUMN, n)
        if _empty(code):
            if not _empty(value.value) or not _empty(evidence.value):
                reader.problem(cell if not _empty(value.value) else ev_cell, _(
                    "a value in a row that names no fact (column A is empty); write values only "
                    "in the rows of the form"))
            continue
        name = unicodedata.normalize("NFC", str(code).strip())
        at: Path_ = ("facts", name)
        if name in rows:
            reader.problem(f"{ws.title}!A{n}", _("fact '{name}' is given twice, in rows {first} "
                                                  "and {second}").format(
                                                      name=name, first=rows[name], second=n))
            continue
        rows[name] = n
        reader.place(at, cell)
        docs = _evidence(evidence.value)
        if _empty(value.value):
            if docs:
                reader.problem(cell, _("{name}: evidence is given but the value is empty; write "
                                       "the value, or clear the evidence").format(name=name))
            continue
        read = _cell(value, types.get(name))
        if docs:
            reader.place((*at, "value"), cell)
            reader.place((*at, "evidence"), ev_cell)
            for i in range(len(docs)):
                reader.place((*at, "evidence", i), ev_cell)
            facts[name] = {"value": read, "evidence": docs}
        else:
            facts[name] = read
    return facts


def _read_list(ws: Any, name: str, types: dict[str, str], reader: _Reader) -> list[Any]:
    reader.place(("facts", name), ws.title)
    codes: list[str | None] = []
    for _n, cells in _rows(ws, 2, MAX_COLUMNS, reader):
        codes = [unicodedata.normalize("NFC", c.value.strip()) if isinstance(c.value, str)
                 and c.value.strip() else None for c in cells]
        break
    while codes and codes[-1] is None:
        codes.pop()
    if not any(codes):
        raise reader.fail(_("row 2 of the sheet must name the list's fields, as in the form "
                            "cchc makes; start again from a new form"), ws.title)
    items: list[Any] = []
    for n, cells in _rows(ws, LIST_FIRST_ROW, len(codes), reader):
        filled = [(col, code, cell) for col, (code, cell)
                  in enumerate(zip(codes, cells, strict=False), 1) if not _empty(cell.value)]
        if not filled:
            continue
        at: Path_ = ("facts", name, len(items))
        reader.place(at, f"{ws.title}!A{n}")
        item: dict[str, Any] = {}
        for col, code, cell in filled:
            where = _where(ws, col, n)
            if code is None:
                reader.problem(where, _("a value in a column that names no field (row 2 is "
                                        "empty); write values only in the columns of the form"))
                continue
            reader.place((*at, code), where)
            if code == EVIDENCE:
                docs = _evidence(cell.value)
                for i in range(len(docs)):
                    reader.place((*at, code, i), where)
                item[code] = docs
            else:
                item[code] = _cell(cell, types.get(f"{name}.{code}"))
        items.append(item)
    return items


# ---- values -----------------------------------------------------------------------------------
def _evidence(value: Any) -> list[str]:
    if _empty(value):
        return []
    return [line.strip() for line in _text(value).splitlines() if line.strip()]


def _number(value: Any) -> Any:
    """A number cell as the exact decimal it shows (an integral one as an int), as YAML reads
    the same figure; a value no record holds (infinite, too long) as its text."""
    if isinstance(value, int):
        return value if len(str(value)) <= MAX_DIGITS else str(value)
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    if not d.is_finite():
        return str(value)
    if d == d.to_integral_value() and abs(d) < Decimal(10) ** MAX_DIGITS:
        return int(d)
    return d.normalize()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        n = _number(value)
        return f"{n:f}" if isinstance(n, Decimal) else str(n)
    return unicodedata.normalize("NFC", str(value)).strip()


def _whole(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    text = _text(value)
    return int(text) if text.isdigit() and len(text) <= MAX_DIGITS else text


def _cell(cell: Any, type_: str | None) -> Any:
    """One cell's value, read as its fact's type asks where it can only mean one thing."""
    value = cell.value
    if isinstance(value, str):
        return _text(value)  # có, 86,75%, 25/8/2022, 6.120: read with the record's own forms
    if isinstance(value, bool):
        return value if type_ in ("yesno", None) else _text(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return _text(value)  # a date as YYYY-MM-DD; in a number's cell, refused as not a number
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        if type_ in ("text", "date", "yesno"):
            return _text(value)  # refused (date, yes/no) or kept (text) as what the cell shows
        number = _number(value)
        if type_ == "percent" and "%" in str(getattr(cell, "number_format", "") or ""):
            number = _number(Decimal(repr(value)) * 100 if isinstance(value, float)
                             else Decimal(value) * 100)
        return number
    return _text(value)

