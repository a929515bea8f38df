import importlib
import os

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses that unless told otherwise. Only the test environment sets this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FIXTURE = settings.BASE_DIR / "fixtures" / "guide.json"


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


@pytest.fixture
def editors_group(db):
    """The Editors group, as its data migration makes it (a transactional test's flush
    empties every table, so tests that need the group ask for it)."""
    migration = importlib.import_module("guide.migrations.0004_editors_group")
    migration.create_editors(django_apps, None)
    return Group.objects.get(name=migration.EDITORS)


@pytest.fixture
def content(db):
    """The whole guide, loaded from the real fixture."""
    call_command("loaddata", FIXTURE, verbosity=0)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache: every test starts with none counted."""
    cache.clear()
