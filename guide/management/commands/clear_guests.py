from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guide.progress import clear_guests


class Command(BaseCommand):
    help = (
        "Delete guests (learners without an account) not seen for GUEST_RETENTION_DAYS days, "
        "with their ticks. Schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.GUEST_RETENTION_DAYS,
            help="Delete guests not seen for this many days (default: GUEST_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("Give at least one day.")
        deleted = clear_guests(not_seen_for=timedelta(days=days))
        self.stdout.write(
            f"Deleted {deleted} guest{'s' if deleted != 1 else ''} not seen for {days} days."
        )
