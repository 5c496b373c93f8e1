"""SkillHub settings, read from the environment (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
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
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    # The apps, floor by floor from the bottom (a lower floor never imports a higher one; see .importlinter).
    "core",  # label "skillhub": people, teams, vendors, scopes, skills, contacts
    "metrics",  # KPI rollups, running totals, the KPI catalogue
    "qa",
    "imports",
    "assessments",
    "coaching",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.SessionLimitsMiddleware",
    "core.middleware.NoStoreWhenSignedInMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "skillhub.urls"
WSGI_APPLICATION = "skillhub.wsgi.application"

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
                "core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "skillhub.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "skillhub:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.api.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "core.api.renderers.ScopedBrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SkillHub API",
    "DESCRIPTION": "Hiring, QA, coaching and KPI figures for contact-center teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
}

# Celery: with no broker, tasks run eagerly in-process (development, demo, tests).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks are cut to one day's work; limits stay far below the visibility timeout.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# A full reconciliation whose record shows no sign of work for this long lost its worker: the 5-minute beat resumes
# it from its first month not done (longer than a month's task may take, CELERY_TASK_TIME_LIMIT).
ROLLUP_FULL_STALE_MINUTES = env.int("ROLLUP_FULL_STALE_MINUTES", default=10)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # Rebuild the (agent, day) pairs imports and reviews marked.
    "rollup-metrics-marked": {"task": "skillhub.tasks.rollup_metrics", "schedule": timedelta(minutes=5)},
    # Upload runs whose worker died (still "running" past the task's time limit) are marked failed.
    "imports-runs-fail-stale": {"task": "imports.tasks.import_runs_fail_stale", "schedule": timedelta(minutes=5)},
    # Nightly sweep of the last seven days, whatever was marked.
    "rollup-metrics-last-7-days": {
        "task": "skillhub.tasks.rollup_metrics",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"last_days": 7},
    },
    # Coaching: goal values and statuses, suggestions, notifications (after the nightly rollup sweep).
    "coaching-nightly": {"task": "coaching.tasks.coaching_nightly", "schedule": crontab(hour=3, minute=15)},
    # QA: sample last week's conversations for review, Mondays 03:00.
    "qa-sampling-weekly": {"task": "qa.tasks.sampling_weekly", "schedule": crontab(minute=0, hour=3, day_of_week=1)},
}
# QA calibration: open the results of sessions whose deadline has passed.
CELERY_BEAT_SCHEDULE["qa-calibration-open-due"] = {
    "task": "qa.tasks_calibration.calibration_open_due",
    "schedule": crontab(minute="*/15"),
}
# The weekly digest to ops leads and QA leads: last week's figures, Mondays 07:00 in TIME_ZONE.
CELERY_BEAT_SCHEDULE["weekly-digest"] = {
    "task": "dashboards.tasks.weekly_digest_send",
    "schedule": crontab(hour=7, minute=0, day_of_week=1),
}
# QA: tell assignees (and QA leads in scope) of reviews past their due date, daily at 07:05.
CELERY_BEAT_SCHEDULE["qa-reviews-overdue"] = {
    "task": "qa.tasks.reviews_notify_overdue",
    "schedule": crontab(minute=5, hour=7),
}

# AutoQA: every 15 minutes, score contacts without an automatic review or scored by an older engine (at most
# AUTOQA_SWEEP_LIMIT a run, newest first): imported contacts are scored within 15 minutes.
AUTOQA_SWEEP_LIMIT = env.int("AUTOQA_SWEEP_LIMIT", default=20_000)
CELERY_BEAT_SCHEDULE["qa-autoqa-sweep"] = {"task": "qa.tasks.autoqa_sweep", "schedule": timedelta(minutes=15)}

# QA disputes: days an agent has to dispute a released review, days a dispute has to be settled once raised (fixed
# on the review when raised), and whether a QA lead approves a reviewer's resolution before it applies.
QA_DISPUTE_RAISE_DAYS = env.int("QA_DISPUTE_RAISE_DAYS", default=7)
QA_DISPUTE_RESOLVE_DAYS = env.int("QA_DISPUTE_RESOLVE_DAYS", default=5)
QA_DISPUTE_APPROVAL = env.bool("QA_DISPUTE_APPROVAL", default=False)

# Email and notifications. EMAIL_URL: smtp://user:pass@host:587/?tls=True (or smtp+tls://, smtp+ssl://),
# consolemail:// (print to the console; the default and the demo's). Links in emails start with SITE_URL.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update({k: v for k, v in EMAIL_CONFIG.items() if v not in (None, "") and k != "OPTIONS"})
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SkillHub <skillhub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The outbox: attempts before a message is marked failed (backoff 1, 2, 4 ... minutes, at most an hour), minutes
# after which a claim is deemed lost with its worker (sent again once), messages handed out per sweep.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_STALE_MINUTES = env.int("OUTBOX_STALE_MINUTES", default=10)
OUTBOX_SWEEP_BATCH = env.int("OUTBOX_SWEEP_BATCH", default=500)
OUTBOX_WEBHOOK_TIMEOUT = env.int("OUTBOX_WEBHOOK_TIMEOUT", default=10)
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {"task": "core.tasks.outbox_sweep", "schedule": timedelta(minutes=1)}
# The daily digest of notices set to "Daily digest", at this hour of TIME_ZONE.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)
CELERY_BEAT_SCHEDULE["notification-digest-daily"] = {
    "task": "core.tasks.notification_digest_daily",
    "schedule": crontab(minute=0, hour=NOTIFICATION_DIGEST_HOUR),
}

# Metrics
REPEAT_WINDOW_DAYS = env.int("REPEAT_WINDOW_DAYS", default=7)
CES_SCALE_MAX = env.int("CES_SCALE_MAX", default=7)
CES_LOWER_IS_BETTER = env.bool("CES_LOWER_IS_BETTER", default=True)
# Coaching: open peer-mentoring assignments a mentor may carry before suggestions pass them over.
COACHING_MAX_MENTEES = env.int("COACHING_MAX_MENTEES", default=2)
# Bulk import API: the largest JSON body and the most items one call takes (larger loads: import_interactions).
BULK_IMPORT_MAX_BYTES = env.int("BULK_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
BULK_IMPORT_MAX_ROWS = env.int("BULK_IMPORT_MAX_ROWS", default=10_000)
# Upload in the browser: the largest file (its bytes are kept in the database until the run is deleted).
IMPORT_UPLOAD_MAX_BYTES = env.int("IMPORT_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Any other request body Django reads into memory (forms, API JSON); past it forms get 400, the API 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Dashboards: seconds a rendered dashboard body is kept per user, page and filters (0 = off).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# Hiring: hours before a candidate's emailed test link expires when they get a reminder (once per link), and hours
# after an interviewer opened their scoring of an interview when its feedback is due (a notice, once per interview).
CANDIDATE_TEST_REMINDER_HOURS = env.int("CANDIDATE_TEST_REMINDER_HOURS", default=24)
INTERVIEW_FEEDBACK_DUE_HOURS = env.int("INTERVIEW_FEEDBACK_DUE_HOURS", default=24)
CELERY_BEAT_SCHEDULE["hiring-test-reminders"] = {
    "task": "assessments.tasks.candidate_test_reminders",
    "schedule": crontab(minute=7),
}
CELERY_BEAT_SCHEDULE["hiring-feedback-due"] = {
    "task": "assessments.tasks.interview_feedback_due",
    "schedule": crontab(minute=37),
}

# API tokens (DRF's Token): refused this many days after they were created; also ended by a password change or a
# deactivation, and revoked by their user (/accounts/token/) or an admin.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)

# Password reset by email: seconds a link works (it also stops working once the password is set), and requests
# per hour per address asked about and per client address (past them: the same page, nothing sent, a security-log
# line). The counts live in the default cache. Invitations to set a first password work for INVITATION_DAYS days.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=5)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=20)
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)

# Production hardening: on unless DEBUG (python manage.py check --deploy reports nothing).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Sessions (OWASP ASVS 3.3.2): idle and absolute limits; a new session key on sign-in (Django's login does it).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=int(timedelta(minutes=30).total_seconds()))
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=int(timedelta(hours=12).total_seconds()))
# The session row and cookie live up to the absolute limit; the idle limit is SessionLimitsMiddleware's, so a
# session ended by either is seen on its next request and written to the security log.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Not on every request: SessionLimitsMiddleware writes the last-seen time (which saves the session and slides its
# expiry) at most every SEEN_RESOLUTION seconds, so a page view within it writes no session row.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Proxies in front of the app (X-Forwarded-For entries appended by them): the client address the lock-out and the
# security log use is the one the outermost proxy saw (core.security.client_ip).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Sign-in throttling (django-axes): lock a username from one client address after repeated failures; the same user
# from another address still signs in.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"

# Content-Security-Policy: no inline scripts (inline <script> blocks carry the per-request nonce).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # Call recordings (a contact's recording_url) play from these origins besides this site's.
        "media-src": ["'self'", *env.list("RECORDING_ORIGINS", default=[])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"skillhub.security": {"level": "INFO"}},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000
