"""Record templates: the YAML skeleton and the Excel form of one kind's record, filled in and read
back (issue 11 §4).

Both forms are filled with the same values (a district's, from the 2022 record of Mường Tè where
the 2024 rules read the same fact, plausible ones for the rest) and must give the same score;
a wrong cell of the form is reported with its sheet and cell; the bytes do not vary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from dsl.check import load_ruleset
from dsl.errors import CchcError, FactsError, UsageError
from dsl.tree import facts_for_kind
from engine.evaluate import score
from engine.facts import record_from_data
from engine.records.template import (
    FACTS_SHEET,
    UNIT_SHEET,
    fact_uses,
    list_sheets,
    template_xlsx,
    template_yaml,
)
from engine.records.xlsx_record import (
    load_xlsx,
    located,
    read_xlsx,
    read_xlsx_record,
    xlsx_places,
)
from engine.records.yamlio import MAX_BYTES, read_yaml

ROOT = Path(__file__).resolve().parent.parent
KIND = "huyen"
UNIT = {"id": "huyen-muong-te", "name": "UBND huyện Mường Tè", "kind": KIND}

# the facts of the 2024 rules for districts that the 2022 record of Mường Tè does not give
OTHERS = {
    "buu_chinh_cong_ich": True,
    "chi_so_cchc_xa_ban_hanh": True,
    "chi_so_cchc_xa_cong_bo": False,
    "co_thon_ban_phai_sap_xep": True,
    "co_xa_phai_sap_xep": False,
    "cong_khai_ngan_sach_dung_quy_dinh": True,
    "diem_xhh_tthc": 2.35,
    "don_vi_vuot_so_luong_cap_pho": 1,
    "hkd_tang": True,
    "htx_tang": False,
    "nguoi_lam_viec_dvsn_duoc_giao": 1210,
    "nguoi_lam_viec_dvsn_su_dung": 1187,
    "nv_de_an_06": 20,
    "nv_de_an_06_hoan_thanh": 17,
    "nv_pbgdpl": 15,
    "nv_pbgdpl_hoan_thanh": 15,
    "phan_cap_thuc_hien_day_du": True,
    "ra_soat_tthc_noi_bo": True,
    "sap_xep_dvhc_xa_dung_ke_hoach": True,
    "sap_xep_thon_ban_dung_quy_dinh": False,
    "tthc_co_quy_trinh_noi_bo": 298,
    "ty_le_diem_chi_so_phuc_vu": 81.42,
    "ty_le_diem_dti": 62.5,
    "ty_le_ho_so_csdl_cbccvc": 95.75,
    "van_de_kiem_tra_chua_xu_ly": 2,
    "vtvl_dieu_chinh_kip_thoi": True,
}
BY_TYPE = {"yesno": True, "count": 0, "number": 1, "percent": 50, "date": "2024-06-30",
           "text": "…", "list": []}
# one item more where Mường Tè's lists are empty, so that every list sheet is read
MORE_ITEMS = {
    "pakn_qua_han": [{"noi_dung": "Phản ánh về thủ tục cấp giấy chứng nhận quyền sử dụng đất",
                      "han": "2024-05-10", "ngay_xu_ly": "2024-05-20"}],
    "vb_trai_phap_luat": [{"so_hieu": "12/2024/QĐ-UBND", "da_xu_ly": True}],
}


@pytest.fixture(scope="module")
def rs():
    return load_ruleset(ROOT / "rules" / "2024")


def _plain(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


@pytest.fixture(scope="module")
def values(rs):
    """Every fact of a district's 2024 record: a value each (dates as YYYY-MM-DD)."""
    with open(ROOT / "facts" / "2022" / "huyen-muong-te.yaml", encoding="utf-8") as fh:
        muong_te = yaml.safe_load(fh)["facts"]
    out = {}
    for name in sorted(facts_for_kind(rs, KIND)):
        decl = rs.facts[name]
        if name in muong_te:
            raw = muong_te[name]
            raw = raw["value"] if isinstance(raw, dict) else raw
            if decl.type == "list":
                raw = [{f.name: _plain(item[f.name]) for f in decl.fields} for item in raw]
            out[name] = _plain(raw)
        else:  # a fact the rules gained since: a value of its type
            out[name] = OTHERS.get(name, BY_TYPE[decl.type])
    for name, items in MORE_ITEMS.items():
        assert out[name] == []
        out[name] = items
    return out


