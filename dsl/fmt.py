"""One layout for rule files, and the same file in the other language's keywords: ``cchc fmt``.

Takes a rule file's text; gives it laid out the one way (two spaces per block, what continues a
line kept indented under it, no trailing spaces, one final newline; comments and blank lines
kept where they are, so no rule moves to another line) and, with a language, every keyword in
English or in Vietnamese (dsl/keywords.py). The result is checked to mean the same: its syntax
tree, places aside, equals the original's; otherwise nothing is written.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Any

from lark import Lark, Token

from dsl.keywords import (
    ENGLISH,
    IN_RULE,
    LONGEST,
    TO_VIETNAMESE,
    VALUES,
    english_value,
    vietnamese_value,
)

DATA = {"NAME", "STRING", "NUMBER", "ID", "DATE", "PERCENT", "COMPARE", "ADD_OP", "MUL_OP"}


@lru_cache(maxsize=1)
def _tokens_parser() -> Lark:
    from dsl.parse import _grammar

    return Lark(_grammar(), parser="lalr", keep_all_tokens=True, maybe_placeholders=False)


def _keywords(text: str) -> tuple[list[Token], dict[int, str]]:
    """The keyword tokens in order, and the rule each stands in (by its place in the text): one
    Vietnamese word may stand for two English ones ('lĩnh vực': area, areas)."""
    tree = _tokens_parser().parse(text)
    found, rules = [], {}
    for sub in tree.iter_subtrees():
        for t in sub.children:
            if isinstance(t, Token) and t.type not in DATA and (
                    t.type in VALUES or t.value.strip("{}():,=+-*/") != ""):
                rules[t.start_pos] = str(sub.data)
                found.append(t)
    return sorted(found, key=lambda t: t.start_pos), rules


def translate(text: str, lang: str) -> str:
    """The text with every keyword in ``lang`` ('vi' or 'en'); nothing else changes."""
    tokens, rules = _keywords(text)
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type in VALUES:
            new = vietnamese_value(t.type, english_value(t.type, t.value)) if lang == "vi" \
                else english_value(t.type, t.value)
            if new != t.value:
                edits.append((t.start_pos, t.end_pos, new))
            i += 1
            continue
        if lang == "en":
            english = IN_RULE.get((t.value, rules.get(t.start_pos, "")), ENGLISH.get(t.value))
            if english is not None and english != t.value:
                edits.append((t.start_pos, t.end_pos, english))
            i += 1
            continue
        for n in range(min(LONGEST, len(tokens) - i), 0, -1):
            run = tokens[i:i + n]
            words = tuple(x.value for x in run)
            if words in TO_VIETNAMESE and all(x.type not in VALUES for x in run) and \
                    all(text[a.end_pos:b.start_pos].strip() == "" for a, b in zip(run, run[1:])):
                edits.append((run[0].start_pos, run[-1].end_pos, TO_VIETNAMESE[words]))
                i += n
                break
        else:
            i += 1
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _spelled(value: str) -> str:
    """A number the one way: no trailing zeros after the point (0.50 → 0.5, 2.0 → 2)."""
    if "." not in value:
        return value
    whole, frac = value.split(".", 1)
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def tidy(text: str) -> str:
    """One space between words where there were more; numbers spelled the one way. Quoted texts,
    comments and the indentation are left as they are."""
    tree = _tokens_parser().parse(text)
    tokens = sorted((t for t in tree.scan_values(lambda v: isinstance(v, Token))),
                    key=lambda t: t.start_pos)
    edits: list[tuple[int, int, str]] = []
    for a, b in zip(tokens, tokens[1:]):
        gap = text[a.end_pos:b.start_pos]
        if len(gap) > 1 and gap.strip(" ") == "":
            edits.append((a.end_pos, b.start_pos, " "))
    for t in tokens:
        if t.type == "NUMBER" or t.type == "PERCENT":
            body = t.value.rstrip("%")
            new = _spelled(body) + ("%" if t.value.endswith("%") else "")
            if new != t.value:
                edits.append((t.start_pos, t.end_pos, new))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _code(line: str) -> str:
    line = re.sub(r'"([^"\\]|\\.)*"', '""', line)
    return line.split("#", 1)[0]


CONTINUES = re.compile(r'^(because|vì|"|where|mà|and|or|và|hoặc|[-+*/<>=,)])(?![\w])')
OPEN_ENDED = re.compile(r"([-+*/<>=,(]|\b(and|or|và|hoặc|if|nếu|where|mà))\s*$")


def layout(text: str) -> str:
    """Two spaces per block; a line that continues the one above ('because …', a guidance text
    carried on, an expression broken after an operator) keeps its place under that line; no
    trailing space; lines neither added nor removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1].strip() == "":
        lines.pop()
    out = []
    depth = 0
    item = (0, 0)  # the last line that began an item: (its old indentation, its new one)
    previous = ""  # the last line's code
    for raw in lines:
        raw = raw.replace("\t", "  ").rstrip()
        stripped = raw.lstrip()
        if not stripped:
            out.append("")
            continue
        code = _code(stripped).strip()
        old = len(raw) - len(stripped)
        here = max(depth - 1 if code.startswith("}") else depth, 0)
        continues = code and not code.startswith("}") and (
            CONTINUES.match(code) or OPEN_ENDED.search(previous))
        if continues and out:  # a text carried on keeps its alignment; the rest, two spaces
            new = item[1] + (max(2, old - item[0]) if code.startswith('"') else 2)
        else:
            new = 2 * here
            if code:
                item = (old, new)
        out.append(" " * new + stripped)
        if code:
            previous = code
        for ch in code:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth = max(depth - 1, 0)
    return "\n".join(out) + "\n"


def _plain(x: Any) -> Any:
    """A syntax tree without its places: what two spellings of a file must share."""
    from dsl.ast import Span

    if isinstance(x, Span):
        return None
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__,) + tuple(
            _plain(getattr(x, f.name)) for f in dataclasses.fields(x)
            if not f.name.endswith("span") and f.name != "path")
    if isinstance(x, (list, tuple)):
        return tuple(_plain(v) for v in x)
    if isinstance(x, dict):
        return tuple(sorted((k, _plain(v)) for k, v in x.items()))
    return x


def same_meaning(a: str, b: str, path: str) -> bool:
    from dsl.parse import parse_text

    return _plain(parse_text(a, path)) == _plain(parse_text(b, path))


def formatted(text: str, path: str, lang: str | None = None) -> str:
    """The file in the one layout (and in ``lang``'s keywords). Raises ``RuleSyntaxError`` for
    a file that does not parse."""
    from dsl.parse import parse_text

    parse_text(text, path)  # a located error first, for a file that does not parse
    out = layout(tidy(translate(text, lang) if lang else text))
    if not same_meaning(text, out, path):  # pragma: no cover - a bug of this module
        raise AssertionError(f"formatting changed the meaning of {path}")
    return out
