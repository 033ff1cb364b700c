"""A rule-set comparison as text, Markdown or JSON (see ``diff.py`` for what is compared)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dsl.i18n import _
from engine import vn
from engine.publishing.diff import Change, Diff, Item, KindFigures, UnitComparison, shown_max
from engine.structure import method_label

SECTIONS = ("added", "removed", "renamed", "renumbered", "moved", "max", "method", "rule",
            "applies")


def _section_title(kind: str, n: int) -> str:
    titles = {
        "added": _("Criteria added ({n})"), "removed": _("Criteria removed ({n})"),
        "renamed": _("Criteria renamed ({n})"), "renumbered": _("Criteria renumbered ({n})"),
        "moved": _("Criteria moved ({n})"), "max": _("Maximum points changed ({n})"),
        "method": _("Scoring method changed ({n})"), "rule": _("Scoring rule changed ({n})"),
        "applies": _("Applicability changed ({n})"),
    }
    return titles[kind].format(n=n)


def _scale(k: KindFigures) -> str:
    if k.total is None or k.counts is None:
        return _("not scored")
    parts = " + ".join(f"{method_label(m)} {vn.maximum(p)}" for m, p in k.parts)
    areas, crit, subs = k.counts
    return (vn.maximum(k.total) + (f" = {parts}" if parts else "")
            + "; " + _("{a} areas · {c} criteria · {s} sub-criteria").format(
                a=areas, c=crit, s=subs))


def _who(x: Item) -> str:
    return f"{x.id} {x.title}"


def _change_lines(c: Change, indent: str, block: Any) -> list[str]:
    x, y = c.old, c.new
    sign = "" if indent.startswith("-") else ("+ " if c.kind == "added" else "- ")
    if c.kind in ("added", "removed"):
        one = y if c.kind == "added" else x
        assert one is not None
        top = _("max {max}").format(max=shown_max(one.max))
        return [f"{indent}{sign}{_who(one)} ({top})"]
    assert x is not None and y is not None
    if c.kind == "renamed":
        return [f"{indent}{y.id}: «{x.title}» → «{y.title}»"]
    if c.kind in ("renumbered", "moved"):
        return [f"{indent}{x.id} → {y.id} {y.title}"]
    if c.kind == "max":
        return [f"{indent}{_who(y)}: {shown_max(x.max)} → {shown_max(y.max)}"]
    if c.kind == "method":
        return [f"{indent}{_who(y)}: {method_label(x.method)} → {method_label(y.method)}"]
    if c.kind == "applies":
        everywhere = _("everywhere")
        return [f"{indent}{_who(y)}: «{x.applies or everywhere}» → «{y.applies or everywhere}»"]
    return [f"{indent}{_who(y)}",
            *block(_("before ({at}):").format(at=x.rule_at or "—"), x.rule, indent + "  "),
            *block(_("after ({at}):").format(at=y.rule_at or "—"), y.rule, indent + "  ")]


def _text_block(head: str, rule: str, indent: str) -> list[str]:
    return [indent + head] + [indent + "  | " + line for line in (rule or "—").splitlines()]


def _md_block(head: str, rule: str, indent: str) -> list[str]:
    return ["", f"  {head}", "", "  ```", *("  " + line for line in (rule or "—").splitlines()),
            "  ```", ""]


def _points(pair: tuple[Decimal, Decimal | None] | None) -> str:
    if pair is None:
        return "—"
    top, got = pair
    return (vn.fixed(got, 2) if got is not None else "?") + "/" + vn.maximum(top)


def _total(t: tuple[Decimal, Decimal, Decimal | None]) -> str:
    top, got, index = t
    if index is None:
        return _("incomplete: {got} points of what could be scored, of {max}").format(
            got=vn.fixed(got, 2), max=vn.maximum(top))
    return _("{got}/{max} points, index {index}%").format(
        got=vn.fixed(got, 2), max=vn.maximum(top), index=vn.fixed(index, 2))


def _unit_lines(u: UnitComparison, md: bool) -> list[str]:
    out = ["", ("## " if md else "") + _("ONE UNIT UNDER BOTH DECISIONS: {name} ({path})").format(
        name=u.name, path=u.path), ""]
    out.append(("- " if md else "  ") + _("Before: {total}").format(total=_total(u.old_total)))
    out.append(("- " if md else "  ") + _("After: {total}").format(total=_total(u.new_total)))
    out.append("")
    if md:
        out += ["| " + " | ".join([_("Before"), _("After"), _("Criterion"), _("Points before"),
                                   _("Points after"), _("Why")]) + " |",
                "|---|---|---|--:|--:|---|"]
    for line in u.lines:
        same = line.old == line.new and not line.reasons
        if same:
            continue
        why = "; ".join(line.reasons) or _("the same rule, other figures")
        if md:
            out.append("| " + " | ".join([line.old_id or "—", line.new_id or "—",
                                           line.title.replace("|", "\\|"), _points(line.old),
                                           _points(line.new), why.replace("|", "\\|")]) + " |")
        else:
            out.append(f"  {line.old_id or '—'} → {line.new_id or '—'} {line.title}: "
                       f"{_points(line.old)} → {_points(line.new)}: {why}")
    unchanged = sum(1 for x in u.lines if x.old == x.new and not x.reasons)
    out += ["", ("" if md else "  ") + _("{n} criteria score the same under both, for the same "
                                          "reasons.").format(n=unchanged)]
    if u.missing:
        out += ["", ("### " if md else "") + _("Facts the newer rules read that the record does "
                                               "not give ({n}):").format(n=len(u.missing))]
        out += [("- " if md else "  - ") + _("{key} ({label}): read by {where}").format(
            key=k, label=label, where=", ".join(where) or "—") for k, label, where in u.missing]
    if u.dropped:
        out += ["", ("" if md else "  ") + _("Parts of the record the newer rules do not use: "
                                              "{parts}").format(parts=", ".join(u.dropped))]
    return out


def as_text(d: Diff, md: bool = False) -> str:
    h1, h2 = ("# ", "## ") if md else ("", "")
    out = [h1 + _("WHAT THE RULES CHANGE: {old} → {new}").format(old=d.old, new=d.new)]
    if d.kind:
        out.append(_("Kind of unit: {kind}").format(kind=d.kind))
    out += ["", h2 + _("Scale and counts, before → after:")]
    for a, b in d.kinds:
        bullet = "- " if md else "  "
        out.append(f"{bullet}{a.name}: {_scale(a)} → {_scale(b)}")
    block = _md_block if md else _text_block
    for kind in SECTIONS:
        found = [c for c in d.changes if c.kind == kind]
        if not found:
            continue
        out += ["", h2 + _section_title(kind, len(found))]
        for c in found:
            lines = _change_lines(c, "- " if md and kind != "rule" else "  ", block)
            if md and kind == "rule":
                lines[0] = "- " + lines[0].strip()
            out += lines
    for title, facts in ((_("Facts added ({n})"), d.facts_added),
                         (_("Facts removed ({n})"), d.facts_removed)):
        if facts:
            out += ["", h2 + title.format(n=len(facts))]
            out += [("- " if md else "  ") + f"{n} ({label})" for n, label in facts]
    if d.unit is not None:
        out += _unit_lines(d.unit, md)
    return "\n".join(out) + "\n"


def _item(x: Item | None) -> dict[str, Any] | None:
    if x is None:
        return None
    return {"id": x.id, "title": x.title, "max": x.max, "method": x.method,
            "applies": x.applies or None, "rule": x.rule or None, "rule_at": x.rule_at or None}


def _kind(k: KindFigures) -> dict[str, Any]:
    return {"label": k.label, "scale": k.total, "parts": {m: p for m, p in k.parts},
            "areas": k.counts[0] if k.counts else None,
            "criteria": k.counts[1] if k.counts else None,
            "subcriteria": k.counts[2] if k.counts else None}


def as_data(d: Diff) -> dict[str, Any]:
    out: dict[str, Any] = {
        "old": d.old, "new": d.new, "kind": d.kind,
        "kinds": [{"kind": a.name, "before": _kind(a), "after": _kind(b)} for a, b in d.kinds],
        "changes": [{"change": c.kind, "before": _item(c.old), "after": _item(c.new)}
                    for c in d.changes],
        "facts_added": [{"fact": n, "label": label} for n, label in d.facts_added],
        "facts_removed": [{"fact": n, "label": label} for n, label in d.facts_removed],
    }
    if d.unit is not None:
        u = d.unit

        def total(t):
            return {"max": t[0], "achieved": t[1], "index": t[2]}

        out["unit"] = {
            "name": u.name, "facts_file": u.path, "before": total(u.old_total),
            "after": total(u.new_total),
            "criteria": [{"before_id": x.old_id, "after_id": x.new_id, "title": x.title,
                          "before": {"max": x.old[0], "achieved": x.old[1]} if x.old else None,
                          "after": {"max": x.new[0], "achieved": x.new[1]} if x.new else None,
                          "reasons": x.reasons} for x in u.lines],
            "missing_facts": [{"fact": k, "label": label, "read_by": where}
                              for k, label, where in u.missing],
            "not_used": u.dropped,
        }
    return out
