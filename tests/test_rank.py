"""`cchc rank` over the 28 units of 2022 against the published tables (Biểu 01, 2, 03, 4 of the
appraisal council's report on the 2022 index). Expected values are read from those tables; the
disagreements listed are worked out by hand from them."""

from __future__ import annotations

import json

from tests.test_cli import cchc

BIEU_01 = ["so-noi-vu", "so-tai-chinh", "so-khoa-hoc-cong-nghe", "so-cong-thuong",
           "so-ke-hoach-dau-tu", "so-thong-tin-truyen-thong", "so-tu-phap", "so-nong-nghiep-ptnt",
           "so-lao-dong-tbxh", "so-giao-duc-dao-tao", "so-giao-thong-van-tai", "so-xay-dung",
           "so-tai-nguyen-moi-truong", "so-y-te", "so-van-hoa-the-thao-du-lich"]
DAC_THU = ["so-ngoai-vu", "van-phong-ubnd-tinh", "ban-quan-ly-kkt", "thanh-tra-tinh",
           "ban-dan-toc"]
BIEU_03 = ["huyen-than-uyen", "huyen-phong-tho", "huyen-tam-duong", "thanh-pho-lai-chau",
           "huyen-nam-nhun", "huyen-tan-uyen", "huyen-muong-te", "huyen-sin-ho"]


def _run(root):
    r = cchc("rank", "rules/2022", "facts/2022", "--previous", "facts/2021", "--format", "json",
             cwd=root)
    assert r.returncode == 0, r.stderr
    return r.stdout, json.loads(r.stdout)


def test_groups_and_ranks_are_the_published_ones(root):
    _, doc = _run(root)
    groups = {g["name"]: g for g in doc["groups"]}
    assert list(groups) == ["so", "dac_thu", "huyen"]
    for name, order in (("so", BIEU_01), ("dac_thu", DAC_THU), ("huyen", BIEU_03)):
        units = groups[name]["units"]
        assert [u["id"] for u in units] == order
        assert [u["rank"] for u in units] == list(range(1, len(order) + 1))
        assert all(u["recorded"] for u in units if u["id"] != "huyen-muong-te")
    # scales of Biểu 01 for the special units: 69, 65, 64, 74, 74
    assert [u["max"] for u in groups["dac_thu"]["units"]] == [69, 65, 64, 74, 74]
    # "Chỉ số trung bình của các sở, ngành đạt 77,45%"
    assert round(groups["so"]["average"], 2) == 77.45


def test_previous_year_and_changes_as_in_bieu_2_and_4(root):
    _, doc = _run(root)
    huyen = {u["id"]: u for u in next(g for g in doc["groups"] if g["name"] == "huyen")["units"]}
    assert (huyen["huyen-phong-tho"]["previous_index"], huyen["huyen-phong-tho"]["change"]) == (
        69.19, 2.91)
    assert (huyen["huyen-sin-ho"]["previous_index"], huyen["huyen-sin-ho"]["change"]) == (
        62.28, -2.66)
    # "Có 5/8 huyện, thành phố chỉ số tăng … 3/8 đơn vị có chỉ số giảm"
    assert sum(u["change"] > 0 for u in huyen.values()) == 5
    assert sum(u["change"] < 0 for u in huyen.values()) == 3
    # "Có 5/20 đơn vị có chỉ số tăng so với năm 2021"
    twenty = [u for g in doc["groups"] if g["name"] != "huyen" for u in g["units"]]
    assert len(twenty) == 20 and sum(u["change"] > 0 for u in twenty) == 5


B2, B4 = "Biểu 2, mục I, dòng", "Biểu 4, dòng"
MT = "mục I.2, Biểu so sánh Chỉ số cải cách hành chính (PAR INDEX) năm 2022 và năm 2021"


