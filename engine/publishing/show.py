"""One criterion's rule text, as its file writes it, with its place: ``cchc show``."""

from __future__ import annotations

import textwrap

from dsl import ast
from dsl.errors import Diagnostic, UsageError, suggest
from dsl.i18n import _
from dsl.tree import scoped_tree


def _find(rs: ast.RuleSet, node_id: str, kind: str | None) -> list[ast.Node]:
    if kind is not None:
        return [s.node for a in scoped_tree(rs, kind) for s in a.walk() if s.node.id == node_id]

    def walk(n: ast.Node):
        yield n
        for c in n.children:
            yield from walk(c)
    return [n for a in rs.areas for n in walk(a) if n.id == node_id]


def node_text(rs: ast.RuleSet, node_id: str, kind: str | None, color: bool = False) -> str:
    found = _find(rs, node_id, kind)
    if not found:
        every = {n.id for a in rs.areas for n in [a, *_all(a)]}
        raise UsageError([Diagnostic(_("no criterion '{id}' in these rules").format(id=node_id)
                                     + suggest(node_id, every), None, rs.root)])
    out = []
    for n in found:  # one per file that has it (each kind's appendix may be its own file)
        lines = rs.texts.get(n.span.path, "").splitlines()
        block = textwrap.dedent("\n".join(lines[n.span.line - 1:n.span.end_line])) + "\n"
        if color:
            from pygments import highlight
            from pygments.formatters import TerminalFormatter

            from dsl.lexer import CchcLexer
            block = highlight(block, CchcLexer(), TerminalFormatter())
        out.append(f"# {n.span.path}:{n.span.line}\n{block}")
    return "\n".join(out)


def _all(n: ast.Node) -> list[ast.Node]:
    return [x for c in n.children for x in [c, *_all(c)]]
