import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from guide.models import (
    Section,
)
from tests.factories import CONTENT_TABLES, FIXTURE, forget_kept

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses that unless told otherwise. Only the test environment sets this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse 1"
EDITOR_PASSWORD = "an editor's passphrase"

# The slow layers, each a marker (pyproject.toml) given by where its tests live:
# `make test-quick` leaves them out, `make test` runs them too.
SLOW_LAYERS = {
    "browser": ("browser/",),
    "gunicorn": ("test_gunicorn.py", "test_busy_database.py"),
    "cluster": ("test_cluster.py",),
    "validator": ("test_html_validity.py",),
}


def pytest_configure(config):
    # Tests read static files through the finders; the hashed manifest storage
    # is exercised by the gunicorn test after a real collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Hashing passwords slowly is the point in production, and only slows tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if not item.path.is_relative_to(here):
            continue
        path = item.path.relative_to(here).as_posix()
        for marker, places in SLOW_LAYERS.items():
            if path.startswith(places):
                item.add_marker(marker)


_snapshot: list[tuple[type, list[dict]]] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the whole guide loaded once for the session.

    Each test runs in a transaction that is rolled back, so the content is the same for
    every test; a test that needs an empty guide deletes it inside its transaction. The
    loaded rows are kept in memory too, to put back after a transactional test's flush.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", FIXTURE, verbosity=0)
        _snapshot[:] = [(model, list(model.objects.values())) for model in CONTENT_TABLES]


def restore_content() -> None:
    """Put the guide back as the session loaded it: the same rows, ids included."""
    for model, rows in _snapshot:
        model.objects.bulk_create([model(**row) for row in rows])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), CONTENT_TABLES):
            cursor.execute(statement)


@pytest.fixture
def content(db):
    """The whole guide, from the real fixture.

    It is loaded once per session. A transactional test (live server, real connections;
    `db` is then transactional) ends by emptying every table, and pytest-django runs those
    tests last: each puts the guide back when it is gone (from memory: far quicker than
    loading the fixture again).
    """
    if not Section.objects.exists():
        restore_content()


@pytest.fixture
def editors_group(db):
    """The Editors group, as its data migrations make it (a transactional test's flush
    empties every table, so tests that need the group ask for it)."""
    migration = importlib.import_module("guide.migrations.0004_editors_group")
    migration.create_editors(django_apps, None)
    resources = importlib.import_module("guide.migrations.0010_resources_and_certification_pages")
    resources.let_editors_edit_resources(django_apps, None)
    synonyms = importlib.import_module("guide.migrations.0011_search_synonyms")
    synonyms.let_editors_keep_synonyms(django_apps, None)
    return Group.objects.get(name=migration.EDITORS)


@pytest.fixture
def ada(db):
    """A learner with an account."""
    return get_user_model().objects.create_user("ada", "ada@example.org", PASSWORD)


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    client.get("/")  # the day's first visit renews the session once (guide.platform.sessions)
    return client


@pytest.fixture
def editor(editors_group):
    """Edith, in the Editors group: she edits the guide in the admin and previews drafts."""
    user = get_user_model().objects.create_user(
        "edith", "edith@example.org", EDITOR_PASSWORD, is_staff=True
    )
    user.groups.add(editors_group)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no page kept and no rate limit counted by
    another test."""
    forget_kept()
