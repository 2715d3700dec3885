"""The capaian chart: a PNG that opens, whatever the number of rows, coloured by category."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal
from functools import cache
from io import BytesIO

import pytest
from PIL import Image

from bot.reports.chart import (
    NO_VALUE_COLOUR,
    category_colours,
    render_chart,
    report_chart,
    row_colour,
)
from bot.reports.model import IndicatorRow
from tests.unit.fresh_process import CHART_DRAWN, probe
from tests.unit.reports.factory import big_report, quarterly_report

CATEGORIES = ["Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _image(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(BytesIO(data))
    image.load()  # decodes the whole file: a truncated PNG fails here
    assert image.format == "PNG"
    return image


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _row(code: str, capaian: str | None, kategori: str | None) -> IndicatorRow:
    base = quarterly_report().rows[0]
    value = None if capaian is None else Decimal(capaian)
    return replace(base, code=code, capaian=value, kategori=kategori)


def test_twenty_indicators_make_a_small_png() -> None:
    report = quarterly_report(rows_per_unit=17)
    assert len(report.rows) == 20
    data = report_chart(report)
    image = _image(data)
    assert len(data) < 200_000
    assert 800 <= image.width <= 1600
    assert 350 <= image.height <= 800


@cache
def _empty_chart_size() -> tuple[int, int]:
    return _image(render_chart([], CATEGORIES, title="x")).size


@pytest.mark.parametrize("count", [0, 1, 300])
def test_any_number_of_rows_gives_a_page_sized_png(count: int) -> None:
    rows = big_report().rows[:count]
    image = _image(render_chart(rows, CATEGORIES, title="Capaian"))
    # The figure does not grow with the rows: it must fit one A4 landscape page.
    assert image.size == _empty_chart_size()


def test_capaian_far_above_200_percent_and_negative_are_drawn() -> None:
    rows = [
        _row("A-1", "350.50", "Sangat Tinggi"),
        _row("A-2", "-20", "Sangat Rendah"),
        _row("A-3", None, None),
    ]
    _image(render_chart(rows, CATEGORIES, title="Capaian"))


def test_colours_run_from_green_for_the_best_to_red_for_the_worst() -> None:
    colours = category_colours(CATEGORIES)
    assert list(colours) == CATEGORIES
    assert len(set(colours.values())) == len(CATEGORIES)
    best_r, best_g, _ = _rgb(colours["Sangat Tinggi"])
    worst_r, worst_g, _ = _rgb(colours["Sangat Rendah"])
    assert best_g > best_r
    assert worst_r > worst_g


def test_single_category_gets_a_colour() -> None:
    assert list(category_colours(["Baik"])) == ["Baik"]


def test_row_colour_follows_the_category_and_grey_without_capaian() -> None:
    colours = category_colours(CATEGORIES)
    high = row_colour(_row("A-1", "95", "Sangat Tinggi"), colours)
    low = row_colour(_row("A-2", "30", "Sangat Rendah"), colours)
    assert high != low
    assert high == colours["Sangat Tinggi"]
    assert low == colours["Sangat Rendah"]
    assert row_colour(_row("A-3", None, None), colours) == NO_VALUE_COLOUR


def test_bars_are_painted_in_their_category_colour() -> None:
    rows = [_row("A-1", "95", "Sangat Tinggi"), _row("A-2", "30", "Sangat Rendah")]
    image = _image(render_chart(rows, CATEGORIES, title="Capaian")).convert("RGB")
    present = {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    colours = category_colours(CATEGORIES)
    assert _rgb(colours["Sangat Tinggi"]) in present
    assert _rgb(colours["Sangat Rendah"]) in present
    assert _rgb(colours["Sedang"]) in present  # the legend shows every category


def test_rendering_is_deterministic_and_safe_across_threads() -> None:
    report = quarterly_report()
    expected = report_chart(report)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: report_chart(report), range(8)))
    assert all(result == expected for result in results)


@pytest.mark.slow  # the fresh process of test_lazy_imports: seconds
def test_pyplot_is_never_imported() -> None:
    """Drawn in a fresh process (tests/unit/fresh_process.py), after a report was made."""
    assert "matplotlib.pyplot" not in probe()[CHART_DRAWN]
