"""The ranking tables as people read them (text) and as machines do (JSON).

Takes a ``Ranking``; gives the tables of the published results (Biểu 01/03: the published
columns, total, scale, index, rank; with a previous year, Biểu 2/4: its index and the change),
the group averages, the units scored but not ranked, and every mismatch with a published figure.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl.i18n import _
from engine import vn
from engine.ranking import Ranking, Row
from engine.report import to_json_doc


def _fixed(v: Decimal | None) -> str:
    return vn.fixed(v, 2) if v is not None else "—"


def _cells(row: Row, previous: bool) -> list[str]:
    r = row.result
    cols = [_fixed(c.achieved) for c in r.columns]
    got = [_fixed(r.achieved), vn.maximum(r.max), _fixed(r.index)] if r.complete else \
        [_("incomplete"), vn.maximum(r.max), "—"]
    cells = [str(row.rank) if row.rank else "—", r.name, *cols, *got]
    if previous:
        cells += [_fixed(row.previous.index) if row.previous else "—", _fixed(row.change)]
    return cells


def as_text(ranking: Ranking) -> str:
    lines: list[str] = []
    previous = any(row.previous for t in ranking.groups for row in t.rows)
    for t in ranking.groups:
        if not t.rows:
            continue
        first = t.rows[0].result
        head = [_("Rank"), _("Unit"), *[c.label for c in first.columns], _("Total"), _("Scale"),
                _("Index (%)")]
        if previous:
            head += [_("Previous index (%)"), _("Change")]
        rows = [_cells(row, previous) for row in t.rows]
        widths = [max(len(x) for x in col) for col in zip(head, *rows)]
        lines.append(t.label + ("" if t.ranked else " " + _("(scored, not ranked)")))
        for cells in [head, *rows]:
            lines.append("  " + "  ".join(c.ljust(w) if i == 1 else c.rjust(w)
                                          for i, (c, w) in enumerate(zip(cells, widths))))
        if t.average is not None:
            lines.append("  " + _("Average index: {average}%").format(average=_fixed(t.average)))
        if previous:
            up, down, same = t.moved()
            lines.append("  " + _("Against the previous year: {up} up, {down} down, {same} "
                                  "unchanged").format(up=up, down=down, same=same))
        lines.append("")
    if ranking.mismatches:
        lines.append(_("Published figures that disagree with the computed ones ({n}):").format(
            n=len(ranking.mismatches)))
        for m in ranking.mismatches:
            lines.append("  - " + _("{unit}, {field}: published {published}, computed {computed} "
                                    "({note})").format(unit=m.unit, field=m.field,
                                                       published=vn.number(m.published),
                                                       computed=vn.number(m.computed),
                                                       note=m.note))
    else:
        lines.append(_("Every published figure agrees with the computed one."))
    return "\n".join(lines) + "\n"


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

    doc = {
        "groups": [{"name": t.id, "label": t.label, "kinds": list(t.kinds), "ranked": t.ranked,
                    "average": t.average, "units": [unit(row) for row in t.rows]}
                   for t in ranking.groups if t.rows],
        "mismatches": [{"unit": m.unit, "field": m.field, "published": m.published,
                        "computed": m.computed, "note": m.note} for m in ranking.mismatches],
    }
    return to_json_doc(doc)


def write_all(folder: Path, ranking: Ranking, fmt: str,
              write: Callable[[Path, bytes], None]) -> None:
    """The tables in one format (xep-hang.txt/.json/.xlsx) and a chart per group
    (chi-so-GROUP.png and .svg), each written with ``write`` (atomic)."""
    from engine.outputs.charts import chart_bytes
    from engine.outputs.workbook import workbook_bytes

    if fmt == "xlsx":
        write(folder / "xep-hang.xlsx", workbook_bytes(ranking))
    else:
        text = as_json(ranking) if fmt == "json" else as_text(ranking)
        write(folder / f"xep-hang.{'json' if fmt == 'json' else 'txt'}", text.encode("utf-8"))
    for t in ranking.groups:
        if t.rows and t.id:
            for kind in ("png", "svg"):
                write(folder / f"chi-so-{t.id}.{kind}", chart_bytes(t, kind))
