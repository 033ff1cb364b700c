"""The results of a year as people read them (text, Markdown) and as machines do (JSON).

Takes a ``Ranking``; gives the tables of the published results (Biểu 01/03: the published
columns, total, scale, index, rank; with a previous year, Biểu 2/4: its index and the change),
the group averages, the units scored but not ranked, the component indices per area and the
share of points per criterion, and every mismatch with a published figure, with its place.
Text and Markdown are the same sections laid out two ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl.i18n import _
from engine import vn
from engine.report import to_json_doc
from engine.results.components import Components
from engine.results.ranking import GroupTable, Ranking, Row


@dataclass
class Section:
    title: str
    head: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def _fixed(v: Decimal | None) -> str:
    return vn.fixed(v, 2) if v is not None else "—"


def _signed(v: Decimal | None) -> str:
    return "—" if v is None else ("+" if v > 0 else "") + vn.fixed(v, 2)


def _has_previous(ranking: Ranking) -> bool:
    return any(row.previous for t in ranking.groups for row in t.rows)


def _cells(row: Row, previous: bool) -> list[str]:
    r = row.result
    cols = [_fixed(c.achieved) for c in r.columns]
    got = [_fixed(r.achieved), vn.maximum(r.max), _fixed(r.index)] if r.complete else \
        [_("incomplete"), vn.maximum(r.max), "—"]
    cells = [str(row.rank) if row.rank else "—", r.name, *cols, *got]
    if previous:
        cells += [_fixed(row.previous.index) if row.previous else "—", _fixed(row.change)]
    return cells


def _table(t: GroupTable, previous: bool) -> Section:
    first = t.rows[0].result
    head = [_("Rank"), _("Unit"), *[c.label for c in first.columns], _("Total"), _("Scale"),
            _("Index (%)")]
    if previous:
        head += [_("Previous index (%)"), _("Change")]
    notes = []
    if t.average is not None:
        notes.append(_("Average index: {average}%").format(average=_fixed(t.average)))
    if previous:
        up, down, same = t.moved()
        notes.append(_("Against the previous year: {up} up, {down} down, {same} unchanged")
                     .format(up=up, down=down, same=same))
    title = t.label + ("" if t.ranked else " " + _("(scored, not ranked)"))
    return Section(title, head, [_cells(row, previous) for row in t.rows], notes)


def _components(t: GroupTable, comps: Components) -> Section | None:
    areas = [c for c in comps.areas if c.known]
    if not areas:
        return None
    head = [_("Unit"), *[_("Area {id}").format(id=c.id) for c in areas]]
    rows = []
    for row in t.rows:
        uid = row.result.unit_id
        cells = [row.result.name]
        for c in areas:
            fig = c.figures.get(uid)
            if fig is None or not fig.applicable:
                cells.append("×")
            elif fig.index is None:
                cells.append("—")
            else:
                change = c.change(uid)
                cells.append(_fixed(fig.index) + (f" ({_signed(change)})" if change is not None
                                                  else ""))
        rows.append(cells)
    average = [_("Average")]
    for c in areas:
        average.append(_fixed(c.average) if c.average is not None else _(
            "{known}/{units} units").format(known=len(c.known), units=len(c.applies_to)))
    rows.append(average)
    notes = [f"{c.id}: {c.title}" for c in areas]
    notes.append(_("×: the area is not scored for the unit (left out of the average); —: the "
                   "record does not give the area's points; an average is shown only when every "
                   "unit's figure is known; in brackets, the change from the previous year"))
    return Section(_("Component indices (%): {group}").format(group=t.label), head, rows, notes)


def _criteria(t: GroupTable, comps: Components) -> Section | None:
    if not comps.criteria:
        return None
    rows = [[c.id, c.title, _fixed(c.share), f"{c.units}/{c.applies_to}"]
            for c in comps.criteria]
    return Section(_("Share of points per criterion: {group}").format(group=t.label),
                   [_("Criterion"), _("Title"), _("Points achieved (%)"),
                    _("Units with the criterion's points")], rows)


def sections(ranking: Ranking) -> list[Section]:
    previous = _has_previous(ranking)
    out: list[Section] = []
    for t in ranking.groups:
        if t.rows:
            out.append(_table(t, previous))
    for t in ranking.groups:
        comps = ranking.components.get(t.id)
        if t.rows and comps is not None:
            out += [s for s in (_components(t, comps), _criteria(t, comps)) if s is not None]
    return out


def who(ranking: Ranking, unit: str) -> str:
    """A unit's name, or the labels of the groups a province figure is about."""
    for t in ranking.groups:
        for row in t.rows:
            if row.result.unit_id == unit:
                return row.result.name
    labels = {t.id: t.label for t in ranking.groups}
    return " + ".join(labels.get(g, g) for g in unit.split("+"))


