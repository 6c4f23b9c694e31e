"""Bravely's one settings module, driven by environment variables (see README, "Configuration").

SQLite in the data folder is the default; DATABASE_URL=postgres://... switches to PostgreSQL.
"""

import importlib.util
import os
import sys
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BRAVELY_DATA_DIR", "var")).resolve()
TESTING = "pytest" in sys.modules

DEBUG = envbool("DEBUG", "False")
DEMO = envbool("BRAVELY_DEMO", "False")
# bench/run.py: route the minimal "floor" view the pages are compared with
BENCHMARK_FLOOR = envbool("BRAVELY_BENCHMARK_FLOOR", "False")
# Where a stored practice log or check-in brings the client's recommendations up to date:
# "request" (in the request, after the log's commit: nothing else needs to run) or "worker"
# (`bravely worker` every few seconds, coalescing a client's logs; cheaper requests for a busy
# practice). Risk alerts are raised inside the log's own transaction either way.
PACING_REFRESH = os.environ.get("BRAVELY_PACING_REFRESH", "request")
if PACING_REFRESH not in ("request", "worker"):
    raise ImproperlyConfigured("BRAVELY_PACING_REFRESH must be request or worker.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_ROOT = os.environ.get("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "heroicons",
    "bravely.core",
    "bravely.audit",
    "bravely.accounts",
    "bravely.clients",
    "bravely.planning",
    "bravely.portal",
    "bravely.practice",
    "bravely.measures",
    "bravely.pacing",
    "bravely.maintenance",
    "bravely.records",
    "bravely.progress",
    "bravely.ops",
    "bravely.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bravely.portal.middleware.ClientLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bravely.core.middleware.BadInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bravely.accounts.middleware.RequireTwoFactorMiddleware",
]
if BENCHMARK_FLOOR:  # the request's time inside the worker, outermost (bravely/site/benchmark.py)
    MIDDLEWARE.insert(0, "bravely.site.benchmark.ServerTimingMiddleware")

ROOT_URLCONF = "bravely.urls"
WSGI_APPLICATION = "bravely.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "bravely.site.context_processors.membership",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]


def database_from_url(url: str) -> dict:
    """Parse postgres://user:password@host:port/name?option=value into a Django DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must start with postgres:// (or leave it unset).")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "bravely",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        # Persistent connections: a new PostgreSQL connection costs several milliseconds per
        # request; each worker keeps its own for up to 10 minutes, checked before reuse.
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "600"),
        # A kept connection the server has dropped (a restart, pg_terminate_backend) is noticed
        # before a request uses it, and replaced (tests/faults/test_database_goes_away.py).
        "CONN_HEALTH_CHECKS": True,
    }


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "bravely.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail login, no open sign-up (people join by invitation), TOTP + recovery codes.
ACCOUNT_ADAPTER = "bravely.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Rate limits count in the shared cache below (docs/architecture.md, "Rate limits"). allauth's
# "login_failed" only counts wrong TOTP and recovery codes here (keyed by user); wrong passwords
# are counted by bravely.accounts.ratelimits with BRAVELY_RATE_LIMITS. "ip" is the client's
# address: REMOTE_ADDR, or the proxy's X-Forwarded-For entry with BRAVELY_BEHIND_PROXY.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,20/1h/key",
    "reset_password": "20/m/ip,5/m/key",
}
if BENCHMARK_FLOOR:  # bench/run.py signs in from one address as fast as it can: allauth's
    ACCOUNT_RATE_LIMITS["login"] = "100000/m/ip"  # 30 a minute would measure only refusals
BRAVELY_RATE_LIMITS = {
    "login_failed_account_address": "5/5m/key",  # one account from one address
    "login_failed_account": "20/1h/key",  # one account from anywhere
    "login_failed_address": "20/5m/ip",  # any account from one address: a looser ceiling
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Bravely"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# allauth's e-mails: a fixed subject prefix (its default takes the request's host name), and a
# reset asked for an unknown address gets our own note (templates/account/email/): there is no
# account and accounts come by invitation; no sign-up link. The page answers the same either way.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Bravely: "
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# One cache shared by every worker and kept across restarts: rate limits (and allauth's used TOTP
# codes) must not be counted per process. The database by default (`migrate` creates the table),
# Redis when REDIS_URL is set (pip install 'bravely[redis]').
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "REDIS_URL is set but the redis package is missing: pip install 'bravely[redis]'.")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "bravely"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "bravely_cache", "KEY_PREFIX": "bravely",
                          # Django culls a third of the rows past MAX_ENTRIES (300 by default),
                          # live counters included: keep that out of an attacker's reach.
                          "OPTIONS": {"MAX_ENTRIES": 1_000_000}}}
# Drawn progress charts, keyed by their content (bravely/progress/charts.py): shared in Redis, or
# in files in the data folder, shared by the machine's workers and kept when a worker is replaced
# (BRAVELY_MAX_REQUESTS); never the database cache, a query per chart. A chart is 10-200 KB.
CACHES["charts"] = (
    {**CACHES["default"], "KEY_PREFIX": "bravely-charts"} if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
          "LOCATION": str(DATA_DIR / "cache" / "charts"), "OPTIONS": {"MAX_ENTRIES": 1000}})

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", "587")
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "True")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bravely <bravely@localhost>")

# Security headers. HTTPS settings are on whenever DEBUG is off; a proxy terminating TLS should
# set SECURE_PROXY_SSL_HEADER via BRAVELY_BEHIND_PROXY.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
HTTPS = envbool("BRAVELY_HTTPS", "False" if DEBUG or TESTING else "True")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", "True")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and envbool("SECURE_HSTS_PRELOAD", "False")
# Behind a proxy, X-Forwarded-Proto says whether the client used HTTPS and the right-most
# X-Forwarded-For address is the client (bravely.core.http.client_ip); otherwise both are ignored.
BRAVELY_BEHIND_PROXY = envbool("BRAVELY_BEHIND_PROXY", "False")
if BRAVELY_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Bravely
BRAVELY_PAGE_SIZE = envint("BRAVELY_PAGE_SIZE", "25")
BRAVELY_INVITATION_DAYS = envint("BRAVELY_INVITATION_DAYS", "7")