def test_every_disagreement_with_the_published_tables_is_listed_with_both_values(root):
    _, doc = _run(root)
    got = {(m["unit"], m["field"], m["at"]): (m["published"], m["computed"])
           for m in doc["mismatches"]}
    assert got == {
        # Biểu 01 prints 25,74 + 58,912 but a total of 84,66; Biểu 2 and the text (B.I.1)
        # repeat 84,66 and its change 84,66 - 82,97 = 1,69 (from 84,65: 1,68)
        ("so-tai-chinh", "total", "Biểu 01, mục I, dòng 2"): (84.66, 84.652),
        ("so-tai-chinh", "index", "Biểu 01, mục I, dòng 2"): (84.66, 84.65),
        ("so-tai-chinh", "index", f"{B2} 2"): (84.66, 84.65),
        ("so-tai-chinh", "change", f"{B2} 2"): (1.69, 1.68),
        ("so-tai-chinh", "change", "mục B.I.1"): (1.69, 1.68),
        # Biểu 2 prints 81,50 for Sở KH&ĐT, Biểu 01 81,49; 81,50 - 84,75 = -3,25
        ("so-ke-hoach-dau-tu", "index", f"{B2} 5"): (81.5, 81.49),
        ("so-ke-hoach-dau-tu", "change", f"{B2} 5"): (-3.25, -3.26),
        # B.I.1: "Văn phòng UBND tỉnh, tăng 10,71%" (Biểu 2: 81,34 - 81,72 = -0,38) and
        # "Sở Giao thông vận tải tăng 0,04%" (75,76 - 75,69 = 0,07)
        ("van-phong-ubnd-tinh", "change", "mục B.I.1"): (10.71, -0.38),
        ("so-giao-thong-van-tai", "change", "mục B.I.1"): (0.04, 0.07),
        # 49,95 / 64 = 78,046875…%, which rounds to 78,05, printed 78,04 (and 78,04 - 67,33)
        ("ban-quan-ly-kkt", "index", "Biểu 01, mục II, dòng 3"): (78.04, 78.05),
        ("ban-quan-ly-kkt", "index", "Biểu 2, mục II, dòng 3"): (78.04, 78.05),
        ("ban-quan-ly-kkt", "change", "Biểu 2, mục II, dòng 3"): (10.71, 10.72),
        # Biểu 03 prints 23,91 + 45,81 but a total of 69,71; 69,71 - 69,31 = 0,40
        ("huyen-tan-uyen", "total", "Biểu 03, dòng 6"): (69.71, 69.72),
        ("huyen-tan-uyen", "index", "Biểu 03, dòng 6"): (69.71, 69.72),
        ("huyen-tan-uyen", "index", f"{B4} 6"): (69.71, 69.72),
        ("huyen-tan-uyen", "change", f"{B4} 6"): (0.4, 0.41),
        ("huyen-tan-uyen", "change", "mục B.I.2"): (0.4, 0.41),
        # B.I.2: "Huyện Sìn Hồ … 59,34% (giảm 2,94%…)"; Biểu 03: 59,62, Biểu 4: -2,66
        ("huyen-sin-ho", "index", "mục B.I.2"): (59.34, 59.62),
        ("huyen-sin-ho", "change", "mục B.I.2"): (-2.94, -2.66),
        # Area 8 is the "Điểm đánh giá tác động" column over the area's maximum (30 for a
        # department, 19 for Ban Dân tộc, 33 for a district): 25,90/30 = 86,33; 25,74/30 = 85,80;
        # 21,54/30 = 71,80; 12,15/19 = 63,947…; 26,50/33 = 80,303…; 22,39/33 = 67,848…
        ("so-noi-vu", "areas.8.index", "mục B.II.8"): (86.34, 86.33),
        ("so-tai-chinh", "areas.8.index", "mục B.II.8"): (85.84, 85.8),
        ("so-cong-thuong", "areas.8.index", "mục B.II.8"): (71.84, 71.8),
        ("ban-dan-toc", "areas.8.index", "mục B.II.8"): (63.94, 63.95),
        ("huyen-than-uyen", "areas.8.index", "mục B.III.8"): (80.35, 80.3),
        ("huyen-sin-ho", "areas.8.index", "mục B.III.8"): (67.91, 67.85),
        # Mường Tè, 2022 against 2021 (its report, mục I.2): 2021 5,5/6 = 91,67% printed 91,6;
        # 4,75/6,5 = 73,08% printed 73,07; the changes it prints are differences of those printed
        # figures (100 - 91,6; 68,5 - 53,57; 86,67 - 85,7; 68,75 - 73,07), not of the points:
        # 100 - 91,67 = 8,33; 68,52 - 53,57 = 14,95; 86,67 - 85,71 = 0,96; 68,75 - 73,08 = -4,33
        ("huyen-muong-te", "areas.2.change", MT): (8.4, 8.33),
        ("huyen-muong-te", "areas.3.change", MT): (14.93, 14.95),
        ("huyen-muong-te", "areas.4.change", MT): (0.97, 0.96),
        ("huyen-muong-te", "areas.5.change", MT): (-4.32, -4.33),
        ("huyen-muong-te", "previous.areas.2.index", MT): (91.6, 91.67),
        ("huyen-muong-te", "previous.areas.5.index", MT): (73.07, 73.08),
        # the council's text: 6,86/12,5 = 54,88 against 9,59/12 = 79,92 is -25,04, not -25,09;
        # 23,28/33 = 70,55 against 22,08/33 = 66,91 is +3,64, not +3,66
        ("huyen-muong-te", "areas.7.change", "mục B.III.7"): (-25.09, -25.04),
        ("huyen-muong-te", "areas.8.change", "mục B.III.8"): (3.66, 3.64),
        # Biểu 4 prints 65,41 for 2021; the district's own report prints 65,42 (mục I.1), and
        # its "tăng 0,42 điểm" (mục I.2) is 65,84 - 65,42
        ("huyen-muong-te", "previous_index", "mục I.1"): (65.42, 65.41),
        ("huyen-muong-te", "change", "mục I.2"): (0.42, 0.43),
        # Averages. 15 departments: 77,45 now (agrees), 81,68 in 2021 (Biểu 2): -4,23, printed
        # -3,59. Districts: (77,16 + 72,10 + 72,07 + 72,04 + 70,06 + 69,72 + 65,84 + 59,62)/8
        # = 69,83, printed 69,78; 69,83 - 69,94 (2021, Biểu 4) = -0,11, printed -0,16.
        ("so", "change", "mục B.I.1"): (-3.59, -4.23),
        ("huyen", "average", "mục B.I.2"): (69.78, 69.83),
        ("huyen", "change", "mục B.I.2"): (-0.16, -0.11),
        # Area 8 averages: departments 78,53 (agrees); special units (74,05 + 79,35 + 71,88 +
        # 74,35 + 63,95)/5 = 72,72, printed 75,14; all 20 = 77,08, printed 76,84 = the mean of
        # the two printed averages; districts 73,20, printed 73,01
        ("dac_thu", "areas.8.average", "mục B.II.8"): (75.14, 72.72),
        ("so+dac_thu", "areas.8.average", "mục B.II.8"): (76.84, 77.08),
        ("huyen", "areas.8.average", "mục B.III.8"): (73.01, 73.2),
        # two places of the council's report print different averages (nothing to compute)
        ("so+dac_thu", "areas.7.average", "mục B.II.7"): (65.54, None),  # B.I.1: 63,25
        ("huyen", "areas.2.average", "mục B.III.2"): (95.57, None),  # B.I.2: 95,75
    }
    notes = {(m["unit"], m["field"], m["at"]): m["note"] for m in doc["mismatches"]}
    assert "78,53; 75,14" in notes[("so+dac_thu", "areas.8.average", "mục B.II.8")]
    assert "91,6%" in notes[("huyen-muong-te", "areas.2.change", MT)]
    assert "63,25" in notes[("so+dac_thu", "areas.7.average", "mục B.II.7")]


