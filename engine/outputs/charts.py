"""The report's charts (Biểu đồ): one horizontal bar per unit of a group, sorted as the report
sorts them (high to low), with Vietnamese labels and values written the Vietnamese way: the
index of each unit, and each component index.

Takes a ``GroupTable`` (and an ``AreaColumn`` for a component index); gives PNG and SVG bytes
(matplotlib, Agg backend, DejaVu Sans, which has every Vietnamese letter). Metadata that would
carry a date or a version is left out, so the same table gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from decimal import Decimal

from dsl.i18n import _
from engine import vn
from engine.results.components import AreaColumn
from engine.results.ranking import GroupTable


def chart_bytes(table: GroupTable, fmt: str) -> bytes:
    """The index of each unit of a group that has a complete result."""
    bars = [(row.result.name, row.result.index) for row in table.rows if row.result.complete]
    return _bars(table.label, bars, table.average, fmt)


def area_chart_bytes(table: GroupTable, column: AreaColumn, fmt: str) -> bytes:
    """One component index for each unit of a group it applies to."""
    names = {row.result.unit_id: row.result.name for row in table.rows}
    bars = [(names[u], column.figures[u].index) for u in column.known]
    title = _("Component index: {area}").format(area=column.title) + f"\n{table.label}"
    return _bars(title, bars, column.average, fmt)  # type: ignore[arg-type]


def _bars(title: str, bars: list[tuple[str, Decimal]], average: Decimal | None,
          fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = sorted(bars, key=lambda b: (-b[1], b[0]))[::-1]  # highest at the top
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "cchc",
                                "svg.fonttype": "path"}):
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(bars) + 1.9), dpi=100)
        drawn = ax.barh([b[0] for b in bars], [float(b[1]) for b in bars], color="#2b6cb0")
        for bar, (_name, value) in zip(drawn, bars):
            ax.text(bar.get_width() + 0.5, bar.get_y() + bar.get_height() / 2,
                    vn.fixed(value, 2), va="center", fontsize=9)
        ax.set_xlim(0, 108)
        ax.set_xlabel(_("Index (%)"))
        ax.set_title("\n".join(textwrap.fill(line, 90) for line in title.split("\n")),
                     fontsize=11)
        if average is not None:
            ax.axvline(float(average), color="#c53030", linestyle="--", linewidth=1,
                       label=_("Average index: {average}%").format(average=vn.fixed(average, 2)))
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False, fontsize=9)
        fig.tight_layout()
        out = io.BytesIO()
        meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        fig.savefig(out, format=fmt, metadata=meta)
        plt.close(fig)
    return out.getvalue()
