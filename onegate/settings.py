"""OneGate settings: everything that differs between machines comes from the environment.

See `.env.example` for every variable. With DEBUG off the portal refuses to start on a missing or
weak SECRET_KEY, and the production defaults pass `manage.py check --deploy` without warnings.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("ONEGATE_READ_DOT_ENV", default=True) and (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

DEV_SECRET_KEY = "onegate-development-only-key-never-use-in-production-0123456789"


def _secret_key_is_weak(key: str) -> bool:
    # The same test as Django's security.W009, so check --deploy and start-up agree.
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-") or key == DEV_SECRET_KEY


SECRET_KEY = env.str("SECRET_KEY", default="") or (DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and _secret_key_is_weak(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or weak (needs 50+ characters, 5+ distinct, not the development key). "
        'Generate one: python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "import_export",
    "auditlog",
    "axes",
    # Cross-cutting core: imports no capability app.
    "onegate.regions",
    "onegate.agencies",
    "onegate.accounts",
    "onegate.audit",
    "onegate.workdays",
    "onegate.web",
    "onegate.notifications",
    "onegate.idempotency",
    # Capabilities.
    "registry",
    "assessments",
    "notices",
    "complaints",
    "referrals",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their caching and need no policy of their own.
    "onegate.web.headers.NoStoreMiddleware",
    "onegate.web.headers.ContentSecurityPolicyMiddleware",
    "onegate.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onegate.web.middleware.SessionRenewalMiddleware",
    "onegate.web.middleware.LanguageMiddleware",
    "onegate.web.middleware.RedisUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every page needs a login unless its view is marked @login_not_required
    # (tests/core/test_login_required.py walks every URL and holds the list of public pages).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "onegate.audit.middleware.AuditActorMiddleware",
    "onegate.accounts.middleware.DeniedAccessLogMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onegate.urls"
WSGI_APPLICATION = "onegate.wsgi.application"

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
                "onegate.web.context_processors.portal",
                "onegate.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database and cache ---------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/onegate")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation and no parallel workers for the portal's queries: on a small server both cost
# more CPU than they save on short queries under concurrent load (person list, 12 clients at 1M
# people: 54 -> 85 req/s). DB_SESSION_OPTIONS replaces them.
DB_SESSION_OPTIONS = env.str("DB_SESSION_OPTIONS", default="-c jit=off -c max_parallel_workers_per_gather=0")
DATABASES["default"].setdefault("OPTIONS", {})["options"] = DB_SESSION_OPTIONS
# Server-side parameters and prepared statements: a query run again on the same connection is not
# planned again (planning a person page's six-table join took 1-4 ms, its execution 0.5 ms).
# Off (DB_PREPARED_STATEMENTS=0) behind a transaction-pooling PgBouncer, which cannot keep them.
if env.bool("DB_PREPARED_STATEMENTS", default=True):
    DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Shared by every web worker, so rate limits and cached reference data hold across processes. The
# default cache only makes pages faster: while Redis cannot be reached it reads as empty and the
# pages go to PostgreSQL (onegate/rediscache.py). The counters (rate limits of the public forms,
# spent anti-spam questions) cannot be guessed: without Redis those forms answer "try again
# shortly" (503, onegate/web/middleware.py). Short timeouts, so an unreachable Redis costs a second.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CACHES = {
    "default": {
        "BACKEND": "onegate.rediscache.ForgivingRedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="onegate"),
        "OPTIONS": REDIS_TIMEOUTS,
    },
    "counters": {
        "BACKEND": "onegate.rediscache.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="onegate"),
        "OPTIONS": REDIS_TIMEOUTS,
    },
}
RATELIMIT_USE_CACHE = "counters"

# --- Users, login, sessions -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first: throttles password guessing
    "onegate.accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Twelve characters of one or two letters repeated pass the rules above.
    {"NAME": "onegate.accounts.passwords.DistinctCharactersValidator", "OPTIONS": {"min_distinct": 6}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Inactivity timeout: a session dies after this many idle seconds. Sessions live in PostgreSQL
# only (a primary-key read per request), so signed-in officers keep working while Redis is down,
# and a sign-out or a password change made meanwhile cannot be undone by a cached copy when Redis
# returns. They are renewed at most once a minute (SessionRenewalMiddleware), not written on every
# request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# However active, a session ends this long after its login (onegate.web.middleware).
SESSION_ABSOLUTE_SECONDS = int(env.float("SESSION_ABSOLUTE_HOURS", default=12) * 3600)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling (django-axes): a username is locked for one address after repeated failures,
# so a shared office NAT address does not lock out every officer behind it; an address failing
# LOGIN_ADDRESS_FAILURE_LIMIT times over any usernames (password spraying) is paused as a whole
# (onegate/accounts/throttle.py). Both last the cool-off time.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "onegate.accounts.throttle.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
# django-ipware is not installed, so axes would read REMOTE_ADDR (the proxy's address): one
# function reads the client's address for login throttling and rate limits alike.
AXES_CLIENT_IP_CALLABLE = "onegate.web.client_ip.client_ip"
RATELIMIT_IP_META_KEY = "onegate.web.client_ip.client_ip"

# --- Audit (django-auditlog) ------------------------------------------------------------------
AUDITLOG_CID_GETTER = "onegate.audit.request_id.get_request_id"
AUDITLOG_STORE_JSON_CHANGES = True
# Our entry model: auditlog's, plus where the object lay (region, agency) and what it is about.
AUDITLOG_LOGENTRY_MODEL = "onegate_audit.LogEntry"
# Records of who opened which page (views) are deleted after this many days by a nightly job;
# changes are kept.
AUDIT_VIEW_RETENTION_DAYS = env.int("AUDIT_VIEW_RETENTION_DAYS", default=2 * 365)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_TZ = True
FORMAT_MODULE_PATH = ["onegate.formats"]

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (attachments, rendered reports) live outside the web root and are only served by views
# that check the user's scope.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
# Uploads and the folders made for them: the portal's user only (onegate/private_files.py does the
# same for the files the portal writes itself).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development WhiteNoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600, **REDIS_TIMEOUTS}
# Sending a job while Redis is down fails within about a second instead of holding the request:
# the job's row stays queued in PostgreSQL and the sweeps send it again (onegate/jobs.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0, "interval_max": 0.2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0.2, "interval_step": 0, "interval_max": 0.2},
    **REDIS_TIMEOUTS,
}
# The queue the portal's jobs go to (two portals sharing one Redis each need their own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)

# --- Email ------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OneGate <onegate@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The office running this portal -----------------------------------------------------------
OFFICE_NAME = env.str("OFFICE_NAME", default="Dinas Sosial P3A Kota Mojokerto")
OFFICE_REGION_CODE = env.str("OFFICE_REGION_CODE", default="35.76")
# The letterhead of printed letters: address, phone and logo (a PNG, JPEG or SVG file).
OFFICE_ADDRESS = env.str("OFFICE_ADDRESS", default="Jl. Raya Ijen No. 20, Kota Mojokerto 61321")
OFFICE_PHONE = env.str("OFFICE_PHONE", default="(0321) 321456")
OFFICE_LOGO = env.str("OFFICE_LOGO", default=str(BASE_DIR / "static" / "img" / "office-logo.svg"))
# The portal's public address (scheme and host), for links in emails and the QR codes of letters.
# Empty: the address the request came in on (emails then carry paths only).
PORTAL_URL = env.str("PORTAL_URL", default="")

# --- Complaint desk ---------------------------------------------------------------------------
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=5)
# An open complaint due within this many working days shows as "at risk".
COMPLAINT_AT_RISK_WORKING_DAYS = env.int("COMPLAINT_AT_RISK_WORKING_DAYS", default=1)
# Public status checks per client address (django-ratelimit rate: count/period).
PUBLIC_STATUS_RATE = env.str("PUBLIC_STATUS_RATE", default="20/h")
# Online complaints one client address may post.
PUBLIC_COMPLAINT_RATE = env.str("PUBLIC_COMPLAINT_RATE", default="10/h")

# --- Messages to residents (SMS / WhatsApp, notices/) -------------------------------------------
# The gateway: "console" (development: written to the log) or "http" (a signed JSON POST to
# RESIDENT_MESSAGES_URL, an SMS or WhatsApp Business provider; notices/gateways.py). The shared
# secret signs what goes out and checks the provider's receipts and replies. The links in the
# messages (the public status page) use PORTAL_URL: with a gateway other than console, manage.py
# check and migrate fail without it (notices.E001); the console's messages carry the path only.
RESIDENT_MESSAGES_GATEWAY = env.str("RESIDENT_MESSAGES_GATEWAY", default="console")
RESIDENT_MESSAGES_URL = env.str("RESIDENT_MESSAGES_URL", default="")
RESIDENT_MESSAGES_SECRET = env.str("RESIDENT_MESSAGES_SECRET", default="")
RESIDENT_MESSAGES_TIMEOUT_SECONDS = env.float("RESIDENT_MESSAGES_TIMEOUT_SECONDS", default=10.0)
# A receipt signed longer ago (or ahead) than this is refused (a replayed call).
RESIDENT_MESSAGES_RECEIPT_MAX_AGE_SECONDS = env.int("RESIDENT_MESSAGES_RECEIPT_MAX_AGE_SECONDS", default=300)
# Messages one phone receives in a day (Asia/Jakarta); more wait, held, for the next day.
RESIDENT_MESSAGES_DAILY_CAP = env.int("RESIDENT_MESSAGES_DAILY_CAP", default=5)
# A failed try is tried again after 30 s, 1, 2, 4… minutes (at most an hour), this many tries in all.
RESIDENT_MESSAGES_MAX_ATTEMPTS = env.int("RESIDENT_MESSAGES_MAX_ATTEMPTS", default=6)
RESIDENT_MESSAGES_BACKOFF_SECONDS = env.int("RESIDENT_MESSAGES_BACKOFF_SECONDS", default=30)
RESIDENT_MESSAGES_BACKOFF_MAX_SECONDS = env.int("RESIDENT_MESSAGES_BACKOFF_MAX_SECONDS", default=3600)
# A message claimed this long ago and still "sending" lost its worker: the sweep sends it again
# (same Idempotency-Key). Longer than the gateway's timeout.
RESIDENT_MESSAGES_CLAIM_TIMEOUT_SECONDS = env.int("RESIDENT_MESSAGES_CLAIM_TIMEOUT_SECONDS", default=120)

# --- Referrals --------------------------------------------------------------------------------
# Letter numbers: [classification]/[number]/[unit code]/[month in Roman]/[year], yearly series.
LETTER_CLASSIFICATION_CODE = env.str("LETTER_CLASSIFICATION_CODE", default="460")
OFFICE_UNIT_CODE = env.str("OFFICE_UNIT_CODE", default="417.302")
# The manager's decision before a referral is sent (SLRT's "penetapan layanan") is the office's
# setting in the admin (Referral settings). This only gives its first value, when the database is
# migrated (referrals migration 0011).
REFERRAL_SEND_NEEDS_MANAGER = env.bool("REFERRAL_SEND_NEEDS_MANAGER", default=False)
# Who signs referral letters (a wet signature and stamp on the printed letter). An empty name
# leaves a dotted line to write it by hand.
LETTER_SIGNER_TITLE = env.str("LETTER_SIGNER_TITLE", default="Kepala Dinas Sosial P3A Kota Mojokerto")
LETTER_SIGNER_NAME = env.str("LETTER_SIGNER_NAME", default="")
LETTER_SIGNER_ID = env.str("LETTER_SIGNER_ID", default="")
# Letter verification page (public, opened from the letter's QR code): views per client address.
LETTER_VERIFY_RATE = env.str("LETTER_VERIFY_RATE", default="60/h")
# A referral this many working days past its due date is escalated to the Dinsos managers again.
REFERRAL_ESCALATION_DAYS = env.int("REFERRAL_ESCALATION_DAYS", default=3)

# --- Public self-report form (no account) ------------------------------------------------------
# Posts allowed per client address (django-ratelimit syntax: 10/h, 50/d). Mobile carriers put many
# people behind one address, so keep it generous; the challenge and honeypot stop simple bots.
SELF_REPORT_RATE = env.str("SELF_REPORT_RATE", default="10/h")
# A form sent sooner than this after it was shown is a bot's.
PUBLIC_FORM_MIN_SECONDS = env.int("PUBLIC_FORM_MIN_SECONDS", default=5)

# --- Security (production defaults; DEBUG turns them off for local http) -----------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp, onegate/web/headers.py): scripts, styles, fonts and requests
# from the portal itself only, no inline script or style (templates hold none:
# tests/core/test_headers.py); images also as data: URIs (Bootstrap's SVG icons, QR codes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: failed logins, denied accesses and errors go to stderr --------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Create forms' one-time keys (onegate/idempotency): a form re-posted within this many days is
# sent to its first result instead of making a second record.
IDEMPOTENCY_KEY_DAYS = env.int("IDEMPOTENCY_KEY_DAYS", default=2)

CELERY_BEAT_SCHEDULE = {
    "purge-expired-sessions": {"task": "onegate.web.tasks.purge_expired_sessions", "schedule": 6 * 3600},
    "sweep-submission-keys": {"task": "onegate.idempotency.tasks.sweep_submission_keys", "schedule": 6 * 3600},
    # Likely duplicates: people added or changed since the last scan, and everyone at night.
    "registry-duplicates-recent": {"task": "registry.tasks.find_duplicates", "schedule": 5 * 60},
    "registry-duplicates-all": {
        "task": "registry.tasks.find_duplicates",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"full": True},
    },
    "purge-stale-imports": {"task": "registry.importing.tasks.purge_stale_imports", "schedule": 3600},
    # Notification emails not sent yet (the state is in PostgreSQL, so nothing is lost between runs).
    "send-notification-emails": {"task": "onegate.notifications.tasks.send_notification_emails", "schedule": 60},
    # Overdue referrals: tell the agencies and the managers, escalate the late ones.
    "referrals-overdue": {"task": "referrals.tasks.check_overdue_referrals", "schedule": crontab(hour=6, minute=0)},
    # The eligible-but-unserved counts of /rujukan/kelayakan/ (also after referral writes, and on request).
    "referrals-unserved-counts": {
        "task": "referrals.tasks.refresh_unserved_counts",
        "schedule": env.int("UNSERVED_COUNT_MINUTES", default=60) * 60,
    },
    "audit-purge-old-views": {"task": "onegate.audit.tasks.purge_old_views", "schedule": crontab(hour=3, minute=15)},
}

# --- Jobs the workers do (reports, imports) ---------------------------------------------------------
# Each job's row in PostgreSQL is its truth; a job not sent (Redis was down) or whose message was lost
# is sent again by its sweep once it has waited JOBS_RESEND_SECONDS; beat runs the sweeps every
# JOBS_SWEEP_SECONDS. Work asked for during a Redis outage is sent again at most resend + sweep
# seconds after Redis returns (90 s), and a worker reconnects within 30 s: started within two minutes.
JOBS_RESEND_SECONDS = env.int("JOBS_RESEND_SECONDS", default=60)
JOBS_SWEEP_SECONDS = env.int("JOBS_SWEEP_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["imports-resend"] = {
    "task": "registry.importing.tasks.resend_unsent_imports",
    "schedule": JOBS_SWEEP_SECONDS,
}

# --- Registry import ----------------------------------------------------------------------------
# Files with more rows are checked and written by a Celery task, with a progress bar.
REGISTRY_IMPORT_SYNC_MAX_ROWS = env.int("REGISTRY_IMPORT_SYNC_MAX_ROWS", default=5000)
# About 200,000 rows of the template as CSV; the worker needs ~0.5 GB of memory per 100,000 rows.
REGISTRY_IMPORT_MAX_BYTES = env.int("REGISTRY_IMPORT_MAX_BYTES", default=40 * 1024 * 1024)
# An XLSX is read by the worker in a child process with this much address space, after its zip
# directory is checked (no part over these sizes or this compression ratio). The other limits
# (rows, cells, seconds, sizes) have defaults in registry/importing/parsing.py; see docs/import.md.
# The invalid rows of an import are kept this long for the uploader to download and correct.
REGISTRY_IMPORT_REJECTED_DAYS = env.int("REGISTRY_IMPORT_REJECTED_DAYS", default=7)
REGISTRY_IMPORT_XLSX_LIMITS = {"memory_bytes": env.int("REGISTRY_IMPORT_XLSX_MEMORY_MB", default=1536) * 2**20}

# --- Reference data import/export in the admin (django-import-export, onegate/resources.py) -------
# The uploaded file waits for the confirmation in the cache, expiring there, not in a temporary file
# left behind when an import is abandoned (user accounts carry names, emails and phone numbers).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "onegate.resources.ExpiringCacheStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True  # a confirmed import saves every row or none
# The library's own formula escape (it drops a leading "=") on top of ReferenceResource's, for any
# resource not built on it; after ReferenceResource's apostrophe no cell starts with "=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- Reports ------------------------------------------------------------------------------------
# Rendered report files are deleted this many days after they were made (the request stays, marked
# expired). A render writes a sign of life every REPORT_HEARTBEAT_SECONDS; one silent for
# REPORT_STALLED_SECONDS (its worker was killed) is retried, then failed after the attempts.
REPORT_FILE_DAYS = env.int("REPORT_FILE_DAYS", default=7)
REPORT_HEARTBEAT_SECONDS = env.int("REPORT_HEARTBEAT_SECONDS", default=15)
REPORT_STALLED_SECONDS = env.int("REPORT_STALLED_SECONDS", default=60)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=2)
# WeasyPrint keeps the memory of a render until its process ends: PDFs are rendered in child
# processes, at most this many at once (one per core), each recycled after this many parts.
REPORT_RENDER_PROCESSES = env.int("REPORT_RENDER_PROCESSES", default=2)
REPORT_RENDER_PARTS_PER_PROCESS = env.int("REPORT_RENDER_PARTS_PER_PROCESS", default=10)
CELERY_BEAT_SCHEDULE.update(
    {
        "reports-sweep": {"task": "reports.tasks.sweep_reports", "schedule": JOBS_SWEEP_SECONDS},
        # Messages to residents: what Redis lost, what was held for the day, what a dead worker left.
        "notices-sweep": {"task": "notices.tasks.sweep_messages", "schedule": JOBS_SWEEP_SECONDS},
        "reports-purge-expired": {"task": "reports.tasks.purge_expired_reports", "schedule": 3600},
        # The monthly recaps of the whole city (disability, PPKS, complaints and referrals), emailed to
        # the city's managers once ready. Running it again the same month changes nothing.
        "reports-monthly": {
            "task": "reports.tasks.generate_monthly_reports",
            "schedule": crontab(day_of_month=1, hour=1, minute=0),
        },
    }
)
