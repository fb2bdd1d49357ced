"""One number formatter: the Python one (templates) and kb-numbers.js (JSON-driven tables and charts)
print the same text for the same value; 4 significant digits, thousands separators, units."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from generator.numbers import number, percent, ratio, share, with_unit

ASSET = Path(__file__).resolve().parents[1] / "generator" / "portal" / "assets" / "kb-numbers.js"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(147.0844, "ms", "147.1 ms"), (580600, "samples/s", "580,600 samples/s"), (143100.0, "", "143,100"),
     (151.54, "ms", "151.5 ms"), (0.172, "ms", "0.172 ms"), (0.0041, "s", "0.0041 s"), (239, "$", "$239"),
     (9.1343125e-07, "$/image", "9.134e-7 $/image"), (2.5e10, "B", "2.5e+10 B"), (76.11, "%", "76.11 %"),
     (0.0, "ms", "0 ms"), (99999.5, "1", "100,000"), (-3.14159, "ms", "-3.142 ms")],
)  # fmt: skip
def test_values_print_with_four_significant_digits_grouping_and_their_unit(value: float, unit: str,
                                                                           text: str) -> None:  # fmt: skip
    assert with_unit(value, unit) == text


def test_percentages_ratios_and_spreads_read_as_people_quote_them() -> None:
    assert (percent(4.14), percent(-12.0), percent(0.04)) == ("+4.1 %", "-12.0 %", "0 %")
    assert (ratio(3.21), ratio(1.049), ratio(12.3), ratio(150.4)) == ("3.21×", "1.05×", "12×", "150×")
    assert (share(84.2), share(304.5), share(2.13)) == ("84 %", "305 %", "2.1 %")


def _values() -> list[float]:
    rng = random.Random(7)
    edges = [0.0, 0.001, 0.00099996, 999999999.6, 1e9, 12.25, 0.05, -0.05, 0.15, 2.5, 84.5, 9.995, 99.95, 151.55]
    spread = [rng.choice([1, -1]) * 10 ** rng.uniform(-8, 12) for _ in range(1500)]
    return edges + spread + [round(rng.uniform(0, 1000), rng.randint(0, 4)) for _ in range(1500)]


@pytest.mark.browser
def test_the_browser_formatter_prints_what_the_server_prints(chromium_browser: Any) -> None:
    values = _values()
    page = chromium_browser.new_page()
    try:
        page.set_content("<html><body></body></html>")
        page.add_script_tag(content=ASSET.read_text(encoding="utf-8"))
        shown = page.evaluate("""values => values.map(v => [kbNumbers.number(v), kbNumbers.withUnit(v, 'ms'),
            kbNumbers.withUnit(v, '$'), kbNumbers.percent(v), kbNumbers.ratio(Math.abs(v)),
            kbNumbers.share(Math.abs(v))])""", values)  # fmt: skip
    finally:
        page.close()
    expected = [[number(v), with_unit(v, "ms"), with_unit(v, "$"), percent(v), ratio(abs(v)), share(abs(v))]
                for v in values]  # fmt: skip
    differ = [(v, e, s) for v, e, s in zip(values, expected, shown, strict=True) if e != s]
    assert not differ, json.dumps(differ[:5])


@pytest.mark.browser
def test_chart_axis_labels_use_the_same_format(chromium_browser: Any) -> None:
    """Axis labels are formatted by Vega (d3-format) through specs.LABEL_EXPR: same text as kbNumbers."""
    from generator.results.specs import LABEL_EXPR

    assert "',.4~r'" in LABEL_EXPR and "'.4~e'" in LABEL_EXPR
    vega = ASSET.parent / "vendor" / "vega.min.js"
    ticks = [m * 10**e for e in range(-8, 12) for m in (1, 2, 2.5, 5, 7.5)] + [147.0844, 580600, 0.172, 151.54]
    page = chromium_browser.new_page()
    try:
        page.set_content("<html><body></body></html>")
        page.add_script_tag(content=vega.read_text(encoding="utf-8"))
        page.add_script_tag(content=ASSET.read_text(encoding="utf-8"))
        pairs = page.evaluate("""values => {
            const format = vega.expressionFunction('format');
            const ctx = {context: {dataflow: {locale: () => vega.defaultLocale()}}};
            return values.map(v => [Math.abs(v) >= 1e9 || (v !== 0 && Math.abs(v) < 0.001)
                ? format.call(ctx, v, '.4~e') : format.call(ctx, v, ',.4~r'), kbNumbers.number(v)]);
        }""", ticks)  # fmt: skip
    finally:
        page.close()
    assert [a for a, _ in pairs] == [b for _, b in pairs]
