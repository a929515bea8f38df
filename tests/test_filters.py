from http import HTTPStatus

import pytest
from django.http import QueryDict

from guide.forms import ProjectFilterForm, SkillFilterForm
from tests.factories import CAREER, CERTIFICATIONS, HTMX, PROJECTS, SALARIES, SEARCH, SKILLS

RESULTS_REGION = {**HTMX, "HTTP_HX_TARGET": "results"}  # what the filter form swaps


def names(response, key: str) -> list[str]:
    """The names of the rows a filter page shows."""
    context = response.context
    match key:
        case "skills":
            return [s.name for c in context["categories"] for s in c.shown_skills]
        case "projects":
            return [project.title for project in context["projects"]]
        case "levels":
            return [level.title for level in context["levels"]]
        case "bands":
            return [band.level for band in context["bands"]]
        case "certifications":
            return [certification.name for certification in context["certifications"]]
    raise AssertionError(key)


@pytest.mark.parametrize(
    ("url", "key", "expected"),
    [
        (
            f"{SKILLS}?category=mlops",
            "skills",
            [
                "Docker",
                "Kubernetes",
                "CI/CD pipelines",
                "Model monitoring tools",
                "Version control systems",
            ],
        ),
        (f"{SKILLS}?stage=2", "skills", ["NumPy", "Pandas", "SQL", "Feature engineering"]),
        (f"{SKILLS}?q=NEURAL", "skills", ["TensorFlow", "PyTorch", "Neural networks",
                                           "Convolutional neural networks",
                                           "Recurrent neural networks", "Transformers"]),
        (f"{SKILLS}?category=programming&stage=3", "skills", ["Scikit-learn", "XGBoost"]),
        (f"{SKILLS}?category=cloud&q=amazon", "skills", ["Amazon Web Services (AWS)"]),
        (f"{SKILLS}?category=cloud&q=neural", "skills", []),
        (f"{CERTIFICATIONS}?provider=aws", "certifications",
         ["AWS Certified Machine Learning Specialty"]),
        (f"{CERTIFICATIONS}?q=specialization+deeplearning", "certifications",
         ["Deep Learning Specialization by DeepLearning.AI"]),
        (f"{CERTIFICATIONS}?provider=ibm&q=google", "certifications", []),
        (f"{PROJECTS}?skill=convolutional-neural-networks", "projects",
         ["Image Classification Platform"]),
        (f"{PROJECTS}?area=cloud", "projects", []),
        (f"{SALARIES}?level=senior-level", "bands", ["Senior-Level"]),
        (f"{CAREER}?years=0", "levels", ["Junior Machine Learning Engineer"]),
        (f"{CAREER}?years=5", "levels",
         ["Machine Learning Engineer", "Senior Machine Learning Engineer"]),
        (f"{CAREER}?years=11", "levels", ["Lead Machine Learning Engineer", "AI Architect"]),
        (f"{CAREER}?years=40", "levels", ["AI Architect", "Director of AI Engineering"]),
    ],
)  # fmt: skip
def test_filters_and_their_combinations(client, content, url, key, expected):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert names(response, key) == expected


def test_projects_by_skill_area(client, content):
    response = client.get(f"{PROJECTS}?area=deep-learning")
    shown = names(response, "projects")
    assert "Image Classification Platform" in shown
    assert "Customer Churn Predictor" not in shown
    assert len(shown) == len(set(shown))


def test_unfiltered_pages_show_everything(client, content):
    assert len(names(client.get(SKILLS), "skills")) == 34
    assert len(names(client.get(PROJECTS), "projects")) == 6
    assert len(names(client.get(CAREER), "levels")) == 6
    assert len(names(client.get(SALARIES), "bands")) == 5
    assert len(names(client.get(CERTIFICATIONS), "certifications")) == 5


def test_a_url_always_gives_the_same_results(client, content):
    url = f"{SKILLS}?stage=4&q=networks"
    first, second = client.get(url), client.get(url)  # the second from the page cache
    assert names(first, "skills") != []
    assert second.content == first.content


def test_results_show_count_active_filters_and_removal_links(client, content):
    response = client.get(f"{SKILLS}?category=mlops&q=docker")
    text = response.text
    assert "1 skill found" in text
    assert 'role="status"' in text
    assert "Category: MLOps" in text
    assert f'href="{SKILLS}?q=docker" aria-label="Remove filter Category: MLOps"' in text
    assert (
        f'href="{SKILLS}?category=mlops" aria-label="Remove filter Name or description: docker"'
        in text
    )  # noqa: E501


def test_empty_results_offer_to_clear_the_filters(client, content):
    response = client.get(f"{CERTIFICATIONS}?provider=ibm&q=google")
    assert response.status_code == HTTPStatus.OK
    assert "No certifications found" in response.text
    assert "Nothing matches these filters." in response.text
    assert f'href="{CERTIFICATIONS}">Clear the filters' in response.text


