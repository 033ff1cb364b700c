"""Parse rule text into the typed AST of ``ast.py``.

Takes the text of one ``.cchc`` file (or a folder of them); gives ``RuleFile``/``RuleSet``
nodes with source spans. The only module that imports lark: the parser is built once, from the
grammar shipped as package data, LALR with positions propagated. Syntax errors become
``RuleSyntaxError`` with a human label where a common mistake is recognised.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl import ast
from dsl.errors import Diagnostic, RuleSyntaxError
from dsl.i18n import N_, _
from dsl.keywords import english_value

# Readable names for terminals, since they appear in "expected one of". Message ids (N_),
# translated where they are shown; the punctuation and keywords need no translation.
MAX_RULE_BYTES = 1024 * 1024  # the largest bundled rule file is about 70 KB
MAX_NESTING = 64  # levels of one expression: "not not … x", "((…))"

TERMINAL_NAMES = {
    "NAME": N_("a name"), "STRING": N_("a quoted text"), "NUMBER": N_("a number"),
    "PERCENT": N_("a percentage"), "DATE": N_("a date (YYYY-MM-DD)"),
    "ID": N_("an id such as 1.2"), "TYPE": N_("a fact type"),
    "METHOD": N_("'appraisal' or 'survey'"), "SOURCE_KIND": N_("'published' or 'reconstructed'"),
    "ROUND_TARGET": N_("'criteria' or 'index'"), "COMPARE": N_("a comparison"),
    "ADD_OP": N_("'+' or '-'"), "MUL_OP": N_("'*' or '/'"), "LBRACE": "'{'", "RBRACE": "'}'",
    "LPAR": "'('", "RPAR": "')'", "COLON": "':'", "COMMA": "','", "EQUAL": "'='", "PLUS": "'+'",
    "DOT": "'.'", "$END": N_("the end of the file"),
}

# Common mistakes, with the label a person should read. Also used as test data. The keys are
# message ids (N_): a diagnostic carries the label translated, i.e. _(key).
SYNTAX_ERRORS: dict[str, list[str]] = {
    N_("a criterion needs 'max' and its points after its title, "
       "e.g. criterion 1.2 \"…\" max 2 {"): [
        'area 1 "A" { criterion 1.1 "B" { } }',
        'area 1 "A" { criterion 1.1 "B" 2 { } }',
    ],
    N_("a reason must follow 'because' as a quoted text"): [
        'area 1 "A" { criterion 1.1 "B" max 1 { full if x else 0 because } }',
        'area 1 "A" { criterion 1.1 "B" max 1 { full if x else 0 because x } }',
    ],
    N_("'deduct' needs a reason: add because \"…\" after the condition"): [
        'area 1 "A" { criterion 1.1 "B" max 1 { deduct 1 if x } }',
        'area 1 "A" { criterion 1.1 "B" max 1 { deduct 1 if x floor 0 } }',
    ],
    N_("a text must be in double quotes on one line"): [
        "area 1 'A' { }",
        'area 1 "A { }',
    ],
    N_("a decimal uses a point in rule files (0.5, not 0,5)"): [
        'area 1 "A" { criterion 1.1 "B" max 0,5 { } }',
        'area 1 "A" { criterion 1.1 "B" max 1 { deduct 0,5 if x because "r" } }',
    ],
    N_("a block is missing its closing '}'"): [
        'area 1 "A" { criterion 1.1 "B" max 1 { full if x else 0 because "r" }',
    ],
}


@lru_cache(maxsize=2)
def _parser(vietnamese: bool = True) -> Lark:
    """The parser, built once per process; lark keeps the built tables in a cache file of the
    temporary folder, keyed by the grammar's hash, so a new process loads them (~15 ms instead
    of ~130 ms). A cache that cannot be read or written is rebuilt or skipped by lark."""
    grammar = _grammar() if vietnamese else \
        resources.files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False,
                cache=True)


_QUOTED_OR_COMMENT = re.compile(r'"([^"\\\n]|\\.)*"|#[^\n]*')


def _vietnamese(text: str) -> bool:
    """Whether the keywords may be Vietnamese: a letter beyond ASCII outside the quoted texts
    and the comments. A file in English keywords is read by the smaller parser (faster)."""
    return not _QUOTED_OR_COMMENT.sub("", text).isascii()


@lru_cache(maxsize=1)
def _grammar() -> str:
    """The grammar with every keyword also in Vietnamese (dsl/keywords.py): each English run of
    keywords in a rule gets its Vietnamese form as an alternative, a terminal of its own ahead of
    names (a name is a run of ASCII letters: 'theo' must not be read as one); each terminal of
    values (a method, a type…) gets its Vietnamese values."""
    from dsl.keywords import PHRASES, VALUES

    text = resources.files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    out = []
    vi_terminals: dict[str, str] = {}  # Vietnamese text -> terminal name
    phrases = sorted(PHRASES, key=lambda p: -len(p[0]))
    for line in text.splitlines():
        head = re.match(r"^([A-Z_][A-Z_0-9]*)(\.\d+)?\s*:", line)
        if head:
            if head.group(1) in VALUES:
                rest = line[head.end():]
                extra = " | ".join(f'"{vi}"' for vi in VALUES[head.group(1)])
                line = f"{head.group(1)}.5:{rest} | {extra}"
            out.append(line)
            continue
        if line.lstrip().startswith(("//", "%")):
            out.append(line)
            continue
        found: list[str] = []
        for words, vi in phrases:
            pattern = r"\s+".join(f'"{w}"' for w in words)
            name = vi_terminals.setdefault(vi, f"_VI{len(vi_terminals)}")

            def hold(_m: re.Match, words: tuple[str, ...] = words, name: str = name) -> str:
                found.append("(" + " ".join(f'"{w}"' for w in words) + f" | {name})")
                return f"\x00{len(found) - 1}\x00"
            line = re.sub(r"(?<![\w\"])" + pattern + r"(?![\w\"])", hold, line)
        out.append(re.sub("\x00(\\d+)\x00", lambda m: found[int(m.group(1))], line))
    out += [f'{name}.5: "{vi}"' for vi, name in vi_terminals.items()]
    return "\n".join(out) + "\n"


def _span(path: str, meta_or_token: object) -> ast.Span:
    m = meta_or_token
    return ast.Span(path, m.line, m.column, m.end_line, m.end_column)  # type: ignore[attr-defined]


def _unquote(token: Token) -> str:
    body = token.value[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _ToAst(Transformer):
    # a value written in Vietnamese ('thẩm định') is read as the English one ('appraisal')
    def METHOD(self, tok):  # noqa: N802 - lark names a terminal's callback after it
        return tok.update(value=english_value("METHOD", tok.value))

    def SOURCE_KIND(self, tok):  # noqa: N802
        return tok.update(value=english_value("SOURCE_KIND", tok.value))

    def ROUND_TARGET(self, tok):  # noqa: N802
        return tok.update(value=english_value("ROUND_TARGET", tok.value))

    def RANK_KEY(self, tok):  # noqa: N802
        return tok.update(value=english_value("RANK_KEY", tok.value))

    def TYPE(self, tok):  # noqa: N802
        return tok.update(value=english_value("TYPE", tok.value))

    """Builds AST nodes from lark's tree, one method per grammar rule."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.depth: dict[int, int] = {}  # id of an expression node -> how deep it nests

    def _s(self, meta: object) -> ast.Span:
        return _span(self.path, meta)

    def _nest(self, node: Any, *children: Any) -> Any:
        """Refuse an expression nested deeper than anyone writes one: every later pass may
        then walk it recursively without running out of stack."""
        depth = 1 + max((self.depth.get(id(c), 0) for c in children), default=0)
        if depth > MAX_NESTING:
            raise _ParseProblem(_("this expression is nested more than {n} levels deep; split "
                                  "it into simpler conditions").format(n=MAX_NESTING), node.span)
        self.depth[id(node)] = depth
        return node

    # literals
    @v_args(meta=True)
    def number(self, meta, c):
        return ast.Literal(Decimal(c[0].value), "number", self._s(meta))

    @v_args(meta=True)
    def percent(self, meta, c):
        return ast.Literal(Decimal(c[0].value[:-1]) / 100, "percent", self._s(meta))

    def _date_value(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(token.value)
        except ValueError:
            raise _ParseProblem(_("'{text}' is not a date").format(text=token.value),
                                _span(self.path, token)) from None

    @v_args(meta=True)
    def date(self, meta, c):
        return ast.Literal(self._date_value(c[0]), "date", self._s(meta))

    @v_args(meta=True)
    def text(self, meta, c):
        return ast.Literal(_unquote(c[0]), "text", self._s(meta))

    @v_args(meta=True)
    def yes(self, meta, c):
        return ast.Literal(True, "yesno", self._s(meta))

    @v_args(meta=True)
    def no(self, meta, c):
        return ast.Literal(False, "yesno", self._s(meta))

    # expressions
    @v_args(meta=True)
    def name(self, meta, c):
        return ast.Name(c[0].value, self._s(meta))

    @v_args(meta=True)
    def field(self, meta, c):
        return ast.Field(c[0].value, c[1].value, self._s(meta))

    @v_args(meta=True)
    def count(self, meta, c):
        where = c[2] if len(c) > 2 else None
        return ast.Count(c[0].value, c[1].value, where, self._s(meta))

    @v_args(meta=True)
    def not_op(self, meta, c):
        return self._nest(ast.Not(c[0], self._s(meta)), c[0])

    @v_args(meta=True)
    def and_op(self, meta, c):
        return self._nest(ast.BinOp("and", c[0], c[1], self._s(meta)), c[0], c[1])

    @v_args(meta=True)
    def or_op(self, meta, c):
        return self._nest(ast.BinOp("or", c[0], c[1], self._s(meta)), c[0], c[1])

    @v_args(meta=True)
    def compare(self, meta, c):
        return self._nest(ast.BinOp(c[1].value, c[0], c[2], self._s(meta)), c[0], c[2])

    arith = compare

    # rules
    @v_args(meta=True)
    def because(self, meta, c):
        return ast.Template(_unquote(c[0]), _span(self.path, c[0]))

    def _bound(kind, n):
        @v_args(meta=True)
        def build(self, meta, c):
            low = c[0] if n >= 1 else None
            high = c[1] if n == 2 else None
            if kind in ("at_most", "under"):
                low, high = None, c[0]
            return ast.Bound(kind, low, high, self._s(meta))

        return build

    bound_eq = _bound("eq", 1)
    bound_at_least = _bound("at_least", 1)
    bound_above = _bound("above", 1)
    bound_at_most = _bound("at_most", 1)
    bound_under = _bound("under", 1)
    bound_from_to_under = _bound("from_to_under", 2)
    bound_from_to = _bound("from_to", 2)
    bound_else = _bound("else", 0)

    @v_args(meta=True)
    def level(self, meta, c):
        because = c[2] if len(c) > 2 else None
        return ast.Level(c[0], Decimal(c[1].value), because, self._s(meta))

    @v_args(meta=True)
    def levels(self, meta, c):
        return ast.Levels(c[0], tuple(c[1:]), self._s(meta))

    @v_args(meta=True)
    def full(self, meta, c):
        return ast.Full(c[0], Decimal(c[1].value), c[2], self._s(meta))

    @v_args(meta=True)
    def proportional(self, meta, c):
        return ast.Proportional(c[0], c[1], self._s(meta))

    @v_args(meta=True)
    def points(self, meta, c):
        return ast.Points(c[0], c[1], self._s(meta))

    def deduct_if(self, c):
        return ("if", c[0], None, None)

    def deduct_each(self, c):
        where = c[2] if len(c) > 2 else None
        return ("each", where, c[0].value, c[1])

    def deduct_per(self, c):
        return ("per", c[0], None, None)

    def cap(self, c):
        return Decimal(c[0].value)

    @v_args(meta=True)
    def deduct(self, meta, c):
        scope, cond, var, lst = c[1]
        cap = c[2] if len(c) == 4 else None
        list_span = _span(self.path, lst) if lst is not None else None
        return ast.Deduct(Decimal(c[0].value), scope, cond, var, lst.value if lst else None, cap,
                          c[-1], self._s(meta), list_span)

    @v_args(meta=True)
    def floor(self, meta, c):
        return ast.Floor(Decimal(c[0].value), self._s(meta))

    # node properties, tagged for _node
    @v_args(meta=True)
    def method(self, meta, c):
        return ("method", (c[0].value, self._s(meta)))

    def applies_to(self, c):
        return ("applies_to", tuple((t.value, _span(self.path, t)) for t in c))

    def applies_except(self, c):
        return ("applies_except", tuple((t.value, _span(self.path, t)) for t in c))

    def zero_not_applicable(self, c):
        return "not applicable"

    def zero_full(self, c):
        return "full"

    def zero_not_scorable(self, c):
        return "not scorable"

    @v_args(meta=True)
    def on_zero(self, meta, c):
        cond = c[0]
        if not (isinstance(cond, ast.BinOp) and cond.op == "="
                and isinstance(cond.right, ast.Literal) and cond.right.type == "number"
                and cond.right.value == 0):
            raise _ParseProblem(_("'when' names a denominator and 0, e.g. "
                                  "when so_nhiem_vu = 0: not applicable"), cond.span)
        because = c[2] if len(c) > 2 else None
        return ("on_zero", ast.OnZero(cond.left, c[1], because, self._s(meta)))

    def applies_if(self, c):
        return ("applies_if", c[0])

    def guidance(self, c):
        return ("guidance", " ".join(_unquote(t).strip() for t in c))

    def office(self, c):
        return ("office", _unquote(c[0]).strip())

    @v_args(meta=True)
    def citation(self, meta, c):
        at = _unquote(c[1]) if len(c) > 1 else None
        return ast.Citation(c[0].value, at, self._s(meta))

    def cites(self, c):
        return tuple(c)

    @v_args(meta=True)
    def source(self, meta, c):
        cites = c[-1] if c and isinstance(c[-1], tuple) else ()
        rest = [x for x in c if not isinstance(x, tuple)]
        note = _unquote(rest[1]) if len(rest) > 1 else None
        return ("source", ast.Source(rest[0].value, note, self._s(meta), cites))

    def kind_max(self, c):
        return (c[0].value, Decimal(c[1].value), _span(self.path, c[0]))

    def kind_max_list(self, c):
        return tuple(c)

    @v_args(meta=True)
    def max_spec(self, meta, c):
        return ast.MaxSpec(Decimal(c[0].value), c[1] if len(c) > 1 else (), self._s(meta))

    def _node(self, level, meta, c):
        node_id, title = c[0].value, _unquote(c[1])
        rest = c[2:]
        max_spec = None
        if rest and isinstance(rest[0], ast.MaxSpec):
            max_spec, rest = rest[0], rest[1:]
        props: dict[str, object] = {}
        children, rules, zeros = [], [], []
        for item in rest:
            if isinstance(item, ast.Node):
                children.append(item)
            elif isinstance(item, tuple) and item[0] == "on_zero":
                zeros.append(item[1])
            elif isinstance(item, tuple):
                if item[0] == "applies_except":
                    item = ("applies_to", item[1])
                    props["applies_except"] = True
                if item[0] in props:
                    what = item[0].replace("_", " ")
                    raise _ParseProblem(_("'{what}' is given twice").format(what=what),
                                        self._s(meta))
                props[item[0]] = item[1]
            else:
                rules.append(item)
        return ast.Node(
            level, node_id, title, max_spec, props.get("method"), props.get("applies_to"),
            props.get("applies_if"), props.get("guidance"), props.get("source"),
            tuple(children), tuple(rules), self._s(meta), _span(self.path, c[0]),
            bool(props.get("applies_except")), tuple(zeros), props.get("office"),
        )

    @v_args(meta=True)
    def area(self, meta, c):
        return self._node("area", meta, c)

    @v_args(meta=True)
    def criterion(self, meta, c):
        return self._node("criterion", meta, c)

    # declarations
    @v_args(meta=True)
    def range_at_least(self, meta, c):
        return ast.Range(c[0], None, self._s(meta))

    @v_args(meta=True)
    def range_at_most(self, meta, c):
        return ast.Range(None, c[0], self._s(meta))

    @v_args(meta=True)
    def range_from_to(self, meta, c):
        return ast.Range(c[0], c[1], self._s(meta))

    @v_args(meta=True)
    def field_decl(self, meta, c):
        rng = c[3] if len(c) > 3 else None
        return ast.FieldDecl(c[0].value, c[1].value, _unquote(c[2]), self._s(meta), rng)

    def default(self, c):
        return ("default", c[0])

    @v_args(meta=True)
    def fact_scalar(self, meta, c):
        extra = c[3:]
        rng = next((x for x in extra if isinstance(x, ast.Range)), None)
        default = next((x[1] for x in extra if isinstance(x, tuple)), None)
        return ast.FactDecl(c[0].value, c[1].value, _unquote(c[2]), default, (), self._s(meta),
                            rng)

    @v_args(meta=True)
    def fact_list(self, meta, c):
        return ast.FactDecl(c[0].value, "list", _unquote(c[1]), None, tuple(c[2:]), self._s(meta))

    @v_args(meta=True)
    def fact_check(self, meta, c):
        return ast.FactCheck(c[0], c[1], self._s(meta))

    def facts(self, c):
        return ("facts", tuple(c))

    # documents, groups, bands, columns
    def _doc_field(name, convert):
        @v_args(meta=True)
        def build(self, meta, c):
            return (name, convert(self, c), self._s(meta))

        return build

    doc_number = _doc_field("number", lambda self, c: _unquote(c[0]))
    doc_date = _doc_field("date", lambda self, c: self._date_value(c[0]))
    doc_issuer = _doc_field("issuer", lambda self, c: _unquote(c[0]))
    doc_title = _doc_field("title", lambda self, c: _unquote(c[0]))
    doc_note = _doc_field("note", lambda self, c: _unquote(c[0]))

    @v_args(meta=True)
    def document(self, meta, c):
        return ast.DocumentDecl(c[0].value, _unquote(c[1]), tuple(c[2:]), self._s(meta))

    @v_args(meta=True)
    def key_descending(self, meta, c):
        return ast.RankKey(c[0].value, True, self._s(meta))

    @v_args(meta=True)
    def key_ascending(self, meta, c):
        return ast.RankKey(c[0].value, False, self._s(meta))

    @v_args(meta=True)
    def group_kinds(self, meta, c):
        return ("kinds", tuple((t.value, _span(self.path, t)) for t in c), self._s(meta))

    @v_args(meta=True)
    def group_rank(self, meta, c):
        return ("rank", c[0], self._s(meta))

    @v_args(meta=True)
    def group_ties_share(self, meta, c):
        return ("ties", "share", self._s(meta))

    @v_args(meta=True)
    def group_ties_by(self, meta, c):
        return ("ties", c[0], self._s(meta))

    @v_args(meta=True)
    def group_not_ranked(self, meta, c):
        return ("not ranked", True, self._s(meta))

    @v_args(meta=True)
    def group(self, meta, c):
        items = c[2:]
        got: dict[str, object] = {}
        for name, value, span in items:
            if name in got:
                raise _ParseProblem(_("'{what}' is given twice").format(what=name), span)
            got[name] = value
        return ast.GroupDecl(
            c[0].value, _unquote(c[1]), got.get("kinds", ()), got.get("rank"),  # type: ignore[arg-type]
            got.get("ties"), "not ranked" not in got, self._s(meta),  # type: ignore[arg-type]
            tuple((name, span) for name, _v, span in items))

    @v_args(meta=True)
    def band(self, meta, c):
        return ast.Band(_unquote(c[0]), c[1], self._s(meta))

    @v_args(meta=True)
    def bands(self, meta, c):
        return ast.BandsDecl(_unquote(c[0]), tuple(c[1:]), self._s(meta))

    @v_args(meta=True)
    def column(self, meta, c):
        return ast.ColumnDecl(c[0].value, _unquote(c[1]),
                              tuple((t.value, _span(self.path, t)) for t in c[2:]), self._s(meta))

    @v_args(meta=True)
    def scale_part(self, meta, c):
        return ast.ScalePart(c[0].value, Decimal(c[1].value), self._s(meta))

    @v_args(meta=True)
    def kind(self, meta, c):
        counts = c[-1] if c and isinstance(c[-1], ast.Counts) else None
        parts = tuple(x for x in c[3:] if not isinstance(x, ast.Counts))
        return ast.KindDecl(c[0].value, _unquote(c[1]), Decimal(c[2].value), parts,
                            self._s(meta), counts)

    @v_args(meta=True)
    def counts(self, meta, c):
        return ast.Counts(int(c[0].value), int(c[1].value), int(c[2].value), self._s(meta))

    def _field(name, convert):
        @v_args(meta=True)
        def build(self, meta, c):
            return (name, convert(self, c), self._s(meta))

        return build

    field_date = _field("date", lambda self, c: self._date_value(c[0]))
    field_effective = _field("effective", lambda self, c: self._date_value(c[0]))
    field_issuer = _field("issuer", lambda self, c: _unquote(c[0]))
    field_title = _field("title", lambda self, c: _unquote(c[0]))
    field_replaces = _field("replaces", lambda self, c: _unquote(c[0]))
    field_note = _field("note", lambda self, c: _unquote(c[0]))
    field_round = _field("round", lambda self, c: (c[0].value, Decimal(c[1].value)))
    field_years = _field("years", lambda self, c: self._years(c[0], c[1] if len(c) > 1 else c[0]))
    field_years_from = _field("years", lambda self, c: self._years(c[0], None))

    def _years(self, first: Token, last: Token | None) -> tuple[int, int | None]:
        out = []
        for t in (first, last):
            if t is None:
                out.append(None)
                continue
            if not re.fullmatch(r"\d{4}", t.value):
                raise _ParseProblem(_("a year is written with four digits, e.g. 2022"),
                                    _span(self.path, t))
            out.append(int(t.value))
        return out[0], out[1]  # type: ignore[return-value]

    @v_args(meta=True)
    def decision(self, meta, c):
        return ast.Decision(_unquote(c[0]), tuple(c[1:]), self._s(meta))

    def start(self, c):
        def of(cls):
            return tuple(x for x in c if isinstance(x, cls))

        decls = [d for x in c if isinstance(x, tuple) for d in x[1]]
        facts = tuple(d for d in decls if isinstance(d, ast.FactDecl))
        checks = tuple(d for d in decls if isinstance(d, ast.FactCheck))
        return ast.RuleFile(self.path, of(ast.Decision), of(ast.KindDecl), facts, of(ast.Node),
                            of(ast.DocumentDecl), of(ast.GroupDecl), of(ast.BandsDecl),
                            of(ast.ColumnDecl), checks)


class _ParseProblem(Exception):
    def __init__(self, message: str, span: ast.Span):
        super().__init__(message)
        self.message, self.span = message, span


@lru_cache(maxsize=2)
def _examples(vietnamese: bool = False) -> tuple[tuple[object, str, str], ...]:
    """Where in the grammar each example of SYNTAX_ERRORS fails: (parser state, token, label)."""
    out = []
    for label, examples in SYNTAX_ERRORS.items():
        for text in examples:
            try:
                _parser(vietnamese).parse(text)
            except UnexpectedInput as err:
                state = getattr(getattr(err, "state", None), "position", None)
                token = getattr(getattr(err, "token", None), "type", type(err).__name__)
                out.append((state, token, label))
    return tuple(out)


def _label(err: UnexpectedInput, vietnamese: bool = False) -> str | None:
    """The label of a known mistake (a message id, untranslated): same parser state, the same
    token if possible.
    Lark's match_examples compares whole stacks, so an example would only match a mistake
    made at the same nesting depth; the state on top of the stack is what matters here."""
    state = getattr(getattr(err, "state", None), "position", None)
    token = getattr(getattr(err, "token", None), "type", type(err).__name__)
    if state is None:
        return None
    same_state = [(t, label) for s, t, label in _examples(vietnamese) if s == state]
    for t, label in same_state:
        if t == token:
            return label
    return same_state[0][1] if same_state else None


@lru_cache(maxsize=1)
def _literals() -> dict[str, str]:
    """Lark's names for the grammar's anonymous terminals ('__ANON_2'), as the text they match:
    no internal name reaches a person."""
    out = {}
    for t in _parser(True).terminals:
        if t.pattern.type == "str":
            out[t.name] = f"'{t.pattern.value}'"
    return out


def _expected(names: set[str]) -> str:
    literal = _literals()
    readable = sorted({_(TERMINAL_NAMES[n]) if n in TERMINAL_NAMES
                       else literal[n] if n in literal
                       else f"'{n.lower()}'" if n.isupper() and not n.startswith("_") else None
                       for n in names} - {None})  # type: ignore[operator]
    if len(readable) > 8:
        readable = readable[:8] + ["…"]
    return ", ".join(readable)


def _syntax_diagnostic(path: str, text: str, err: UnexpectedInput,
                       vietnamese: bool = False) -> Diagnostic:
    label = _label(err, vietnamese)
    line, column = err.line, err.column
    if isinstance(err, UnexpectedEOF) or line is None or line < 1:
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    length = 1
    if isinstance(err, UnexpectedToken):
        token = err.token
        expected = _expected(err.accepts or err.expected)
        length = max(1, len(token.value)) if token.type != "$END" else 1
        if token.type == "$END":
            message = _("the file ends too early; expected {expected}").format(expected=expected)
        else:
            message = _("unexpected {found}; expected {expected}").format(
                found=f"'{token.value}'", expected=expected)
    elif isinstance(err, UnexpectedCharacters):
        found = text[err.pos_in_stream] if err.pos_in_stream < len(text) else "?"
        message = _("unexpected character '{char}'").format(char=found)
    else:
        message = _("unexpected end of the file; a block is not closed")
    if label:
        message = _("{label}; {problem}").format(label=_(label), problem=message)
    wants_brace = isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and "RBRACE" in (err.accepts or err.expected))
    opened = _unclosed_block(text, line) if wants_brace else None
    if opened is not None:
        at, before = opened
        head = text.splitlines()[at - 1]
        indent = len(head) - len(head.lstrip())
        message = _("the block opened on line {line} has no closing '}}': add '}}' before "
                    "line {before}").format(line=at, before=before)
        if label:
            message = _("{label}; {problem}").format(label=_(label), problem=message)
        return Diagnostic(message, ast.Span(path, at, indent + 1, at, len(head) + 1))
    span = ast.Span(path, line, column, line, column + length)
    return Diagnostic(message, span)


