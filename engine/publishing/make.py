"""One appendix, in the format asked for: the rows built once, then written."""

from __future__ import annotations

from dsl import ast
from dsl.errors import CchcError, Diagnostic
from dsl.i18n import _
from engine.records.model import FactRecord


def appendix_bytes(rs: ast.RuleSet, kind: str, fmt: str, record: FactRecord | None) -> bytes:
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
        return as_docx(ap, when)  # type: ignore[union-attr]
    return (as_html(ap) if fmt == "html" else as_markdown(ap)).encode("utf-8")
