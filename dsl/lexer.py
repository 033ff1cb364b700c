"""A Pygments lexer for rule files, so that a rule shown on a page or a screen is highlighted.

Takes rule text; gives tokens: comments, quoted text (titles, reasons, guidance) with their
``{fact}`` holes, numbers, dates and percentages, keywords, fact names and punctuation. Only
colours depend on it: a mistake here never changes what a rule means.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text

KEYWORDS = (
    "above", "all", "and", "applicable", "applies", "appraisal", "area", "areas", "at", "bands",
    "because", "by", "check", "column", "count", "criteria", "criterion", "date", "decision",
    "deduct", "default", "document", "each", "effective", "else", "except", "facts", "fact",
    "floor", "for", "from", "full", "group", "guidance", "high", "if", "in", "index", "issuer",
    "kind", "kinds", "least", "levels", "list", "low", "max", "method", "most", "no", "not",
    "note", "number", "or", "per", "percent", "points", "proportional", "published", "rank",
    "ranked", "reconstructed", "replaces", "round", "scale", "scorable", "share", "source",
    "survey", "text", "ties", "title", "to", "total", "under", "when", "where", "years", "yes",
    "yesno", "count", "cap", "title",
)


def _vietnamese() -> tuple[str, ...]:
    from dsl.keywords import PHRASES, VALUES

    found = {vi for _w, vi in PHRASES} | {vi for v in VALUES.values() for vi in v}
    return tuple(sorted(found, key=len, reverse=True))  # the longest first: "tiêu chí thành phần"


class CchcLexer(RegexLexer):
    name = "cchc"
    aliases = ["cchc"]
    filenames = ["*.cchc"]

    tokens = {
        "root": [
            (r"#.*$", Comment.Single),
            (r"\s+", Text),
            (r'"', String.Double, "string"),
            (r"\d{4}-\d{2}-\d{2}", Number.Other),
            (r"\d+(\.\d+)?%?", Number),
            (words(_vietnamese(), suffix=r"(?!\w)"), Keyword),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", Name.Variable),
            (r"<=|>=|!=|[<>=+\-*/]", Operator),
            (r"[{}():,;\[\]]", Punctuation),
            (r".", Text),
        ],
        "string": [
            (r'"', String.Double, "#pop"),
            (r"(\{)([^{}\"]*)(\})", bygroups(String.Interpol, Name.Variable, String.Interpol)),
            include("chars"),
        ],
        "chars": [
            (r'[^"{]+', String.Double),
            (r"\{", String.Double),
        ],
    }
