"""The rule language's keywords in Vietnamese, as the published appendices word them.

Takes nothing; gives the table that ``parse.py`` adds to the grammar (every English keyword, or
run of keywords, gets its Vietnamese form as an alternative, so that a file may use either or
both) and that ``cchc fmt --lang`` uses to write a file in one language. A Vietnamese form is one
token, even of several words ("áp dụng cho"); the English forms are the grammar's own.
"""

from __future__ import annotations

# (English words, as the grammar writes them in sequence; Vietnamese). Longest first where one
# English run begins another.
PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("applies", "to", "all", "except"), "áp dụng cho mọi loại trừ"),
    (("applies", "to"), "áp dụng cho"),
    (("applies", "if"), "áp dụng khi"),
    (("ties", "share", "rank"), "bằng điểm thì đồng hạng"),
    (("ties", "by"), "bằng điểm thì xếp theo"),
    (("rank", "by"), "xếp hạng theo"),
    (("not", "ranked"), "không xếp hạng"),
    (("high", "to", "low"), "từ cao xuống thấp"),
    (("low", "to", "high"), "từ thấp lên cao"),
    (("not", "applicable"), "không áp dụng"),
    (("not", "scorable"), "chưa chấm được"),
    (("at", "least"), "ít nhất"),
    (("at", "most"), "tối đa"),
    (("for", "each"), "với mỗi"),
    (("levels", "by"), "theo mức của"),
    (("decision",), "quyết định"),
    (("date",), "ngày"),
    (("issuer",), "cơ quan ban hành"),
    (("title",), "trích yếu"),
    (("replaces",), "thay thế"),
    (("effective",), "hiệu lực"),
    (("round",), "làm tròn"),
    (("note",), "ghi chú"),
    (("years",), "các năm"),
    (("kind",), "loại đơn vị"),
    (("scale",), "thang điểm"),
    (("counts",), "gồm"),
    (("areas",), "lĩnh vực"),
    (("criteria",), "tiêu chí"),
    (("subcriteria",), "tiêu chí thành phần"),
    (("document",), "văn bản"),
    (("number",), "số hiệu"),
    (("group",), "nhóm"),
    (("kinds",), "các loại"),
    (("bands",), "xếp loại"),
    (("column",), "cột"),
    (("facts",), "số liệu"),
    (("list",), "danh sách"),
    (("default",), "mặc định"),
    (("check",), "kiểm tra"),
    (("area",), "lĩnh vực"),
    (("criterion",), "tiêu chí"),
    (("max",), "điểm tối đa"),
    (("method",), "phương pháp"),
    (("guidance",), "hướng dẫn chấm"),
    (("office",), "bộ phận phụ trách"),
    (("source",), "nguồn"),
    (("from",), "từ"),
    (("to",), "đến"),
    (("when",), "khi"),
    (("full",), "đủ điểm"),
    (("above",), "trên"),
    (("under",), "dưới"),
    (("else",), "còn lại"),
    (("proportional",), "theo tỷ lệ"),
    (("points",), "điểm"),
    (("deduct",), "trừ"),
    (("if",), "nếu"),
    (("in",), "trong"),
    (("where",), "mà"),
    (("per",), "nhân với"),
    (("floor",), "điểm sàn"),
    (("because",), "vì"),
    (("or",), "hoặc"),
    (("and",), "và"),
    (("not",), "không"),
    (("count",), "đếm"),
    (("yes",), "đúng"),
    (("no",), "sai"),
)

# Keywords that are values of a named terminal (a method, a type…): the Vietnamese value is read
# as its English one, which is what the rest of the program knows.
VALUES: dict[str, dict[str, str]] = {
    "METHOD": {"thẩm định": "appraisal", "điều tra xã hội học": "survey"},
    "SOURCE_KIND": {"đã công bố": "published", "tái dựng": "reconstructed"},
    "ROUND_TARGET": {"tiêu chí": "criteria", "chỉ số": "index"},
    "RANK_KEY": {"chỉ số": "index", "tổng điểm": "total"},
    "TYPE": {"số": "number", "số đếm": "count", "tỷ lệ": "percent", "có/không": "yesno",
             "ngày tháng": "date", "đoạn văn": "text"},
}

ENGLISH = {vi: " ".join(words) for words, vi in reversed(PHRASES)}  # the first meaning wins
# where one Vietnamese word stands for two English ones, the rule it stands in decides
IN_RULE = {("lĩnh vực", "counts"): "areas", ("lĩnh vực", "column"): "areas",
           ("tiêu chí", "counts"): "criteria", ("lĩnh vực", "area"): "area",
           ("tiêu chí", "criterion"): "criterion"}
TO_VIETNAMESE = {words: vi for words, vi in PHRASES}
LONGEST = max(len(words) for words, _vi in PHRASES)


def english_value(terminal: str, value: str) -> str:
    """A terminal's value as the program knows it: 'thẩm định' is 'appraisal'."""
    return VALUES.get(terminal, {}).get(value, value)


def vietnamese_value(terminal: str, value: str) -> str:
    for vi, en in VALUES.get(terminal, {}).items():
        if en == value:
            return vi
    return value
