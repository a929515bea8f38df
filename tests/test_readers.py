"""What readers tripped over (issue 12, items 8 to 12), in the views' HTML."""

import re
from http import HTTPStatus

import pytest

from guide.models import PortfolioProject, RoadmapStage
from guide.search import rebuild_index
from tests.factories import CAREER, HOME, PROJECTS, ROADMAP, SALARIES, SEARCH, SKILLS


def hide_stage(number: int) -> RoadmapStage:
    stage = RoadmapStage.objects.get(number=number)
    stage.published = False
    stage.save()
    return stage


def test_a_hidden_stage_leaves_no_seam_on_the_home_page(client, content):
    hide_stage(4)
    PortfolioProject.objects.filter(pk=PortfolioProject.objects.first().pk).update(published=False)
    text = client.get(HOME).text
    glance = text[text.index('id="glance-heading"') : text.index('id="about-heading"')]
    assert "Five stages" in glance
    assert re.findall(r"Stage (\d)</span>", glance) == ["1", "2", "3", "5", "6"]
    assert "Five projects that show employers" in text
    assert not re.search(r"\bsix\b", text, re.IGNORECASE)


def test_the_roadmap_counts_its_stages_from_the_data(client, content):
    assert "Six stages, from your first lines" in client.get(ROADMAP).text
    hide_stage(4)
    text = client.get(ROADMAP).text
    assert "Five stages, from your first lines" in text
    assert not re.search(r"\bsix\b", text, re.IGNORECASE)


def test_no_reading_page_hard_codes_a_count_of_six(client, content):
    """With five stages and five projects shown, nothing says six (the meta description
    and the fixture's text included)."""
    hide_stage(4)
    PortfolioProject.objects.filter(pk=PortfolioProject.objects.first().pk).update(published=False)
    for url in [HOME, ROADMAP, SKILLS, PROJECTS, "/guide/career-roadmap/"]:
        assert not re.search(r"\bsix\b", client.get(url).text, re.IGNORECASE), url
    assert not re.search(r"\bsix\b", client.get("/accounts/login/").text, re.IGNORECASE)


def test_a_link_to_a_stage_no_longer_shown_says_so_and_how_to_clear_it(client, content):
    hide_stage(4)
    response = client.get(SKILLS, {"stage": "4", "category": "mlops"})
    # Still the one rule: a filter that cannot be applied answers 400, with the page.
    assert response.status_code == HTTPStatus.BAD_REQUEST
    text = response.text
    assert "Part of this link is no longer in the guide" in text
    assert "Stage 4 is not in the guide now." in text
    assert f'href="{SKILLS}?category=mlops">Clear “Taught in stage”</a>' in text
    assert "Nothing shown: part of this link is no longer in the guide." in text
    # A draft and a stage that never was read the same: nothing tells them apart.
    never = client.get(SKILLS, {"stage": "99"}).text
    assert "Stage 99 is not in the guide now." in never
    assert f'href="{SKILLS}">Clear “Taught in stage”</a>' in never


def test_a_malformed_filter_still_says_choose_from_the_list(client, content):
    response = client.get(SKILLS, {"stage": "abc"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "There is no roadmap stage “abc”. Choose one from the list." in response.text
    assert "The filters could not be applied" in response.text
    assert "Nothing shown: check the filters." in response.text


def test_a_gone_value_in_the_htmx_region_says_so_too(client, content):
    response = client.get(SKILLS, {"category": "no-such-area"}, HTTP_HX_REQUEST="true")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "<html" not in response.text
    assert "There is no skill category “no-such-area” in the guide now." in response.text


def test_the_home_page_puts_the_calls_to_action_and_contents_after_the_first_paragraph(
    client, content
):
    text = client.get(HOME).text
    first = text.index("Artificial Intelligence and machine learning are transforming")
    second = text.index("As organizations continue investing")
    start = text.index(">Start reading</a>")
    contents = text.index('id="contents-heading"')
    assert first < start < contents < second
    assert "This guide explores the machine learning engineer career path" in text


def test_the_search_page_still_answers_in_its_budget_after_a_synonym_edit(client, content):
    rebuild_index()
    assert client.get(SEARCH, {"q": "kubernetes"}).status_code == 200


@pytest.mark.parametrize("url", [SKILLS, SALARIES, CAREER])
def test_filter_fields_replace_the_url_and_only_submitting_pushes_it(client, content, url):
    text = client.get(url).text
    form = text[
        text.index('<form class="filters"') : text.index(
            "</form>", text.index('<form class="filters"')
        )
    ]
    assert 'data-hx-trigger="submit"' in form and 'data-hx-push-url="true"' in form
    fields = re.findall(r"<(?:select|input)[^>]*data-hx-get[^>]*>", form)
    assert fields
    for field in fields:
        assert 'data-hx-replace-url="true"' in field
        assert 'data-hx-push-url="false"' in field
