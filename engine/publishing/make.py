"""One appendix, in the format asked for: the rows built once, then written."""

from __future__ import annotations

from dsl import ast
from dsl.errors import CchcError, Diagnostic
from dsl.i18n import _
from engine.records.model import FactRecord


def appendix_bytes(rs: ast.RuleSet, kind: str, fmt: str, record: FactRecord | None,
                   stamp: dict | None = None) -> bytes:
    from engine.evaluate import score
    from engine.publishing.appendix import as_html, as_markdown, build

    result = None
    if record is not None:
        if record.unit.kind != kind:
            raise CchcError([Diagnostic(_(
                "the record is of kind '{theirs}', not '{kind}': ask for --kind {theirs}, or "
                "give a record of kind '{kind}'").format(theirs=record.unit.kind, kind=kind),
                None, record.path)])
        result = score(rs, record)
    ap = build(rs, kind, result, record.self_assessment if record is not None else None)
    if fmt == "docx":
        from engine.publishing.word import as_docx

        date = rs.decision.get("date") if rs.decision else None
        when = (date.year, date.month, date.day) if hasattr(date, "year") else (2000, 1, 1)
        return as_docx(ap, when, stamp)  # type: ignore[union-attr]
    text = as_html(ap) if fmt == "html" else as_markdown(ap)
    if stamp is not None:
        from engine.stamp import stamped
        text = stamped(text, fmt, stamp)
    return text.encode("utf-8")


def diff_text(a: ast.RuleSet, b: ast.RuleSet, kind: str | None, fact_file: str | None,
              fmt: str) -> str:
    """The comparison of two rule sets; with a record, the unit under both."""
    from engine.facts import read_yaml
    from engine.publishing.diff import compare, unit_under_both
    from engine.publishing.diff_render import as_data, as_text
    from engine.report import to_json_doc

    if fact_file is not None:
        data, lines = read_yaml(fact_file)
        theirs = data.get("unit", {}).get("kind") if isinstance(data, dict) and isinstance(
            data.get("unit"), dict) else None
        if kind is None and isinstance(theirs, str):
            kind = theirs
        if kind is not None and theirs is not None and theirs != kind:
            raise CchcError([Diagnostic(_(
                "the record is of kind '{theirs}', not '{kind}': ask for --kind {theirs}, or "
                "give a record of kind '{kind}'").format(theirs=theirs, kind=kind),
                None, fact_file)])
        if kind is not None and b.kind(kind) is None:
            raise CchcError([Diagnostic(_("the newer rules score no kind '{kind}'").format(
                kind=kind), None, fact_file)])
    d = compare(a, b, kind)
    if fact_file is not None and kind is not None:
        d.unit = unit_under_both(a, b, kind, data, lines, fact_file, d)
    if fmt == "json":
        return to_json_doc(as_data(d))
    return as_text(d, md=fmt == "md")
