import pytest
from django.db.models import Prefetch

from guide import progress as rules
from guide.models import (
    ChecklistItem,
    Completion,
    ContentList,
    ListItem,
    PortfolioProject,
    ProgressShare,
    Provider,
    Resource,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
)
from guide.together import Count, Most, Reads, read_together


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


def test_what_a_queryset_prefetches_one_to_many_comes_in_the_same_query(
    content, django_assert_num_queries
):
    ListItem.objects.filter(slug="responsibilities-data-collection").update(published=False)
    lists = ContentList.objects.visible(False).with_items(False)
    with django_assert_num_queries(1):
        (found,) = read_together(lists)
    with django_assert_num_queries(0):
        items = [[item.slug for item in row.items.all()] for row in found]
        parents = {item.content_list_id == row.pk for row in found for item in row.items.all()}
        assert all(item.content_list is row for row in found for item in row.items.all())
    assert items == [[item.slug for item in row.items.all()] for row in lists]
    assert parents == {True}
    assert "responsibilities-data-collection" not in sum(items, [])
    # The related manager still filters by its parent when asked for more.
    first = found[0]
    assert list(first.items.filter(published=True)) == list(
        ListItem.objects.filter(content_list=first, published=True)
    )


def roadmap_of(stages) -> list:
    return [
        (
            fields(stage),
            [
                (
                    fields(item),
                    # Django's own join leaves no attribute where there is no project.
                    shown and fields(shown),
                    [fields(resource) for resource in item.resources.all()],
                )
                for item in stage.items.all()
                for shown in [getattr(item, "shown_project", None)]
            ],
        )
        for stage in stages
    ]


def test_the_roadmap_with_its_items_their_shown_projects_and_resources_is_one_query(
    content, django_assert_num_queries
):
    PortfolioProject.objects.filter(slug="fraud-detection-system").update(published=False)
    Resource.objects.filter(slug=Resource.objects.first().slug).update(published=False)
    RoadmapStage.objects.filter(number=3).update(published=False)
    stages = RoadmapStage.objects.visible(False).with_items(False, resources=True)
    with django_assert_num_queries(1):
        (found,) = read_together(stages)
    with django_assert_num_queries(0):
        read = roadmap_of(found)
    assert read == roadmap_of(stages)
    assert [stage.number for stage in found] == [1, 2, 4, 5, 6]
    shown = {item.slug: item.shown_project for stage in found for item in stage.items.all()}
    assert shown["projects-fraud-detection-system"] is None
    assert any(project is not None for project in shown.values())


def test_what_a_queryset_prefetches_many_to_many_comes_in_the_same_query(
    content, django_assert_num_queries
):
    RoadmapStage.objects.filter(number=6).update(published=False)
    pandas = Skill.objects.get(slug="pandas")
    pandas.stages.add(*RoadmapStage.objects.filter(number__in=[4, 5]))
    skills = Skill.objects.visible(False).prefetch_related(
        Prefetch("stages", RoadmapStage.objects.visible(False))
    )
    projects = PortfolioProject.objects.prefetch_related("skills")
    with django_assert_num_queries(1):
        found, found_projects = read_together(skills, projects)
    with django_assert_num_queries(0):
        stages = [[stage.number for stage in skill.stages.all()] for skill in found]
        project_skills = [[skill.slug for skill in row.skills.all()] for row in found_projects]
    assert stages == [[stage.number for stage in skill.stages.all()] for skill in skills]
    assert project_skills == [[skill.slug for skill in row.skills.all()] for row in projects]
    assert [skill.stages.all() for skill in found if skill == pandas][0].count() == 3
    assert 6 not in sum(stages, [])
    # The related manager still filters by its parent when asked for more.
    assert list(found[0].stages.filter(number__lte=6)) == list(
        RoadmapStage.objects.filter(skills=found[0], number__lte=6)
    )


def test_a_prefetch_through_several_relations_is_made_after(content, django_assert_num_queries):
    stages = RoadmapStage.objects.prefetch_related("items__resources")
    with django_assert_num_queries(3):
        (found,) = read_together(stages)
    with django_assert_num_queries(0):
        resources = [
            [resource.slug for item in stage.items.all() for resource in item.resources.all()]
            for stage in found
        ]
    assert resources == [
        [resource.slug for item in stage.items.all() for resource in item.resources.all()]
        for stage in stages
    ]


def test_figures_come_with_the_rows(content, django_assert_num_queries):
    skill = Skill.objects.get(slug="pandas")
    skill.save()  # a history record to date
    SalaryBand.objects.filter(slug="entry-level").update(published=False)
    latest = Most("history_date", (Skill.history.all(), SalaryBand.history.none()))
    with django_assert_num_queries(1):
        count, bands, nothing, when, none = read_together(
            Count(PortfolioProject.objects.visible(False)),
            SalaryBand.objects.visible(False),
            Count(Provider.objects.none()),
            latest,
            Most("history_date", (Skill.history.none(),)),
        )
    assert count == PortfolioProject.objects.visible(False).count() > 0
    assert len(bands) == SalaryBand.objects.visible(False).count()
    assert nothing == 0 and none is None
    assert when == Skill.history.latest("history_date").history_date
    assert when.tzinfo is not None


def test_reads_wait_for_the_first_that_is_needed(content, django_assert_num_queries):
    reads = Reads()
    skills = reads.later(Skill.objects.visible(False))
    count = reads.later(Count(Skill.objects.visible(False)))
    with django_assert_num_queries(1):
        assert count() == len(skills()) > 0
        assert skills() is skills()
    bands = reads.later(SalaryBand.objects.visible(False))  # asked for after: a query of its own
    with django_assert_num_queries(1):
        assert bands() and skills()


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


def test_dates_come_back_as_the_database_gives_them(content, ada):
    share = rules.share_progress(user=ada, enabled=True, display_name="Ada")
    Completion.objects.create(
        user=ada, item=ChecklistItem.objects.first(), completed_at=share.created_at
    )
    shares, ticks = read_together(ProgressShare.objects.filter(user=ada), Completion.objects.all())
    assert fields(shares[0]) == fields(ProgressShare.objects.get(user=ada))
    assert fields(ticks[0]) == fields(Completion.objects.get())
    assert shares[0].created_at.tzinfo is not None


def test_a_prefetch_it_could_not_read_whole_is_made_after(content, django_assert_num_queries):
    items = Prefetch("items", ChecklistItem.objects.filter(resources__isnull=False).distinct())
    stages = RoadmapStage.objects.prefetch_related(items)
    with django_assert_num_queries(2):
        (found,) = read_together(stages)
    with django_assert_num_queries(0):
        read = [[item.slug for item in stage.items.all()] for stage in found]
    assert read == [[item.slug for item in stage.items.all()] for stage in stages]


def test_a_figure_of_no_rows_at_all_asks_for_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert read_together(Most("history_date", ())) == [None]