def test_component_indices_leave_out_units_not_scored_and_average_only_what_is_known(root):
    _, doc = _run(root)
    groups = {g["name"]: g for g in doc["groups"]}
    huyen = {a["id"]: a for a in groups["huyen"]["areas"]}
    muong_te = {a: next(u for u in huyen[a]["units"] if u["id"] == "huyen-muong-te")
                for a in huyen}
    # Mường Tè's report, mục I.2: 52,37 · 100 · 68,5 (9,25/13,5) · 86,67 · 68,75 · 34,0 ·
    # 54,9 (6,86/12,5) · 70,55, and the change from 2021 of area 1: 52,37 - 7/14 = +2,37
    assert [muong_te[a]["index"] for a in "12345678"] == [
        52.37, 100, 68.52, 86.67, 68.75, 34, 54.88, 70.55]
    assert muong_te["1"]["change"] == 2.37
    # only Mường Tè has areas 1-7: no district average for them; area 8 for all 8 districts
    assert [huyen[a]["average"] for a in "12345678"] == [None] * 7 + [73.2]
    so8 = {a["id"]: a for a in groups["so"]["areas"]}["8"]
    assert so8["average"] == 78.53  # B.II.8: "chỉ số trung bình của 15 sở đạt 78,53%"
    # a criterion's share across the units whose records score it: Mường Tè alone, 1 of 8
    share = {c["id"]: c for c in groups["huyen"]["criteria"]}
    assert (share["1.2"]["share"], share["1.2"]["units"], share["1.2"]["applies_to"]) == (0, 1, 8)
    assert share["7.2"]["share"] == 95.67  # 5,74 of 6 points (lost 0,26 on 7.2)
    # figures the records cannot check are listed, not dropped: Sở Nội vụ's area 1 (92,59%)
    assert any(u["unit"] == "so-noi-vu" and u["field"] == "areas.1.index"
               and u["published"] == 92.59 for u in doc["unchecked"])


