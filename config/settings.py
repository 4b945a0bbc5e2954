"""The portal's one settings module.

Everything that differs between machines comes from environment variables, read
through the small typed helpers below; a malformed value stops the process at start-up
instead of surfacing later. The README lists every variable.
"""

import datetime as dt
import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_rate(name: str, default: str) -> str:
    """A request rate such as "60/minute" (second, minute, hour or day)."""
    value = env_str(name, default)
    number, _, period = value.partition("/")
    if not number.isdigit() or int(number) < 1 or period not in {"second", "minute", "hour", "day"}:
        raise ImproperlyConfigured(f"{name} must look like 60/minute, not {value!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Demo mode is what the README's run command turns on: demo data, console e-mail,
# plain HTTP on 127.0.0.1. Everything else defaults to production behaviour.
DEMO_MODE = env_bool("DEMO_MODE", False)
DEBUG = env_bool("DEBUG", False)
# The bare 20-row page that bench/ scripts measure the real pages against (/bench/rows/).
BENCH_VIEWS = env_bool("BENCH_VIEWS", False)
if BENCH_VIEWS and not DEMO_MODE:
    raise ImproperlyConfigured("BENCH_VIEWS is for benchmarks and needs DEMO_MODE.")
# A benchmark sends thousands of requests from one address: with BENCH_VIEWS the
# per-address limits (core.ratelimit and the API's throttles) are this many times higher,
# still counted, so that the pages are measured rather than their 429 answers.
RATE_LIMIT_FACTOR = 1000 if BENCH_VIEWS else 1

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))


def _demo_secret_key() -> str:
    """A random key kept in the data folder, so demo sessions survive a restart."""
    path = DATA_DIR / "demo-secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEMO_MODE:
        raise ImproperlyConfigured("SECRET_KEY must be set (or DEMO_MODE=1 for the demo).")
    SECRET_KEY = _demo_secret_key()
elif len(SECRET_KEY) < 50 and not DEMO_MODE:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO_MODE or DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the portal answers to.")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlparse(SITE_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured("SITE_URL must start with http:// or https://")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core",
    "accounts",
    "academy",
    "cohorts",
    "certificates",
    "audit",
    "scheduling",
    "announcements",
    "privacy",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AdminTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout raised anywhere into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "core.forms.PortalFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    },
]

# --- Database ------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not usable: {error}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "academy.sqlite3",
            "CONN_MAX_AGE": 60,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A small real deployment: the worker and the web server write at the same time, so
    # use WAL, wait for locks instead of failing, and take the write lock at BEGIN so a
    # read-then-write transaction cannot deadlock on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file (not memory) so that a real task worker process can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-academy.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background tasks -----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if urlparse(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "academy"),
        }
    }
else:
    # Shared between the web server and the worker (the worker's heartbeat lives here).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "academy_cache",
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "academy"),
            # Kept pages (a minute each) share the table with the rate limits' counters:
            # room for both before Django starts culling entries.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

Q_CLUSTER = {
    "name": env_str("TASK_QUEUE_NAME", "academy"),
    "workers": env_int("TASK_WORKERS", 2, minimum=1),
    "timeout": env_int("TASK_TIMEOUT", 300, minimum=10),
    "retry": env_int("TASK_TIMEOUT", 300, minimum=10) + 60,
    "max_attempts": 5,
    "ack_failures": True,
    "catch_up": False,
    # Every task's record is kept, and the daily retention run deletes those older than
    # TASK_RECORD_DAYS. django-q2's own limit (save_limit > 0) re-reads and locks every
    # kept record after each task: 22 ms a task with a thousand kept, holding SQLite's
    # write lock (README, Performance).
    "save_limit": 0,
    "label": _("Background tasks"),
    "poll": 1,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
# Days the record of a finished background task (admin: Django Q) is kept.
TASK_RECORD_DAYS = env_int("TASK_RECORD_DAYS", 30, minimum=1)

# --- Accounts ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "academy:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PredictablePasswordValidator"},
]
# Brute-force protection: after this many failures for one e-mail address from one
# client address, sign-in is refused for the cool-off period.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "accounts.security.attempted_email"
AXES_VERBOSE = False
# Two-factor sign-in (TOTP) is offered to everyone and required of programme admins.
TWO_FACTOR_REQUIRED_FOR_ADMINS = env_bool("TWO_FACTOR_REQUIRED_FOR_ADMINS", not DEMO_MODE)
OTP_TOTP_ISSUER = "Academy portal"
# How long an e-mail confirmation or password reset link stays valid.
PASSWORD_RESET_TIMEOUT = env_int("ACCOUNT_LINK_HOURS", 72, minimum=1) * 3600

# --- Sessions ------------------------------------------------------------------------
# How long before a session its participants and facilitators are reminded by e-mail.
SESSION_REMINDER_HOURS = env_int("SESSION_REMINDER_HOURS", 24, minimum=1)
# --- Applications and nominations -------------------------------------------------
# Days an offered place is held for the applicant to confirm before it passes on.
APPLICATION_OFFER_DAYS = env_int("APPLICATION_OFFER_DAYS", 5, minimum=1)
# Days a nomination or recommendation invitation can be used.
NOMINATION_INVITATION_DAYS = env_int("NOMINATION_INVITATION_DAYS", 14, minimum=1)
# Days equality monitoring answers are kept before they are deleted.
EQUALITY_MONITORING_RETENTION_DAYS = env_int("EQUALITY_MONITORING_RETENTION_DAYS", 730, minimum=30)

