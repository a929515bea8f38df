from guide.charts import OPEN_TAIL, PLOT_LEFT, PLOT_RIGHT, salary_chart
from guide.models import SalaryBand


def band(level: str, low: int, high: int, open_ended: bool = False) -> SalaryBand:
    return SalaryBand(
        slug=level.lower(), level=level, min_usd=low, max_usd=high, max_is_open=open_ended
    )


def test_bars_share_one_dollar_axis():
    bands = [band("Entry", 80_000, 120_000), band("Architect", 250_000, 500_000, True)]
    chart = salary_chart(bands, axis_top=0)
    entry, architect = chart.bars
    per_dollar = (PLOT_RIGHT - PLOT_LEFT - OPEN_TAIL) / 500_000
    assert entry.x == round(PLOT_LEFT + 80_000 * per_dollar)
    assert entry.width == round(PLOT_LEFT + 120_000 * per_dollar) - entry.x
    assert architect.x + architect.width == round(PLOT_LEFT + 500_000 * per_dollar)
    assert [tick.label for tick in chart.ticks] == [
        "$0",
        "$100k",
        "$200k",
        "$300k",
        "$400k",
        "$500k",
    ]
    assert entry.y < architect.y < chart.axis_y < chart.height


def test_open_ended_ranges_are_drawn_open():
    bands = [band("Senior", 180_000, 300_000, True), band("Mid", 120_000, 180_000)]
    senior, mid = salary_chart(bands, axis_top=0).bars
    assert senior.open_ended and not mid.open_ended
    assert senior.tail_end == senior.x + senior.width + OPEN_TAIL


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
    assert '<svg class="salary-chart"' in text and 'role="img"' in text
    assert '<desc id="salary-chart-desc">Entry-Level: $80,000 to $120,000;' in text
    assert text.count('class="chart-bar"') == 5
    assert text.count('class="chart-arrow"') == 3
    assert text.index("salary-chart") < text.index("<table")