def _code(line: str) -> str:
    """A line without its quoted texts and its comment: what braces count in."""
    line = re.sub(r'"[^"]*"', '""', line)
    return line.split("#", 1)[0]


def _unclosed_block(text: str, stop: int) -> tuple[int, int] | None:
    """Where a block misses its '}': the innermost block still open when a line at its own
    indentation (or less) begins, other than its '}'. (line opened, line that should follow
    the '}'); None when the indentation says nothing."""
    lines = text.splitlines()
    stack: list[tuple[int, int]] = []  # (indentation, line number) of each open block
    for number, raw in enumerate(lines[:max(stop, 1)], 1):
        code = _code(raw)
        stripped = code.strip()
        if not stripped:
            continue
        indent = len(raw) - len(raw.lstrip())
        if stack and indent <= stack[-1][0] and not stripped.startswith("}"):
            return stack[-1][1], number
        for ch in code:
            if ch == "{":
                stack.append((indent, number))
            elif ch == "}" and stack:
                stack.pop()
    if stack and stop >= len(lines):  # the file ended inside a block
        return stack[-1][1], len(lines) + 1
    return None


def parse_text(text: str, path: str = "<text>") -> ast.RuleFile:
    """Parse one file's text. Raises ``RuleSyntaxError`` with the position of the mistake."""
    try:
        vietnamese = _vietnamese(text)
        tree: Tree = _parser(vietnamese).parse(text)
    except UnexpectedInput as err:
        tree = None
        if not vietnamese:  # a Vietnamese keyword written without diacritics ('khi', 'trong')
            try:
                tree = _parser(True).parse(text)
            except UnexpectedInput:
                pass
        if tree is None:
            raise RuleSyntaxError([_syntax_diagnostic(path, text, err, vietnamese)]) from None
    except RecursionError:
        raise RuleSyntaxError([_too_deep(path, text)]) from None
    try:
        return _ToAst(path).transform(tree)
    except RecursionError:
        raise RuleSyntaxError([_too_deep(path, text)]) from None
    except Exception as err:  # lark wraps errors raised inside the transformer
        inner = getattr(err, "orig_exc", err)
        if isinstance(inner, _ParseProblem):
            raise RuleSyntaxError([Diagnostic(inner.message, inner.span)]) from None
        if isinstance(inner, RecursionError):
            raise RuleSyntaxError([_too_deep(path, text)]) from None
        raise


