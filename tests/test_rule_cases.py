"""Rule test cases (tests/rules/<year>/*.yaml), collected by pytest one case at a time, and the
coverage they reach: every branch of every rule and every outcome a rule allows."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from dsl.check import load_ruleset
from dsl.errors import CchcError
from engine.cases import case_files, coverage, run_file

ROOT = Path(__file__).resolve().parent.parent
YEARS = sorted(p.name for p in (ROOT / "tests" / "rules").iterdir() if p.is_dir())


@lru_cache(maxsize=None)
def ruleset(year: str):
    return load_ruleset(ROOT / "rules" / year)


@lru_cache(maxsize=None)
def results(year: str, path: Path):
    return tuple(run_file(ruleset(year), path))


def _params():
    for year in YEARS:
        for path in case_files(ROOT / "tests" / "rules" / year):
            try:
                found = results(year, path)
            except CchcError:  # the rules or the file do not load: one failing test says why
                yield pytest.param(year, path, -1, id=f"{year}/{path.name}::(does not load)")
                continue
            for i, r in enumerate(found):
                yield pytest.param(year, path, i, id=f"{year}/{path.name}::{r.name}")


@pytest.mark.parametrize("year,path,index", list(_params()))
def test_case(year, path, index):
    if index < 0:
        try:
            results(year, path)
        except CchcError as err:
            pytest.fail(err.format_message(getattr(err, "texts", None)))
    r = results(year, path)[index]
    assert r.passed, f"{r.where}: {r.name}\n" + "\n".join(r.problems)


def test_each_year_has_cases():
    assert set(YEARS) == {"2022", "2024"}
    for year in YEARS:
        assert case_files(ROOT / "tests" / "rules" / year), year


@pytest.mark.parametrize("year", YEARS)
def test_full_coverage(year):
    all_results = [r for p in case_files(ROOT / "tests" / "rules" / year)
                   for r in results(year, p)]
    cov = coverage(ruleset(year), all_results)
    assert cov.missing() == {}
