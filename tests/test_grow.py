"""The content generator that benchmarks use, and pages that stay flat as content grows."""

from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    PortfolioProject,
    Resource,
    RoadmapStage,
    SalaryBand,
    Skill,
    SkillCategory,
)
from tests.factories import forget_kept

GROWN = [
    CareerLevel,
    Certification,
    ChecklistItem,
    PortfolioProject,
    Resource,
    RoadmapStage,
    SalaryBand,
    Skill,
    SkillCategory,
]


def queries_of(client, url: str) -> int:
    forget_kept()  # a cold render, not the page cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(captured)


def test_grow_guide_multiplies_every_kind_of_content(client, content):
    before = {model: model.objects.count() for model in GROWN}
    call_command("grow_guide", "--factor", "3", stdout=None)
    for model, count in before.items():
        assert model.objects.count() == 3 * count, model
    copy = RoadmapStage.objects.get(slug="learn-deep-learning-x2")
    assert copy.items.count() == RoadmapStage.objects.get(slug="learn-deep-learning").items.count()
    assert Skill.objects.get(slug="docker-x1").stages.exists()
    assert client.get(copy.get_absolute_url()).status_code == HTTPStatus.OK
    with pytest.raises(CommandError):
        call_command("grow_guide", "--factor", "2")