# --- Personal data -------------------------------------------------------------------
# Days a "download my data" ZIP can be downloaded before it is deleted.
PRIVACY_EXPORT_DAYS = env_int("PRIVACY_EXPORT_DAYS", 7, minimum=1)
# Months after which unsuccessful, withdrawn and expired applications, and invitations
# never taken up, keep only their outcome.
PRIVACY_CLOSED_APPLICATION_MONTHS = env_int("PRIVACY_CLOSED_APPLICATION_MONTHS", 12, minimum=1)
# Days sign-in records (address, browser) are kept.
PRIVACY_SIGN_IN_LOG_DAYS = env_int("PRIVACY_SIGN_IN_LOG_DAYS", 90, minimum=1)
# Where people write about their data; shown on the privacy notice.
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "privacy@example.org")

# --- E-mail --------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
if EMAIL_FILE_PATH:
    # Each message saved as a file: for inspecting what the task worker sends.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
elif DEMO_MODE or DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    raise ImproperlyConfigured("EMAIL_HOST (or EMAIL_FILE_PATH) must be set outside demo mode.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Academy portal <academy@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people report accessibility problems and ask for another format (the
# accessibility statement names it).
ACCESSIBILITY_CONTACT_EMAIL = env_str(
    "ACCESSIBILITY_CONTACT_EMAIL", parseaddr(DEFAULT_FROM_EMAIL)[1]
)

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "academy_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are never served from a public URL: MEDIA_URL stays unset and every file goes
# out through a view that checks who is asking (academy.views.MaterialFileView).
MEDIA_ROOT = DATA_DIR / "media"
UPLOADS_S3_BUCKET = env_str("UPLOADS_S3_BUCKET")
if UPLOADS_S3_BUCKET:
    _uploads_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": UPLOADS_S3_BUCKET,
            "endpoint_url": env_str("UPLOADS_S3_ENDPOINT_URL"),
            "region_name": env_str("UPLOADS_S3_REGION"),
            "access_key": env_str("UPLOADS_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("UPLOADS_S3_SECRET_ACCESS_KEY"),
            "location": env_str("UPLOADS_S3_PREFIX", ""),
            # Private objects, never overwritten; the portal streams them after its checks.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    _uploads_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _uploads_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Course material files: anything larger is refused with a message.
MATERIAL_UPLOAD_MAX_MB = env_int("MATERIAL_UPLOAD_MAX_MB", 20, minimum=1)

# --- Security ------------------------------------------------------------------------
# Demo mode runs on plain HTTP; everywhere else cookies and redirects assume HTTPS.
HTTPS = env_bool("HTTPS", not (DEMO_MODE or DEBUG))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Sessions end after this much inactivity: core.middleware.SessionRefreshMiddleware
# moves the expiry forward when the last save is this many seconds old, rather than with
# a database write on every request (so the idle time-out is kept to within a minute).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60, minimum=5) * 60
SESSION_REFRESH_SECONDS = 60
# The busiest pages are kept rendered for this many seconds per person and forgotten at
# the next write to the portal's data (core/pagecache.py); 0 turns that off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)

# --- Certificates ------------------------------------------------------------------
# The organisation named on certificates, as their author and as the Open Badges issuer.
CERTIFICATE_ISSUER_NAME = env_str("CERTIFICATE_ISSUER_NAME", "Academy portal")
# Minutes before a certificate whose render task never started is queued again (a task
# lost with a worker that was killed, for example).
CERTIFICATE_LOST_TASK_MINUTES = env_int("CERTIFICATE_LOST_TASK_MINUTES", 60, minimum=1)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- REST API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousThrottle",
        "api.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env_rate("API_THROTTLE_ANONYMOUS", "60/minute"),
        "token": env_rate("API_THROTTLE_TOKEN", "600/minute"),
        "verification": env_rate("API_THROTTLE_VERIFICATION", "30/minute"),
    },
}
if RATE_LIMIT_FACTOR > 1:
    for _scope, _rate in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].items():
        _number, _slash, _period = _rate.partition("/")
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][_scope] = (
            f"{int(_number) * RATE_LIMIT_FACTOR}/{_period}"
        )
SPECTACULAR_SETTINGS = {
    "TITLE": "Academy portal API",
    "DESCRIPTION": "Programmes, cohorts, applications, nominations, sessions, attendance, "
    "progress and certificates, with the same rights as in the portal's pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every model has a "status"; name each set of choices after its model.
    "ENUM_NAME_OVERRIDES": {
        "CohortStatusEnum": "cohorts.models.Cohort.Status",
        "NominationStatusEnum": "cohorts.models.Nomination.Status",
        "EnrolmentStatusEnum": "cohorts.models.Enrolment.Status",
        "SessionStatusEnum": "scheduling.models.Session.Status",
        "AttendanceStatusEnum": "scheduling.models.Attendance.Status",
        "CertificateStatusEnum": "certificates.models.Certificate.Status",
        "RevocationReasonEnum": "certificates.models.Certificate.RevocationReason",
        "VerificationStatusEnum": ["valid", "revoked"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # Certificate rendering: WeasyPrint and fontTools narrate every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
