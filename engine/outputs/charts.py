"""The report's chart of indices: one horizontal bar per unit of a group, sorted as the report
sorts them (high to low), with Vietnamese labels and values written the Vietnamese way.

Takes a ``GroupTable``; gives PNG and SVG bytes (matplotlib, Agg backend, DejaVu Sans, which has
every Vietnamese letter). Metadata that would carry a date or a version is left out, so the same
table gives the same bytes.
"""

from __future__ import annotations

import io

from dsl.i18n import _
from engine import vn
from engine.ranking import GroupTable


def chart_bytes(table: GroupTable, fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [row for row in table.rows if row.result.complete]
    rows.sort(key=lambda row: (-row.result.index, row.result.name))
    names = [row.result.name for row in rows][::-1]
    values = [float(row.result.index) for row in rows][::-1]
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "cchc",
                                "svg.fonttype": "path"}):
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.6), dpi=100)
        bars = ax.barh(names, values, color="#2b6cb0")
        for bar, row in zip(bars, rows[::-1]):
            ax.text(bar.get_width() + 0.5, bar.get_y() + bar.get_height() / 2,
                    vn.fixed(row.result.index, 2), va="center", fontsize=9)
        ax.set_xlim(0, 105)
        ax.set_xlabel(_("Index (%)"))
        ax.set_title(table.label)
        if table.average is not None:
            ax.axvline(float(table.average), color="#c53030", linestyle="--", linewidth=1,
                       label=_("Average index: {average}%").format(
                           average=vn.fixed(table.average, 2)))
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False, fontsize=9)
        fig.tight_layout()
        out = io.BytesIO()
        meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        fig.savefig(out, format=fmt, metadata=meta)
        plt.close(fig)
    return out.getvalue()
