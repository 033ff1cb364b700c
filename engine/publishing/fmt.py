"""``cchc fmt`` over files and folders: check, show or write the one layout."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from dsl.errors import CchcError, Diagnostic, RuleSyntaxError
from dsl.fmt import formatted
from dsl.i18n import _


def _files(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.glob("*.cchc"))
        elif p.is_file():
            out.append(p)
        else:
            raise CchcError([Diagnostic(_("no such file or folder"), None, str(p))])
    return out


def format_paths(paths: tuple[str, ...], lang: str | None, write: bool, diff: bool) -> list[str]:
    """The files that are not (or were not) in the one layout; each said on stderr."""
    from engine.outputs.files import write_file

    changed: list[str] = []
    problems: list[Diagnostic] = []
    for f in _files(paths):
        text = f.read_text("utf-8")
        try:
            new = formatted(text, str(f), lang)
        except RuleSyntaxError as err:
            problems += err.diagnostics
            continue
        if new == text:
            continue
        changed.append(str(f))
        if diff:
            click.echo("".join(difflib.unified_diff(
                text.splitlines(True), new.splitlines(True), str(f), str(f))), nl=False)
        elif write:
            write_file(f, new.encode("utf-8"))
            click.echo(_("formatted: {file}").format(file=f), err=True)
        else:
            click.echo(_("not formatted: {file}").format(file=f), err=True)
    if problems:
        raise CchcError(problems)
    return changed
