"""A yes/no validity check compiled once from a record schema into closures: the fast path.

jsonschema walks the schema anew for every record (about 1,3 ms for a district's record); this
module turns the same schema into nested Python closures once per rule set and kind, and answers
only "valid or not" (about 0,1 ms). A record that is not valid is then validated by jsonschema,
whose error paths give the located, worded messages. Only the keywords the record schemas use
are compiled, with jsonschema's meaning (a bool is not a number, 1 is not ``true``); a schema
with any other keyword is not compiled and every record takes the jsonschema path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]
IGNORED = {"$schema", "title", "description"}
_FORMATS = FormatChecker()


class NotCompiled(Exception):
    """The schema uses a keyword this module does not compile."""


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    if name == "null":
        return value is None
    raise NotCompiled(name)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def compile_schema(schema: Any) -> Check:
    """The schema as one check; raises ``NotCompiled`` for a keyword it does not know."""
    if schema is True or schema == {}:
        return lambda _v: True
    if schema is False:
        return lambda _v: False
    unknown = set(schema) - IGNORED - set(_KEYWORDS)
    if unknown:
        raise NotCompiled(", ".join(sorted(unknown)))
    checks = [_KEYWORDS[k](schema[k], schema) for k in schema if k in _KEYWORDS]
    checks = [c for c in checks if c is not None]
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)


def _type(want: Any, _s: dict) -> Check:
    names = want if isinstance(want, list) else [want]
    for n in names:
        _is_type(None, n)  # refuses an unknown type name now, not per record
    return lambda v: any(_is_type(v, n) for n in names)


def _numeric(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def _minimum(low: Any, _s: dict) -> Check:
    return lambda v: not _numeric(v) or v >= low


def _maximum(high: Any, _s: dict) -> Check:
    return lambda v: not _numeric(v) or v <= high


def _enum(values: list[Any], _s: dict) -> Check:
    return lambda v: any(_same(v, x) for x in values)


def _format(name: str, _s: dict) -> Check:
    if name != "date":
        raise NotCompiled(f"format {name}")
    return lambda v: _FORMATS.conforms(v, "date")


def _min_length(n: int, _s: dict) -> Check:
    return lambda v: not isinstance(v, str) or len(v) >= n


def _min_items(n: int, _s: dict) -> Check:
    return lambda v: not isinstance(v, list) or len(v) >= n


def _pattern(text: str, _s: dict) -> Check:
    rx = re.compile(text)
    return lambda v: not isinstance(v, str) or rx.search(v) is not None


def _required(names: list[str], _s: dict) -> Check:
    return lambda v: not isinstance(v, dict) or all(n in v for n in names)


def _properties(props: dict[str, Any], _s: dict) -> Check:
    compiled = {k: compile_schema(sub) for k, sub in props.items()}
    return lambda v: not isinstance(v, dict) or all(
        compiled[k](x) for k, x in v.items() if k in compiled)


def _additional(extra: Any, schema: dict) -> Check:
    known = set(schema.get("properties", {}))
    check = compile_schema(extra)
    return lambda v: not isinstance(v, dict) or all(
        check(x) for k, x in v.items() if k not in known)


def _property_names(names: Any, _s: dict) -> Check:
    check = compile_schema(names)
    return lambda v: not isinstance(v, dict) or all(check(k) for k in v)


def _items(items: Any, _s: dict) -> Check:
    check = compile_schema(items)
    return lambda v: not isinstance(v, list) or all(check(x) for x in v)


def _any_of(branches: list[Any], _s: dict) -> Check:
    checks = [compile_schema(b) for b in branches]
    return lambda v: any(c(v) for c in checks)


_KEYWORDS: dict[str, Callable[[Any, dict], Check]] = {
    "type": _type, "minimum": _minimum, "maximum": _maximum, "enum": _enum,
    "format": _format, "minLength": _min_length, "minItems": _min_items, "pattern": _pattern,
    "required": _required, "properties": _properties, "additionalProperties": _additional,
    "propertyNames": _property_names, "items": _items, "anyOf": _any_of,
}
