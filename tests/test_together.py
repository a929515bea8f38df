import pytest
from django.db.models import Prefetch

from guide.models import (
    ChecklistItem,
    ContentList,
    ListItem,
    PortfolioProject,
    Provider,
    Resource,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
)
from guide.together import read_together


def fields(row) -> dict:
    """A row's fields, with their Python types (a boolean must come back a boolean)."""
    return {
        field.attname: (type(value), value)
        for field in row._meta.concrete_fields
        for value in [getattr(row, field.attname)]
    }


def as_iterated(rows) -> list[dict]:
    return [fields(row) for row in rows]


def test_each_querysets_rows_come_back_as_iterating_it_gives_them_in_one_query(
    content, django_assert_num_queries
):
    Skill.objects.filter(slug="pandas").update(published=False)
    querysets = [
        Section.objects.visible(False),
        Skill.objects.visible(False),
        Skill.objects.visible(True),  # the same model twice: each keeps its own rows
        SalaryBand.objects.visible(False).order_by("-max_usd"),
        Provider.objects.none(),
        RoadmapStage.objects.visible(False).with_item_count(False),
    ]
    with django_assert_num_queries(1):
        found = read_together(*querysets)
    assert [as_iterated(rows) for rows in found] == [as_iterated(rows) for rows in querysets]
    assert "pandas" not in [skill.slug for skill in found[1]]
    assert "pandas" in [skill.slug for skill in found[2]]
    stages = found[-1]
    assert [stage.item_count for stage in stages] == [5, 3, 5, 4, 6, 5]
    assert all(row._state.adding is False for rows in found for row in rows)


def test_without_an_order_rows_come_by_primary_key(content):
    rows = Skill.objects.order_by("-name").order_by()
    (found,) = read_together(rows)
    assert [skill.pk for skill in found] == sorted(skill.pk for skill in found)


def test_joined_rows_come_nested_null_relations_as_none(content, django_assert_num_queries):
    project = PortfolioProject.objects.get(slug="fraud-detection-system")
    querysets = [
        ChecklistItem.objects.filter(
            slug__in=["programming-functions", "projects-fraud-detection-system"]
        )
        .select_related("stage", "project")
        .order_by("slug"),
        Resource.objects.filter(item__slug="programming-functions").select_related("item__stage"),
    ]
    with django_assert_num_queries(1):
        items, resources = read_together(*querysets)
    with django_assert_num_queries(0):
        assert [(item.stage.number, item.project) for item in items] == [(1, None), (5, project)]
        assert fields(items[1].project) == fields(project)
        urls = {resource.get_absolute_url() for resource in resources}
    assert urls == {"/roadmap/learn-programming-fundamentals/#item-programming-functions"}


def test_what_a_queryset_prefetches_is_prefetched_after(content, django_assert_num_queries):
    ListItem.objects.filter(slug="responsibilities-data-collection").update(published=False)
    lists = ContentList.objects.visible(False).with_items(False)
    with django_assert_num_queries(2):
        (found,) = read_together(lists)
    with django_assert_num_queries(0):
        items = [[item.slug for item in row.items.all()] for row in found]
    assert items == [[item.slug for item in row.items.all()] for row in lists]
    assert "responsibilities-data-collection" not in sum(items, [])


def test_nothing_to_read_reads_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert read_together() == []


@pytest.mark.parametrize(
    "rows",
    [
        Skill.objects.all()[:3],
        PortfolioProject.objects.filter(skills__category__slug="mlops").distinct(),
        Skill.objects.prefetch_related(Prefetch("stages")).distinct(),
    ],
    ids=["sliced", "distinct", "distinct-prefetching"],
)
def test_rows_it_could_not_give_back_as_they_are_are_refused(db, rows):
    with pytest.raises(ValueError, match="sliced or distinct"):
        read_together(rows)
