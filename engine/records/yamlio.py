"""YAML read with every node's line, numbers as exact Decimals and dates kept as their text.

Takes a file; gives plain data (dicts, lists, Decimal, int, bool, str, None) and a map from each
node's path to its line, so that every later message can say where a value stands. The text is
normalised first (BOM, NFC) so that the same words typed on different keyboards compare equal.

Bounded, whatever the file holds: a file over ``MAX_BYTES`` is refused before it is read, nesting
deeper than ``MAX_DEPTH`` and anchors/aliases (``&a``, ``*a``: a few lines of them can stand for
billions of values) are refused with their line, and so is a number longer than ``MAX_DIGITS``
characters (``1.0e+999999`` would take seconds to use). The C parser (libyaml) is used when
PyYAML has it.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from dsl.errors import Diagnostic, FactsError
from dsl.i18n import _

Path_ = tuple[str | int, ...]

MAX_BYTES = 10 * 1024 * 1024  # a record is a few kilobytes; a rule-test file a few hundred
MAX_DEPTH = 40  # a record nests 4 or 5 levels
MAX_DIGITS = 40  # characters of a number, exponent included
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in
                 ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}

_TRUE = ("true", "yes", "on", "y")
_FALSE = ("false", "no", "off", "n")


class _Loose(str):
    """A scalar YAML tagged as a number or a yes/no that is not one: kept as text, so that the
    schema reports it (never read silently as 0 or false)."""


def dotted(at: Path_) -> str:
    """A YAML path as people read it; list items are counted from 1, as explanations show them."""
    out = ""
    for part in at:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or _("(the record)")


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, raw = node.tag, node.value
    if tag.endswith((":int", ":float")) and len(raw) > MAX_DIGITS:
        return _Loose(raw)  # refused by the schema as "not a number"
    if tag.endswith(":float") and "e" in raw.lower():
        mantissa, _e, exponent = raw.lower().partition("e")
        if exponent.lstrip("+-").isdigit() and abs(int(exponent)) > 20:
            return _Loose(raw)  # 1e-999999: no figure of a record is that small or large
    if tag.endswith(":int"):
        text = raw.replace("_", "")
        try:
            if text.lower().startswith(("0x", "-0x", "+0x")):
                return int(text, 16)
            return int(text)
        except ValueError:
            return _Loose(raw)
    if tag.endswith(":float"):
        try:
            value = Decimal(raw.replace("_", ""))
        except InvalidOperation:
            return _Loose(raw)
        return value if value.is_finite() else _Loose(raw)
    if tag.endswith(":bool"):
        low = raw.lower()
        return True if low in _TRUE else False if low in _FALSE else _Loose(raw)
    if tag.endswith(":null"):
        return None
    return raw  # strings, and timestamps kept as text for the date format check


def load_yaml(text: str, path: str) -> tuple[Any, dict[Path_, int]]:
    """Load YAML keeping every node's line. Raises ``FactsError`` for text that is not YAML."""
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    lines: dict[Path_, int] = {}
    problems: list[Diagnostic] = []

    seen: set[int] = set()

    def build(node: yaml.Node, at: Path_) -> Any:
        line = node.start_mark.line + 1
        lines[at] = line
        if node.tag not in STANDARD_TAGS:
            raise FactsError([Diagnostic(_(
                "{path}: the YAML tag {tag} is not accepted in a record; write the value plainly")
                .format(path=dotted(at), tag=node.tag), None, path, line)])
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in seen:  # the same node twice: an alias
                raise FactsError([Diagnostic(_(
                    "{path}: anchors and aliases (& and *) are not accepted in a record; write "
                    "the value out").format(path=dotted(at)), None, path, line)])
            seen.add(id(node))
            if len(at) >= MAX_DEPTH:
                raise FactsError([Diagnostic(_(
                    "{path}: nested more than {depth} levels deep; a record needs a few")
                    .format(path=dotted(at[:4]) + "…", depth=MAX_DEPTH), None, path, line)])
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                key = str(k.value)
                if key in out:
                    problems.append(Diagnostic(_("{path}: key given twice").format(
                        path=dotted((*at, key))), None, path, k.start_mark.line + 1))
                out[key] = build(v, (*at, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(v, (*at, i)) for i, v in enumerate(node.value)]
        return _scalar(node)

    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:  # the pure-Python parser words its errors better: ask it
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise FactsError([Diagnostic(_("nested more than {depth} levels deep; a record needs a "
                                       "few").format(depth=MAX_DEPTH), None, path)]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(err, "problem", None) or str(err)
        raise FactsError([Diagnostic(_("not valid YAML: {problem}").format(problem=problem),
                                     None, path, line)]) from None
    if node is None:
        raise FactsError([Diagnostic(_("the file is empty"), None, path, 1)])
    data = build(node, ())
    if problems:
        raise FactsError(problems)
    return data, lines


def read_yaml(file: str | Path) -> tuple[Any, dict[Path_, int]]:
    """Read a YAML file with each node's line. Raises ``FactsError`` if it cannot be read."""
    path = str(file)
    try:
        with open(file, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise FactsError([Diagnostic(_("the file is larger than {size} MB; a record or a "
                                           "test file is far smaller").format(
                                               size=MAX_BYTES // (1024 * 1024)), None, path)])
        text = raw.decode("utf-8-sig")
    except OSError as err:
        raise FactsError([Diagnostic(_("cannot read the file: {reason}").format(
            reason=err.strerror), None, path)]) from None
    except UnicodeDecodeError as err:
        raise FactsError([Diagnostic(_("byte {offset} is not UTF-8 text; save the file as UTF-8")
                                     .format(offset=err.start), None, path)]) from None
    return load_yaml(text, path)
