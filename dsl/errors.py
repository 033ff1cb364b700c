"""Errors for people: one base class, one subclass per stage, data kept apart from rendering.

A ``Diagnostic`` is what went wrong and where; ``render`` turns a list of them into the one
display format used everywhere::

    rules/2022/huyen.cchc:41:17: error: unknown fact 'report' (did you mean 'reports'?)
       41 |     deduct 0.5 for each r in report where r.sent > r.due
          |                              ^^^^^^
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from dsl.ast import Span
from dsl.i18n import _, ngettext


@dataclass(frozen=True)
class Diagnostic:
    message: str
    span: Span | None  # None: the whole file (or no file) is concerned
    path: str = ""
    line: int | None = None  # for fact files, where only a line is known

    @property
    def where(self) -> str:
        if self.span is not None:
            return f"{self.span.path}:{self.span.line}:{self.span.column}"
        if self.line is not None:
            return f"{self.path}:{self.line}"
        return self.path

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is not None:
            return (self.span.path, self.span.line, self.span.column, self.message)
        return (self.path, self.line or 0, 0, self.message)


class CchcError(Exception):
    """Base of every error a user may see. Carries one or more diagnostics."""

    stage = "error"

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(f"{d.where}: {d.message}" for d in self.diagnostics))

    def format_message(self, texts: dict[str, str] | None = None) -> str:
        return render(self.diagnostics, texts or {})


class RuleSyntaxError(CchcError):
    """The rule text does not follow the grammar."""


class RuleCheckError(CchcError):
    """The rule text parses but says something impossible: unknown names, wrong types, sums."""


class FactsError(CchcError):
    """A fact record is missing, unreadable or does not match the rule set's schema."""


class UsageError(CchcError):
    """The command was asked for something that does not exist (a folder, a kind)."""


def suggest(name: str, candidates: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return _(" (did you mean '{name}'?)").format(name=close[0]) if close else ""


def render(diagnostics: Iterable[Diagnostic], texts: dict[str, str],
           warning: bool = False) -> str:
    """Render diagnostics with the source line and a caret under the offending text."""
    out: list[str] = []
    for d in diagnostics:
        out.append((_("{where}: warning: {message}") if warning else
                    _("{where}: error: {message}")).format(where=d.where, message=d.message))
        span = d.span
        if span is None:
            continue
        text = texts.get(span.path)
        if text is None:
            try:
                with open(span.path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
            except OSError:
                continue
        lines = text.splitlines()
        if not 1 <= span.line <= len(lines):
            continue
        src = lines[span.line - 1]
        width = len(src) - span.column + 1
        if span.end_line == span.line:
            width = max(1, span.end_column - span.column)
        gutter = " " * len(str(span.line))
        out.append(f"   {span.line} | {src}")
        out.append(f"   {gutter} | {' ' * (span.column - 1)}{'^' * max(1, width)}")
    return "\n".join(out)


def error_count(n: int) -> str:
    """The line under a list of errors: ``3 errors``."""
    return ngettext("{n} error", "{n} errors", n).format(n=n)
