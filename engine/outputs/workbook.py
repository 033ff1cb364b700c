"""The ranking tables as an Excel workbook (openpyxl): one sheet per group, then the mismatches.

Takes a ``Ranking``; gives the bytes of an .xlsx file: Vietnamese headers, numbers stored as
numbers (exact decimals written as their shortest float) shown with two decimals, a frozen
header row, columns wide enough for their text. The bytes depend only on the ranking: the
workbook's dates and the zip entries' times are fixed, so the same inputs give the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dsl.i18n import _
from engine.outputs.ranking import field_label, who
from engine.results.ranking import Ranking

FIXED = dt.datetime(2000, 1, 1)
TWO = "#,##0.00"


def _num(v: Decimal | None) -> float | None:
    return float(v) if v is not None else None


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(c for c in text if c not in "[]:*?/\\")[:28] or "Sheet"
    while title in used:
        title = title[:26] + f"{len(used)}"
    used.add(title)
    return title


def workbook_bytes(ranking: Ranking, stamp: dict | None = None) -> bytes:
    """The workbook; ``stamp``: on a sheet of its own."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    previous = any(row.previous for t in ranking.groups for row in t.rows)
    for t in ranking.groups:
        if not t.rows:
            continue
        ws = wb.create_sheet(_sheet_title(t.label, used))
        cols = [c.label for c in t.rows[0].result.columns]
        head = [_("Rank"), _("Unit"), *cols, _("Total"), _("Scale"), _("Index (%)")]
        if previous:
            head += [_("Previous index (%)"), _("Change")]
        ws.append(head)
        for row in t.rows:
            r = row.result
            values = [row.rank, r.name, *[_num(c.achieved) for c in r.columns],
                      _num(r.achieved) if r.complete else None, _num(r.max),
                      _num(r.index) if r.complete else None]
            if previous:
                values += [_num(row.previous.index) if row.previous else None, _num(row.change)]
            ws.append(values)
        if t.average is not None:
            ws.append([None, _("Average index: {average}%").format(average="").rstrip(": %"),
                       *[None] * (len(cols) + 2), _num(t.average)])
        _style(ws, len(head))
    for t in ranking.groups:
        comps = ranking.components.get(t.id)
        areas = [c for c in comps.areas if c.known] if comps else []
        if not t.rows or not areas:
            continue
        ws = wb.create_sheet(_sheet_title(_("Components") + " " + t.label, used))
        ws.append([_("Unit"), *[f"{c.id}. {c.title}" for c in areas]])
        for row in t.rows:
            uid = row.result.unit_id
            ws.append([row.result.name, *[_num(c.figures[uid].index) if uid in c.figures
                                          else None for c in areas]])
        ws.append([_("Average"), *[_num(c.average) for c in areas]])
        _style(ws, len(areas) + 1)
    ws = wb.create_sheet(_sheet_title(_("Mismatches"), used))
    ws.append([_("Unit"), _("Field"), _("Published"), _("Computed"), _("Note"), _("Document"),
               _("Place")])
    for m in ranking.mismatches:
        ws.append([who(ranking, m.unit), field_label(ranking, m.field), _num(m.published),
                   _num(m.computed), m.note, m.document or m.source, m.at])
    _style(ws, 7)
    if stamp is not None:
        from engine.stamp import token, words
        ws = wb.create_sheet(_sheet_title(_("Stamp"), used))
        ws.append([words(stamp)])
        ws.append([token(stamp)])
    wb.properties.created = wb.properties.modified = FIXED
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue())


def _style(ws, width: int) -> None:
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column in ws.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, float):
                cell.number_format = TWO
    for i, column in enumerate(ws.iter_cols(max_col=width), 1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(8, longest + 2))


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated the same: no clock in the bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()
