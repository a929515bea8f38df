import json

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand

from guide.management.commands.load_guide import FIXTURE, ORDER_FIELDS

# Parents before children, so that the file loads into an empty database.
EXPORT_ORDER = [*ORDER_FIELDS, "guide.provider"]
EXPORT_ORDER.remove("guide.certification")
EXPORT_ORDER.append("guide.certification")


def content_objects() -> list[dict]:
    """Every content row, drafts included, in a stable order, keyed by natural keys."""
    objects = []
    for label in EXPORT_ORDER:
        model = apps.get_model(label)
        field = ORDER_FIELDS.get(label, "name")
        rows = model.objects.order_by(*model._meta.ordering, field, "slug")
        objects += serializers.serialize(
            "python", rows, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    return objects


class Command(BaseCommand):
    help = "Write the guide's current content to fixtures/guide.json (natural keys, stable order)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(FIXTURE), help="The file to write.")

    def handle(self, *args, output: str, **options):
        objects = content_objects()
        with open(output, "w", encoding="utf-8") as handle:
            json.dump(objects, handle, indent=2, ensure_ascii=False, default=str)
            handle.write("\n")
        self.stdout.write(f"Wrote {len(objects)} rows to {output}.")
