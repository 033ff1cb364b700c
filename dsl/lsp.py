"""A language server for rule files, so that an editor shows mistakes while a rule is typed.

Takes an editor's open ``.cchc`` documents over stdio (the Language Server Protocol, through
pygls); gives diagnostics as you type (the checker run on the document's folder, every open
document's unsaved text in place of the file on disk, nothing written), hover over a fact name
(its label, type, range, default) and over an area's or criterion's header (title, maximum,
guidance), go to a fact's declaration, and completion of fact names. The last rule set of a
folder that parsed is kept, so hover and completion still work while the text has a syntax
error. A handler that fails logs the error and answers nothing: the editor keeps working.

Run it with ``serve()`` (``python -m dsl.lsp``); ``editors/vscode`` has the syntax colours.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from dsl import ast
from dsl.check import check
from dsl.errors import Diagnostic, RuleSyntaxError
from dsl.i18n import _
from dsl.intervals import INF, Interval, describe
from dsl.parse import normalise, parse_text, read_text
from dsl.typecheck import type_name

log = logging.getLogger("cchc.lsp")

NAME = re.compile(r"[a-z_][a-z0-9_]*")  # the grammar's NAME
HEADER = re.compile(r"\s*(area|criterion)\s+(\d+(?:\.\d+)*)\b")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what LSP counts as the end of a line
DEBOUNCE = 0.25  # seconds of quiet typing before the folder is checked again
SOURCE = "cchc"

Units = Callable[[str], int]  # how many of the client's position units a text takes


# ---- rule sets from unsaved text ---------------------------------------------------------------
class RuleSets:
    """The rule sets of folders, each file's text taken from the editor when it is open there,
    else from disk. Files are parsed as ``parse.parse_folder`` parses them, and each file's
    parse is kept while its text is unchanged, so a keystroke reparses one file."""

    def __init__(self) -> None:
        self.parsed: dict[str, tuple[str, ast.RuleFile]] = {}  # path -> (text, its parse)
        self.good: dict[str, ast.RuleSet] = {}  # folder -> the last rule set that parsed

    def parse(self, path: str, text: str) -> ast.RuleFile:
        kept = self.parsed.get(path)
        if kept is not None and kept[0] == text:
            return kept[1]
        rule_file = parse_text(text, path)
        self.parsed[path] = (text, rule_file)
        return rule_file

    def load(self, folder: str, unsaved: dict[str, str]
             ) -> tuple[ast.RuleSet | None, list[Diagnostic]]:
        """Parse and check a folder: (the rule set, its problems), or (None, the syntax errors)
        when a file does not parse. ``unsaved``: path -> normalised text of open documents."""
        root = Path(folder)
        paths = {str(p) for p in root.glob("*.cchc")} | set(unsaved)
        files: list[ast.RuleFile] = []
        problems: list[Diagnostic] = []
        texts: dict[str, str] = {}
        for path in sorted(paths, key=Path):  # the order of parse_folder
            try:
                text = unsaved[path] if path in unsaved else read_text(path)
            except RuleSyntaxError as err:
                problems.extend(err.diagnostics)
                continue
            except OSError:  # removed, or a folder named *.cchc
                continue
            texts[path] = text
            try:
                files.append(self.parse(path, text))
            except RuleSyntaxError as err:
                problems.extend(err.diagnostics)
        if problems:
            return None, problems
        ruleset = ast.RuleSet(str(root), tuple(files), texts)
        self.good[str(root)] = ruleset
        try:
            return ruleset, check(ruleset)
        except Exception:  # a checker bug must not stop the editor
            log.exception("cchc: checking %s failed", folder)
            return ruleset, []


# ---- positions ---------------------------------------------------------------------------------
def lines_of(text: str) -> list[str]:
    return LINE_BREAK.split(text)


def _normal(line: str, first: bool) -> str:
    """A line as the parser sees it (``parse.normalise``): NFC, no byte-order mark."""
    return unicodedata.normalize("NFC", line.removeprefix("\ufeff") if first else line)


def to_client(line: str, column: int, units: Units, first: bool = False) -> int:
    """A 0-based column of the parser's (normalised) line -> the client's units in the line as
    the editor has it (it may be typed decomposed, NFD)."""
    if line.isascii():
        return column
    if _normal(line, first) == line:
        return units(line[:column])
    k = 0  # the longest prefix that is no longer than ``column`` once normalised
    while k < len(line) and len(_normal(line[:k + 1], first)) <= column:
        k += 1
    return units(line[:k])


def from_client(line: str, character: int, units: Units) -> int:
    """The client's units -> an index into the line as the editor has it."""
    count = 0
    for i, char in enumerate(line):
        if count >= character:
            return i
        count += units(char)
    return len(line)


