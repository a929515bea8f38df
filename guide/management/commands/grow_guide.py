"""Grow the guide to N times its content, to measure how pages scale (`make bench`).

Every skill category, skill, roadmap stage with its checklist items and their resources,
portfolio project, career level, salary band and certification gets N - 1 copies (slugs
end in `-xK`), with their relations to skills and stages. For benchmarks and tests only:
never on a site readers use.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    ContentVersion,
    PortfolioProject,
    Resource,
    RoadmapStage,
    SalaryBand,
    Skill,
    SkillCategory,
)


def copy_of(row, copy: int, offset: int, **changes):
    """An unsaved copy of `row`: its own slug, its position or number moved by `offset`."""
    fields = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    fields["slug"] = f"{row.slug}-x{copy}"
    for name in ("position", "number"):
        if name in fields:
            fields[name] += offset
    return type(row)(**(fields | changes))


class Command(BaseCommand):
    help = "Copy the guide's content until there is FACTOR times as much (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=10)

    @transaction.atomic
    def handle(self, *args, factor: int, **options):
        if factor < 1:
            raise CommandError("--factor must be at least 1.")
        if Skill.objects.filter(slug__contains="-x1").exists():
            raise CommandError("The guide was grown already.")
        stages = list(RoadmapStage.objects.prefetch_related("items__resources"))
        categories = list(SkillCategory.objects.prefetch_related("skills__stages"))
        projects = list(PortfolioProject.objects.prefetch_related("skills"))
        simple = {
            model: list(model.objects.all()) for model in (CareerLevel, SalaryBand, Certification)
        }
        for copy in range(1, factor):
            self.grow_stages(stages, copy)
            skills = self.grow_skills(categories, copy)
            self.grow_projects(projects, copy, skills)
            for model, rows in simple.items():
                model.objects.bulk_create([copy_of(row, copy, copy * 1000) for row in rows])
        ContentVersion.bump()
        self.stdout.write(f"The guide now holds {factor} times its content.")

    def grow_stages(self, stages, copy: int) -> None:
        offset = copy * len(stages)
        for stage in stages:
            new_stage = copy_of(stage, copy, offset, title=f"{stage.title} ({copy})")
            new_stage.save()
            items = stage.items.all()
            new_items = ChecklistItem.objects.bulk_create(
                [copy_of(item, copy, 0, stage_id=new_stage.pk, project_id=None) for item in items]
            )
            Resource.objects.bulk_create(
                [
                    copy_of(resource, copy, 0, item_id=new_item.pk)
                    for item, new_item in zip(items, new_items, strict=True)
                    for resource in item.resources.all()
                ]
            )

    def grow_skills(self, categories, copy: int) -> dict[int, Skill]:
        skills = {}
        links = []
        offset = copy * 1000
        for category in categories:
            new_category = copy_of(category, copy, offset)
            new_category.save()
            for skill in category.skills.all():
                new_skill = copy_of(skill, copy, 0, category_id=new_category.pk)
                new_skill.save()
                skills[skill.pk] = new_skill
                links += [
                    Skill.stages.through(skill_id=new_skill.pk, roadmapstage_id=stage.pk)
                    for stage in skill.stages.all()
                ]
        Skill.stages.through.objects.bulk_create(links)
        return skills

    def grow_projects(self, projects, copy: int, skills: dict[int, Skill]) -> None:
        links = []
        for project in projects:
            new_project = copy_of(project, copy, copy * 1000)
            new_project.save()
            links += [
                PortfolioProject.skills.through(
                    portfolioproject_id=new_project.pk, skill_id=skills[skill.pk].pk
                )
                for skill in project.skills.all()
            ]
        PortfolioProject.skills.through.objects.bulk_create(links)
