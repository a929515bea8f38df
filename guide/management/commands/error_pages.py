from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template import loader

# The errors nginx answers itself (deploy/nginx/guide-proxy.conf): status, title, message.
PAGES = {
    413: ("Request too large", "What you sent is larger than this site accepts."),
    414: (
        "Address too long",
        "The address of this page is longer than this site accepts. "
        "Check the link, or search the guide instead.",
    ),
    431: (
        "Request headers too large",
        "Your browser sent more cookies or headers than this site accepts. "
        "Clearing this site's cookies fixes it.",
    ),
    502: (
        "Back in a moment",
        "The guide's servers cannot be reached just now. Nothing you saved is lost; "
        "please try again in a few seconds.",
    ),
    504: (
        "Back in a moment",
        "The guide took too long to answer. Please try again in a few seconds.",
    ),
}


class Command(BaseCommand):
    help = "Write the static error pages nginx serves (413, 414, 431, 502, 504) to a folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=settings.VAR_DIR / "errors", help="default: var/errors"
        )

    def handle(self, *args, output: Path, **options):
        output.mkdir(parents=True, exist_ok=True)
        stylesheet = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
        for code, (title, message) in PAGES.items():
            html = loader.render_to_string(
                "errors/proxy.html",
                {"code": code, "title": title, "message": message, "stylesheet": stylesheet},
            )
            (output / f"{code}.html").write_text(html)
        self.stdout.write(f"Wrote {len(PAGES)} error pages to {output}")
