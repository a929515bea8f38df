from guide.charts import MIN_WIDTH, OPEN_TAIL, PLOT_RIGHT, salary_chart
from guide.models import SalaryBand


def band(level: str, low: int, high: int, open_ended: bool = False) -> SalaryBand:
    return SalaryBand(
        slug=level.lower(), level=level, min_usd=low, max_usd=high, max_is_open=open_ended
    )


def test_bars_share_one_dollar_axis_in_percent():
    bands = [band("Entry", 80_000, 120_000), band("Architect", 250_000, 500_000, True)]
    chart = salary_chart(bands, axis_top=0)
    entry, architect = chart.bars
    per_dollar = PLOT_RIGHT / 500_000
    assert entry.x == round(80_000 * per_dollar, 2)
    assert entry.x + entry.width == round(120_000 * per_dollar, 2)
    assert architect.x + architect.width == PLOT_RIGHT
    assert [tick.label for tick in chart.ticks] == [
        "$0",
        "$100k",
        "$200k",
        "$300k",
        "$400k",
        "$500k",
    ]
    assert [tick.x for tick in chart.ticks] == [0, 18, 36, 54, 72, 90]
    assert [tick.anchor for tick in chart.ticks] == ["start"] + ["middle"] * 5


def test_open_ended_ranges_are_drawn_open_inside_the_plot():
    bands = [band("Senior", 180_000, 300_000, True), band("Mid", 120_000, 180_000)]
    senior, mid = salary_chart(bands, axis_top=0).bars
    assert senior.open_ended and not mid.open_ended
    assert senior.tail_end == senior.x + senior.width + OPEN_TAIL
    assert senior.tail_end < 100


def test_a_tiny_range_still_shows():
    (tiny,) = salary_chart([band("Tiny", 100_000, 100_000)], axis_top=0).bars
    assert tiny.width == MIN_WIDTH


def test_a_filtered_chart_keeps_the_full_axis():
    every = [band("Entry", 80_000, 120_000), band("Architect", 250_000, 500_000, True)]
    chart = salary_chart(every[:1], axis_top=500_000)
    assert len(chart.bars) == 1
    assert chart.ticks[-1].label == "$500k"


def test_text_alternative_names_every_range():
    bands = [band("Entry-Level", 80_000, 120_000), band("Senior-Level", 180_000, 300_000, True)]
    chart = salary_chart(bands, axis_top=0)
    assert chart.description == (
        "Entry-Level: $80,000 to $120,000; Senior-Level: $180,000 to $300,000 or more"
    )


def test_no_bands_draws_an_empty_axis():
    chart = salary_chart([], axis_top=0)
    assert chart.bars == [] and chart.ticks[0].label == "$0"


def test_salary_page_embeds_the_chart_with_its_alternative(client, content):
    text = client.get("/salaries/").text
    assert '<div class="salary-chart" role="img"' in text
    assert 'aria-describedby="salary-chart-desc"' in text
    assert (
        '<p class="visually-hidden" id="salary-chart-desc">Entry-Level: $80,000 to $120,000;'
        in text
    )
    # The labels are HTML text, not SVG text that shrinks with the drawing.
    assert '<span class="chart-label">Entry-Level</span>' in text
    assert "viewBox" not in text[text.index('class="salary-chart"') : text.index("</figure>")]