# ---- YAML -----------------------------------------------------------------------------------
def fill_yaml(text: str, unit: dict, values: dict) -> str:
    """The template with each empty value written in place (a list's example item replaced)."""
    out, section, skipping = [], None, False
    for line in text.splitlines():
        if skipping and line.startswith("    "):
            continue
        skipping = False
        top = re.match(r"^([a-z_]+):", line)
        if top:
            section = top[1]
        m = re.match(r"^  ([a-z_0-9]+):(\s*#.*)?$", line)
        if m and section == "unit" and m[1] in unit:
            line = f"  {m[1]}: {json.dumps(unit[m[1]], ensure_ascii=False)}"
        elif m and section == "facts" and m[1] in values:
            line = f"  {m[1]}: {json.dumps(values[m[1]], ensure_ascii=False)}"
            skipping = True
        out.append(line)
    return "\n".join(out) + "\n"


def test_yaml_template_names_every_fact_with_its_label_and_criteria(rs):
    text = template_yaml(rs, KIND)
    data = yaml.safe_load(text)
    names = facts_for_kind(rs, KIND)
    assert set(data["facts"]) == names
    assert data["unit"] == {"id": None, "name": None, "kind": KIND}
    assert data["year"] == rs.years()[0] == 2024
    scalars = {n for n in names if rs.facts[n].type != "list"}
    assert all(data["facts"][n] is None for n in scalars)  # left for a person to fill
    for use in fact_uses(rs, KIND):
        block = text.split(f"\n  {use.decl.name}:")[0].rsplit("\n\n", 1)[-1]
        assert use.decl.label in block
        assert all(c in block for c in use.criteria)
        if use.decl.type == "list":  # an example item, each field with its label
            item = data["facts"][use.decl.name]
            assert item == [{f.name: None for f in use.decl.fields}]
            for f in use.decl.fields:
                assert re.search(rf"^    (- |  ){f.name}: +# {re.escape(f.label)};", text, re.M)
    assert "86.75" in text and "YYYY-MM-DD" in text
    assert template_yaml(rs, KIND) == text


def test_yaml_template_filled_in_loads_and_scores(rs, values, tmp_path):
    path = tmp_path / "huyen-muong-te.yaml"
    path.write_text(fill_yaml(template_yaml(rs, KIND), UNIT, values), encoding="utf-8")
    data, lines = read_yaml(path)
    record = record_from_data(rs, data, lines, str(path))
    result = score(rs, record)
    assert result.complete
    assert Decimal(0) < result.achieved <= result.max


def test_unknown_kind_is_refused(rs):
    with pytest.raises(UsageError):
        template_yaml(rs, "xa")
    with pytest.raises(UsageError):
        template_xlsx(rs, "xa")


# ---- Excel ----------------------------------------------------------------------------------
def _cell_value(v, type_):
    if type_ == "yesno":
        return "có" if v else "không"
    if type_ == "date":
        return dt.date.fromisoformat(v)
    return v


