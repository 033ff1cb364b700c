"""JSON text with exact numbers, written fast.

Takes plain data (dicts, lists, strings, numbers, ``Decimal``s, booleans, None); gives the text
``json.dumps(data, ensure_ascii=False, indent=2)`` would give, except that each ``Decimal`` is a
JSON number carrying exactly its digits (``65.84``, never ``65.840000001`` or a string). The
standard library writes indented JSON with its pure-Python encoder, one generator per level;
this writer appends to one list, and leaves the escaping of strings to the C function the
standard library uses for it. Data of any other type goes to the standard library, so that the
text, or the error, is the one it gives.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from json.encoder import encode_basestring  # the C function where CPython has it
from typing import Any

__all__ = ["dumps"]


_INF = float("inf")


class _Other(Exception):
    """A value of a type this writer leaves to the standard library."""


def dumps(data: Any) -> str:
    """The indented JSON text of ``data``, with a final newline."""
    out: list[str] = []
    try:
        _value(data, out, "\n")
    except (_Other, RecursionError):
        return _standard(data)
    out.append("\n")
    return "".join(out)


def _value(o: Any, out: list[str], nl: str) -> None:
    t = type(o)
    if t is str:
        out.append(encode_basestring(o))
    elif t is dict:
        if not o:
            out.append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, v in o.items():
            if type(k) is not str:
                raise _Other
            out.append(sep)
            out.append(encode_basestring(k))
            out.append(": ")
            _value(v, out, inner)
            sep = "," + inner
        out.append(nl + "}")
    elif t is list or t is tuple:
        if not o:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in o:
            out.append(sep)
            _value(v, out, inner)
            sep = "," + inner
        out.append(nl + "]")
    elif t is Decimal:
        if not o.is_finite():
            raise _Other
        out.append(format(o.normalize(), "f"))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(o))
    elif t is float and o == o and o not in (_INF, -_INF):
        out.append(float.__repr__(o))
    else:
        raise _Other


_MARK = "\u0000dec:"


def _standard(data: Any) -> str:
    """The standard library's text, each Decimal marked, then written as a bare number."""

    def raw(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            return f"{_MARK}{format(obj.normalize(), 'f')}"
        if isinstance(obj, dict):
            return {k: raw(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [raw(v) for v in obj]
        return obj

    text = json.dumps(raw(data), ensure_ascii=False, indent=2)
    return re.sub(r'"\\u0000dec:(-?[0-9.]+)"', r"\1", text) + "\n"
