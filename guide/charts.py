"""The salary chart: each band's range as a bar on one dollar axis.

Positions are percentages of the plot's width, drawn by a template as one small SVG per
row with its label in HTML beside or above it: nothing is scaled down to fit a phone, so
the labels keep the page's text size at any width (an SVG with a viewBox shrinks its text
with its width).
"""

import math
from dataclasses import dataclass

from guide.models import SalaryBand

PLOT_RIGHT = 90.0  # percent: the axis's top amount; the rest holds an open range's arrow
OPEN_TAIL = 5.0  # percent of dashed line past an open-ended maximum
MIN_WIDTH = 0.5  # percent: the narrowest bar still shows
TICK_STEP = 100_000


@dataclass(frozen=True)
class Bar:
    label: str
    range_label: str
    x: float  # percent
    width: float  # percent
    open_ended: bool
    tail_start: float  # percent
    tail_end: float  # percent


@dataclass(frozen=True)
class Tick:
    x: float  # percent
    label: str
    anchor: str  # the label's text-anchor: the end ticks stay inside the plot


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    description: str


def dollars_short(amount: int) -> str:
    return f"${amount // 1000:,}k" if amount else "$0"


def salary_chart(bands: list[SalaryBand], *, axis_top: int) -> Chart:
    """Draw `bands` on an axis that reaches at least `axis_top` dollars (the highest
    maximum of every band, so that a filtered chart keeps the same scale)."""
    top_amount = max([axis_top, *(band.max_usd for band in bands)])
    axis_max = max(TICK_STEP, math.ceil(top_amount / TICK_STEP) * TICK_STEP)

    def x_of(amount: int) -> float:
        return round(amount * PLOT_RIGHT / axis_max, 2)

    bars = []
    for band in bands:
        start, end = x_of(band.min_usd), x_of(band.max_usd)
        width = round(max(end - start, MIN_WIDTH), 2)
        bars.append(
            Bar(
                label=band.level,
                range_label=band.range_label,
                x=start,
                width=width,
                open_ended=band.max_is_open,
                tail_start=round(start + width, 2),
                tail_end=round(start + width + OPEN_TAIL, 2),
            )
        )
    amounts = range(0, axis_max + 1, TICK_STEP)
    ticks = [
        Tick(
            x=x_of(amount),
            label=dollars_short(amount),
            anchor="start" if amount == 0 else "middle",
        )
        for amount in amounts
    ]
    description = "; ".join(
        f"{band.level}: ${band.min_usd:,} to ${band.max_usd:,}"
        + (" or more" if band.max_is_open else "")
        for band in bands
    )
    return Chart(bars=bars, ticks=ticks, description=description)
