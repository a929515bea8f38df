import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS = "Editors"
PASSWORD_VARIABLE = "EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an editor: an account that may log in to /admin/ and change the guide's "
        "content, and nothing else. Asks for the username, email and password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username")
        parser.add_argument("--email", default=None)
        parser.add_argument(
            "--no-input",
            action="store_true",
            help=f"Ask nothing: the password comes from ${PASSWORD_VARIABLE}.",
        )

    def handle(self, *args, username, email, no_input, **options):
        User = get_user_model()
        if no_input:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not username or not password:
                raise CommandError(f"--no-input needs --username and ${PASSWORD_VARIABLE}.")
            email = email or ""
        else:
            username = username or self.ask("Username: ")
            email = self.ask("Email (optional): ") if email is None else email
            password = self.ask_password(username, email)
        if User.objects.filter(username=username).exists():
            raise CommandError(f"There is already an account called “{username}”.")
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            user = User.objects.create_user(username, email, password, is_staff=True)
            user.groups.add(Group.objects.get(name=EDITORS))
        self.stdout.write(
            self.style.SUCCESS(f"Editor “{username}” created: they can log in at /admin/.")
        )

    def ask(self, prompt: str) -> str:
        answer = input(prompt).strip()
        if not answer and not prompt.startswith("Email"):
            raise CommandError("An answer is needed.")
        return answer

    def ask_password(self, username: str, email: str) -> str:
        User = get_user_model()
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, User(username=username, email=email))
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages) + " Try again.")
                continue
            return password
