"""Settings for the guide, read from environment variables.

A local run needs none of them: DEBUG is off, the secret key is generated once
under var/, SQLite lives under var/ and localhost is allowed. Behind a TLS
proxy, set DJANGO_HTTPS and a strong DJANGO_SECRET_KEY (see README.md).
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def is_weak_secret(key: str) -> bool:
    # The same test as Django's security.W009 check.
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


def local_secret_key() -> str:
    """Return the key kept under var/, generating it on first use."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_flag("DJANGO_DEBUG")
HTTPS = env_flag("DJANGO_HTTPS")
# Sessions slide: each is renewed (at most once a day) while it is used. A guest's lasts
# 180 days without a visit, a signed-in one 30 days (guide.platform.sessions). Ended sessions stay
# in the table until `manage.py clearsessions` (schedule it daily) deletes them.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 180
ACCOUNT_SESSION_AGE = 60 * 60 * 24 * 30

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if HTTPS and is_weak_secret(SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_HTTPS is on, so DJANGO_SECRET_KEY must be set to a random value of at "
        "least 50 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if not SECRET_KEY:
    SECRET_KEY = local_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # the search index's vector field and trigram extension
    "django.contrib.sitemaps",
    "django_htmx",
    "axes",
    "simple_history",
    "guide",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Right after whitenoise: a cached reading page skips everything below, and is
    # still served while the database is down.
    "guide.serving.pagecache.PageCacheMiddleware",
    # A database that is down or busy answers the 503 page instead of a 500.
    "guide.platform.outages.DatabaseOutageMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a POST to a reading page is the wrong method (405).
    "guide.platform.methods.MethodNotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guide.platform.sessions.SessionLifetimeMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guide.context_processors.account",
                "guide.context_processors.drafts",
                "guide.context_processors.token_slot",
            ],
        },
    },
]

# Databases: SQLite under var/ unless DATABASE_URL names another (PostgreSQL).
# PostgreSQL connections are kept for 10 minutes and checked before reuse, so a request
# after a database restart reconnects instead of failing (guide.platform.outages answers
# 503 meanwhile).
SQLITE_BUSY_TIMEOUT = 5
if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(database_url, conn_max_age=600, conn_health_checks=True)
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Tests use a file too (not shared memory, which fails concurrent writers at
            # once instead of queueing them), so they exercise what production runs.
            "TEST": {"NAME": VAR_DIR / "test-db.sqlite3"},
            # One connection per worker thread, kept: no open and PRAGMAs per request.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Writers queue instead of failing with "database is locked", for at most
                # 5 s: then the request answers the 503 page (guide.platform.outages), and threads
                # are not held for long by writers waiting behind a long transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_TIMEOUT,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA mmap_size=134217728;"
                    "PRAGMA journal_size_limit=27103364;"
                    "PRAGMA cache_size=2000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches: Redis, shared by every app-server process, when REDIS_URL is set. The cache only
# ever speeds things up: while Redis is unreachable it answers as a miss and logs
# (guide.platform.cache), with short socket timeouts so that a dead Redis costs a request
# at most a second once.
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "guide.platform.cache.ForgivingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "guide",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions (and with them sign-ins and guests' state) live in the database, never only in
# the cache: every node reads them, and they survive a Redis outage or flush. With Redis
# they are read from the shared cache first (no query), falling back on the database; a
# per-process cache would let one worker hold a session another has ended, so not there.
SESSION_ENGINE = "guide.platform.sessions"  # Django's db and cached_db, read with a compiled query
SESSION_READ_THROUGH_CACHE = bool(os.environ.get("REDIS_URL"))

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "guide.platform.auth.AccountBackend",  # Django's ModelBackend, reading the account faster
]
LOGIN_URL = "guide:login"
LOGIN_REDIRECT_URL = "guide:progress"
LOGOUT_REDIRECT_URL = "guide:home"

# Failed logins are counted in the database, so every gunicorn worker sees them: five
# failures lock that username, and separately that client address, for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "guide.platform.clientip.client_ip"


def proxy_list(name: str, default: str) -> list[str]:
    proxies = env_list(name, default)
    for proxy in proxies:
        try:
            if proxy != "*":
                ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {proxy!r} is not an address or a network (e.g. 10.0.0.0/8)."
            ) from None
    return proxies


# The proxies whose X-Forwarded-For is believed: the same variable gunicorn reads, so the
# app and gunicorn agree. Every client address comes from guide.platform.clientip.client_ip.
TRUSTED_PROXIES = proxy_list("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Rate limits (django-ratelimit), counted in the default cache: set REDIS_URL so that every
# worker and node shares the counts. "N/Tu" is N requests per T units (s, m, h, d).
RATELIMIT_IP_META_KEY = "guide.platform.clientip.client_ip"
RATELIMIT_NEW_GUEST_SESSIONS = os.environ.get("RATELIMIT_NEW_GUEST_SESSIONS", "60/h")
RATELIMIT_PASSWORD_RESET_PER_ADDRESS = "3/h"
RATELIMIT_PASSWORD_RESET_PER_CLIENT = "10/h"

# Email (password resets): printed to the console unless an SMTP host is configured.
if email_host := os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_flag("EMAIL_USE_TLS"),
                "use_ssl": env_flag("EMAIL_USE_SSL"),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "ML Engineer Career Path <noreply@localhost>"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers. Scripts and styles come from this site only: no inline
# <script>, no style="" attributes, no hx-on, no nonce (pages stay cacheable).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
