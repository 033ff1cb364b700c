"""Shared fixtures: the project's folders, a loaded 2022 rule set, and the language of messages.

Tests read messages in Vietnamese, the default, whatever the machine's locale: in this process
(reset before each test) and in the ``cchc`` subprocesses (CCHC_LANG=vi). A test that asserts
English wording asks for it: the ``english`` fixture, ``set_language("en")`` or ``--lang en``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.check import load_ruleset
from dsl.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def vietnamese_subprocesses():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCHC_LANG", "vi")
        yield


@pytest.fixture(autouse=True)
def language():
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def english(language):
    """Messages in English for this test."""
    set_language("en")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def rules_2022():
    return load_ruleset(ROOT / "rules" / "2022")


@pytest.fixture(scope="session")
def mini():
    return load_ruleset(FIXTURES / "good")
