"""The one number formatter: 4 significant digits, thousands separators, a unit on every value.

``portal/assets/kb-numbers.js`` implements the same rules for JSON-driven tables and charts; the two print
the same text for the same value (``tests/test_numbers.py`` runs both). Scientific notation is used
only outside [0.001, 1e9), where grouped digits would not fit.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

DIGITS = 4
SMALL = 1e-3
LARGE = 1e9
PREFIX_UNITS = ("$", "€", "£")


def finite(value: object) -> float | None:
    """A JSON value as a finite float, or None (booleans, text, NaN and infinities are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _rounded(value: float, digits: int) -> tuple[Decimal, int]:
    """The value rounded to ``digits`` significant digits (half away from zero, on the exact binary
    value, as JavaScript's toExponential does) and its decimal exponent after rounding."""
    exact = Decimal(value)
    exponent = math.floor(math.log10(abs(value)))
    quantum = Decimal(1).scaleb(exponent - digits + 1)
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded != 0 and abs(rounded) >= Decimal(10) ** (exponent + 1):
        exponent += 1
        rounded = exact.quantize(Decimal(1).scaleb(exponent - digits + 1), rounding=ROUND_HALF_UP)
    return rounded, exponent


def number(value: float, digits: int = DIGITS) -> str:
    """'147.1', '580,600', '0.0041', '9.134e-7', '2.5e+10': the value alone, no unit."""
    if not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    rounded, exponent = _rounded(value, digits)
    if abs(value) < SMALL or abs(rounded) >= LARGE:
        mantissa = rounded.scaleb(-exponent)
        text = _trim(f"{mantissa:.{digits - 1}f}")
        return f"{text}e{exponent:+d}"
    decimals = max(0, digits - 1 - exponent)
    return _trim(f"{rounded:,.{decimals}f}")


def _trim(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def with_unit(value: float, unit: str, digits: int = DIGITS) -> str:
    """'12.5 ms', '70.47 %', '$239': a value with its unit (currency units go first)."""
    text = number(value, digits)
    unit = (unit or "").strip()
    if not unit or unit == "1" or text == "—":
        return text
    if unit in PREFIX_UNITS:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text} {unit}"


def percent(value: float) -> str:
    """A signed percentage with one decimal: '+4.1 %', '-12.0 %', '0 %'."""
    if not math.isfinite(value):
        return "—"
    shown = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if shown == 0:
        return "0 %"
    return f"{'+' if shown > 0 else ''}{shown} %"


def ratio(value: float) -> str:
    """A ratio with 2–3 significant digits: '3.2×', '1.05×', '12×'."""
    if not math.isfinite(value) or value <= 0:
        return "—"
    digits = 3 if value < 10 else 2 if value < 100 else 3
    return number(value, digits) + "×"


def share(value: float) -> str:
    """An unsigned percentage as readers quote it: '84 %', '304 %', '2.1 %', '0.35 %'."""
    if not math.isfinite(value):
        return "∞ %"
    if abs(value) >= 10:
        return f"{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)} %"
    return f"{number(value, 2)} %"
