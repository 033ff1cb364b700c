"""The stamp every output carries, and its check: which rules and which records made a figure.

Takes the rule set (its files) and the record files an output was made from; gives a stamp: the
decision's number, the engine's version, and a SHA-256 of every rule file and every record, with
one hash over each set. The stamp is written into the output twice: as words a reader can read,
and as one token (``cchc-stamp:v1:…``, the stamp as JSON in URL-safe base64) that ``cchc verify``
finds in any output, text or archive (Word, Excel), and checks against the files as they are now,
naming each file that changed, appeared or disappeared.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.i18n import _

TOKEN = re.compile(rb"cchc-stamp:v1:([A-Za-z0-9_\-]+={0,2})")
PREFIX = "cchc-stamp:v1:"


def engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cchc")
    except PackageNotFoundError:  # pragma: no cover - run from a tree that is not installed
        return "0"


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _set_hash(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + files[name].encode("ascii") + b"\n")
    return h.hexdigest()


def _name(path: str | Path) -> str:
    """A file as the stamp names it: as given (relative to where the command ran)."""
    return Path(path).as_posix()


def stamp_for(rulesets: Iterable[ast.RuleSet], records: Iterable[str | Path],
              folders: Iterable[str | Path] = ()) -> dict[str, Any]:
    """``folders``: record folders read whole (a ranking): a file added to one changes what
    the output would be."""
    rules: dict[str, str] = {}
    decisions = []
    for rs in rulesets:
        for f in rs.files:
            rules[_name(f.path)] = file_hash(f.path)
        if rs.decision is not None:
            decisions.append(rs.decision.number)
    facts = {_name(p): file_hash(p) for p in records}
    return {
        "decision": " ; ".join(decisions),
        "engine": engine_version(),
        "rules": {"sha256": _set_hash(rules), "files": dict(sorted(rules.items()))},
        "facts": {"sha256": _set_hash(facts), "files": dict(sorted(facts.items())),
                  "folders": sorted(_name(f) for f in folders)},
    }


def token(stamp: dict[str, Any]) -> str:
    raw = json.dumps(stamp, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return PREFIX + base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")


def words(stamp: dict[str, Any]) -> str:
    """The stamp as a reader reads it, on one line."""
    return _("Stamp: decision {decision}; rules sha256 {rules}…; records sha256 {facts}… "
             "({n} files); cchc {engine}").format(
        decision=stamp["decision"] or "—", rules=stamp["rules"]["sha256"][:16],
        facts=stamp["facts"]["sha256"][:16], n=len(stamp["facts"]["files"]),
        engine=stamp["engine"])


def footer(stamp: dict[str, Any], markdown: bool = False) -> str:
    """The lines that end a text or Markdown output."""
    if markdown:
        return f"\n---\n\n*{words(stamp)}*  \n`{token(stamp)}`\n"
    return f"\n{words(stamp)}\n{token(stamp)}\n"


def find(data: bytes) -> dict[str, Any] | None:
    """The stamp an output carries: in its text, or in the text of an archive's parts."""
    texts = [data]
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                texts = [z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))]
        except (zipfile.BadZipFile, OSError):
            pass
    for t in texts:
        m = TOKEN.search(t)
        if m:
            try:
                found = json.loads(base64.urlsafe_b64decode(m.group(1)).decode("utf-8"))
            except (binascii.Error, ValueError, UnicodeDecodeError):
                continue
            if isinstance(found, dict) and {"rules", "facts"} <= set(found):
                return found
    stripped = data.strip()
    if stripped.startswith(b"{"):  # a JSON output: its "stamp" member
        try:
            doc = json.loads(stripped)
        except ValueError:
            return None
        found = doc.get("stamp") if isinstance(doc, dict) else None
        if isinstance(found, dict) and {"rules", "facts"} <= set(found):
            return found
    return None


@dataclass
class Check:
    changed: list[str]
    missing: list[str]
    added: list[str]
    engine: tuple[str, str] | None  # (stamped, now) when they differ

    @property
    def confirmed(self) -> bool:
        return not (self.changed or self.missing or self.added)