def test_not_applicable_area_is_marked_and_left_out(root):
    # Ban Quản lý Khu kinh tế tỉnh is not scored on area 2 (B.II.2, footnote 6)
    _, doc = _run(root)
    group = next(g for g in doc["groups"] if g["name"] == "dac_thu")
    dac_thu = {a["id"]: a for a in group["areas"]}
    bql = next(u for u in dac_thu["2"]["units"] if u["id"] == "ban-quan-ly-kkt")
    assert bql["applicable"] is False and bql["index"] is None


def test_the_run_is_deterministic_and_the_text_is_vietnamese(root):
    first, _ = _run(root)
    second, _ = _run(root)
    assert first == second
    t = cchc("rank", "rules/2022", "facts/2022", "--previous", "facts/2021", cwd=root)
    assert t.returncode == 0
    assert t.stderr == ""  # 28 records, but stderr is not a terminal: no progress display
    assert "Chỉ số trung bình: 77,45%" in t.stdout
    assert "So với năm trước: 5 đơn vị tăng, 3 đơn vị giảm" in t.stdout
    assert "UBND huyện Tân Uyên, Tổng điểm: công bố 69,71, tính được 69,72" in t.stdout
    assert "Chỉ số thành phần (%): UBND các huyện, thành phố" in t.stdout