def field_label(ranking: Ranking, name: str) -> str:
    """A checked figure's name as the tables print it: Tổng điểm, Chỉ số thành phần lĩnh vực 8…"""
    simple = {"total": _("Total"), "index": _("Index (%)"), "change": _("Change"),
              "rank": _("Rank"), "scale": _("Scale"), "average": _("Average index"),
              "previous_index": _("Previous index (%)")}
    if name in simple:
        return simple[name]
    parts = name.split(".")
    if parts[0] == "columns":
        labels = {c.name: c.label for t in ranking.groups for row in t.rows
                  for c in row.result.columns}
        return labels.get(parts[1], parts[1])
    previous = parts[0] == "previous"
    if previous:
        parts = parts[1:]
    area = parts[1] if len(parts) > 1 else "?"
    what = parts[2] if len(parts) > 2 else "points"
    texts = {"points": _("points of area {id}"), "max": _("maximum of area {id}"),
             "index": _("component index of area {id}"),
             "change": _("change of the component index of area {id}"),
             "average": _("average component index of area {id}")}
    text = texts.get(what, name).format(id=area)
    return _("{what}, previous year").format(what=text) if previous else text


def _mismatch_lines(ranking: Ranking) -> list[str]:
    if not ranking.mismatches:
        return [_("Every published figure agrees with the computed one.")]
    lines = [_("Published figures that disagree with the computed ones ({n}):").format(
        n=len(ranking.mismatches))]
    by_document: dict[str, list] = {}
    for m in ranking.mismatches:
        by_document.setdefault(m.document or m.source or "—", []).append(m)
    for document, found in by_document.items():
        lines.append(_("Printed in {source}:").format(source=document))
        for m in found:
            values = (_("published {published}, computed {computed}").format(
                published=vn.number(m.published), computed=vn.number(m.computed, 2))
                if m.computed is not None else _("published {published}").format(
                    published=vn.number(m.published)))
            at = f" [{m.at}]" if m.at else ""
            lines.append(f"  - {who(ranking, m.unit)}, {field_label(ranking, m.field)}: "
                         f"{values} ({m.note}){at}")
    return lines


def _unchecked_line(ranking: Ranking) -> list[str]:
    if not ranking.unchecked:
        return []
    return [_("{n} published figures cannot be checked: the records do not give the points "
              "they are computed from (see the JSON output, 'unchecked').").format(
                  n=len(ranking.unchecked))]


def as_text(ranking: Ranking) -> str:
    lines: list[str] = []
    for s in sections(ranking):
        columns = list(zip(s.head, *s.rows))
        widths = [max(len(x) for x in col) for col in columns]
        right = [all(_numeric(c) for c in col[1:-1] or col[1:]) for col in columns]
        lines.append(s.title)
        for cells in [s.head, *s.rows]:
            lines.append("  " + "  ".join(c.rjust(w) if r else c.ljust(w)
                                          for c, w, r in zip(cells, widths, right)))
        lines += ["  " + n for n in s.notes]
        lines.append("")
    lines += _mismatch_lines(ranking)
    lines += _unchecked_line(ranking)
    return "\n".join(lines) + "\n"


