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
ARROW_SIZE = 7  # the open end's arrowhead: a triangle this many pixels deep
BAR_RADIUS = 3
TICK_LABEL_GAP = 18  # from the axis down to the tick labels' baseline


@dataclass(frozen=True)
class Bar:
    label: str
    range_label: str
    anchor: str
    x: int
    width: int
    y: int
    height: int
    radius: int
    text_y: int
    open_ended: bool
    tail_start: int
    tail_end: int
    tail_y: int
    arrow: str  # the arrowhead's SVG path


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
    tick_label_y: int
    label_x: int
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
    scale = (PLOT_RIGHT - PLOT_LEFT - OPEN_TAIL) / axis_max

    def x_of(amount: int) -> int:
        return round(PLOT_LEFT + amount * scale)

    bars = []
    for row, band in enumerate(bands):
        y = TOP + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        start, end = x_of(band.min_usd), x_of(band.max_usd)
        width = max(end - start, 2)
        text_y = y + BAR_HEIGHT // 2 + 5
        tail_end = end + OPEN_TAIL
        bars.append(
            Bar(
                label=band.level,
                range_label=band.range_label,
                anchor=band.anchor,
                x=start,
                width=width,
                y=y,
                height=BAR_HEIGHT,
                radius=BAR_RADIUS,
                text_y=text_y,
                open_ended=band.max_is_open,
                tail_start=start + width,
                tail_end=tail_end,
                tail_y=text_y - 5,
                arrow=(
                    f"M{tail_end} {y + 3} l{ARROW_SIZE} {ARROW_SIZE} l-{ARROW_SIZE} {ARROW_SIZE} z"
                ),
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
        tick_label_y=axis_y + TICK_LABEL_GAP,
        label_x=LABEL_WIDTH,
        bars=bars,
        ticks=ticks,
        description=description,
    )
