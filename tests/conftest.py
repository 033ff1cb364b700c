"""Shared fixtures: the project's folders and a loaded 2022 rule set."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.check import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def rules_2022():
    return load_ruleset(ROOT / "rules" / "2022")


@pytest.fixture(scope="session")
def mini():
    return load_ruleset(FIXTURES / "good")