def fill_xlsx(rs, unit: dict, values: dict, changes=None) -> bytes:
    """The Excel form filled in as a person would, with openpyxl; ``changes(wb, rows)`` edits
    it further (rows: each fact's row on the facts sheet)."""
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(rs, KIND)))
    ws = wb[UNIT_SHEET]
    for row in range(2, 6):
        code = ws.cell(row, 2).value
        if code in ("id", "name"):
            ws.cell(row, 3).value = unit[code]
    ws = wb[FACTS_SHEET]
    rows = {}
    for row in range(2, ws.max_row + 1):
        name = ws.cell(row, 1).value
        rows[name] = row
        ws.cell(row, 6).value = _cell_value(values[name], rs.facts[name].type)
    # the forms people type: a decimal comma, a cell formatted as a percentage
    ws.cell(rows["ty_le_van_ban_ky_so"], 6).value = "86,75"
    c = ws.cell(rows["ty_le_tthc_co_ho_so_truc_tuyen"], 6)
    c.value, c.number_format = 0.1071, "0.00%"
    ws.cell(rows["ho_so_tre_han"], 7).value = "Báo cáo số 12/BC-UBND\nHệ thống giải quyết TTHC"
    for name, title in list_sheets(rs, KIND).items():
        ws = wb[title]
        fields = [ws.cell(2, col).value for col in range(1, ws.max_column + 1)]
        types = {f.name: f.type for f in rs.facts[name].fields}
        for i, item in enumerate(values[name]):
            for col, field in enumerate(fields, 1):
                if field in item:
                    ws.cell(3 + i, col).value = _cell_value(item[field], types[field])
    if values["bao_cao_cchc"]:  # a date typed as text, the Vietnamese way
        ws = wb[list_sheets(rs, KIND)["bao_cao_cchc"]]
        d = dt.date.fromisoformat(values["bao_cao_cchc"][0]["ngay_gui"])
        ws.cell(3, 3).value = f"{d.day}/{d.month}/{d.year}"
    if changes:
        changes(wb, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _points(result):
    return [(n.id, n.achieved, n.applicable) for a in result.areas for n in a.walk()]


def test_xlsx_filled_in_scores_as_the_yaml_record(rs, values, tmp_path):
    path = tmp_path / "huyen-muong-te.yaml"
    path.write_text(fill_yaml(template_yaml(rs, KIND), UNIT, values), encoding="utf-8")
    data, lines = read_yaml(path)
    from_yaml = score(rs, record_from_data(rs, data, lines, str(path)))

    book = tmp_path / "ho-so.xlsx"
    book.write_bytes(fill_xlsx(rs, UNIT, values))
    data, lines = read_xlsx(book)
    assert all(isinstance(v, int) for v in lines.values())
    record = record_from_data(rs, data, lines, str(book))
    assert record.values["ty_le_van_ban_ky_so"] == Decimal("0.8675")
    assert record.values["ty_le_tthc_co_ho_so_truc_tuyen"] == Decimal("0.1071")
    assert record.evidence["ho_so_tre_han"] == ["Báo cáo số 12/BC-UBND",
                                                "Hệ thống giải quyết TTHC"]
    from_xlsx = score(rs, record)
    assert from_xlsx.complete
    assert from_xlsx.achieved == from_yaml.achieved
    assert from_xlsx.index == from_yaml.index
    assert _points(from_xlsx) == _points(from_yaml)
    assert score(rs, load_xlsx(rs, book)).achieved == from_yaml.achieved

    places = xlsx_places(book)
    assert places[("facts", "ho_so_tre_han")].startswith(f"{FACTS_SHEET}!F")
    assert places[("unit", "id")] == f"{UNIT_SHEET}!C2"
    title = list_sheets(rs, KIND)["bao_cao_cchc"]
    assert places[("facts", "bao_cao_cchc", 0, "han")] == f"{title}!B3"


def _wrong(rs, values, tmp_path, changes):
    book = tmp_path / "ho-so.xlsx"
    book.write_bytes(fill_xlsx(rs, UNIT, values, changes))
    data, lines = read_xlsx(book)
    with pytest.raises(FactsError) as caught:
        record_from_data(rs, data, lines, str(book))
    err = located(caught.value, xlsx_places(book))
    with pytest.raises(FactsError) as again:
        load_xlsx(rs, book)
    assert str(again.value) == str(err)
    return book, err


def test_text_in_a_number_cell_is_reported_at_its_cell(rs, values, tmp_path):
    where = {}

    def change(wb, rows):
        where["row"] = rows["ho_so_tre_han"]
        wb[FACTS_SHEET].cell(rows["ho_so_tre_han"], 6).value = "nhiều"

    book, err = _wrong(rs, values, tmp_path, change)
    (d,) = err.diagnostics
    assert d.where == f"{book}: {FACTS_SHEET}!F{where['row']}"
    assert "ho_so_tre_han" in d.message and "'nhiều'" in d.message
    assert str(err).startswith(f"{book}: {FACTS_SHEET}!F{where['row']}: ")
    assert f"{FACTS_SHEET}!F{where['row']}" in err.format_message()


def test_a_yes_no_cell_saying_maybe_is_reported_at_its_cell(rs, values, tmp_path):
    where = {}

    def change(wb, rows):
        where["row"] = rows["ke_hoach_cchc_kip_thoi"]
        wb[FACTS_SHEET].cell(rows["ke_hoach_cchc_kip_thoi"], 6).value = "maybe"
        wb[list_sheets(rs, KIND)["vb_trai_phap_luat"]]["B3"] = "maybe"

    book, err = _wrong(rs, values, tmp_path, change)
    wheres = [d.where for d in err.diagnostics]
    title = list_sheets(rs, KIND)["vb_trai_phap_luat"]
    assert wheres == [f"{book}: {FACTS_SHEET}!F{where['row']}", f"{book}: {title}!B3"]
    assert "'maybe'" in err.diagnostics[0].message


def test_xlsx_template_bytes_do_not_vary(rs):
    first = template_xlsx(rs, KIND)
    assert template_xlsx(rs, KIND) == first
    code = ("import hashlib, sys; from dsl.check import load_ruleset; "
            "from engine.records.template import template_xlsx as t; "
            "sys.stdout.write(hashlib.sha256(t(load_ruleset('rules/2024'), 'huyen')).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}, timeout=120, check=True)
    assert out.stdout == hashlib.sha256(first).hexdigest()
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_xlsx_labels_are_protected_and_yes_no_cells_offer_a_list(rs):
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(rs, KIND)))
    assert wb.security.lockStructure
    ws = wb[FACTS_SHEET]
    assert ws.protection.sheet
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert [dv.formula1 for dv in lists] == ['"có,không"']
    yes_no = lists[0].sqref
    numbers = {str(c) for dv in ws.data_validations.dataValidation
               if dv.type in ("whole", "decimal") for c in dv.sqref.ranges}
    for row in range(2, ws.max_row + 1):
        name = ws.cell(row, 1).value
        assert all(ws.cell(row, col).protection.locked for col in range(1, 6)), name
        assert not ws.cell(row, 6).protection.locked and not ws.cell(row, 7).protection.locked
        type_ = rs.facts[name].type
        assert (f"F{row}" in yes_no) == (type_ == "yesno"), name
        assert (f"F{row}" in numbers) == (type_ in ("number", "count", "percent")), name
    unit = wb[UNIT_SHEET]
    assert unit.protection.sheet and unit["A2"].protection.locked
    assert not unit["C2"].protection.locked and unit["C4"].value == KIND
    assert unit["C5"].value == 2024
    for name, title in list_sheets(rs, KIND).items():
        ws = wb[title]
        assert len(title) <= 31 and ws.protection.sheet
        fields = rs.facts[name].fields
        assert [ws.cell(1, i + 1).value for i in range(len(fields))] == [f.label for f in fields]
        assert [ws.cell(2, i + 1).value for i in range(len(fields))] == [f.name for f in fields]
        assert ws["A1"].protection.locked and ws["A2"].protection.locked
        assert not ws["A3"].protection.locked