def test_htmx_gets_only_the_results_region(client, content):
    response = client.get(f"{SKILLS}?category=mlops", **RESULTS_REGION)
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in response.text and "<form" not in response.text
    assert "Kubernetes" in response.text and "Pandas" not in response.text
    # The count also updates the status line outside the region.
    assert '<p id="result-count" data-hx-swap-oob="innerHTML">5 skills found</p>' in response.text
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("url", [SKILLS, PROJECTS, CAREER, SALARIES, CERTIFICATIONS])
def test_full_page_without_htmx_and_vary_header(client, content, url):
    response = client.get(url)
    assert "<html" in response.text and 'id="results"' in response.text
    assert "HX-Request" in response.headers["Vary"]
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.cookies == {}


def test_history_restore_gets_the_full_page(client, content):
    response = client.get(
        f"{SKILLS}?category=mlops", **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.text and "<form" in response.text


BAD_INPUTS = [
    (SKILLS, "stage=abc", "There is no roadmap stage “abc”"),
    (SKILLS, "stage=-1", "There is no roadmap stage “-1”"),
    (SKILLS, "stage=1.5", "There is no roadmap stage “1.5”"),
    (SKILLS, "q=" + "x" * 10_000, "Use at most 100 characters (you used 10000)."),
    (SKILLS, "category=mlops&category=cloud", "Give this filter only once."),
    (SKILLS, "q=a&q=b", "Give this filter only once."),
    (SKILLS, "q=%00", "Remove the control characters from this value."),
    (SKILLS, "q=ab%07cd", "Remove the control characters from this value."),
    (SKILLS, "category=%00mlops", "Remove the control characters from this value."),
    (CERTIFICATIONS, "q=%1b%5b31m", "Remove the control characters from this value."),
    (PROJECTS, "area=%3Cscript%3E", "There is no skill area “&lt;script&gt;”"),
    (CAREER, "years=ten", "Give the years of experience as a whole number"),
    (CAREER, "years=-3", "Years of experience cannot be negative."),
    (CAREER, "years=99999999999999999999", "Give at most 60 years of experience."),
    (SEARCH, "q=" + "y" * 101, "Use at most 100 characters (you used 101)."),
    (SEARCH, "q=%00", "Remove the control characters from this value."),
]


# Values shaped like a row's key that name nothing a reader sees (a link shared before the
# row was unpublished or deleted, or one that never was): said to be not in the guide now.
GONE_INPUTS = [
    (SKILLS, "category=no-such-category", "There is no skill category “no-such-category” in"),
    (SKILLS, "stage=99", "Stage 99 is not in the guide now."),
    (CERTIFICATIONS, "provider=acme", "There is no provider “acme” in the guide now."),
    (PROJECTS, "skill=cobol", "There is no skill “cobol” in the guide now."),
    (SALARIES, "level=intern", "There is no experience level “intern” in the guide now."),
]


@pytest.mark.parametrize(("path", "query", "message"), GONE_INPUTS)
def test_a_value_no_longer_in_the_guide_is_a_400_that_says_so(
    client, content, path, query, message
):
    response = client.get(f"{path}?{query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.text
    assert "Part of this link is no longer in the guide" in response.text
    assert f'href="{path}">Clear “' in response.text
    region = client.get(f"{path}?{query}", **RESULTS_REGION)
    assert region.status_code == HTTPStatus.BAD_REQUEST
    assert message in region.text and "<html" not in region.text
    assert "Nothing shown: part of this link is no longer in the guide." in region.text


@pytest.mark.parametrize(("path", "query", "message"), BAD_INPUTS)
def test_bad_input_is_a_clear_400(client, content, path, query, message):
    response = client.get(f"{path}?{query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.text
    assert "The filters could not be applied" in response.text
    assert 'aria-invalid="true"' in response.text
    assert "\x00" not in response.text and "\x07" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(("path", "query", "message"), BAD_INPUTS)
def test_bad_input_over_htmx_shows_the_message_in_the_region(
    client, content, path, query, message
):
    response = client.get(f"{path}?{query}", **RESULTS_REGION)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.text
    assert "<html" not in response.text
    assert "Nothing shown: check the filters." in response.text


def test_a_filtered_salary_chart_keeps_the_scale_of_every_band(client, content):
    every = client.get(SALARIES).context["chart"]
    entry = client.get(f"{SALARIES}?level=entry-level").context["chart"]
    assert entry.ticks == every.ticks
    assert entry.bars == [bar for bar in every.bars if bar.label == "Entry-Level"]


def test_a_forms_choices_are_read_once_and_only_when_needed(
    content, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_num_queries(0):
        unfiltered = ProjectFilterForm(QueryDict(""), drafts=False)
        assert unfiltered.filters() == {}
    form = SkillFilterForm(QueryDict("category=mlops&stage=6"), drafts=False)
    # Each choice's rows, at most once for both the check of the value and the options.
    with django_assert_max_num_queries(2):
        assert {str(value) for value in form.filters().values()} == {
            "MLOps",
            "Stage 6: Learn Deployment and MLOps",
        }
        html = form.as_div()
    assert '<option value="mlops" selected>MLOps</option>' in html
    assert '<option value="6" selected>Stage 6: Learn Deployment and MLOps</option>' in html
