"""Settings for the Wenzhou sector-work portal, read from the environment.

Every value a deployment may change comes from an environment variable (see
docs/it.md, "Configuration"). The defaults are safe for development on one
machine: SQLite, no Redis, Celery tasks run eagerly.
"""

from __future__ import annotations

import datetime
import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production mode turns on every protection `manage.py check --deploy` asks for.
PRODUCTION = env_bool("DJANGO_PRODUCTION", False)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

_DEV_SECRET = "dev-only-insecure-key-change-me-wenzhou-sectors-portal"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_PRODUCTION is on.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",  # no models: its template filters (portal_forms)
    "sectors",
    "activities",
    "reports",
    "members",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "sectors.accounts.security.UploadLimitMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sectors.accounts.session_roles.SessionRolesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sectors.accounts.security.IdleTimeoutMiddleware",
    "sectors.accounts.security.TwoFactorMiddleware",
    "sectors.accounts.security.PrivateCacheMiddleware",
    "sectors.accounts.security.ExportAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wenzhou_sectors.urls"

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
                "sectors.context_processors.portal",
                "sectors.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "wenzhou_sectors.wsgi.application"

# --- Database -------------------------------------------------------------
# No DATABASE_URL: an SQLite file in WAL mode, so that the web process and a
# Celery worker can write side by side; IMMEDIATE transactions take the write
# lock up front instead of failing half-way with "database is locked".
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
if os.environ.get("DATABASE_URL"):
    # Each gunicorn worker keeps its connection (checked before reuse) instead of
    # opening one per request. The portal's queries are short (OLTP): PostgreSQL's
    # JIT, triggered by cost estimates on the larger tables, spent ~250 ms compiling
    # for a 20 ms query, so it is off; a statement timeout stops a runaway query
    # before it holds a worker for good (docs/it.md, "PostgreSQL settings"). The random page
    # cost is an SSD's (1.1, not the spinning disk's 4): with 4 a year's attendance
    # figures scanned the whole attendance table (190 ms at ten years, growing with
    # history) instead of the year's activities' index entries (33 ms). No server-side
    # cursors: every select box of groups or members (Django iterates a model choice
    # field's queryset with .iterator()) cost a DECLARE, a FETCH and a CLOSE instead of
    # one query, 0.4-0.9 ms a page; the exports' .iterator() still reads in chunks, the
    # rows held by the driver (a year of activities is about 1 MB). A connection pooler
    # in transaction mode (PgBouncer) needs this too.
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        _timeout_ms = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000"))
        _page_cost = float(os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1"))
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c jit=off -c statement_timeout={_timeout_ms} -c random_page_cost={_page_cost}"
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -----------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Parallel test processes (pytest-xdist's gw0, gw1, …) each use a Redis database of their
# own below the one named (the tests empty the cache before each test): /15 → /14, /13, …
_TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _TEST_PROCESS.startswith("gw") and REDIS_URL.rpartition("/")[2].isdigit():
    _redis_base, _redis_db = REDIS_URL.rsplit("/", 1)
    REDIS_URL = f"{_redis_base}/{(int(_redis_db) - 1 - int(_TEST_PROCESS[2:])) % 16}"
if REDIS_URL:
    # Redis down must not take pages down: the cache then misses (portal.faults),
    # and gives up after a second instead of hanging the request.
    CACHES = {
        "default": {
            "BACKEND": "portal.faults.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions read from Redis, written through to the database (kept across a Redis restart).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Role and permissions kept in the session (sectors.accounts.session_roles): only with a cache that
# every worker shares, which carries the token that a change of roles replaces.
PORTAL_SESSION_ROLES = env_bool("PORTAL_SESSION_ROLES", bool(REDIS_URL))
# A cached summary that reads a bookkeeping table fails while computed (portal.cache): in
# development and in the tests, where every summary is computed; off in production.
PORTAL_CHECK_SUMMARY_READS = env_bool("PORTAL_CHECK_SUMMARY_READS", DEBUG)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A broker that cannot be reached is reported within seconds (portal.faults.run_later
# then does the work in the web process) instead of blocking the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2, "max_retries": 0}
CELERY_TIMEZONE = "Asia/Shanghai"
# The schedule lives in the database (django-celery-beat), so administrators edit it in
# 系统管理 → 周期任务; reports/migrations create its entries. `manage.py run_scheduled`
# runs the same entries from cron where there is no Redis.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True  # a task lost with a crashed worker runs again; every task is idempotent
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
DJANGO_CELERY_BEAT_TZ_AWARE = True

# --- E-mail: notifications go out by e-mail to users with an address ------------
# Without EMAIL_HOST the messages are printed on the console (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS, usually port 587
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address in e-mailed links (e.g. https://portal.intranet); relative links without it.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "").rstrip("/")

# --- Users and login --------------------------------------------------------
AUTH_USER_MODEL = "sectors.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day: the absolute limit of a session
# Signed out after this many minutes without a request (sectors.accounts.security.IdleTimeoutMiddleware).
SESSION_IDLE_SECONDS = int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_IDLE_TOUCH_SECONDS = 60  # how stale the "last seen" time may get before the session is written again

# Login throttling and lockout (django-axes): after DJANGO_LOGIN_FAILURE_LIMIT failed
# attempts for one user name from one address, that pair is locked out for
# DJANGO_LOGIN_LOCKOUT_MINUTES, or until an administrator unlocks it (docs/it.md, "Roles").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Members sign in by mobile number and password (docs/it.md, "Member accounts").
    "members.backends.MemberMobileBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "30")))
# Locking by user name alone would let anyone lock a colleague out; by address
# alone, one office behind one NAT address would lock itself out together.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sectors.accounts.views.locked_out"
# The client's address as the reverse proxy saw it (sectors.audit.events.client_address):
# DJANGO_TRUSTED_PROXIES is the number of proxies in front of gunicorn that append
# to X-Forwarded-For (1 for one nginx); 0 uses the connection's address.
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "sectors.audit.events.client_address"
# Sign-ins, failures and sign-outs are kept in sectors.AuditEvent, with the rest of the audit trail.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Repeated failures (wrong two-factor codes) of one user from one address within this
# time are one audit row with a count (sectors.audit.events.record_repeated).
AUDIT_REPEAT_WINDOW = datetime.timedelta(minutes=15)

# Two-factor sign-in (django-otp, TOTP): required for administrators and for
# Django admin, optional for everyone else (sectors.accounts.security.TwoFactorMiddleware).
OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "温州政协界别工作平台")
# Django admin never shows a device's secret key or its QR code (sectors.admin.TOTPDeviceAdmin).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Language and time --------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------
# Third-party front-end code (Bootstrap, ECharts, htmx, Tom Select) is installed by npm into
# node_modules/ and served from there under /static/vendor/: nothing is
# committed and nothing is loaded from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
]
# Until `collectstatic` has filled STATIC_ROOT (production only), WhiteNoise serves
# through the finders and would warn about the empty folder on every start.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
# Outside production WhiteNoise serves static/ and node_modules/ through the finders
# also with DEBUG off (bin/serve), so no collectstatic is needed to try the portal.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads live outside the static tree and are only served through views that
# check who is asking (see activities.views.attachments).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "20")) * 1024 * 1024
UPLOAD_ALLOWED_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "jpg", "jpeg", "png"]
# An Office zip may unpack to at most this much (a "zip bomb" is refused; activities.uploads).
UPLOAD_MAX_INFLATED_BYTES = int(os.environ.get("UPLOAD_MAX_INFLATED_MB", "200")) * 1024 * 1024
# Form fields without files: at most this much held in memory (Django refuses more).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files up to this size stay in memory, larger ones go to a temporary file, and
# sectors.accounts.security.SizeLimitUploadHandler stops writing any file past UPLOAD_MAX_MB
# (or IMPORT_MAX_BYTES) and the request is answered with a message (413).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
FILE_UPLOAD_HANDLERS = [
    "sectors.accounts.security.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # an attendance form can list a few hundred members
# The activity form lists at most this many members of a group; a larger group shows its
# chosen members and a search (ATTENDANCE_SEARCH_LIMIT matches at a time) for the others.
ATTENDANCE_LIST_LIMIT = int(os.environ.get("ATTENDANCE_LIST_LIMIT", "100"))
ATTENDANCE_SEARCH_LIMIT = 20
# An Excel export of more rows than this is written by the worker, with a progress page
# and a download kept for the user who asked for EXPORT_KEEP_HOURS (sectors.ops.exports).
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "2000"))
EXPORT_KEEP_HOURS = int(os.environ.get("EXPORT_KEEP_HOURS", "24"))
# What portal.exports does with an export above EXPORT_INLINE_ROWS rows.
EXPORT_BACKGROUND = "sectors.ops.exports.in_background_if_large"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Importing needs the model's "add" permission and exporting its "view" one.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Admin exports use the formula-safe formats of portal.spreadsheets; should an
# admin be added with import-export's own formats, these still keep a value
# typed as "=..." (or with characters Excel refuses) from running or breaking.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Security -------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images come
# only from the portal itself, and nothing inline: every handler lives in
# static/js and every style in static/css, data reaches scripts through
# data- attributes or json_script. Bootstrap's CSS draws its icons (select
# arrow, check marks) as data: SVG images; ECharts draws on a canvas.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): the portal uses no device or
# browser feature that could leak where a user is or what is around them.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Personal data (ID-card and mobile numbers) never reaches the logs: the
# portal logs no request bodies and no form values.
# One console line per request: the access line (runserver's django.server, or
# gunicorn's access log) is the only one for a 403/404; "django.request" logs
# server errors (5xx) only, with their traceback. Django's own loggers print
# through the root handler once (its default config would print them twice
# when DEBUG is on: its own console handler and the root's).
_LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["server"], "level": _LOG_LEVEL, "propagate": False},
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# The committee this installation serves. The data model holds several
# committees; the portal's pages show this one.
PORTAL_COMMITTEE_CODE = os.environ.get("PORTAL_COMMITTEE_CODE", "wenzhou")

# The date the portal believes it is (YYYY-MM-DD), for demonstrations and tests;
# unset in real use. Every "today" goes through portal.clock.today().
PORTAL_TODAY = os.environ.get("PORTAL_TODAY") or None