# ---- hostile files --------------------------------------------------------------------------
def _refused(path) -> str:
    with pytest.raises(CchcError) as caught:
        read_xlsx(path)
    text = str(caught.value)
    assert text.startswith(str(path)) and "Traceback" not in text
    return text


def test_a_file_that_is_not_an_xlsx_is_refused(tmp_path):
    for i, content in enumerate([b"", b"unit: {id: x}\n", b"PK\x03\x04broken", b"\x00" * 4096]):
        path = tmp_path / f"{i}.xlsx"
        path.write_bytes(content)
        _refused(path)
    path = tmp_path / "no-workbook.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hello")
    _refused(path)
    path = tmp_path / "broken-workbook.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<not xml")
    _refused(path)
    _refused(tmp_path / "missing.xlsx")


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    assert "10" in _refused(path)


def test_a_workbook_without_the_forms_sheets_is_refused(rs, tmp_path):
    wb = openpyxl.Workbook()
    path = tmp_path / "other.xlsx"
    wb.save(path)
    assert FACTS_SHEET in _refused(path)
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(rs, KIND)))
    title = list_sheets(rs, KIND)["bao_cao_cchc"]
    del wb[title]
    path = tmp_path / "no-list.xlsx"
    wb.save(path)
    assert title in _refused(path)


