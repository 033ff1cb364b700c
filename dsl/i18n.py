"""Messages for people, Vietnamese first: one gettext catalogue, English beside it.

Takes the language (``--lang``, else ``CCHC_LANG``, else the locale's ``LANGUAGE``/``LC_ALL``/
``LC_MESSAGES``/``LANG``; Vietnamese when none names English); gives ``_`` and ``ngettext``.
Message ids in the code are English; ``dsl/locale/vi/LC_MESSAGES/cchc.po`` gives their Vietnamese
text, and ``click.po`` beside it that of click's own words (``engine/cli_i18n.py``). The ``.po``
files are read with Babel at first use, so no compiled ``.mo`` is kept in the tree.

Writing a message: ``_("unknown kind '{kind}'").format(kind=name)`` -- an English id with
named ``str.format`` placeholders, never an f-string inside ``_()`` (the catalogue would not
find it); module-level constants are marked with ``N_`` and translated where they are shown.
Then extract, update and translate, as ``babel.cfg`` says; ``tests/test_i18n.py`` fails while a
message has no Vietnamese text or a translation loses or adds a placeholder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
DOMAIN = "cchc"
DOMAINS = (DOMAIN, "click")  # our messages, then click's own

_state = {"lang": ""}
_active: dict[str, dict[str, tuple[str, ...]]] = {}  # "cat": the current language's catalogue


def language_from_env(environ: dict[str, str] | None = None) -> str:
    """The language the environment asks for: ``CCHC_LANG``, then the POSIX locale variables."""
    env = os.environ if environ is None else environ
    for var in ("CCHC_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        first = value.split(":")[0].split(".")[0].split("_")[0].lower()
        if first in LANGUAGES:
            return first
        if var == "CCHC_LANG":
            continue
        if first not in ("", "c", "posix"):
            break  # a locale for another language: Vietnamese, the default
    return DEFAULT


def set_language(lang: str | None) -> str:
    """Choose the language of every later message; None: from the environment."""
    chosen = lang if lang in LANGUAGES else language_from_env()
    _state["lang"] = chosen
    _active.clear()  # the catalogue is read again, in the new language, at the next message
    return chosen


def current() -> str:
    if not _state["lang"]:
        set_language(None)
    return _state["lang"]


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> dict[str, tuple[str, ...]]:
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po  # only when a catalogue is read

    out: dict[str, tuple[str, ...]] = {}
    for domain in reversed(DOMAINS):  # ours last: it wins where both have a message
        ref = resources.files("dsl").joinpath("locale", lang, "LC_MESSAGES", f"{domain}.po")
        try:
            with ref.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        except FileNotFoundError:
            continue
        for m in catalog:
            if not m.id or m.fuzzy:
                continue
            key = m.id[0] if isinstance(m.id, (list, tuple)) else m.id
            strings = tuple(m.string) if isinstance(m.string, (list, tuple)) else (m.string,)
            if all(strings):
                out[key] = strings
    return out


def _(message: str) -> str:
    """The message in the current language (the English id where no translation exists)."""
    cat = _active.get("cat")
    if cat is None:
        cat = _active["cat"] = _catalogue(current())
    found = cat.get(message)
    return found[0] if found else message


def ngettext(singular: str, plural: str, n: int) -> str:
    found = _catalogue(current()).get(singular)
    if found:  # Vietnamese has one form
        return found[min(len(found) - 1, 0 if n == 1 else 1)]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it yet (module-level constants)."""
    return message