def _too_deep(path: str, text: str) -> Diagnostic:
    """An expression too deep for the parser: at the line that nests most."""
    lines = text.split("\n")
    worst = max(range(len(lines)), key=lambda i: lines[i].count("(") + lines[i].count("not "))
    return Diagnostic(_("this expression is nested more than {n} levels deep; split it into "
                        "simpler conditions").format(n=MAX_NESTING),
                      ast.Span(path, worst + 1, 1, worst + 1, len(lines[worst]) + 1))


def normalise(text: str) -> str:
    """One spelling of the same text: no BOM, LF line ends, Unicode NFC (Vietnamese keyboards
    often type NFD, and names and ids must compare equal however they were typed)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def read_text(path: str | Path) -> str:
    """A rule file's text, normalised. Raises ``RuleSyntaxError`` for bytes that are not UTF-8,
    and for a file over ``MAX_RULE_BYTES`` before reading it whole."""
    with open(path, "rb") as fh:
        raw = fh.read(MAX_RULE_BYTES + 1)
    if len(raw) > MAX_RULE_BYTES:
        raise RuleSyntaxError([Diagnostic(_(
            "the rule file is larger than {size} MB; a decision's rules take a few hundred "
            "kilobytes: is it the right file?").format(size=MAX_RULE_BYTES // (1024 * 1024)),
            ast.Span(str(path), 1, 1, 1, 1))])
    try:
        return normalise(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        span = ast.Span(str(path), line, column, line, column + 1)
        message = _("byte 0x{byte:02x} is not UTF-8 text; save the file as UTF-8").format(
            byte=raw[err.start])
        raise RuleSyntaxError([Diagnostic(message, span)]) from None


def parse_folder(folder: str | Path) -> ast.RuleSet:
    """Parse every ``*.cchc`` file of a folder, in name order; all syntax errors together."""
    root = Path(folder)
    paths = sorted(root.glob("*.cchc"))
    files, diagnostics, texts = [], [], {}
    for p in paths:
        try:
            text = read_text(p)
        except RuleSyntaxError as err:
            diagnostics.extend(err.diagnostics)
            continue
        texts[str(p)] = text
        try:
            files.append(parse_text(text, str(p)))
        except RuleSyntaxError as err:
            diagnostics.extend(err.diagnostics)
    if diagnostics:
        err = RuleSyntaxError(diagnostics)
        err.texts = texts  # type: ignore[attr-defined]
        raise err
    return ast.RuleSet(str(root), tuple(files), texts)
