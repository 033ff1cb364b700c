"""The next decision's rule set, started from the current one: ``cchc new``.

Takes a rule folder, a new folder and the new decision's number; gives the new folder with every
rule file copied, the decision's number replaced, ``replaces`` naming the decision it replaces,
and a comment over the decision block saying what is left to write (date, title, years). The new
folder is written whole or not at all, and checked like any rule set.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from dsl import ast
from dsl.errors import CchcError, Diagnostic
from dsl.i18n import _

DECISION = re.compile(r'^(\s*decision\s+)"([^"]*)"(\s*\{)', re.M)
REPLACES = re.compile(r'^(\s*replaces\s+)"[^"]*"', re.M)


def start_next(rs: ast.RuleSet, folder: Path, new: Path, number: str) -> Path:
    if rs.decision is None:  # pragma: no cover - load_ruleset refuses a folder without one
        raise CchcError([Diagnostic(_("no 'decision' block to start from"), None, str(folder))])
    if new.exists() and (not new.is_dir() or any(new.iterdir())):
        raise CchcError([Diagnostic(_("this folder exists and is not empty: give a new folder"),
                                    None, str(new))])
    if '"' in number or "\n" in number or not number.strip():
        raise CchcError([Diagnostic(_("a decision number is written like 123/QĐ-UBND"), None,
                                    number)])
    old = rs.decision.number
    path = Path(rs.decision.span.path)
    new.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{new.name}.tmp-", dir=new.parent))
    try:
        for f in sorted(folder.glob("*.cchc")):
            shutil.copyfile(f, tmp / f.name)
        target = tmp / path.name
        text = target.read_text("utf-8")
        note = _("# Started with 'cchc new' from the rules of {old}: write this decision's date, "
                 "issuer, title, date in force and years below, then check the criteria against "
                 "its appendices (docs/soan-quy-tac.md).").format(old=old)
        text = DECISION.sub(lambda m: f"{note}\n{m.group(1)}\"{number}\"{m.group(3)}", text,
                            count=1)
        if REPLACES.search(text):
            text = REPLACES.sub(lambda m: f'{m.group(1)}"{old}"', text, count=1)
        else:
            text = DECISION.sub(lambda m: f'{m.group(0)}\n  replaces "{old}"', text, count=1)
        target.write_text(text, "utf-8")
        if new.exists():
            new.rmdir()
        tmp.rename(new)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return new
