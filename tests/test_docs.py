"""Every example in docs/ is checked, so that the docs cannot drift from the program.

The pages are read as Markdown; each fenced block is checked by its language and by the HTML
comments written on the lines just above it (invisible on the site)::

    <!-- error: TEXT -->          a rule example that the checker refuses with TEXT
    <!-- with: RULESDIR -->       a rule fragment that loads cleanly when added to RULESDIR
    <!-- same-as: FILE -->        the block is FILE, word for word
    <!-- record: RULESDIR -->     a fact record that loads against RULESDIR
    <!-- bad-record: RULESDIR: TEXT -->  a fact record refused with TEXT
    <!-- cases: RULESDIR -->      a rule test file whose cases all pass against RULESDIR
    <!-- output: ARGS; exit N --> the text block shows what ``cchc ARGS`` prints (its numbers),
                                  and the command ends with status N; ``{yaml}`` in ARGS is the
                                  page's last YAML block before it, written to a file

``cchc`` blocks: a complete rule set (one with ``decision``) loads alone; any other fragment
parses, on its own or wrapped in the block it belongs in (a decision, a facts block, a
criterion…). An ``error`` example is added, as one more file, to the small rule set
``tests/fixtures/docs/nen`` (unless it has a decision, or a ``with`` mark names another base).
TEXT is matched in English (the message ids, stable while the Vietnamese catalogue is edited);
``A … B`` asks for a message holding both A and B. ``yaml`` blocks of facts.md are all records,
good or bad. ``sh`` blocks name only commands and options that ``cchc`` has.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from dsl import ast
from dsl.check import load_ruleset
from dsl.errors import CchcError, FactsError
from dsl.i18n import set_language
from dsl.parse import parse_text
from engine.cases import run_file
from engine.cli import cli
from engine.facts import load_record
from tests.test_cli import cchc

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
BASE = "tests/fixtures/docs/nen"  # where a rule fragment is tried, unless it says otherwise
MARKS = {"error", "with", "same-as", "record", "bad-record", "cases", "output"}
LANGUAGES = {"cchc", "yaml", "sh", "text"}

FENCE = re.compile(r"^```(\S*)\s*$")
MARK = re.compile(r"^<!--\s*([a-z-]+):\s*(.*?)\s*-->\s*$")
DECISION = re.compile(r'^\s*decision\s+"', re.M)

# Where a fragment may stand: as written, or inside the block it belongs in.
WRAPPERS = (
    "@",
    'decision "x" {\n@\n}',
    "facts {\n@\n}",
    'area 1 "x" {\n@\n}',
    'area 1 "x" {\ncriterion 1.1 "x" max 1 {\n@\n}\n}',
    'group g "x" {\n@\n}',
    'bands "x" {\n@\n}',
    'document d "x" {\n@\n}',
)


@dataclass
class Block:
    page: str
    line: int  # of the opening fence
    lang: str
    text: str
    marks: list[tuple[str, str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    def mark(self, key: str) -> str | None:
        return next((v for k, v in self.marks if k == key), None)

    def all(self, key: str) -> list[str]:
        return [v for k, v in self.marks if k == key]


def read_blocks(path: Path) -> tuple[list[Block], list[str]]:
    """The fenced blocks of a page with their marks, and the problems of the marks."""
    lines = path.read_text("utf-8").splitlines()
    blocks: list[Block] = []
    problems: list[str] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            mark = MARK.match(lines[i])
            if mark:
                nxt = next((x for x in lines[i + 1:] if not MARK.match(x)), "")
                if not FENCE.match(nxt):
                    problems.append(f"{path.name}:{i + 1}: a mark not followed by a block")
                if mark[1] not in MARKS:
                    problems.append(f"{path.name}:{i + 1}: unknown mark '{mark[1]}'")
            i += 1
            continue
        marks = []
        j = i - 1
        while j >= 0 and MARK.match(lines[j]):
            k = MARK.match(lines[j])
            marks.insert(0, (k[1], k[2]))  # type: ignore[index]
            j -= 1
        end = next(n for n in range(i + 1, len(lines)) if lines[n].strip() == "```")
        blocks.append(Block(path.name, i + 1, m[1], "\n".join(lines[i + 1:end]) + "\n", marks))
        i = end + 1
    return blocks, problems


ALL = [b for p in PAGES for b in read_blocks(p)[0]]


def of(lang: str, page: str | None = None) -> list[Block]:
    return [b for b in ALL if b.lang == lang and (page is None or b.page == page)]


def ids(blocks: list[Block]) -> list[str]:
    return [b.id for b in blocks]


@lru_cache(maxsize=None)
def rules(folder: str) -> ast.RuleSet:
    return load_ruleset(ROOT / folder)


def messages(err: CchcError) -> list[str]:
    return [d.message for d in err.diagnostics]


def matches(text: str, found: list[str]) -> bool:
    parts = [p.strip() for p in text.split("…")]
    return any(all(p in m for p in parts) for m in found)


# ---- the pages themselves --------------------------------------------------------------------
def test_there_are_pages_and_examples():
    assert {p.name for p in PAGES} >= {"index.md", "rule-language.md", "facts.md"}
    assert of("cchc") and of("yaml", "facts.md") and of("sh")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_mark_is_known_and_stands_on_a_block(page):
    _blocks, problems = read_blocks(page)
    assert not problems


def test_every_block_says_its_language():
    unknown = [b.id for b in ALL if b.lang not in LANGUAGES]
    assert not unknown, f"write ```cchc, ```yaml, ```sh or ```text at {unknown}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_says_seed(page):
    assert "seed" not in page.read_text("utf-8").lower()


def test_the_site_lists_every_page():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    listed = [next(iter(item.values())) for item in config["nav"]]
    assert sorted(listed) == sorted(p.name for p in PAGES)


def _anchors(page: Path) -> set[str]:
    return set(re.findall(r"\{#([a-z0-9-]+)\}\s*$", page.read_text("utf-8"), re.M))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_between_pages_reach_their_anchors(page):
    text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)
    for target, anchor in re.findall(r"\]\(([a-z-]*\.md)?(?:#([a-z0-9-]+))?\)", text):
        dest = DOCS / target if target else page
        assert dest.exists(), f"{page.name}: no page {target}"
        if anchor:
            assert anchor in _anchors(dest), f"{page.name}: no anchor #{anchor} in {dest.name}"


# ---- rule examples ---------------------------------------------------------------------------
SAME = [b for b in ALL if b.mark("same-as")]


@pytest.mark.parametrize("block", SAME, ids=ids(SAME))
def test_a_block_shown_as_a_file_is_that_file(block):
    path = ROOT / block.mark("same-as")  # type: ignore[operator]
    assert block.text == path.read_text("utf-8"), f"{block.id} differs from {path}"


COMPLETE = [b for b in of("cchc") if DECISION.search(b.text) and not b.mark("error")]


@pytest.mark.parametrize("block", COMPLETE, ids=ids(COMPLETE))
def test_a_complete_rule_set_loads_alone(block, tmp_path):
    (tmp_path / "vi-du.cchc").write_text(block.text, "utf-8")
    load_ruleset(tmp_path)


FRAGMENTS = [b for b in of("cchc") if not DECISION.search(b.text) and not b.mark("error")]


def _parses(text: str) -> str | None:
    """None if the fragment parses as written or in some wrapper; else the first problem."""
    first = None
    for wrapper in WRAPPERS:
        try:
            parse_text(wrapper.replace("@", text), "<docs>")
            return None
        except CchcError as err:
            first = first or str(err)
    return first


@pytest.mark.parametrize("block", FRAGMENTS, ids=ids(FRAGMENTS))
def test_a_fragment_parses(block):
    problem = _parses(block.text)
    assert problem is None, f"{block.id}: {problem}"


def _with_base(base: str, text: str, tmp: Path) -> Path:
    folder = tmp / "rules"
    shutil.copytree(ROOT / base, folder)
    (folder / "zz-vi-du.cchc").write_text(text, "utf-8")
    return folder


WITH = [b for b in FRAGMENTS if b.mark("with")]


@pytest.mark.parametrize("block", WITH, ids=ids(WITH))
def test_a_fragment_loads_with_its_rule_set(block, tmp_path):
    load_ruleset(_with_base(block.mark("with"), block.text, tmp_path))  # type: ignore[arg-type]


ERRORS = [b for b in of("cchc") if b.mark("error")]


@pytest.mark.parametrize("block", ERRORS, ids=ids(ERRORS))
def test_an_error_example_is_refused_with_its_message(block, tmp_path):
    set_language("en")
    load_ruleset(ROOT / (block.mark("with") or BASE))  # the base alone is sound
    if DECISION.search(block.text):
        folder = tmp_path / "rules"
        folder.mkdir()
        (folder / "vi-du.cchc").write_text(block.text, "utf-8")
    else:
        folder = _with_base(block.mark("with") or BASE, block.text, tmp_path)
    with pytest.raises(CchcError) as err:
        load_ruleset(folder)
    found = messages(err.value)
    assert matches(block.mark("error"), found), (block.id, found)  # type: ignore[arg-type]


# ---- fact records ----------------------------------------------------------------------------
def test_every_yaml_block_of_the_records_page_is_a_checked_record():
    for b in of("yaml", "facts.md"):
        assert b.mark("record") or b.mark("bad-record"), f"{b.id}: mark it record or bad-record"


RECORDS = [b for b in of("yaml") if b.mark("record")]


@pytest.mark.parametrize("block", RECORDS, ids=ids(RECORDS))
def test_a_record_loads(block, tmp_path):
    path = tmp_path / "ho-so.yaml"
    path.write_text(block.text, "utf-8")
    record = load_record(rules(block.mark("record")), path)  # type: ignore[arg-type]
    assert record.unit.id


BAD = [b for b in of("yaml") if b.mark("bad-record")]


@pytest.mark.parametrize("block", BAD, ids=ids(BAD))
def test_a_bad_record_is_refused_with_its_message(block, tmp_path):
    set_language("en")
    path = tmp_path / "ho-so.yaml"
    path.write_text(block.text, "utf-8")
    for mark in block.all("bad-record"):
        folder, _sep, text = mark.partition(": ")
        with pytest.raises(FactsError) as err:
            load_record(rules(folder), path)
        found = messages(err.value)
        assert matches(text, found), (block.id, text, found)


CASES = [b for b in of("yaml") if b.mark("cases")]


@pytest.mark.parametrize("block", CASES, ids=ids(CASES))
def test_rule_test_cases_pass(block, tmp_path):
    folder = block.mark("cases")
    facts = tmp_path / "facts" / "2022"
    facts.mkdir(parents=True)
    for record in (ROOT / folder).glob("*.yaml"):  # the records a case may take as its base
        shutil.copy(record, facts)
    path = tmp_path / "tests" / "rules" / "2022" / "ca.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(block.text, "utf-8")
    results = run_file(rules(folder), path)  # type: ignore[arg-type]
    assert results and all(r.passed for r in results), [r.problems for r in results]


def test_other_yaml_is_yaml():
    for block in of("yaml"):
        if not block.marks:
            yaml.safe_load(block.text)


# ---- commands and their output ---------------------------------------------------------------
GLOBAL_OPTIONS = {"--lang", "--help", "-h", "--version"}
SH = of("sh")


@pytest.mark.parametrize("block", SH, ids=ids(SH))
def test_commands_shown_exist(block):
    for line in block.text.splitlines():
        if not line.startswith("cchc "):
            continue
        words = shlex.split(line)
        command = cli.commands.get(words[1])
        assert command is not None, f"{block.id}: no command '{words[1]}'"
        known = GLOBAL_OPTIONS | {o for p in command.params for o in getattr(p, "opts", [])}
        for w in words[2:]:
            if w.startswith("-"):
                assert w in known, f"{block.id}: '{w}' is not an option of cchc {words[1]}"


OUTPUTS = [b for b in of("text") if b.mark("output")]
NUMBER = re.compile(r"\d+(?:[.,/]\d+)*%?")


@pytest.mark.parametrize("block", OUTPUTS, ids=ids(OUTPUTS))
def test_shown_output_has_the_numbers_the_command_prints(block, tmp_path):
    args, _sep, status = block.mark("output").partition(";")  # type: ignore[union-attr]
    words = args.split()
    if "{yaml}" in words:
        before = [b for b in of("yaml", block.page) if b.line < block.line]
        record = tmp_path / "ho-so.yaml"
        record.write_text(before[-1].text, "utf-8")
        words = [str(record) if w == "{yaml}" else w for w in words]
    r = cchc(*words, cwd=ROOT)
    want = int(status.strip().removeprefix("exit").strip() or 0)
    assert r.returncode == want, (r.returncode, r.stderr)
    for number in NUMBER.findall(block.text):
        assert number in r.stdout, f"{block.id}: {number} is not in the output:\n{r.stdout}"
