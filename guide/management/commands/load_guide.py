import json

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, models, transaction

from guide.models import ContentVersion, Section

FIXTURE = settings.BASE_DIR / "fixtures" / "guide.json"

# The field that orders each model's rows; it is unique (within the parent, if any).
ORDER_FIELDS = {
    "guide.section": "position",
    "guide.contentlist": "position",
    "guide.listitem": "position",
    "guide.skillcategory": "position",
    "guide.roadmapstage": "number",
    "guide.skill": "position",
    "guide.portfolioproject": "position",
    "guide.checklistitem": "position",
    "guide.resource": "position",
    "guide.careerlevel": "position",
    "guide.salaryband": "position",
    "guide.certification": "position",
}


def make_room(objects: list[dict]) -> None:
    """Move the rows the fixture will rewrite out of the way of its positions.

    Positions are unique in the database, so loading a fixture whose order differs
    from the database's (an editor moved items) would collide half-way. Parking those
    rows above every position in use first lets each row take its place in turn.
    """
    slugs: dict[str, set[str]] = {}
    for entry in objects:
        slugs.setdefault(entry["model"], set()).add(entry["fields"]["slug"])
    for label, field in ORDER_FIELDS.items():
        model = apps.get_model(label)
        rows = model.objects.filter(slug__in=slugs.get(label, ()))
        if not rows.exists():
            continue
        top = max(
            model.objects.aggregate(top=models.Max(field))["top"] or 0,
            max(entry["fields"][field] for entry in objects if entry["model"] == label),
        )
        for offset, pk in enumerate(rows.order_by("pk").values_list("pk", flat=True), 1):
            # The plain manager: the load bumps the content version once, at its end.
            model._base_manager.filter(pk=pk).update(**{field: top + offset})


def record_history(objects: list[dict]) -> None:
    """Keep each loaded row's state in its history, so editors can go back to it."""
    slugs: dict[str, set[str]] = {}
    for entry in objects:
        slugs.setdefault(entry["model"], set()).add(entry["fields"]["slug"])
    for label, loaded in slugs.items():
        model = apps.get_model(label)
        rows = list(model.objects.filter(slug__in=loaded))
        known = set(
            model.history.filter(id__in=[row.pk for row in rows]).values_list("id", flat=True)
        )
        for update, batch in (
            (False, [r for r in rows if r.pk not in known]),
            (True, [r for r in rows if r.pk in known]),
        ):
            model.history.bulk_history_create(
                batch, update=update, default_change_reason="Loaded from the fixture file"
            )


class Command(BaseCommand):
    help = (
        "Load the guide's content from fixtures/guide.json. Rows are matched by slug, "
        "so loading again updates them in place and keeps users' data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database has no content yet (keeps editors' changes).",
        )
        parser.add_argument("--fixture", default=str(FIXTURE), help="The file to load.")

    def handle(self, *args, if_empty: bool, fixture: str, **options):
        if if_empty and Section.objects.exists():
            self.stdout.write("The guide's content is already loaded; nothing to do.")
            return
        with open(fixture, encoding="utf-8") as handle:
            objects = json.load(handle)
        try:
            with transaction.atomic():
                make_room(objects)
                call_command("loaddata", fixture, verbosity=options["verbosity"])
                record_history(objects)
                ContentVersion.bump()
        except IntegrityError as error:
            raise CommandError(
                f"The content could not be loaded, and nothing was changed: {error}. "
                "A row added in the admin may hold a position the file gives to another."
            ) from error
