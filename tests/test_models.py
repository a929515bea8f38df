import pytest
from django.db import IntegrityError, transaction

from guide.models import CareerLevel, ChecklistItem, SalaryBand, Skill
from tests import factories


@pytest.fixture(autouse=True)
def empty_guide(db):
    """These tests make their own rows, numbered as they like."""
    factories.clear_guide()


def test_natural_keys_round_trip(db):
    stage = factories.make_stage(slug="learn-things")
    item = factories.make_item(stage, slug="learn-things-first")
    assert item.natural_key() == ("learn-things-first",)
    assert ChecklistItem.objects.get_by_natural_key("learn-things-first") == item


def test_labels_and_urls(db):
    stage = factories.make_stage(slug="s", number=3, title="Learn")
    item = factories.make_item(stage, slug="s-one", title="One")
    category = factories.make_category(slug="c")
    skill = factories.make_skill(category, slug="numpy", name="NumPy")
    assert str(stage) == "Stage 3: Learn"
    assert stage.get_absolute_url() == "/roadmap/s/"
    assert item.get_absolute_url() == "/roadmap/s/#item-s-one"
    assert skill.get_absolute_url() == "/skills/#skill-numpy"
    assert str(skill) == "NumPy"


def test_experience_and_salary_labels(db):
    assert factories.make_level(min_years=0, max_years=2).experience == "0–2 years"
    assert factories.make_level(min_years=10, max_years=None).experience == "10+ years"
    band = factories.make_band(min_usd=180_000, max_usd=300_000, max_is_open=True)
    assert band.range_label == "$180,000 – $300,000+"
    band = factories.make_band(min_usd=80_000, max_usd=120_000)
    assert band.range_label == "$80,000 – $120,000"


def integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_salary_minimum_cannot_exceed_maximum(db):
    integrity_error(lambda: factories.make_band(min_usd=200, max_usd=100))
    assert not SalaryBand.objects.exists()


def test_career_years_must_be_ordered(db):
    integrity_error(lambda: factories.make_level(min_years=5, max_years=2))
    assert not CareerLevel.objects.exists()


def test_slugs_are_unique(db):
    category = factories.make_category()
    factories.make_skill(category, slug="numpy")
    integrity_error(lambda: factories.make_skill(category, slug="numpy"))
    assert Skill.objects.count() == 1


def test_positions_are_unique_within_a_parent(db):
    stage, other = factories.make_stage(), factories.make_stage()
    factories.make_item(stage, position=1)
    factories.make_item(other, position=1)
    integrity_error(lambda: factories.make_item(stage, position=1))


def test_stage_numbers_are_unique_and_positive(db):
    factories.make_stage(number=1)
    integrity_error(lambda: factories.make_stage(number=1))
    integrity_error(lambda: factories.make_stage(number=0))


def test_section_positions_are_unique(db):
    factories.make_section(position=1)
    integrity_error(lambda: factories.make_section(position=1))