def check(stamp: dict[str, Any], rule_dirs: Iterable[str], fact_paths: Iterable[str]) -> Check:
    """The stamp against the files as they are now. Rule files: every .cchc file of the rule
    folders; records: the files the stamp names (found under the folders given)."""
    now_rules = {_name(p): file_hash(p) for d in rule_dirs for p in sorted(Path(d).glob("*.cchc"))}
    stamped_facts: dict[str, str] = stamp["facts"]["files"]
    now_facts: dict[str, str] = {}
    given = [Path(p) for p in fact_paths]
    for name in stamped_facts:
        path = Path(name)
        if path.is_file() and any(path == g or g in path.parents for g in given):
            now_facts[name] = file_hash(path)
    added = [n for n in now_rules if n not in stamp["rules"]["files"]]
    for folder in stamp["facts"].get("folders", []):  # read whole: a new record matters
        added += [_name(p) for p in sorted(Path(folder).glob("*.yaml"))
                  if _name(p) not in stamped_facts]
    changed, missing = [], []
    for stamped, now in ((stamp["rules"]["files"], now_rules), (stamped_facts, now_facts)):
        for name, h in stamped.items():
            if name not in now:
                missing.append(name)
            elif now[name] != h:
                changed.append(name)
    engine = None if stamp.get("engine") == engine_version() else (
        str(stamp.get("engine")), engine_version())
    return Check(sorted(changed), sorted(missing), sorted(added), engine)


def stamped(text: str, fmt: str, stamp: dict[str, Any]) -> str:
    """An output with its stamp: a "stamp" member of a JSON document; a footer of a text,
    Markdown or HTML one."""
    if fmt == "json":
        from decimal import Decimal

        from engine.outputs.jsontext import dumps

        doc = json.loads(text, parse_float=Decimal)
        doc["stamp"] = stamp
        return dumps(doc)
    if fmt == "html":
        import html

        foot = (f'<footer class="cchc-stamp"><p>{html.escape(words(stamp))}</p>'
                f"<p><code>{token(stamp)}</code></p></footer>\n")
        return text.replace("</body>", foot + "</body>", 1) if "</body>" in text \
            else text + foot
    return text + footer(stamp, markdown=fmt == "md")


def read_stamp(output_or_stamp: str) -> dict[str, Any]:
    """The stamp of an output file, or a stamp given as its token."""
    from dsl.errors import CchcError, Diagnostic

    if output_or_stamp.startswith(PREFIX):
        found = find(output_or_stamp.encode("ascii", "replace"))
    else:
        path = Path(output_or_stamp)
        if path.is_dir():  # a site: its home page carries the stamp
            path = next((p for p in (path / "site" / "index.html", path / "index.html")
                         if p.is_file()), path)
        if not path.is_file():
            raise CchcError([Diagnostic(_("no such file, and not a stamp ({prefix}…)").format(
                prefix=PREFIX), None, output_or_stamp)])
        if path.stat().st_size > 200 * 1024 * 1024:
            raise CchcError([Diagnostic(_("this file is too large to be an output of cchc"),
                                        None, output_or_stamp)])
        found = find(path.read_bytes())
    if found is None:
        raise CchcError([Diagnostic(_("no cchc stamp in this output: only outputs written by "
                                      "cchc carry one"), None, output_or_stamp)])
    return found


def verdict(stamp: dict[str, Any], result: Check) -> str:
    lines = []
    if result.confirmed:
        lines.append(_("CONFIRMED: the rule files and records are those the output was made "
                       "from ({rules} rule files, {facts} records).").format(
            rules=len(stamp["rules"]["files"]), facts=len(stamp["facts"]["files"])))
    else:
        lines.append(_("NOT CONFIRMED: the files are not those the output was made from."))
        for title, names in ((_("changed since: {files}"), result.changed),
                             (_("no longer there: {files}"), result.missing),
                             (_("added since: {files}"), result.added)):
            if names:
                lines.append("  - " + title.format(files=", ".join(names)))
    if result.engine is not None:
        lines.append(_("Note: made by cchc {stamped}; this is cchc {now}.").format(
            stamped=result.engine[0], now=result.engine[1]))
    lines.append(words(stamp))
    return "\n".join(lines)