def lsp_range(d: Diagnostic, lines: list[str], units: Units) -> types.Range:
    """A diagnostic's place (1-based, end column exclusive) as an LSP range (0-based)."""
    if d.span is not None:
        line, col, end_line, end_col = (d.span.line, d.span.column, d.span.end_line,
                                        d.span.end_column)
    else:
        line = end_line = d.line or 1
        col, end_col = 1, len(lines[line - 1]) + 1 if 1 <= line <= len(lines) else 1

    def pos(ln: int, c: int) -> types.Position:
        ln = min(max(ln, 1), max(len(lines), 1))
        text = lines[ln - 1] if lines else ""
        return types.Position(ln - 1, to_client(text, max(c - 1, 0), units, ln == 1))

    start, end = pos(line, col), pos(end_line, end_col)
    if (end.line, end.character) <= (start.line, start.character):
        end = types.Position(start.line, start.character + 1)
    return types.Range(start, end)


def context_at(line: str, index: int) -> str:
    """What the character at ``index`` is part of: "code", "comment", "string" or "hole" (a
    ``{fact}`` inside quoted text)."""
    state = "code"
    i = 0
    while i < min(index, len(line)):
        char = line[i]
        if state == "code":
            if char == "#":
                return "comment"
            if char == '"':
                state = "string"
        elif char == "\\":
            i += 1
        elif char == '"':
            state = "code"
        elif state == "string" and char == "{":
            state = "hole"
        elif state == "hole" and char == "}":
            state = "string"
        i += 1
    return state


def word_at(line: str, index: int) -> tuple[str, int, int] | None:
    """The name under (or just after) the cursor: (name, start, end); None inside a comment, in
    quoted text outside a hole, or after a dot (a record's field)."""
    for m in NAME.finditer(line):
        if m.start() <= index <= m.end():
            if context_at(line, m.start()) in ("comment", "string"):
                return None
            if m.start() > 0 and (line[m.start() - 1] == "." or line[m.start() - 1].isdigit()):
                return None
            return m.group(0), m.start(), m.end()
    return None


# ---- what hover says ---------------------------------------------------------------------------
def _points(value: Decimal) -> str:
    """Points as the decisions write them: 13,5."""
    return f"{value.normalize():f}".replace(".", ",")


def _bound(lit: ast.Literal | None, default: Decimal) -> Decimal:
    if lit is None:
        return default
    if isinstance(lit.value, dt.date):
        return Decimal(lit.value.toordinal())
    return Decimal(lit.value)  # type: ignore[arg-type]


def _source(ruleset: ast.RuleSet, span: ast.Span) -> str:
    """The text a one-line node was written as."""
    lines = ruleset.texts.get(span.path, "").split("\n")
    if span.line == span.end_line and 1 <= span.line <= len(lines):
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    return ""


def fact_hover(ruleset: ast.RuleSet, fact: ast.FactDecl) -> str:
    kind = f"`{fact.type}` ({type_name(fact.type)})"
    out = [f"**`{fact.name}`** — {fact.label}", "", _("type: {type}").format(type=kind)]
    if fact.range is not None:
        rng = fact.range
        interval = Interval(_bound(rng.low, -INF), True, _bound(rng.high, INF), True)
        out += ["", _("range: {range}").format(range=describe(interval, fact.type))]
    if fact.default is not None:
        written = _source(ruleset, fact.default.span) or str(fact.default.value)
        out += ["", _("default: {default}").format(default=f"`{written}`")]
    if fact.fields:
        out += ["", _("fields of each record:")]
        out += [f"- `{f.name}`: {f.type} — {f.label}" for f in fact.fields]
    return "\n".join(out)


def node_hover(node: ast.Node) -> str:
    what = _("area {id}") if node.level == "area" else _("criterion {id}")
    out = [f"**{what.format(id=node.id)}** — {node.title}"]
    if node.max is not None:
        top = _points(node.max.default)
        if node.max.by_kind:
            top += " (" + ", ".join(f"{k}: {_points(v)}" for k, v, _s in node.max.by_kind) + ")"
        out += ["", _("Maximum points: {max}").format(max=top)]
    if node.guidance:
        out += ["", _("Guidance: {text}").format(text=node.guidance)]
    return "\n".join(out)


