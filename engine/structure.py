"""The criteria tree of one kind of unit, for checking a rule set against the signed decision.

Takes a rule set and a kind; gives the tree with maxima, methods and counts, as data (the JSON
of ``cchc structure --json``) and as text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.i18n import N_, _
from dsl.tree import Scoped, scoped_tree
from engine import vn

METHOD_NAMES = {"appraisal": N_("appraisal"), "survey": N_("survey")}


def method_label(method: str) -> str:
    """A scoring method as the text shows it (translated): thẩm định, điều tra XHH."""
    return _(METHOD_NAMES[method]) if method in METHOD_NAMES else method


def _by_method(s: Scoped) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for n in s.walk():
        if not n.children:
            out[n.method] = out.get(n.method, Decimal(0)) + n.max
    return out


def _node(s: Scoped) -> dict[str, Any]:
    src = s.node.source
    return {
        "id": s.node.id, "title": s.node.title, "max": s.max, "method": s.method,
        "source": src.kind if src else None, "conditional": s.node.applies_if is not None,
        "subcriteria": [_node(c) for c in s.children],
    }


def structure(ruleset: ast.RuleSet, kind: str) -> dict[str, Any]:
    """The tree of criteria one kind is scored on, with its maxima and counts."""
    areas = scoped_tree(ruleset, kind)
    total: dict[str, Decimal] = {}
    out_areas = []
    for a in areas:
        for m, v in _by_method(a).items():
            total[m] = total.get(m, Decimal(0)) + v
        out_areas.append({
            "id": a.node.id, "title": a.node.title, "max": a.max,
            "max_by_method": dict(sorted(_by_method(a).items())),
            "criteria": len(a.children), "subcriteria": sum(len(c.children) for c in a.children),
            "items": [_node(c) for c in a.children],
        })
    decision = ruleset.decision
    decl = next((k for k in ruleset.kinds if k.name == kind), None)
    return {
        "decision": decision.number if decision else None,
        "kind": kind,
        "kind_label": decl.label if decl else kind,
        "max_total": sum(total.values(), Decimal(0)),
        "max_by_method": dict(sorted(total.items())),
        "areas_count": len(out_areas),
        "criteria": sum(a["criteria"] for a in out_areas),
        "subcriteria": sum(a["subcriteria"] for a in out_areas),
        "areas": out_areas,
    }


def as_text(doc: dict[str, Any]) -> str:
    methods = " + ".join(f"{method_label(m)} {vn.points(v)}"
                         for m, v in doc["max_by_method"].items())
    lines = [_("Decision {decision}: {label} ({kind})").format(
                 decision=doc["decision"], label=doc["kind_label"], kind=doc["kind"]),
             _("Scale {total} = {methods}; {areas} areas, {criteria} criteria, "
               "{subcriteria} sub-criteria").format(
                 total=vn.points(doc["max_total"]), methods=methods, areas=doc["areas_count"],
                 criteria=doc["criteria"], subcriteria=doc["subcriteria"]), ""]

    def item(n: dict[str, Any], indent: str) -> None:
        marks = []
        if n["method"] == "survey":
            marks.append(method_label(n["method"]))
        if n["source"] == "reconstructed":
            marks.append(_("reconstructed"))
        if n["conditional"]:
            marks.append(_("conditional"))
        mark = f"  [{'; '.join(marks)}]" if marks else ""
        lines.append(f"{indent}{n['id']} {n['title']}: {vn.points(n['max'])}{mark}")
        for c in n["subcriteria"]:
            item(c, indent + "    ")

    for a in doc["areas"]:
        lines.append(_("{id}. {title}: {max} points ({criteria} criteria, {subcriteria} "
                       "sub-criteria)").format(id=a["id"], title=a["title"],
                                               max=vn.points(a["max"]), criteria=a["criteria"],
                                               subcriteria=a["subcriteria"]))
        for c in a["items"]:
            item(c, "    ")
    return "\n".join(lines) + "\n"
