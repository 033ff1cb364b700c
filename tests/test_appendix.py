"""The criteria appendix made from the rules: the same rows as `cchc structure`, numbered as the
decisions number them, laid out as Nghị định 30/2020/NĐ-CP asks, filled with one unit's points."""

import io
import shutil
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from dsl.check import load_ruleset
from engine.facts import load_record
from engine.publishing.appendix import build, number_of, roman
from engine.publishing.make import appendix_bytes
from engine.structure import structure
from tests.test_cli import cchc

KINDS_2024 = ["so", "bql_kkt", "thanh_tra", "ban_dan_toc", "vp_ubnd", "so_ngoai_vu", "huyen"]


@pytest.fixture(scope="module")
def rs2024(root):
    return load_ruleset(str(root / "rules" / "2024"))


def _structure_rows(doc: dict) -> list[tuple[str, str, Decimal]]:
    rows = []

    def walk(n):
        rows.append((n["id"], n["title"], n["max"]))
        for c in n["subcriteria"]:
            walk(c)
    for a in doc["areas"]:
        rows.append((a["id"], a["title"], a["max"]))
        for c in a["items"]:
            walk(c)
    return rows


def _number(stt: str, node_id: str) -> bool:
    """STT as a decision writes it: I for area 1; 5 for criterion 3.5; 5.2 for 3.5.2."""
    if "." not in node_id:
        return stt == roman(int(node_id))
    return stt == node_id.split(".", 1)[1]


@pytest.mark.parametrize("kind", KINDS_2024)
def test_word_rows_match_the_structure_one_to_one(rs2024, kind):
    doc = Document(io.BytesIO(appendix_bytes(rs2024, kind, "docx", None)))
    (table,) = doc.tables
    body = [[c.text for c in r.cells] for r in table.rows[1:]]
    *rows, total = body
    expected = _structure_rows(structure(rs2024, kind))
    assert len(rows) == len(expected)
    for cells, (node_id, title, top) in zip(rows, expected):
        assert _number(cells[0], node_id), (cells[0], node_id)
        assert cells[1].split("\n")[0].removesuffix(" (*)") == title
        assert Decimal(cells[2].replace(".", "").replace(",", ".")) == top
        assert cells[3:8] == ["", "", "", "", ""]  # no unit: the score columns stay empty
    scale = rs2024.kind(kind).total
    assert total[1] == "Tổng cộng"
    assert Decimal(total[2].replace(",", ".")) == scale


def test_appendix_counts_are_the_published_counts(rs2024):
    # Quyết định năm 2024, mục II.1: Phụ lục 06 (districts): 8 areas, 52 criteria, 42 sub-criteria
    ap = build(rs2024, "huyen")
    depths = [r.depth for r in ap.rows]
    assert (depths.count(0), depths.count(1), depths.count(2)) == (8, 52, 42)
    ap = build(rs2024, "so")  # Phụ lục 01: 8 · 50 · 46
    depths = [r.depth for r in ap.rows]
    assert (depths.count(0), depths.count(1), depths.count(2)) == (8, 50, 46)


def test_word_layout(rs2024):
    doc = Document(io.BytesIO(appendix_bytes(rs2024, "huyen", "docx", None)))
    s = doc.sections[0]
    assert s.orientation == WD_ORIENT.LANDSCAPE
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (297, 210)
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert tuple(round(m.mm) for m in margins) == (20, 20, 30, 15)
    header = doc.tables[0].rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs}
    fonts |= {r.font.name for row in doc.tables[0].rows for c in row.cells
              for p in c.paragraphs for r in p.runs}
    assert fonts == {"Times New Roman"}
    heading = [p.text for p in doc.paragraphs[:3]]
    assert heading[1] == "Áp dụng đối với: UBND huyện, thành phố (Phụ lục 06)"
    assert heading[2] == ("(Kèm theo Quyết định số …/QĐ-UBND (2024) ngày 31/12/2024 của "
                          "UBND tỉnh Lai Châu)")


def test_guidance_survey_and_reconstruction_marks(rs2024):
    ap = build(rs2024, "huyen")
    by_id = {r.id: r for r in ap.rows}
    first = by_id["1.1.1"]
    assert first.guidance == "Ban hành kịp thời: 0,5 điểm; ban hành chậm: 0 điểm."
    assert first.reconstructed and "Tái dựng, căn cứ [1]" in "; ".join(first.notes)
    survey = [r for r in ap.rows if r.survey]
    assert survey and all("Đánh giá qua điều tra xã hội học" in r.notes for r in survey)
    assert not any("Đánh giá qua điều tra xã hội học" in r.notes for r in ap.rows
                   if not r.survey)
    assert ap.sources[1].startswith("Quyết định số 1726/QĐ-UBND ngày 29/12/2022")


