"""Start-up configuration, checked in fresh processes so each reads its own environment."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches

STRONG_KEY = secrets.token_urlsafe(50)


def run_manage(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_local_run_needs_no_configuration(tmp_path):
    first = run_manage("check", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600

    second = run_manage("check", tmp_path=tmp_path)
    assert second.returncode == 0, second.stderr
    assert key_file.read_text() == key


def test_debug_is_off_unless_asked_for(tmp_path):
    script = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
    result = run_manage("shell", "-v", "0", "-c", script, tmp_path=tmp_path)
    assert result.stdout.strip() == "False ['localhost', '127.0.0.1', '[::1]']"
    result = run_manage("shell", "-v", "0", "-c", script, tmp_path=tmp_path, DJANGO_DEBUG="1")
    assert result.stdout.startswith("True")


@pytest.mark.parametrize("key", ["", "short", "django-insecure-" + "x1y2z3" * 10, "a" * 60])
def test_https_refuses_a_missing_or_weak_secret_key(tmp_path, key):
    result = run_manage("check", tmp_path=tmp_path, DJANGO_HTTPS="1", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a random value" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DJANGO_HTTPS="1",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="guide.example.org",
        EMAIL_HOST="smtp.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_asks_for_a_real_mail_server(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        tmp_path=tmp_path,
        DJANGO_HTTPS="1",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="guide.example.org",
    )
    assert result.returncode != 0
    assert "development-only email backend" in result.stderr


def test_sqlite_is_tuned_for_serving():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("runs against the SQLite default only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_the_configured_cache_round_trips():
    cache = caches["default"]
    expected = "ForgivingRedisCache" if os.environ.get("REDIS_URL") else "LocMemCache"
    assert type(cache).__name__ == expected
    cache.set("test-settings-key", {"answer": 42}, timeout=5)
    assert cache.get("test-settings-key") == {"answer": 42}
    cache.delete("test-settings-key")
