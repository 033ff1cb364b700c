"""Full citations of the documents a rule set declares, as a Vietnamese reader expects them:
"Báo cáo số 12/BC-UBND ngày 05/01/2023 của UBND huyện Mường Tè về …, mục 2.1.1".

Takes a rule set and a document id (with the place cited) or a record's evidence item; gives text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dsl import ast
from dsl.i18n import _, current
from engine import vn


def document_text(doc: ast.DocumentDecl, with_note: bool = True) -> str:
    """A document named in full: its kind, number, date, issuer and title."""
    parts = [doc.kind]
    number = doc.get("number")
    if number:
        parts.append(_("No. {number}").format(number=number))
    date = doc.get("date")
    if isinstance(date, dt.date):
        parts.append(_("of {date}").format(date=vn.date(date)))
    parts.append(_("by {issuer}").format(issuer=doc.get("issuer")))
    text = " ".join(parts) + _(" on “{title}”").format(title=doc.get("title"))
    note = doc.get("note") if with_note else None
    return text + (f" ({note})" if note else "")


def cite(ruleset: ast.RuleSet, document: str, at: str | None = None) -> str:
    doc = ruleset.documents.get(document)
    text = document_text(doc, with_note=False) if doc is not None else document
    return f"{text}, {at}" if at else text


def source_text(ruleset: ast.RuleSet, source: ast.Source | None) -> str | None:
    """What a criterion's ``source`` line says: published or reconstructed, and from where
    (worked out once per rule set, source and language: every unit's report repeats it)."""
    if source is None:
        return None
    cache = ruleset.__dict__.setdefault("_source_texts", {})
    key = (id(source), current())
    if key not in cache:
        cache[key] = _source_text(ruleset, source)
    return cache[key]


def _source_text(ruleset: ast.RuleSet, source: ast.Source) -> str:
    kind = _("published") if source.kind == "published" else _("reconstructed")
    cites = "; ".join(cite(ruleset, c.document, c.at) for c in source.cites)
    text = kind + (f": {source.note}" if source.note else "")
    return text + (_("; based on: {cites}").format(cites=cites) if cites else "")


def evidence_text(ruleset: ast.RuleSet, item: Any) -> str:
    """One evidence item of a record, in full."""
    if isinstance(item, str):
        return item
    if "cite" in item:
        text = cite(ruleset, item["cite"], item.get("at"))
        return text + (f": {item['note']}" if item.get("note") else "")
    parts = [item["document"]]
    if "date" in item:
        parts.append(_("of {date}").format(date=vn.date(dt.date.fromisoformat(item["date"]))))
    if "issuer" in item:
        parts.append(_("by {issuer}").format(issuer=item["issuer"]))
    text = " ".join(parts)
    return text + (f" ({item['note']})" if item.get("note") else "")


def place(ruleset: ast.RuleSet, item: Any) -> dict[str, str | None]:
    """An evidence item in full, and as the document and the place within it, for a reader
    who groups what one document says."""
    if isinstance(item, dict) and "cite" in item:
        return {"source": evidence_text(ruleset, item), "document": cite(ruleset, item["cite"]),
                "at": item.get("at")}
    text = evidence_text(ruleset, item)
    return {"source": text, "document": text, "at": None}
