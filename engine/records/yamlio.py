"""YAML read with every node's line, numbers as exact Decimals and dates kept as their text.

Takes a file; gives plain data (dicts, lists, Decimal, int, bool, str, None) and a map from each
node's path to its line, so that every later message can say where a value stands. The text is
normalised first (BOM, NFC) so that the same words typed on different keyboards compare equal.
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

    def build(node: yaml.Node, at: Path_) -> Any:
        lines[at] = node.start_mark.line + 1
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
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
        text = Path(file).read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise FactsError([Diagnostic(_("cannot read the file: {reason}").format(
            reason=err.strerror), None, path)]) from None
    except UnicodeDecodeError as err:
        raise FactsError([Diagnostic(_("byte {offset} is not UTF-8 text; save the file as UTF-8")
                                     .format(offset=err.start), None, path)]) from None
    return load_yaml(text, path)