def test_numbering():
    assert [roman(n) for n in (1, 4, 8, 9, 14)] == ["I", "IV", "VIII", "IX", "XIV"]


def test_number_of_a_scoped_node(rs2024):
    from dsl.tree import scoped_tree
    area3 = scoped_tree(rs2024, "huyen")[2]
    crit = area3.children[4]
    assert (number_of(area3), number_of(crit)) == ("III", crit.node.id.split(".", 1)[1])


def test_filled_for_muong_te(root, rs2022_dir="rules/2022"):
    rs = load_ruleset(str(root / rs2022_dir))
    record = load_record(rs, root / "facts" / "2022" / "huyen-muong-te.yaml")
    text = appendix_bytes(rs, "huyen", "md", record).decode()
    rows = {line.split(" | ")[0].strip("| *"): line.split(" | ") for line in text.splitlines()
            if line.startswith("| ")}
    # seed 003: areas 7,07/13,5 · 5/5 · 9,25/13,5 · 6,5/7,5 · 5,5/8 · 2,38/7 · 6,86/12,5 · 23,28/33
    want = {"I": "7,07", "II": "5,00", "III": "9,25", "IV": "6,50", "V": "5,50", "VI": "2,38",
            "VII": "6,86", "VIII": "23,28"}
    for stt, points in want.items():
        assert rows[stt][6].strip() == points, stt
    total = next(line for line in text.splitlines() if "Tổng cộng" in line).split(" | ")
    assert total[6].strip() == "65,84"  # seed 003: 65,84 points, index 65,84%
    assert total[7].strip() == "65,84%"
    assert "Điểm của đơn vị: UBND huyện Mường Tè" in text or "Mường Tè" in text


def test_html_escapes_rule_text(root, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(root / "rules" / "2024", rules)
    f = rules / "huyen.cchc"
    f.write_text(f.read_text("utf-8").replace(
        '"Ban hành Kế hoạch CCHC năm kịp thời"', '"<script>alert(1)</script> kịp thời"', 1),
        "utf-8")
    rs = load_ruleset(str(rules))
    page = appendix_bytes(rs, "huyen", "html", None).decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; kịp thời" in page
    md = appendix_bytes(rs, "huyen", "md", None).decode()
    assert "<script>" not in md


def test_same_appendix_same_bytes(rs2024):
    assert appendix_bytes(rs2024, "so", "docx", None) == appendix_bytes(rs2024, "so", "docx",
                                                                         None)


def test_cli(root, tmp_path):
    out = tmp_path / "pl06.docx"
    r = cchc("appendix", "rules/2024", "--kind", "huyen", "--format", "docx", "--out", str(out),
             cwd=root)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:2] == b"PK"
    r = cchc("appendix", "rules/2024", "--kind", "huyen", "--format", "docx", cwd=root)
    assert r.returncode == 2 and "--out" in r.stderr and "Traceback" not in r.stderr
    r = cchc("appendix", "rules/2022", "--kind", "so", "--facts",
             "facts/2022/huyen-muong-te.yaml", cwd=root)
    assert r.returncode == 1 and "--kind huyen" in r.stderr and "Traceback" not in r.stderr
    r = cchc("appendix", "rules/2024", "--kind", "xa", cwd=root)
    assert r.returncode == 2 and "xa" in r.stderr


def test_filled_with_points_recorded_as_a_whole(root):
    # Sở Nội vụ 2022: Biểu 01 records its appraisal points (60,31) and survey points (25,90) as
    # columns, index 86,21 (seed 000); areas 1-7 are inside the recorded appraisal column
    rs = load_ruleset(str(root / "rules" / "2022"))
    record = load_record(rs, root / "facts" / "2022" / "so-noi-vu.yaml")
    text = appendix_bytes(rs, "so", "md", record).decode()
    total = next(line for line in text.splitlines() if "Tổng cộng" in line).split(" | ")
    assert [c.strip() for c in total[4:8]] == ["60,31", "25,90", "86,21", "86,21%"]
    area1 = next(line for line in text.splitlines() if line.startswith("| **I** |"))
    assert "Tính trong Điểm thẩm định, ghi nhận theo tài liệu cho cả phần" in area1