def walk(nodes: tuple[ast.Node, ...]) -> Iterator[ast.Node]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def find_node(ruleset: ast.RuleSet, node_id: str, path: str) -> ast.Node | None:
    """The area or criterion with this id, in this file first (each kind's file numbers its
    areas from 1)."""
    found = [n for n in walk(ruleset.areas) if n.id == node_id]
    return next((n for n in found if n.span.path == path), found[0] if found else None)


# ---- the server --------------------------------------------------------------------------------
def _guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A handler that never lets an exception out: it logs it and answers nothing."""
    if asyncio.iscoroutinefunction(handler):
        @functools.wraps(handler)
        async def run_async(*args: Any) -> Any:
            try:
                return await handler(*args)
            except Exception:
                log.exception("cchc: %s failed", handler.__name__)
                return None

        return run_async

    @functools.wraps(handler)
    def run(*args: Any) -> Any:
        try:
            return handler(*args)
        except Exception:
            log.exception("cchc: %s failed", handler.__name__)
            return None

    return run


class RuleServer:
    """The handlers, with the state they share: the rule sets and pending checks."""

    def __init__(self, server: LanguageServer):
        self.server = server
        self.sets = RuleSets()
        self.pending: dict[str, object] = {}  # uri -> the token of its latest change

    # -- documents of the editor
    def units(self, text: str) -> int:
        return self.server.workspace.position_codec.client_num_units(text)

    def open_documents(self) -> dict[str, str]:
        """Path -> uri of every open document that is a file."""
        out = {}
        for uri in list(self.server.workspace.text_documents):
            path = to_fs_path(uri)
            if path is not None and uri.startswith("file:"):
                out[str(Path(path))] = uri
        return out

    def source(self, uri: str) -> str:
        return self.server.workspace.get_text_document(uri).source

    def folder_of(self, uri: str) -> tuple[str, str] | None:
        """(the document's path, its folder), or None for a document that is not a file."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return None
        p = Path(path)
        return str(p), str(p.parent)

    def unsaved(self, folder: str) -> dict[str, str]:
        return {path: normalise(self.source(uri)) for path, uri in self.open_documents().items()
                if str(Path(path).parent) == folder}

    def ruleset(self, folder: str) -> ast.RuleSet | None:
        """The folder's rule set: the last that parsed, else parsed now."""
        if folder not in self.sets.good:
            self.sets.load(folder, self.unsaved(folder))
        return self.sets.good.get(folder)

    # -- diagnostics
    def analyse(self, uri: str) -> None:
        where = self.folder_of(uri)
        if where is None:  # not a file: its own syntax only
            try:
                parse_text(normalise(self.source(uri)), uri)
                problems: list[Diagnostic] = []
            except RuleSyntaxError as err:
                problems = err.diagnostics
            self.publish(uri, uri, problems)
            return
        _path, folder = where
        _ruleset, problems = self.sets.load(folder, self.unsaved(folder))
        for path, open_uri in self.open_documents().items():
            if str(Path(path).parent) == folder:
                self.publish(open_uri, path, problems)

    def publish(self, uri: str, path: str, problems: list[Diagnostic]) -> None:
        """Send the problems of one document: those located in its file."""
        doc = self.server.workspace.get_text_document(uri)
        lines = lines_of(doc.source)
        mine = [d for d in problems if (d.span.path if d.span is not None else
                                        d.path if d.line is not None else None) == path]
        diagnostics = [types.Diagnostic(range=lsp_range(d, lines, self.units), message=d.message,
                                        severity=types.DiagnosticSeverity.Error, source=SOURCE)
                       for d in mine]
        self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics, version=doc.version))

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self.analyse(params.text_document.uri)

    async def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        token = self.pending[uri] = object()
        await asyncio.sleep(DEBOUNCE)
        if self.pending.get(uri) is token:
            del self.pending[uri]
            self.analyse(uri)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        self.analyse(params.text_document.uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self.pending.pop(uri, None)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        where = self.folder_of(uri)
        if where is not None:  # the others of its folder now read the file on disk
            self.analyse_folder(where[1])

    def analyse_folder(self, folder: str) -> None:
        uris = [u for p, u in self.open_documents().items() if str(Path(p).parent) == folder]
        if uris:
            self.analyse(uris[0])

    # -- what is under the cursor
    def at(self, params: types.TextDocumentPositionParams
           ) -> tuple[str, ast.RuleSet, str, int] | None:
        """(the document's path, its rule set, the line, the index in it) at the cursor."""
        uri = params.text_document.uri
        where = self.folder_of(uri)
        if where is None:
            return None
        path, folder = where
        ruleset = self.ruleset(folder)
        lines = lines_of(self.source(uri))
        if ruleset is None or not 0 <= params.position.line < len(lines):
            return None
        line = lines[params.position.line]
        return path, ruleset, line, from_client(line, params.position.character, self.units)

    def fact_at(self, params: types.TextDocumentPositionParams
                ) -> tuple[ast.RuleSet, ast.FactDecl, types.Range] | None:
        found = self.at(params)
        if found is None:
            return None
        _path, ruleset, line, index = found
        word = word_at(line, index)
        if word is None or word[0] not in ruleset.facts:
            return None
        name, start, end = word
        n = params.position.line
        return ruleset, ruleset.facts[name], types.Range(
            types.Position(n, self.units(line[:start])), types.Position(n, self.units(line[:end])))

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        fact = self.fact_at(params)
        if fact is not None:
            ruleset, decl, rng = fact
            return types.Hover(types.MarkupContent(types.MarkupKind.Markdown,
                                                   fact_hover(ruleset, decl)), rng)
        found = self.at(params)
        if found is None:
            return None
        path, ruleset, line, index = found
        header = HEADER.match(line)
        if header is None or context_at(line, index) == "comment":
            return None
        node = find_node(ruleset, header.group(2), path)
        if node is None:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, node_hover(node)))

    def definition(self, params: types.DefinitionParams) -> list[types.Location] | None:
        fact = self.fact_at(params)
        if fact is None:
            return None
        _ruleset, decl, _rng = fact
        span = decl.span
        uri = self.open_documents().get(span.path) or from_fs_path(span.path)
        if uri is None:
            return None
        lines = self.lines_of_file(span.path)
        text = lines[span.line - 1] if 1 <= span.line <= len(lines) else ""
        first = span.line == 1
        start = to_client(text, span.column - 1, self.units, first)
        end = to_client(text, span.column - 1 + len(decl.name), self.units, first)
        return [types.Location(uri, types.Range(types.Position(span.line - 1, start),
                                                types.Position(span.line - 1, end)))]

    def lines_of_file(self, path: str) -> list[str]:
        """A file's lines as the editor has them: its open text, else the file on disk."""
        uri = self.open_documents().get(path)
        if uri is not None:
            return lines_of(self.source(uri))
        try:
            with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
                return lines_of(fh.read())
        except OSError:
            return []

    def completion(self, params: types.CompletionParams) -> types.CompletionList | None:
        found = self.at(params)
        if found is None:
            return None
        _path, ruleset, line, index = found
        if context_at(line, index) in ("comment", "string"):
            return types.CompletionList(is_incomplete=False, items=[])
        items = [types.CompletionItem(label=name, kind=types.CompletionItemKind.Variable,
                                      detail=decl.label,
                                      documentation=types.MarkupContent(
                                          types.MarkupKind.Markdown, fact_hover(ruleset, decl)))
                 for name, decl in sorted(ruleset.facts.items())]
        return types.CompletionList(is_incomplete=False, items=items)


def make_server() -> LanguageServer:
    """The language server with every feature registered (not started)."""
    try:
        from importlib.metadata import version

        ours = version("cchc")
    except Exception:
        ours = "0"
    server = LanguageServer("cchc", ours)
    rules = RuleServer(server)
    for feature, handler, options in (
            (types.TEXT_DOCUMENT_DID_OPEN, rules.did_open, None),
            (types.TEXT_DOCUMENT_DID_CHANGE, rules.did_change, None),
            (types.TEXT_DOCUMENT_DID_SAVE, rules.did_save, None),
            (types.TEXT_DOCUMENT_DID_CLOSE, rules.did_close, None),
            (types.TEXT_DOCUMENT_HOVER, rules.hover, None),
            (types.TEXT_DOCUMENT_DEFINITION, rules.definition, None),
            (types.TEXT_DOCUMENT_COMPLETION, rules.completion,
             types.CompletionOptions(trigger_characters=["{"]))):
        server.feature(feature, options)(_guarded(handler))
    server.rules = rules  # type: ignore[attr-defined]
    return server


def serve() -> None:
    """Run the language server over stdin and stdout until the editor ends it."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    make_server().start_io()


if __name__ == "__main__":
    serve()
