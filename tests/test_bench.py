"""The benchmark's synthetic records are valid records of every kind, the same for the same seed;
the benchmark runs (its timings are not asserted: performance is measured, not tested)."""

from __future__ import annotations

import pytest

from dsl.check import load_ruleset
from engine.bench.synth import records
from engine.facts import load_record
from tests.test_cli import cchc


@pytest.mark.parametrize("year", ["2022", "2024"])
def test_synthetic_records_are_valid_for_every_kind_and_repeatable(root, tmp_path, year):
    rs = load_ruleset(root / f"rules/{year}")
    made = records(rs, 3 * len(rs.kinds), seed=7)
    assert made == records(rs, 3 * len(rs.kinds), seed=7)
    assert made != records(rs, 3 * len(rs.kinds), seed=8)
    kinds = set()
    for name, text in made:
        (tmp_path / name).write_text(text, "utf-8")
        kinds.add(load_record(rs, tmp_path / name).unit.kind)  # raises if invalid
    assert kinds == {k.name for k in rs.kinds}


def test_the_benchmark_runs_and_reports_every_stage(root):
    r = cchc("bench", "rules/2022", "--sizes", "2", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "đọc + kiểm tra (ms)" in r.stdout and "chấm ÷ phép tính (×)" in r.stdout
    assert "bộ nhớ đỉnh (MiB)" in r.stdout
    bad = cchc("bench", "--sizes", "0,x", cwd=root)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
