"""The salary chart: each band's range as a bar on one dollar axis, drawn as SVG by a template."""

import math
from dataclasses import dataclass

from guide.models import SalaryBand

WIDTH = 640
LABEL_WIDTH = 130
PLOT_LEFT = LABEL_WIDTH + 10
PLOT_RIGHT = WIDTH - 30
ROW_HEIGHT = 40
BAR_HEIGHT = 20
TOP = 10
AXIS_HEIGHT = 30
TICK_STEP = 100_000
OPEN_TAIL = 22  # pixels of dashed line past an open-ended maximum


@dataclass(frozen=True)
class Bar:
    label: str
    range_label: str
    anchor: str
    x: int
    width: int
    y: int
    text_y: int
    open_ended: bool
    tail_end: int


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_top: int
    axis_y: int
    label_x: int
    bars: list[Bar]
    ticks: list[Tick]
    description: str


def dollars_short(amount: int) -> str:
    return f"${amount // 1000:,}k" if amount else "$0"


def salary_chart(bands: list[SalaryBand], *, scale_to: list[SalaryBand]) -> Chart:
    """Draw `bands` on an axis wide enough for every band of `scale_to`."""
    top_amount = max((band.max_usd for band in scale_to), default=0)
    axis_max = max(TICK_STEP, math.ceil(top_amount / TICK_STEP) * TICK_STEP)
    scale = (PLOT_RIGHT - PLOT_LEFT - OPEN_TAIL) / axis_max

    def x_of(amount: int) -> int:
        return round(PLOT_LEFT + amount * scale)

    bars = []
    for row, band in enumerate(bands):
        y = TOP + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        start, end = x_of(band.min_usd), x_of(band.max_usd)
        bars.append(
            Bar(
                label=band.level,
                range_label=band.range_label,
                anchor=band.anchor,
                x=start,
                width=max(end - start, 2),
                y=y,
                text_y=y + BAR_HEIGHT // 2 + 5,
                open_ended=band.max_is_open,
                tail_end=end + OPEN_TAIL,
            )
        )
    axis_y = TOP + len(bands) * ROW_HEIGHT
    ticks = [
        Tick(x=x_of(amount), label=dollars_short(amount))
        for amount in range(0, axis_max + 1, TICK_STEP)
    ]
    description = "; ".join(
        f"{band.level}: ${band.min_usd:,} to ${band.max_usd:,}"
        + (" or more" if band.max_is_open else "")
        for band in bands
    )
    return Chart(
        width=WIDTH,
        height=axis_y + AXIS_HEIGHT,
        plot_top=TOP,
        axis_y=axis_y,
        label_x=LABEL_WIDTH,
        bars=bars,
        ticks=ticks,
        description=description,
    )