def test_an_empty_form_reads_as_a_record_without_facts(rs, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(template_xlsx(rs, KIND))
    record = read_xlsx_record(path)
    lists = list_sheets(rs, KIND)
    assert record.data["facts"] == {name: [] for name in lists}
    assert record.data["unit"] == {"kind": KIND} and record.data["year"] == 2024
    with pytest.raises(FactsError) as caught:
        load_xlsx(rs, path)
    assert any(d.where == f"{path}: {UNIT_SHEET}!C2:C5" for d in caught.value.diagnostics)


def test_the_commands_take_a_filled_form(rs, values, tmp_path, root):
    """`cchc template … --format xlsx`, filled in, is scored by `cchc score` like the YAML record,
    `cchc validate` says it is valid, and a wrong cell is named by sheet and cell."""
    from tests.test_cli import cchc

    blank = tmp_path / "mau.xlsx"
    r = cchc("template", "rules/2024", "--kind", KIND, "--format", "xlsx", "--out", str(blank),
             cwd=root)
    assert r.returncode == 0, r.stderr
    assert blank.read_bytes() == template_xlsx(rs, KIND)
    yaml_path = tmp_path / "ho-so.yaml"
    yaml_path.write_text(fill_yaml(template_yaml(rs, KIND), UNIT, values), encoding="utf-8")
    book = tmp_path / "ho-so.xlsx"
    book.write_bytes(fill_xlsx(rs, UNIT, values))
    a = cchc("score", "rules/2024", str(yaml_path), "--json", cwd=root)
    b = cchc("score", "rules/2024", str(book), "--json", cwd=root)
    assert a.returncode == b.returncode == 0, b.stderr
    ua, ub = json.loads(a.stdout)["units"][0], json.loads(b.stdout)["units"][0]
    assert (ua["achieved"], ua["index"]) == (ub["achieved"], ub["index"])
    assert [(c["id"], c["achieved"]) for c in ua["criteria"]] == \
        [(c["id"], c["achieved"]) for c in ub["criteria"]]
    v = cchc("validate", "rules/2024", str(book), cwd=root)
    assert v.returncode == 0 and "hợp lệ" in v.stdout

    def change(wb, rows):
        wb[FACTS_SHEET].cell(rows["ho_so_tre_han"], 6).value = "nhiều"

    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(fill_xlsx(rs, UNIT, values, change))
    v = cchc("validate", "rules/2024", str(bad), cwd=root)
    assert v.returncode == 1 and f"{FACTS_SHEET}!F" in v.stderr and "Traceback" not in v.stderr
