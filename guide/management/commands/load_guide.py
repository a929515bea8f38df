from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from guide.models import Section

FIXTURE = settings.BASE_DIR / "fixtures" / "guide.json"


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

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Section.objects.exists():
            self.stdout.write("The guide's content is already loaded; nothing to do.")
            return
        call_command("loaddata", FIXTURE, verbosity=options["verbosity"])
