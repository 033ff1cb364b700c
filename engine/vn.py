"""Vietnamese presentation of values: 7,07 điểm, 86,75%, 24/06/2022, 6.120 hồ sơ.

Takes exact values (Decimal, date, bool, str); gives text for documents. Data (JSON) never goes
through here: it stays exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

SHOWN_DECIMALS = 4  # beyond this a value is shown rounded, marked with ≈


_SHOWN: dict[tuple[Decimal, int], str] = {}  # numbers already written: few points recur
_SHOWN_MAX = 50_000


def number(value: Decimal, min_decimals: int = 0) -> str:
    """A number with a decimal comma and a dot between thousands: 6.120 or 86,75."""
    if value.is_signed():  # -0 equals 0 but is written "-0": not kept with it
        return _number(value, min_decimals)
    key = (value, min_decimals)  # equal Decimals (2.0, 2) are written alike: normalized below
    text = _SHOWN.get(key)
    if text is None:
        text = _number(value, min_decimals)
        if len(_SHOWN) < _SHOWN_MAX:
            _SHOWN[key] = text
    return text


def _number(value: Decimal, min_decimals: int) -> str:
    approx = ""
    exact = value.normalize()
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > SHOWN_DECIMALS:
        shown = value.quantize(Decimal(1).scaleb(-SHOWN_DECIMALS), ROUND_HALF_UP).normalize()
        approx = "≈"
        exact = shown
    text = f"{exact:f}"
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    whole, _sep, frac = text.partition(".")
    frac = frac.ljust(min_decimals, "0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups) + ("," + frac if frac else "")
    return f"{approx}{sign}{out}"


def points(value: Decimal) -> str:
    """Points as the reports write them: 2,0 · 1,25 · 13,5."""
    return number(value, min_decimals=1)


def percent(fraction: Decimal) -> str:
    """A fraction shown as a percentage: 0.8675 → 86,75%; 72/171 → ≈42,11%."""
    value = fraction * 100
    shown = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return ("≈" if shown != value else "") + number(shown) + "%"


def date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def value(v: object, type_: str) -> str:
    """Any fact value, by its declared type."""
    if v is None:
        return "(không có số liệu)"
    if type_ == "percent":
        return percent(v)  # type: ignore[arg-type]
    if type_ == "date" or isinstance(v, dt.date):
        return date(v)  # type: ignore[arg-type]
    if type_ == "yesno" or isinstance(v, bool):
        return "có" if v else "không"
    if isinstance(v, Decimal):
        return number(v)
    return str(v)


def fixed(value: Decimal, decimals: int) -> str:
    """A figure with a fixed number of decimals, as a published table column: 86,21 · 25,90."""
    step = Decimal(1).scaleb(-decimals)
    return number(value.quantize(step, ROUND_HALF_UP), min_decimals=decimals)


def maximum(value: Decimal) -> str:
    """A maximum as the decisions write it: 100 · 13,5 · 72,75 (no spurious ',0')."""
    return number(value.normalize() if value == value.to_integral_value() else value)
