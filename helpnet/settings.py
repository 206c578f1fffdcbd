"""One settings module. Everything that varies by deployment comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HELPNET_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "template_partials",
    "helpnet.lib",
    "helpnet.accounts",
    "helpnet.organizations",
    "helpnet.search",
    "helpnet.directory",
    "helpnet.networks",
    "helpnet.meetings",
    "helpnet.referrals",
    "helpnet.planning",
    "helpnet.monitoring",
    "helpnet.learning",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "helpnet.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "helpnet.accounts.middleware.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "helpnet.urls"
WSGI_APPLICATION = "helpnet.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'helpnet.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while a writer commits; IMMEDIATE avoids "database is locked" on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }

# A read replica (docs/deployment.md): only reads the code marks safe go there (helpnet/lib/dbrouter.py).
# In tests it mirrors default (TEST MIRROR), so the router's paths run against the test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["helpnet.lib.dbrouter.ReplicaRouter"]


def _caches(url: str) -> dict[str, dict[str, object]]:
    """HELPNET_CACHE_URL: empty = local memory (one process: dev, tests, a single app server);
    db:// = Django's database cache in the table helpnet_cache (created by the accounts migrations, no extra
    step), shared by every app server on the same database. Rate limits and login lock-outs count in this
    cache, so several app servers need db://."""
    if not url or url.startswith("locmem://"):
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if url.startswith("db://"):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "helpnet_cache",
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            }
        }
    raise ImproperlyConfigured(f"HELPNET_CACHE_URL: unknown scheme in {url.split(':')[0]!r} (use db://).")


CACHES = _caches(os.environ.get("HELPNET_CACHE_URL", ""))
# Addresses (or networks) of our own reverse proxies: only from them is X-Forwarded-For believed when
# helpnet.lib.ratelimit finds a client's address. Comma-separated, e.g. "127.0.0.1,10.0.0.0/8".
HELPNET_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("HELPNET_TRUSTED_PROXIES", "").split(",") if p.strip()
]


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now: a bare "example.org" means https
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "directory:staff_home"
LOGOUT_REDIRECT_URL = "directory:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sl"
LANGUAGES = [("sl", _("Slovenian")), ("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["helpnet.lib.formats"]
TIME_ZONE = "Europe/Ljubljana"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
import xstatic.pkg.leaflet  # noqa: E402

# Leaflet comes from its PyPI static package: nothing is downloaded at run time, no Node build.
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "helpnet <noreply@helpnet.local>")

# Public pages may be embedded by municipalities (the social-information point); the embed
# view relaxes X-Frame-Options itself, everything else stays deny.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Accounts security (issue 8) ---
# Sessions: only staff log in. A working day at most, gone when the browser closes; a new session id at login
# (Django) and again after the second factor (accounts.twofactor.mark_verified).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# Two-factor login (TOTP, django-otp) for everyone who can read referrals: organisation members, staff and
# superusers. HELPNET_REQUIRE_2FA=0 turns it off for an installation that authenticates elsewhere.
HELPNET_REQUIRE_2FA = env_bool("HELPNET_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = os.environ.get("HELPNET_OTP_ISSUER", "helpnet")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret
# Login throttling (helpnet.lib.ratelimit, counted in CACHES): failed logins per username and per client
# address in a window; the username is then locked until the window ends. Wrong second-factor codes likewise.
HELPNET_LOGIN_WINDOW_SECONDS = int(os.environ.get("HELPNET_LOGIN_WINDOW_SECONDS", str(15 * 60)))
HELPNET_LOGIN_ACCOUNT_LIMIT = int(os.environ.get("HELPNET_LOGIN_ACCOUNT_LIMIT", "5"))
HELPNET_LOGIN_ADDRESS_LIMIT = int(os.environ.get("HELPNET_LOGIN_ADDRESS_LIMIT", "30"))
HELPNET_2FA_CODE_LIMIT = int(os.environ.get("HELPNET_2FA_CODE_LIMIT", "5"))
# Behind TLS (production): the proxy terminates TLS and says so in a header; HTTP is redirected; browsers are
# told to use HTTPS only (HSTS). All from the environment and off by default (a local gunicorn over plain
# HTTP, as the load test runs it, must keep working); a production installation sets
# SECURE_SSL_REDIRECT=1, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=1, SECURE_HSTS_PRELOAD=1
# and SECURE_PROXY_SSL_HEADER, and `helpnet check --deploy` is then clean (helpnet/tests/test_deploy_check.py).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto,https (only behind a proxy that always sets it)
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "")
if _proxy_ssl_header:
    _header, _comma, _value = _proxy_ssl_header.partition(",")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _header.strip().upper().replace("-", "_"), _value.strip() or "https")

# Map tiles come from a configurable server; the list works when they cannot load.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL.startswith("http") else ""

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# Data that stays true: how often owners confirm their services (issue #4 deepens this).
HELPNET_REVIEW_MONTHS = int(os.environ.get("HELPNET_REVIEW_MONTHS", "6"))
HELPNET_STALE_MONTHS = int(os.environ.get("HELPNET_STALE_MONTHS", "12"))
HELPNET_HIDE_MONTHS = int(os.environ.get("HELPNET_HIDE_MONTHS", "18"))
# What each web process keeps of the search index in memory, at most (search/resident.py), in MB.
HELPNET_SEARCH_MEMORY_MB = int(os.environ.get("HELPNET_SEARCH_MEMORY_MB", "32"))

# HSDS API (/api/hsds/): requests per minute per client IP (0 = no limit), and who publishes the feed.
HELPNET_API_RATE_LIMIT = int(os.environ.get("HELPNET_API_RATE_LIMIT", "1200"))
HELPNET_API_PUBLISHER = {
    "name": os.environ.get("HELPNET_API_PUBLISHER_NAME", "helpnet"),
    "email": os.environ.get("HELPNET_API_PUBLISHER_EMAIL", ""),
    "website": os.environ.get("HELPNET_API_PUBLISHER_WEBSITE", ""),
}
# Where e-mailed links point (cron jobs have no request to build absolute URLs from).
# Background work (django-tasks): e-mails and reminders are queued in the database and run by
# `helpnet db_worker`. The tests run tasks at once (conftest.py sets the immediate backend).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("HELPNET_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

HELPNET_BASE_URL = os.environ.get("HELPNET_BASE_URL", "http://localhost:8000")

# Size limits of requests (issue 8). Over a limit the user gets a translated 413 page (helpnet/lib/limits.py,
# handler400 in urls.py). Form bodies: 2 MB and 1 000 fields; uploads (only the plan's CSV import, itself
# capped at 2 MB) are refused above HELPNET_MAX_UPLOAD_SIZE before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("HELPNET_MAX_FORM_SIZE", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
HELPNET_MAX_UPLOAD_SIZE = int(os.environ.get("HELPNET_MAX_UPLOAD_SIZE", str(5 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "helpnet.lib.limits.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Referrals: days after closure until the person's data are pseudonymised (referrals.md §4.3).
HELPNET_REFERRAL_RETENTION_DAYS = int(os.environ.get("HELPNET_REFERRAL_RETENTION_DAYS", "365"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
