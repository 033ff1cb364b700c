"""Messages in Vietnamese by default, English on request: the catalogue, the command line (click's
own words included), the language choice, and terminals that cannot show Vietnamese letters."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from decimal import Decimal as D
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from dsl.i18n import _, language_from_env, set_language
from dsl.intervals import INF, Interval, describe
from engine.cases import report
from engine.cli_i18n import lang_from_args, plain_letter

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "dsl" / "locale" / "vi" / "LC_MESSAGES"
BIN = Path(sys.executable).parent / "cchc"
CCHC = str(BIN) if BIN.exists() else shutil.which("cchc")
LOCALE_VARS = ("CCHC_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "PYTHONIOENCODING")
BAD = ROOT / "tests" / "fixtures" / "bad-rules"


def run(*args: str, encoding: str = "utf-8", **env: str) -> subprocess.CompletedProcess:
    """``cchc`` as a user runs it, with no locale variable but those given."""
    assert CCHC, "the cchc console script is not installed"
    clean = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    return subprocess.run([CCHC, *args], env={**clean, **env}, capture_output=True, text=True,
                          encoding=encoding, timeout=120, cwd=ROOT)


def catalogue(domain: str):
    with open(LOCALE / f"{domain}.po", "rb") as fh:
        return read_po(fh, locale="vi")


# ---- the command line ------------------------------------------------------------------------
def test_help_is_vietnamese_without_any_locale():
    r = run("--help")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("Cách dùng: cchc [TÙY CHỌN] LỆNH [THAM SỐ]...\n")
    assert "Chỉ số cải cách hành chính (Chỉ số CCHC) viết thành quy tắc máy đọc được" in out
    assert "\nTùy chọn:\n" in out and "\nLệnh:\n" in out
    assert "Hiển thị hướng dẫn này rồi thoát." in out
    assert "Hiển thị phiên bản rồi thoát." in out
    assert "Usage" not in out and "Options" not in out


def test_command_help_and_option_help_are_vietnamese():
    r = run("score", "--help")
    assert r.returncode == 0, r.stderr
    assert "Cách dùng: cchc score [TÙY CHỌN] RULESET_DIR FACT_FILES..." in r.stdout
    assert "Chấm điểm từng hồ sơ số liệu FACT_FILE theo bộ quy tắc RULESET_DIR." in r.stdout
    assert "-o, --output TỆP" in r.stdout
    assert "Ghi ra tệp này" in r.stdout


@pytest.mark.parametrize("how", [("--lang", "en"), ("--lang=en",), ("LANG", "en_US.UTF-8"),
                                 ("CCHC_LANG", "en"), ("LC_ALL", "en_GB.UTF-8")])
def test_english_on_request(how):
    r = run(*how, "--help") if how[0].startswith("--") else run("--help", **{how[0]: how[1]})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: cchc [OPTIONS] COMMAND [ARGS]...\n")
    assert "The PAR Index (Chỉ số cải cách hành chính) as code" in r.stdout
    assert "Show this message and exit." in r.stdout and "Commands:" in r.stdout


def test_lang_option_wins_over_the_locale_and_counts_after_the_command():
    assert run("--lang", "vi", "--help", LANG="en_US.UTF-8").stdout.startswith("Cách dùng:")
    assert run("check", "--help", "--lang", "en").stdout.startswith("Usage: cchc check")
    assert run("--help", LANG="fr_FR.UTF-8").stdout.startswith("Cách dùng:")  # vi by default


def test_usage_errors_are_vietnamese():
    r = run("frobnicate")
    assert r.returncode == 2
    assert "Gõ 'cchc --help' để xem hướng dẫn." in r.stderr
    assert "Lỗi: Không có lệnh 'frobnicate'." in r.stderr
    r = run("check")
    assert r.returncode == 2
    assert "Cách dùng: cchc check [TÙY CHỌN] RULESET_DIR" in r.stderr
    assert "Lỗi: Thiếu tham số 'RULESET_DIR'." in r.stderr
    r = run("check", "--bogus", "x")
    assert r.returncode == 2 and "Lỗi: Không có tùy chọn '--bogus'." in r.stderr
    r = run("--lang", "fr", "check", "x")
    assert r.returncode == 2 and "'fr' không thuộc các lựa chọn 'vi', 'en'." in r.stderr


def test_usage_errors_in_english_on_request():
    r = run("frobnicate", "--lang", "en")
    assert r.returncode == 2
    assert "Try 'cchc --help' for help." in r.stderr
    assert "Error: No such command 'frobnicate'." in r.stderr
    r = run("check", LANG="en_US.UTF-8")
    assert "Error: Missing argument 'RULESET_DIR'." in r.stderr


def test_rule_errors_and_their_count_are_vietnamese(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(BAD / "unknown-fact.cchc", folder / "r.cchc")
    r = run("check", str(folder))
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == (f"{folder / 'r.cchc'}:13:30: lỗi: không tìm thấy dữ kiện 'report' "
                        "(có phải là 'reports' không?)")
    assert lines[-1] == "1 lỗi"
    r = run("check", str(folder), "--lang", "en")
    assert r.stderr.splitlines()[-1] == "1 error"
    assert "error: unknown fact 'report' (did you mean 'reports'?)" in r.stderr


def test_check_summary(root):
    r = run("check", "tests/fixtures/good")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("tests/fixtures/good: Quyết định 1/QĐ-TEST: 1 tệp quy tắc, 2 loại đơn vị, "
                        "2 lĩnh vực, 6 tiêu chí: không có lỗi nào\n")
    assert run("check", "tests/fixtures/good", "--lang", "en").stdout.endswith(
        "6 criteria: no problems found\n")


# ---- terminals that cannot show Vietnamese -----------------------------------------------------
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_without_vietnamese_letters_gets_them_plain(tmp_path, encoding):
    r = run("--help", encoding=encoding, PYTHONIOENCODING=encoding)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout.startswith("Cach dung: cchc [TUY CHON] LENH [THAM SO]...")
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(BAD / "unknown-fact.cchc", folder / "r.cchc")
    r = run("check", str(folder), encoding=encoding, PYTHONIOENCODING=encoding)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "khong tim thay du kien 'report' (co phai la 'reports' khong?)" in r.stderr
    assert r.stderr.splitlines()[-1] == "1 loi"


def test_ascii_output_is_ascii_bytes():
    r = subprocess.run([CCHC, "--help"], capture_output=True, timeout=120,
                       env={**{k: v for k, v in os.environ.items() if k not in LOCALE_VARS},
                            "PYTHONIOENCODING": "ascii"})
    assert r.returncode == 0
    r.stdout.decode("ascii")  # not UTF-8 bytes behind an ASCII terminal's back


def test_plain_letters():
    assert "".join(plain_letter(c, "ascii") for c in "Đường đến Mường Tè — ≈5…") == \
        "Duong den Muong Te - ~5..."
    assert plain_letter("ệ", "latin-1") == "e" and plain_letter("中", "ascii") == "?"


# ---- the language choice ---------------------------------------------------------------------
def test_language_from_the_environment():
    assert language_from_env({}) == "vi"
    assert language_from_env({"LANG": "en_US.UTF-8"}) == "en"
    assert language_from_env({"LANG": "C.UTF-8"}) == "vi"
    assert language_from_env({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert language_from_env({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}) == "vi"
    assert language_from_env({"CCHC_LANG": "en", "LANG": "vi_VN.UTF-8"}) == "en"
    assert language_from_env({"CCHC_LANG": "xx", "LC_ALL": "en_GB"}) == "en"


def test_lang_from_args():
    assert lang_from_args(["--lang", "en", "check"]) == "en"
    assert lang_from_args(["check", "x", "--lang=vi"]) == "vi"
    assert lang_from_args(["--lang", "fr"]) is None
    assert lang_from_args(["check", "--", "--lang", "en"]) is None
    assert lang_from_args([]) is None


def test_messages_follow_the_language():
    assert _("unknown fact '{name}'") == "không tìm thấy dữ kiện '{name}'"
    set_language("en")
    assert _("unknown fact '{name}'") == "unknown fact '{name}'"


def test_the_test_summary_line_stays_english():
    # CI tooling reads 'N passed, N failed' from the last line of `cchc test`
    assert report([], None) == "0 ca đạt, 0 ca không đạt\n0 passed, 0 failed\n"
    set_language("en")
    assert report([], None) == "0 passed, 0 failed\n"


def test_a_level_gap_is_said_in_words(english):
    gap = Interval(D(0), True, D("0.8"), False)
    assert describe(gap, "percent") == "from 0% to under 80%"
    set_language("vi")
    assert describe(gap, "percent") == "từ 0% đến dưới 80%"
    assert describe(Interval(D(5), False, INF, False), "number") == "trên 5"


# ---- the catalogue ---------------------------------------------------------------------------
def extracted(folder: str) -> dict[str, str]:
    """Every message id Babel extracts from a folder (as `pybabel extract -F babel.cfg` does),
    with the place of one use."""
    out = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        out.setdefault(msgid, f"{folder}/{filename}:{lineno}")
    return out


def test_every_message_of_the_code_has_a_vietnamese_translation():
    ids = {**extracted("dsl"), **extracted("engine")}
    assert len(ids) > 150
    po = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalogue("cchc") if m.id}
    untranslated = []
    for msgid, where in sorted(ids.items()):
        m = po.get(msgid)
        strings = (m.string if isinstance(m.string, tuple) else (m.string,)) if m else ("",)
        if m is None or m.fuzzy or not all(s.strip() for s in strings):
            untranslated.append(f"{where}: {msgid!r}")
    assert not untranslated, (
        "messages without a (non-fuzzy) Vietnamese translation; extract, update and translate "
        "as babel.cfg says:\n" + "\n".join(untranslated))


def test_every_click_message_has_a_vietnamese_translation():
    import click

    folder = Path(click.__file__).parent
    ids = {(m[0] if isinstance(m, tuple) else m) for _f, _l, m, _c, _x in extract_from_dir(
        folder, method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS)}
    po = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalogue("click") if m.id}
    missing = sorted(i for i in ids if i not in po or po[i].fuzzy or not all(
        s.strip() for s in (po[i].string if isinstance(po[i].string, tuple)
                            else (po[i].string,))))
    assert not missing, (f"click {click.__version__ if hasattr(click, '__version__') else ''} "
                         "has messages dsl/locale/vi/LC_MESSAGES/click.po does not translate; "
                         "update it as babel.cfg says:\n" + "\n".join(map(repr, missing)))


def placeholders(text: str) -> list[str]:
    """The {name}/{name!r:spec} fields and %(name)s conversions of a message, sorted."""
    plain = text.replace("{{", "").replace("}}", "")
    fields = [m.group(0) for m in re.finditer(r"\{\w*(![rsa])?(:[^{}]*)?\}", plain)]
    return sorted(set(fields + re.findall(r"%\(\w+\)[a-z]", text)))


@pytest.mark.parametrize("domain", ["cchc", "click"])
def test_no_translation_loses_or_adds_a_placeholder(domain):
    wrong = []
    for m in catalogue(domain):
        if not m.id:
            continue
        source = m.id[-1] if isinstance(m.id, tuple) else m.id  # plural: the plural's fields
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            if s and placeholders(s) != placeholders(source):
                wrong.append(f"{source!r}: {placeholders(source)} -> {s!r}: {placeholders(s)}")
    assert not wrong, "\n".join(wrong)


def test_messages_are_written_so_babel_finds_them():
    """No f-string inside _() (its text is not a message id), no _() inside an f-string (Babel
    does not look there): both would leave a message untranslated without any other sign."""
    problems = []
    for path in sorted([*ROOT.glob("dsl/**/*.py"), *ROOT.glob("engine/**/*.py")]):
        tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline))
        for i, tok in enumerate(tokens):
            prefix = re.match(r"[A-Za-z]*", tok.string).group(0).lower()
            if tok.type == tokenize.STRING and "f" in prefix and re.search(r"\b_\(", tok.string):
                problems.append(f"{path.relative_to(ROOT)}:{tok.start[0]}: _() in an f-string")
            if (tok.type == tokenize.NAME and tok.string in ("_", "N_", "ngettext")
                    and i + 2 < len(tokens) and tokens[i + 1].string == "("
                    and tokens[i + 2].type == tokenize.STRING
                    and "f" in re.match(r"[A-Za-z]*", tokens[i + 2].string).group(0).lower()):
                problems.append(f"{path.relative_to(ROOT)}:{tok.start[0]}: f-string in _()")
    assert not problems, "\n".join(problems)


def test_catalogues_ship_as_package_data():
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"locale/*/LC_MESSAGES/*.po"' in text
    assert {p.name for p in LOCALE.glob("*.po")} == {"cchc.po", "click.po"}
