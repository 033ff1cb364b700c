"""The improvement plan and a what-if, as text a unit's staff read, or as JSON."""

from __future__ import annotations

import shlex
from typing import Any

from dsl.i18n import _
from engine import vn
from engine.evaluate import UnitResult
from engine.plan import Change, Difference, Plan


def _total(r: UnitResult) -> str:
    if not r.complete:
        return _("incomplete ({n} criteria not scored)").format(n=len(r.problems))
    return _("{got}/{max} points, index {index}%").format(
        got=vn.fixed(r.achieved, 2), max=vn.maximum(r.max), index=vn.fixed(r.index, 2))


def _rank(rank: tuple[int | None, int] | None) -> str:
    if rank is None or rank[0] is None:
        return ""
    return _("; rank {rank} of {n} in its group").format(rank=rank[0], n=rank[1])


def whatif_command(ruleset_dir: str, fact_file: str, changes: list[Change]) -> str:
    words = ["cchc", "whatif", ruleset_dir, fact_file]
    for c in changes:
        words += ["--set", c.as_arg()]
    return " ".join(shlex.quote(w) for w in words)


def plan_text(p: Plan, ruleset_dir: str, fact_file: str) -> str:
    r = p.result
    out = [_("IMPROVEMENT PLAN: {name} ({path}), Decision {decision}").format(
        name=r.name, path=r.path, decision=r.decision),
        _("Now: {total}").format(total=_total(r)) + _rank(p.rank_before), ""]
    out.append(_("Points lost, ranked by the points a change of facts recovers ({n}):").format(
        n=len(p.items)))
    numbered = list(enumerate(p.items, 1))
    offices = list(dict.fromkeys(it.office for it in p.items))
    for office in offices:
        if offices != [None]:  # the rules name who answers: the items under each office
            out.append("")
            out.append("  " + (_("{office}:").format(office=office) if office else
                               _("No office named:")))
        for i, it in numbered:
            if it.office != office:
                continue
            out.append(f"  {i}. " + _("+{gain} points · criterion {id} {title} (lost {lost})")
                       .format(gain=vn.points(it.gain), id=it.node.id, title=it.node.title,
                               lost=vn.points(it.lost)))
            out.append("     " + it.text)
    if p.predicted is not None:
        n = min(p.top, len(p.items))
        out += ["", _("Fixing the first {n}: {total}").format(n=n, total=_total(p.predicted))
                + _rank(p.rank_after)]
        out.append("  " + _("(the same as: {command})").format(
            command=whatif_command(ruleset_dir, fact_file, p.chosen)))
    if p.surveyed:
        out += ["", _("Points lost on the sociological survey ({n}): the survey's scores, not "
                      "facts the unit records; they rise with the service people receive:")
                .format(n=len(p.surveyed))]
        out += [f"  - +{vn.points(it.gain)} · {it.node.id} {it.node.title}: {it.text}"
                for it in p.surveyed]
    if p.unsolved:
        out += ["", _("Points lost that no change of the facts the rules read recovers ({n}):")
                .format(n=len(p.unsolved))]
        lost = _("lost {lost}")
        out += [f"  - {n.id} {n.title} ({lost.format(lost=vn.points(n.lost))})"
                for n in p.unsolved]
    if p.not_scored:
        out += ["", _("Criteria not scored ({n}):").format(n=len(p.not_scored))]
        out += [f"  - {n.id} {n.title}: {n.problem}" for n in p.not_scored]
    if p.missing:
        out += ["", _("Facts these rules read that the record does not give ({n}):").format(
            n=len(p.missing))]
        out += [f"  - {k} ({label})" for k, label in p.missing]
    if p.dropped:
        out += ["", _("Parts of the record these rules do not use: {parts}").format(
            parts=", ".join(p.dropped))]
    return "\n".join(out) + "\n"


def plan_data(p: Plan, ruleset_dir: str, fact_file: str) -> dict[str, Any]:
    def total(r: UnitResult | None) -> dict[str, Any] | None:
        if r is None:
            return None
        return {"max": r.max, "achieved": r.achieved if r.complete else None,
                "index": r.index if r.complete else None, "complete": r.complete}

    return {
        "unit": {"id": p.result.unit_id, "name": p.result.name, "kind": p.result.kind},
        "facts_file": p.result.path, "now": total(p.result),
        "items": [{"criterion": it.node.id, "title": it.node.title, "lost": it.lost,
                   "gain": it.gain, "what": it.text, "office": it.office,
                   "set": [c.as_arg() for c in it.changes]} for it in p.items],
        "top": p.top, "predicted": total(p.predicted),
        "rank_before": p.rank_before[0] if p.rank_before else None,
        "rank_after": p.rank_after[0] if p.rank_after else None,
        "whatif": whatif_command(ruleset_dir, fact_file, p.chosen) if p.items else None,
        "survey": [{"criterion": it.node.id, "title": it.node.title, "lost": it.lost,
                    "gain": it.gain, "what": it.text} for it in p.surveyed],
        "unsolved": [n.id for n in p.unsolved],
        "not_scored": [{"criterion": n.id, "problem": n.problem} for n in p.not_scored],
        "missing_facts": [{"fact": k, "label": label} for k, label in p.missing],
        "not_used": p.dropped,
    }


def whatif_text(before: UnitResult, after: UnitResult, changes: list[Change],
                diffs: list[Difference], dropped: list[str], missing: list[tuple[str, str]],
                ranks: tuple[Any, Any] | None) -> str:
    out = [_("WHAT IF: {name} ({path}), Decision {decision}").format(
        name=after.name, path=after.path, decision=after.decision)]
    out += ["  " + _("Change: {change}").format(change=c.as_arg()) for c in changes]
    out.append(_("Now: {total}").format(total=_total(before))
               + _rank(ranks[0] if ranks else None))
    out.append(_("With the changes: {total}").format(total=_total(after))
               + _rank(ranks[1] if ranks else None))
    if diffs:
        out += ["", _("Criteria whose points change ({n}):").format(n=len(diffs))]
        for d in diffs:
            was = vn.fixed(d.before, 2) if d.before is not None else "—"
            now = vn.fixed(d.after, 2) if d.after is not None else "—"
            why = "; ".join(x.reason for x in d.node.deductions if x.kind == "rule") \
                or (d.node.problem or "")
            out.append(f"  {d.node.id} {d.node.title}: {was} → {now}" + (f" ({why})" if why
                                                                          else ""))
    else:
        out += ["", _("No criterion's points change.")]
    if missing:
        out += ["", _("Facts these rules read that the record does not give ({n}):").format(
            n=len(missing))]
        out += [f"  - {k} ({label})" for k, label in missing]
    if dropped:
        out += ["", _("Parts of the record these rules do not use: {parts}").format(
            parts=", ".join(dropped))]
    return "\n".join(out) + "\n"