def _numeric(cell: str) -> bool:
    """A figure (or a mark standing for one), aligned right."""
    return cell in ("—", "×") or (bool(cell) and (cell[0].isdigit() or cell[0] in "+-")
                                  and not cell[-1].isalpha())


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def as_markdown(ranking: Ranking) -> str:
    lines = ["# " + _("Results of the PAR Index"), ""]
    for s in sections(ranking):
        lines += ["## " + _md_cell(s.title), ""]
        lines.append("| " + " | ".join(_md_cell(h) for h in s.head) + " |")
        lines.append("|" + "|".join("---:" if i != 1 or len(s.head) < 3 else "---"
                                    for i in range(len(s.head))) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in cells) + " |" for cells in s.rows]
        lines.append("")
        lines += [_md_cell(n) + "  " for n in s.notes]
        lines.append("")
    lines += ["## " + _("Published figures checked"), ""]
    lines += [_md_cell(x) for x in _mismatch_lines(ranking)]
    lines += ["", *[_md_cell(x) for x in _unchecked_line(ranking)]]
    return "\n".join(lines).rstrip() + "\n"


def as_json(ranking: Ranking) -> str:
    def unit(row: Row) -> dict[str, Any]:
        r = row.result
        out: dict[str, Any] = {
            "id": r.unit_id, "name": r.name, "kind": r.kind, "rank": row.rank, "max": r.max,
            "achieved": r.achieved if r.complete else None,
            "index": r.index if r.complete else None, "complete": r.complete,
            "recorded": bool(r.recorded),
            "columns": {c.name: c.achieved for c in r.columns},
        }
        if r.band is not None:
            out["band"] = r.band
        if row.previous is not None:
            out["previous_index"] = row.previous.index
            out["change"] = row.change
        return out

    def areas(comps: Components) -> list[dict[str, Any]]:
        return [{"id": c.id, "title": c.title, "average": c.average,
                 "units": [{"id": u, "applicable": f.applicable, "max": f.max,
                            "achieved": f.points, "index": f.index,
                            **({"change": c.change(u)} if u in c.previous else {})}
                           for u, f in c.figures.items()]} for c in comps.areas]

    doc = {
        "groups": [{"name": t.id, "label": t.label, "kinds": list(t.kinds), "ranked": t.ranked,
                    "average": t.average, "units": [unit(row) for row in t.rows],
                    "areas": areas(ranking.components[t.id]),
                    "criteria": [{"id": c.id, "title": c.title, "share": c.share,
                                  "achieved": c.achieved, "max": c.max, "units": c.units,
                                  "applies_to": c.applies_to}
                                 for c in ranking.components[t.id].criteria]}
                   for t in ranking.groups if t.rows],
        "mismatches": [{"unit": m.unit, "field": m.field, "published": m.published,
                        "computed": m.computed, "note": m.note, "source": m.source,
                        "document": m.document, "at": m.at}
                       for m in ranking.mismatches],
        "unchecked": [{"unit": u.unit, "field": u.field, "published": u.published,
                       "source": u.source} for u in ranking.unchecked],
    }
    return to_json_doc(doc)


RENDER = {"text": as_text, "md": as_markdown, "json": as_json}
SUFFIX = {"text": "txt", "md": "md", "json": "json"}


def render(ranking: Ranking, fmt: str) -> str:
    return RENDER[fmt](ranking)


def write_all(folder: Path, ranking: Ranking, fmt: str,
              write: Callable[[Path, bytes], None], stamp: dict | None = None) -> None:
    """The tables in one format (xep-hang.txt/.md/.json/.xlsx), a chart of the index per group
    (chi-so-GROUP.png and .svg) and one per component index known for the whole group
    (chi-so-thanh-phan-GROUP-AREA.png and .svg), each written with ``write`` (atomic)."""
    from engine.outputs.charts import area_chart_bytes, chart_bytes
    from engine.outputs.workbook import workbook_bytes

    if fmt == "xlsx":
        write(folder / "xep-hang.xlsx", workbook_bytes(ranking, stamp))
    else:
        text = render(ranking, fmt)
        if stamp is not None:
            from engine.stamp import stamped
            text = stamped(text, fmt, stamp)
        write(folder / f"xep-hang.{SUFFIX[fmt]}", text.encode("utf-8"))
    for t in ranking.groups:
        if not (t.rows and t.id):
            continue
        for kind in ("png", "svg"):
            write(folder / f"chi-so-{t.id}.{kind}", chart_bytes(t, kind))
        for col in ranking.components[t.id].areas:
            if col.average is not None:
                for kind in ("png", "svg"):
                    write(folder / f"chi-so-thanh-phan-{t.id}-{col.id}.{kind}",
                          area_chart_bytes(t, col, kind))
