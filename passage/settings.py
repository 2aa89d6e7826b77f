"""Passage settings, read from the environment.

Defaults make a developer's first run work (SQLite and keys under ./var/, debug off);
an insecure production setting stops start-up instead of being quietly accepted.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, "") or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_secret(name: str, generate_into: Path | None = None) -> str:
    """A secret from NAME, or from the file NAME_FILE names, or generated once into a data file."""
    if os.environ.get(name):
        return os.environ[name]
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    if generate_into is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set")
    if not generate_into.exists():
        generate_into.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(generate_into, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return generate_into.read_text().strip()


DATA_DIR = Path(env_str("PASSAGE_DATA_DIR", str(BASE_DIR / "var")))
DEBUG = env_bool("PASSAGE_DEBUG", False)
# Behind a TLS-terminating proxy (the production set-up) cookies are Secure and HSTS is sent.
TLS = env_bool("PASSAGE_TLS", False)
PRODUCTION = env_bool("PASSAGE_PRODUCTION", False)

SECRET_KEY = env_secret("PASSAGE_SECRET_KEY", generate_into=DATA_DIR / "secret_key")
# Sealing (passage/core/sealing/): the keyring holds wrapped keys only; the state file is the
# seal flag every process on this host checks on each request.
KEYRING_FILE = Path(env_str("PASSAGE_KEYRING_FILE", str(DATA_DIR / "keyring.json")))
SEAL_STATE_FILE = Path(env_str("PASSAGE_SEAL_STATE_FILE", str(DATA_DIR / "seal-state.json")))
# Argon2id cost of turning the passphrase into a key (benchmarks/results/sealing.md).
SEALING_ARGON2 = {
    "time_cost": env_int("PASSAGE_ARGON2_TIME_COST", 3),
    "memory_kib": env_int("PASSAGE_ARGON2_MEMORY_KIB", 256 * 1024),
    "parallelism": env_int("PASSAGE_ARGON2_PARALLELISM", 2),
}
# Signing in with the duress password (set with `passage keyring duress`) seals Passage.
SEALING_DURESS = env_bool("PASSAGE_DURESS", False)
# Purge a person's identity this many days after their last case closed (0: never).
RETENTION_DAYS = env_int("PASSAGE_RETENTION_DAYS", 0)
# The audit chain's head is signed into a checkpoint every this many records (and hourly by the
# task worker): coordinators export them, so a cut tail is found (passage/core/checkpoints.py).
AUDIT_CHECKPOINT_EVERY = env_int("PASSAGE_AUDIT_CHECKPOINT_EVERY", 500)
if AUDIT_CHECKPOINT_EVERY < 1:
    raise ImproperlyConfigured("PASSAGE_AUDIT_CHECKPOINT_EVERY must be at least 1")
# How many gunicorn worker processes `passage serve` runs. Keep 1: each process must be unsealed
# on its own (see docs/sealing.md); `passage check --deploy` warns about more.
WEB_WORKERS = env_int("PASSAGE_WEB_WORKERS", 1)

ALLOWED_HOSTS = [h for h in env_str("PASSAGE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("PASSAGE_CSRF_TRUSTED_ORIGINS").split(",") if o]
# Only trust X-Forwarded-For when an operator says a proxy in front of us sets it.
TRUSTED_PROXY_COUNT = env_int("PASSAGE_TRUSTED_PROXY_COUNT", 0)

if PRODUCTION and (DEBUG or not TLS):
    raise ImproperlyConfigured(
        "PASSAGE_PRODUCTION=1 requires PASSAGE_DEBUG=0 and PASSAGE_TLS=1 (serve behind TLS)"
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "passage.core",
    "passage.accounts",
    "passage.cases",
    "passage.intake",
    "passage.screening",
    "passage.vetting",
    "passage.planning",
    "django_tasks",
    "django_tasks_db",
    "passage.api",
    "passage.exports",
    "passage.reports",
    "passage.public",
    "passage.aftercare",
    "passage.partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the sealing middleware, so the sealed page carries the same headers as every page:
    # no-store and Clear-Site-Data (passage/core/headers.py), frame and CSP headers.
    "passage.core.headers.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "passage.core.sealing.middleware.SealedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "passage.accounts.middleware.RequireVerifiedSignInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Exports of more rows than this are written by the task worker, encrypted, and downloaded from
# their job page until the link expires, this many minutes after the file is ready
# (passage/exports/jobs.py). Smaller exports stream straight back.
EXPORT_BACKGROUND_ROWS = env_int("PASSAGE_EXPORT_BACKGROUND_ROWS", 2000)
EXPORT_LINK_MINUTES = env_int("PASSAGE_EXPORT_LINK_MINUTES", 60)
if EXPORT_LINK_MINUTES < 1:
    raise ImproperlyConfigured("PASSAGE_EXPORT_LINK_MINUTES must be at least 1")

# Uploads (import spreadsheets, testimony attachments) carry identity, so they stay in memory,
# never in a temporary file in clear (passage/core/uploads.py): at most this many megabytes of
# files a request, the largest upload any form accepts; a larger one is refused by name. Django's
# own in-memory threshold follows it, with room for the form's other fields (ASGI spools a request
# body past it to disk).
UPLOAD_MAX_BYTES = env_int("PASSAGE_UPLOAD_MAX_MB", 10) * 1024 * 1024
if UPLOAD_MAX_BYTES < 1024 * 1024:
    raise ImproperlyConfigured("PASSAGE_UPLOAD_MAX_MB must be at least 1")
FILE_UPLOAD_HANDLERS = ["passage.core.uploads.MemoryOnlyUpload"]
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# Published figures show counts below this as "<N" (passage/reports/suppression.py).
PASSAGE_SUPPRESSION_THRESHOLD = env_int("PASSAGE_SUPPRESSION_THRESHOLD", 5)
if PASSAGE_SUPPRESSION_THRESHOLD < 2:
    raise ImproperlyConfigured("PASSAGE_SUPPRESSION_THRESHOLD must be at least 2")

# Screening scores at most this many records of each kind per name lookup: those sharing the
# most name keys (passage/screening/blind.py). Bounds intake time for very common names.
SCREENING_CANDIDATE_CAP = env_int("PASSAGE_SCREENING_CANDIDATE_CAP", 100)
if SCREENING_CANDIDATE_CAP < 10:
    raise ImproperlyConfigured("PASSAGE_SCREENING_CANDIDATE_CAP must be at least 10")
# Follow-ups that add this many new names to one case are flagged to the coordinators: someone
# may be using a case to try names against the watchlist.
SCREENING_FOLLOW_UP_NAMES_FLAG = env_int("PASSAGE_SCREENING_FOLLOW_UP_NAMES_FLAG", 3)
if SCREENING_FOLLOW_UP_NAMES_FLAG < 1:
    raise ImproperlyConfigured("PASSAGE_SCREENING_FOLLOW_UP_NAMES_FLAG must be at least 1")

# A process that serves only /public/ (an onion service's backend, or just a second process so a
# flood of the form cannot slow the staff pages): passage/public_only_urls.py.
PUBLIC_ONLY = env_bool("PASSAGE_PUBLIC_ONLY", False)
ROOT_URLCONF = "passage.public_only_urls" if PUBLIC_ONLY else "passage.urls"
WSGI_APPLICATION = "passage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "passage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "passage.core.context.organisation",
                "passage.planning.context.alerts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'passage.sqlite3'}"),
        conn_max_age=env_int("PASSAGE_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE makes writers queue, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (missed check-ins) queue in the database; `passage db_worker` runs them and
# `make run` starts one beside the server. No broker to run or secure.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Four-eyes rules count people, not accounts: an account made, or given a higher role, within
# this many days cannot be the second person on a purge, a clearance or an account change.
FOUR_EYES_MIN_ACCOUNT_DAYS = env_int("PASSAGE_FOUR_EYES_MIN_ACCOUNT_DAYS", 14)
if FOUR_EYES_MIN_ACCOUNT_DAYS < 0:
    raise ImproperlyConfigured("PASSAGE_FOUR_EYES_MIN_ACCOUNT_DAYS must not be negative")
# A one-time enrolment code (new account, approved reset) stops working after this many hours.
ENROLMENT_CODE_HOURS = env_int("PASSAGE_ENROLMENT_CODE_HOURS", 72)
if ENROLMENT_CODE_HOURS < 1:
    raise ImproperlyConfigured("PASSAGE_ENROLMENT_CODE_HOURS must be at least 1")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:queue"

# Sessions end after this many idle minutes: every request pushes the expiry forward.
SESSION_IDLE_MINUTES = env_int("PASSAGE_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_HTTPONLY = True
# A session cookie: gone when the browser closes, like the session's own (a seized laptop keeps
# no Passage cookie on disk once the browser is shut).
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SECURE = TLS
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_SECURE = TLS
SECURE_CONTENT_TYPE_NOSNIFF = True
# Never a referrer to another host. Not "no-referrer": with it Chromium sends `Origin: null` on
# every form POST, which Django's CSRF origin check refuses (found by tests/browser).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if TLS:
    SECURE_HSTS_SECONDS = env_int("PASSAGE_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("PASSAGE_SSL_REDIRECT", True)

# Everything comes from Passage itself: no other host, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

AXES_FAILURE_LIMIT = env_int("PASSAGE_LOCKOUT_ATTEMPTS", 5)
AXES_COOLOFF_TIME = env_int("PASSAGE_LOCKOUT_MINUTES", 30) / 60  # hours
# Lock the account being guessed, wherever the guesses come from. Locking by address would
# lock out a whole office behind one proxy, or every user of one Tor exit.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# No row per sign-in and sign-out (address, browser, time to the microsecond): the audit chain
# already records each sign-in. Failed attempts keep only what lock-out needs (accounts/lockout.py).
AXES_DISABLE_ACCESS_LOG = True
AXES_HANDLER = "passage.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "passage.core.audit.lockout_address"
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Passage"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("my", "မြန်မာ")]
LOCALE_PATHS = [BASE_DIR / "passage" / "locale"]
# Dates on Burmese pages: Django ships no formats for `my` (see passage/formats/my/formats.py).
FORMAT_MODULE_PATH = ["passage.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("PASSAGE_TIME_ZONE", "Asia/Yangon")

STATIC_URL = "/static/"
# The project's own CSS and fonts: passage/ is not an app, so the app finder would miss them.
STATICFILES_DIRS = [BASE_DIR / "passage" / "static"]
# The public form takes at most this many messages a day, from everyone together: a flood stops
# here, counted by day only, with nobody tracked (passage/public/tokens.py).
PUBLIC_DAILY_LIMIT = env_int("PASSAGE_PUBLIC_DAILY_LIMIT", 300)
if PUBLIC_DAILY_LIMIT < 1:
    raise ImproperlyConfigured("PASSAGE_PUBLIC_DAILY_LIMIT must be at least 1")
# At most this many receipt hashes (Argon2id, 64 MiB each) run at once in one process; a request
# that waits longer than PUBLIC_ARGON2_WAIT_SECONDS for a slot gets "busy, try again" (503).
PUBLIC_ARGON2_SLOTS = env_int("PASSAGE_PUBLIC_ARGON2_SLOTS", 2)
PUBLIC_ARGON2_WAIT_SECONDS = env_int("PASSAGE_PUBLIC_ARGON2_WAIT_SECONDS", 5)
if PUBLIC_ARGON2_SLOTS < 1:
    raise ImproperlyConfigured("PASSAGE_PUBLIC_ARGON2_SLOTS must be at least 1")

# Static files (CSS, the Burmese font) are served straight from the package by WhiteNoise's
# finders; set PASSAGE_STATIC_ROOT only to run `collectstatic` for a front proxy.
STATIC_ROOT = env_str("PASSAGE_STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Audit and access logs name objects by id only; nothing sensitive goes to logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "passage.core.logs.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("PASSAGE_LOG_LEVEL", "WARNING")},
    # A 403 is one line, not a traceback (passage/core/logs.py).
    "loggers": {"django.request": {"filters": ["refusals"]}},
}
