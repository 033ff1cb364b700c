"""The command line in the user's language: click's own words, help texts, ``--lang``, and
terminals that cannot show Vietnamese letters.

Takes the catalogue of ``dsl.i18n``; gives click classes whose help texts are English message
ids translated when shown (so ``--lang`` given after they were built still counts), the
``--lang`` option, ``localise_click`` (click's own messages through our catalogue),
``lang_from_args`` (the language, read from the arguments before click parses them) and
``plain_streams`` (for a terminal whose encoding has no Vietnamese letters).
"""

from __future__ import annotations

import codecs
import gettext
import importlib
import io
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

import click

from dsl.i18n import LANGUAGES, N_, _, ngettext, set_language

# Click's own message ids: their translations are in click.po, beside cchc.po.
CLICK_HELP_OPTION = "Show this message and exit."
CLICK_VERSION_OPTION = "Show the version and exit."

LANG_HELP = N_("The language of the messages: vi (Vietnamese, the default) or en (English); "
               "without it, CCHC_LANG or the system's language (LANG) decides.")
# The placeholders of a usage line, which click does not mark for translation.
OPTIONS_METAVAR = N_("[OPTIONS]")
COMMAND_METAVAR = N_("COMMAND [ARGS]...")

_CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
                  "click.parser", "click.termui", "click.types", "click.utils",
                  "click.shell_completion", "click._termui_impl")


def localise_click() -> None:
    """Route click's own words (Usage:, Options:, "No such option", "Try 'cchc --help' for
    help.") through our catalogue.

    Click marks them for gettext, but each of its modules binds the stdlib's functions at import
    (``from gettext import gettext as _``, likewise ``ngettext``), and the stdlib only finds
    compiled ``.mo`` files of a domain bound to a folder, which this package does not ship (the
    ``.po`` is read by Babel). Rebinding those module attributes, once, to our ``_`` and
    ``ngettext`` (which look the language up at every call) makes click follow ``--lang``.
    Only the stdlib's functions are replaced, so calling this twice changes nothing.
    """
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without this module
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def lang_from_args(args: Sequence[str]) -> str | None:
    """The language ``--lang`` names anywhere in the arguments (the last one wins, as in
    click), so that it holds before click parses anything, even for a usage error. None: not
    given, or not a language we have (click then says so, in the environment's language)."""
    found: str | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found if found in LANGUAGES else None


def _translated(attr: str) -> property:
    """An attribute that stores an English message id and reads as its translation."""
    key = f"_cchc_{attr}_msgid"

    def get(self: Any) -> str | None:
        text = self.__dict__.get(key)
        return _(text) if text else text

    def set_(self: Any, value: str | None) -> None:
        self.__dict__[key] = value

    return property(get, set_)


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        set_language(value)


class Option(click.Option):
    """An option whose help is an English message id (marked with N_), translated when shown."""

    help = _translated("help")  # type: ignore[assignment]


def lang_option(hidden: bool = False) -> click.Option:
    return Option(["--lang"], type=click.Choice(LANGUAGES), expose_value=False, is_eager=True,
                  callback=_set_lang, help=LANG_HELP, hidden=hidden)


class _Localised:
    """Help, short help, epilog and usage placeholders translated when shown; every command
    accepts ``--lang`` (also after the command name; the group's help shows it)."""

    help = _translated("help")
    short_help = _translated("short_help")
    epilog = _translated("epilog")
    options_metavar = _translated("options_metavar")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)
        hidden = not isinstance(self, click.Group)
        self.params.append(lang_option(hidden))  # type: ignore[attr-defined]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click builds the help option once, in the language of that moment
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _(CLICK_HELP_OPTION)
        return option  # type: ignore[no-any-return]


class Command(_Localised, click.Command):
    pass


class Group(_Localised, click.Group):
    command_class = Command
    group_class = type  # subgroups are of this class too
    subcommand_metavar = _translated("subcommand_metavar")  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", COMMAND_METAVAR)
        super().__init__(*args, **kwargs)


class Path(click.Path):
    """click.Path, whose name (shown as the metavar, e.g. FILE, and in its errors) is click's
    message id, translated when shown rather than when the option was built."""

    name = _translated("name")  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.file_okay and not self.dir_okay:
            self.name = "file"
        elif self.dir_okay and not self.file_okay:
            self.name = "directory"
        else:
            self.name = "path"


# ---- terminals without Vietnamese letters ------------------------------------------------
PLAIN_ERRORS = "cchc-plain"
_VIETNAMESE = "ĐđƯưƠơẠạẾếỗỹ"
_PLAIN_PUNCTUATION = {"—": "-", "–": "-", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"',
                      "≈": "~", "·": "-"}


def plain_letter(ch: str, encoding: str) -> str:
    """A character the encoding lacks: the letter without its diacritics (ệ → e, đ → d),
    a plain dash or quote for typographic ones, '?' for anything else."""
    if ch in "đĐ":
        plain = "d" if ch == "đ" else "D"
    elif ch in _PLAIN_PUNCTUATION:
        plain = _PLAIN_PUNCTUATION[ch]
    else:
        plain = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    try:
        plain.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "?"
    return plain or "?"


def _plain_errors(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    text = err.object[err.start:err.end]
    return "".join(plain_letter(ch, err.encoding) for ch in text), err.end


codecs.register_error(PLAIN_ERRORS, _plain_errors)


class PlainWriter(io.TextIOBase):
    """A text stream over one whose encoding lacks Vietnamese letters: every letter is written
    without its diacritics, so that a word is never half marked (latin-1 has 'á' but not 'ạ').
    It has no binary ``buffer``, so click writes through it rather than around it (click
    replaces an ASCII stream's encoding with UTF-8 on the same bytes)."""

    def __init__(self, stream: TextIO):
        super().__init__()
        self._stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding or "ascii"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return PLAIN_ERRORS

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:  # type: ignore[override]
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._stream.write(text.encode("ascii", PLAIN_ERRORS).decode("ascii"))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()


def shows_vietnamese(stream: TextIO | None) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        _VIETNAMESE.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def plain_streams() -> None:
    """Standard output and error that cannot encode Vietnamese (PYTHONIOENCODING=ascii, a
    latin-1 terminal) write its letters without their diacritics rather than crash."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, PlainWriter) or shows_vietnamese(stream):
            continue
        if hasattr(stream, "reconfigure"):  # for whatever still holds the stream itself
            stream.flush()
            stream.reconfigure(errors=PLAIN_ERRORS)
        setattr(sys, name, PlainWriter(stream))
