"""The criteria appendix as a Word document, laid out as Vietnamese administrative documents are.

Takes an ``Appendix``; gives the bytes of a .docx: A4 landscape, Times New Roman, the margins of
Nghị định 30/2020/NĐ-CP (top and bottom 20 mm, left 30 mm, right 15 mm), the title block in
13–14 pt, the table in 12 pt with its header repeated on every page and no row split across two
pages, numbers with a decimal comma. The same appendix gives the same bytes: the document's
dates are the decision's, and the archive's entries carry a fixed time.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from engine.publishing.appendix import Appendix, cells

FONT = "Times New Roman"
WIDTHS_MM = (12, 84, 17, 18, 19, 19, 20, 20, 43)  # 252 mm: A4 landscape less the margins
NUMERIC = range(2, 8)


def _font(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _cell_text(cell, text: str, size: float, bold: bool = False, align=None,
               guidance: str | None = None) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), size, bold)
    if guidance:
        g = cell.add_paragraph()
        g.paragraph_format.space_after = Pt(0)
        _font(g.add_run(guidance), size - 1, italic=True)


def _row_flags(row, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if header:
        mark = OxmlElement("w:tblHeader")
        mark.set(qn("w:val"), "true")
        tr_pr.append(mark)
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    tr_pr.append(keep)


def as_docx(ap: Appendix, when: tuple[int, int, int] = (2000, 1, 1),
            stamp: dict | None = None) -> bytes:
    """The appendix as .docx bytes; ``when``: the date written into the document's properties;
    ``stamp``: written in small type under the table."""
    import datetime as dt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    for i, line in enumerate(ap.heading):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run(line), 14 if i < 2 else 13, bold=i < 2, italic=i >= 2)
    for note in ap.notes:
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run(note), 12, italic=True)
    if ap.unit:
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        from dsl.i18n import _
        _font(p.add_run(_("Figures of: {unit}").format(unit=ap.unit)), 13, bold=True)

    table = doc.add_table(rows=1, cols=len(ap.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_MM):
        column.width = Mm(width)  # the grid: what LibreOffice and Word lay the table out by
    head = table.rows[0]
    _row_flags(head, header=True)
    for i, (cell, text) in enumerate(zip(head.cells, ap.columns)):
        cell.width = Mm(WIDTHS_MM[i])
        _cell_text(cell, text, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in ap.rows + [ap.total]:
        r = table.add_row()
        _row_flags(r, header=False)
        bold = row.depth <= 0
        for i, (cell, text) in enumerate(zip(r.cells, cells(row))):
            cell.width = Mm(WIDTHS_MM[i])
            align = (WD_ALIGN_PARAGRAPH.CENTER if i == 0 else
                     WD_ALIGN_PARAGRAPH.RIGHT if i in NUMERIC else None)
            _cell_text(cell, text, 11 if i == 8 else 12, bold=bold and i < 3, align=align,
                       guidance=row.guidance if i == 1 else None)
    if ap.sources:
        from dsl.i18n import _
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        _font(p.add_run(_("Documents the reconstructed rows are drawn from:")), 12, bold=True)
        for n, s in enumerate(ap.sources, 1):
            q = doc.add_paragraph()
            q.paragraph_format.space_after = Pt(0)
            _font(q.add_run(f"[{n}] {s}"), 11)

    if stamp is not None:
        from engine.stamp import token, words
        for text in (words(stamp), token(stamp)):
            p = doc.add_paragraph()
            p.paragraph_format.space_before = Pt(6)
            _font(p.add_run(text), 8)
    props = doc.core_properties
    props.title = " — ".join(ap.heading[:2])
    props.author = props.last_modified_by = "cchc"
    props.created = props.modified = dt.datetime(*when)
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _fixed_times(raw.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01, in the same order: same bytes for
    the same document."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
