"""Time and memory of each stage, per unit, on synthetic records; and the bare arithmetic.

For each rule set and each N: N records (the kinds in turn) are written to a temporary folder;
the medians per unit of reading and validating a record, scoring it with its full trace, its
explanation text and its JSON are measured in this process on up to ``SAMPLE`` of them; the
whole ``cchc rank … --format json`` pipeline is run as its own process over all N (wall time and
peak memory); and a plain-Python baseline does the scoring's arithmetic alone (each unit's leaf
points summed and divided, with the same Decimals), so the engine's cost reads as a ratio.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.check import load_ruleset
from engine.bench.synth import records
from engine.evaluate import UnitResult
from engine.evaluate import score as score_unit
from engine.explain import explain
from engine.facts import load_record
from engine.report import results_json

SAMPLE = 400  # units timed one by one for the per-unit medians


@dataclass
class Row:
    n: int
    load: float  # seconds per unit (medians)
    score: float
    explain: float
    json: float
    baseline: float
    pipeline: float  # seconds for the whole rank run over n units
    peak_mib: float  # peak resident memory of that run
    kept_kib: float  # memory a unit's result keeps, measured in this process


def _median(fn: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    times, out = [], []
    for x in items:
        start = time.perf_counter()
        out.append(fn(x))
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def _leaf_points(r: UnitResult) -> tuple[list[Decimal], Decimal]:
    leaves = [n.achieved for a in r.areas if a.applicable for n in a.walk()
              if not n.children and n.applicable and n.achieved is not None]
    return leaves, r.max


def _arithmetic(points: tuple[list[Decimal], Decimal]) -> Decimal:
    leaves, top = points
    total = Decimal(0)
    for p in leaves:
        total += p
    return total / top * 100 if top else total


def _kept_per_unit(rs: ast.RuleSet, files: list[Path]) -> float:
    recs = [load_record(rs, f) for f in files]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    results = [score_unit(rs, r) for r in recs]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del results
    return (after - before) / len(files) / 1024


# the child's own peak (VmHWM, in KiB): ru_maxrss would carry the benchmark's own over the fork
_CHILD = ("import sys\nfrom engine.cli import main\ncode = main(sys.argv[2:])\n"
          "peak = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]\n"
          "open(sys.argv[1], 'w').write(peak)\nsys.exit(code)")


def _pipeline(ruleset_dir: str, folder: Path) -> tuple[float, float]:
    """The whole rank run in a process of its own: its wall time and its own peak memory."""
    out, peak_file = folder.parent / "rank.json", folder.parent / "peak.txt"
    cmd = [sys.executable, "-c", _CHILD, str(peak_file),
           "rank", ruleset_dir, str(folder), "--format", "json", "-o", str(out)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise RuntimeError(done.stderr)
    return took, int(peak_file.read_text()) / 1024  # KiB -> MiB


def measure(ruleset_dir: str, sizes: list[int], seed: int,
            progress: Callable[[str], None] = lambda _s: None) -> tuple[ast.RuleSet, list[Row]]:
    rs = load_ruleset(ruleset_dir)
    rows = []
    for n in sorted(sizes):
        progress(f"{ruleset_dir}: N = {n}")
        with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
            folder = Path(tmp) / "facts"
            folder.mkdir()
            files = []
            for name, text in records(rs, n, seed):
                (folder / name).write_text(text, "utf-8")
                files.append(folder / name)
            sample = files[:SAMPLE]
            step = rs.rounding("index")
            warm = score_unit(rs, load_record(rs, files[0]))  # first use builds the caches
            explain(warm, rs, step), results_json([warm], rs, step)
            load, recs = _median(lambda f: load_record(rs, f), sample)
            score, results = _median(lambda r: score_unit(rs, r), recs)
            text, _t = _median(lambda r: explain(r, rs, step), results)
            js, _j = _median(lambda r: results_json([r], rs, step), results)
            sums = [_leaf_points(r) for r in results]
            base, _b = _median(_arithmetic, sums)
            took, peak = _pipeline(ruleset_dir, folder)
            kept = _kept_per_unit(rs, sample)
        rows.append(Row(n, load, score, text, js, base, took, peak, kept))
    return rs, rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


def as_text(rs: ast.RuleSet, folder: str, rows: list[Row]) -> str:
    from dsl.i18n import _

    number = rs.decision.number if rs.decision else "?"
    head = [_("N"), _("read + validate"), _("score, full trace"), _("explanation"), _("JSON"),
            _("arithmetic alone"), _("score ÷ arithmetic"), _("rank, whole run"),
            _("peak memory"), _("kept per result")]
    units = ["", "ms", "ms", "ms", "ms", "ms", "×", "s", "MiB", "KiB"]
    body = [[f"{r.n:,}".replace(",", "."), _ms(r.load), _ms(r.score), _ms(r.explain),
             _ms(r.json), _ms(r.baseline), f"{r.score / r.baseline:.0f}" if r.baseline else "—",
             f"{r.pipeline:.2f}", f"{r.peak_mib:.0f}", f"{r.kept_kib:.1f}"] for r in rows]
    cells = [[f"{h} ({u})" if u else h for h, u in zip(head, units)], *body]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = [_("Decision {decision} ({folder}): medians per unit over up to {sample} units; "
               "the whole 'cchc rank --format json' run over N units").format(
                   decision=number, folder=folder, sample=SAMPLE)]
    for c in cells:
        lines.append("  " + "  ".join(x.rjust(w) for x, w in zip(c, widths)))
    return "\n".join(lines).replace(".", ",", 0) + "\n"