def test_workbook_and_charts_are_written_whole_readable_and_the_same_twice(root, tmp_path):
    import os

    from openpyxl import load_workbook

    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        r = cchc("rank", "rules/2022", "facts/2022", "--previous", "facts/2021", "--format",
                 "xlsx", "--out", str(out), cwd=root)
        assert r.returncode == 0, r.stderr
        outs.append(out)
    names = sorted(p.name for p in outs[0].iterdir())
    # the index per group, and area 8 per group (the only area known for every unit)
    assert names == ["chi-so-dac_thu.png", "chi-so-dac_thu.svg", "chi-so-huyen.png",
                     "chi-so-huyen.svg", "chi-so-so.png", "chi-so-so.svg",
                     "chi-so-thanh-phan-dac_thu-8.png", "chi-so-thanh-phan-dac_thu-8.svg",
                     "chi-so-thanh-phan-huyen-8.png", "chi-so-thanh-phan-huyen-8.svg",
                     "chi-so-thanh-phan-so-8.png", "chi-so-thanh-phan-so-8.svg", "xep-hang.xlsx"]
    for n in names:  # same inputs, same bytes; no temporary file left; normal permissions
        assert (outs[0] / n).read_bytes() == (outs[1] / n).read_bytes(), n
        assert (outs[0] / n).stat().st_mode & 0o777 == 0o666 & ~_umask(os), n
    wb = load_workbook(outs[0] / "xep-hang.xlsx")
    assert wb.sheetnames[:3] == ["Các sở, ban, ngành tỉnh", "Các đơn vị đặc thù",
                                 "UBND các huyện, thành phố"]
    assert wb.sheetnames[-2:] == ["Số liệu không khớp", "Dấu xác thực"]
    assert len(wb.sheetnames) == 8
    ws = wb["Các sở, ban, ngành tỉnh"]
    assert [c.value for c in ws[1]][:2] == ["Hạng", "Đơn vị"] and ws.freeze_panes == "A2"
    first = [c.value for c in ws[2]]
    assert first[:2] == [1, "Sở Nội vụ"]
    assert isinstance(first[-3], float) and first[-3] == 86.21  # the index, a number
    assert ws.cell(row=2, column=len(first) - 2).number_format == "#,##0.00"
    assert ws.max_row == 1 + 15 + 1  # header, 15 departments, the average
    assert wb["Số liệu không khớp"].max_row == 1 + 43
    comp = wb[wb.sheetnames[5]]  # the districts' component indices: 8 areas, 8 rows, average
    assert comp.max_row == 1 + 8 + 1 and comp.max_column == 1 + 8
    assert comp.cell(row=2 + 8, column=9).value == 73.2
    svg = (outs[0] / "chi-so-so.svg").read_text("utf-8")
    assert svg.startswith("<?xml") and "<dc:date>" not in svg


def _umask(os) -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_xlsx_without_a_folder_is_a_usage_error(root):
    r = cchc("rank", "rules/2022", "facts/2022", "--format", "xlsx", cwd=root)
    assert r.returncode == 2 and "--out" in r.stderr and "Traceback" not in r.stderr


def test_markdown_tables(root):
    r = cchc("rank", "rules/2022", "facts/2022", "--previous", "facts/2021", "--format", "md",
             cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# Kết quả Chỉ số cải cách hành chính\n")
    assert "| 1 | Sở Nội vụ | 25,90 | 60,31 | 86,21 | 100 | 86,21 | 84,68 | 1,53 |" in r.stdout
    assert "## Chỉ số thành phần (%): UBND các huyện, thành phố" in r.stdout


def _province(tmp_path, root, figures: str):
    folder = tmp_path / "facts"
    folder.mkdir()
    for p in (root / "facts/2022").glob("huyen-*.yaml"):
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "tong-hop.yaml").write_text("year: 2022\nfigures:\n" + figures, "utf-8")
    return cchc("rank", "rules/2022", str(folder), "--format", "json", cwd=root)


def test_a_province_figure_naming_an_unknown_group_is_located_with_a_suggestion(root, tmp_path):
    r = _province(tmp_path, root, "  - source: {cite: bc_hdtd_2022, at: x}\n"
                                  "    groups: [huyne]\n    average: 70\n")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "tong-hop.yaml:4" in r.stderr and "figures[1].groups[1]" in r.stderr
    assert "huyen" in r.stderr  # the suggestion


def test_a_province_figure_is_checked_against_the_records_it_covers(root, tmp_path):
    # 7 districts (Than Uyên, Phong Thổ, Tam Đường, Nậm Nhùn, Tân Uyên, Mường Tè, Sìn Hồ;
    # not Thành phố Lai Châu): (77,16 + 72,10 + 72,07 + 70,06 + 69,72 + 65,84 + 59,62)/7
    # = 486,57/7 = 69,51
    r = _province(tmp_path, root, "  - source: {cite: bc_hdtd_2022, at: x}\n"
                                  "    groups: [huyen]\n    average: 69.52\n")
    assert r.returncode == 0, r.stderr
    (m,) = [m for m in json.loads(r.stdout)["mismatches"] if m["unit"] == "huyen"]
    assert (m["published"], m["computed"], m["at"]) == (69.52, 69.51, "x")


def test_the_province_file_is_not_a_unit_record(root):
    r = cchc("score", "rules/2022", "facts/2022/tong-hop.yaml", cwd=root)
    assert r.returncode == 1 and "cchc rank" in r.stderr and "Traceback" not in r.stderr
