"""Homeward settings, read from the environment.

With nothing set, Homeward runs on a SQLite file under ``HOMEWARD_DATA_DIR`` (default ``./var``)
so that a new user needs nothing else. Production sets ``DEBUG=0``, ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``DATABASE_URL`` (PostgreSQL).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HOMEWARD_DATA_DIR") or Path.cwd() / "var").resolve()

DEBUG = env_bool("DEBUG", default=False)
# A fixed development key is only acceptable where DEBUG is on or tests run; a deployment
# with DEBUG off must bring its own key.
_DEV_SECRET_KEY = "homeward-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or _DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Believe X-Forwarded-For (for the audit trail's addresses) only behind a proxy you control.
HOMEWARD_TRUSTED_PROXY = env_bool("HOMEWARD_TRUSTED_PROXY", False)

# IATI names organisations by a registered identifier; Homeward's organisations have only their
# own code. "code=IDENTIFIER,code=IDENTIFIER", e.g. "demo-ngo=RS-MB-12345678,eu=XI-IATI-EC_NEAR".
HOMEWARD_IATI_ORGANISATION_REFS = {
    code.strip(): ref.strip()
    for pair in os.environ.get("HOMEWARD_IATI_ORGANISATION_REFS", "").split(",")
    if "=" in pair
    for code, ref in [pair.split("=", 1)]
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks_db",
    "homeward.core",
    "homeward.accounts",
    "homeward.geo",
    "homeward.programmes",
    "homeward.registry",
    "homeward.casework",
    "homeward.casework.enrolment",
    "homeward.casework.selection",
    "homeward.casework.assessments",
    "homeward.casework.assistance",
    "homeward.casework.activities",
    "homeward.casework.contacts",
    "homeward.results",
    "homeward.exchange",
    "homeward.dedup",
    "homeward.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "homeward.core.middleware.RequestContextMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homeward.urls"
WSGI_APPLICATION = "homeward.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homeward.core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under the data directory unless DATABASE_URL says otherwise.
_default_sqlite = f"sqlite:///{DATA_DIR / 'homeward.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_sqlite,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database must work with nothing prepared: make its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server read while the worker writes; IMMEDIATE transactions
            # avoid "database is locked" upgrades from read to write locks.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("HOMEWARD_TEST_SQLITE") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# PostgreSQL-only accelerations (trigram indexes, COPY) sit behind this one switch.
HOMEWARD_POSTGRES_ACCELERATIONS = env_bool(
    "HOMEWARD_POSTGRES_ACCELERATIONS",
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after five failures for one username from one address, that pair is locked
# out for fifteen minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("HOMEWARD_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Sessions end after eight idle hours (a field office working day) and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("HOMEWARD_SESSION_SECONDS", str(8 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Every asset is served by Homeward itself, so the policy can forbid everything else.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("HOMEWARD_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HOMEWARD_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HOMEWARD_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("HOMEWARD_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("HOMEWARD_SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Languages: English, Serbian in Cyrillic and in Latin script, Albanian.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("sr", "Српски (ћирилица)"),
    ("sr-latn", "Srpski (latinica)"),
    ("sq", "Shqip"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["homeward.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Belgrade")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Without a collected static directory WhiteNoise serves straight from the apps' folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Background jobs: Django's tasks API on the database queue; the RQ backend (Redis) is chosen
# with HOMEWARD_TASK_BACKEND=rq for workers on other machines.
_task_backend = os.environ.get("HOMEWARD_TASK_BACKEND", "database")
if _task_backend == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif _task_backend == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
elif _task_backend == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"HOMEWARD_TASK_BACKEND must be database, rq or immediate, not {_task_backend!r}"
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "homeward.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "homeward.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "homeward.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Homeward API",
    "DESCRIPTION": (
        "Registry, casework and results of return and reintegration programmes. "
        "Authenticate with `Authorization: Bearer <token>`; `homeward api-token USERNAME` "
        "prints a token."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The six Washington Group questions share one answer scale.
    # Several models have a "status", "kind", "category" or "channel": each its own name.
    "ENUM_NAME_OVERRIDES": {
        "DifficultyEnum": "homeward.registry.models.Difficulty",
        "SexEnum": "homeward.registry.models.Sex",
        "DisplacementStatusEnum": "homeward.registry.models.DisplacementStatus",
        "OrganisationKindEnum": "homeward.accounts.models.Organisation.Kind",
        "DocumentKindEnum": "homeward.registry.models.IdentityDocument.Kind",
        "DocumentStatusEnum": "homeward.registry.models.IdentityDocument.Status",
        "JobStatusEnum": "homeward.core.models.Job.Status",
        "EnrolmentStatusEnum": "homeward.casework.enrolment.models.Enrolment.Status",
        "AssessmentKindEnum": "homeward.casework.assessments.models.AssessmentTemplate.Kind",
        "AssistanceCategoryEnum": "homeward.casework.assistance.models.Category",
        "DeliveryStatusEnum": "homeward.casework.assistance.models.Delivery.Status",
        "SessionStatusEnum": "homeward.casework.activities.models.Session.Status",
        "ActivityKindEnum": "homeward.casework.activities.models.ActivityKind",
        "MaterialKindEnum": "homeward.casework.activities.models.MaterialKind",
        "ParticipantCategoryEnum": "homeward.casework.activities.models.ParticipantCategory",
        "ReceiverCategoryEnum": "homeward.casework.contacts.models.Referral.ReceiverCategory",
        "AreaKindEnum": "homeward.geo.models.AreaKind",
        "ContactChannelEnum": "homeward.casework.contacts.models.Channel",
        "ReferralStatusEnum": "homeward.casework.contacts.models.Referral.Status",
        "GrievanceChannelEnum": "homeward.casework.contacts.models.Grievance.Channel",
        "GrievanceCategoryEnum": "homeward.casework.contacts.models.Grievance.Category",
        "GrievanceStatusEnum": "homeward.casework.contacts.models.Grievance.Status",
        "DedupCoverageEnum": "homeward.dedup.models.DedupRun.Coverage",
        "DuplicatePairStatusEnum": "homeward.dedup.models.CandidatePair.Status",
        "SelectionDecisionEnum": "homeward.casework.selection.models.SelectionCandidate.Decision",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "homeward": {"level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True},
        "django_tasks": {"level": "WARNING"},
        # Splink warns of every level a training step saw no pair in; the run records which
        # steps it skipped (``DedupRun.model["homeward"]["skipped"]``).
        "splink": {"level": "ERROR"},
    },
}
