"""Settings, read from the environment so one build runs a laptop demo and a production county.

DATABASE_URL   default sqlite in var/fangkong.sqlite3 (WAL); postgres://… for production
DATABASE_REPLICA_URL postgres://… of a streaming replica of DATABASE_URL's server: the heavy reads (dashboard,
               daily tables, exposure search, exports, briefs) go there (core.replica); default none
SECRET_KEY     default: generated once into var/secret_key
DEBUG          "1"/"true" to enable; off by default
ALLOWED_HOSTS  comma-separated; default localhost names
FANGKONG_HTTPS "1" when served behind TLS: secure cookies, HSTS, proxy header trusted
FANGKONG_VAR   folder for the SQLite file, keys and uploads; default ./var of the checkout
FANGKONG_CACHE where the per-minute limits count (public check-in, ID look-up) and sessions are
               cached: local (default), database or redis://host:port/db
FANGKONG_TRUSTED_PROXIES comma-separated addresses of the reverse proxies in front of the site, whose
               X-Forwarded-For names the client (core.clients); default none
FANGKONG_CHECK_IN_RATE   public check-in attempts a minute per client address (default 10)
FANGKONG_LOOKUP_RATE     ID-number look-ups a minute per account on the passage form (default 20)
FANGKONG_DUPLICATE_SECONDS the same passage or check-in sent again within this many seconds is stored
               once (default 60)
FANGKONG_FEVER_THRESHOLD temperature (°C) from which a reading is a fever, in every register and roll-up
               (default 37.3); a quarantine policy may set its own for its follow-ups (core.health)
FANGKONG_RT_MEAN_SI, FANGKONG_RT_STD_SI mean and standard deviation (days) of the serial interval with which Rt
               is estimated (tracing.epi; 7.5 and 3.4); the epidemic curve page and API take others per request
FANGKONG_LOCKOUT_THRESHOLD, FANGKONG_LOCKOUT_MINUTES failed logins of one username from one address
               that refuse it there, and for how long (5, 15)
FANGKONG_LOCKOUT_ADDRESS_THRESHOLD failed logins from one address, whatever the usernames, that refuse
               every username there for FANGKONG_LOCKOUT_MINUTES (50: password spraying)
FANGKONG_PUBLIC_API_DOCS "1" to show /api/docs and /api/openapi.json to anyone; by default only to
               signed-in users (session or API token)
FANGKONG_RETENTION_MONTHS how many local months of rows each large register keeps, the current one
               included, e.g. "check_ins=24,passages=24,follow_ups=24,audit=60" (at least 3 each); a
               register not named keeps everything (the default). The worker's daily job drops older
               months (core.partitions); counters, daily reports and briefs are not touched

Limits of every file an import reads (fangkong.core.spreadsheets; a file beyond one is refused with a
message naming it), and of what an import reports:
FANGKONG_IMPORT_MAX_BYTES           size of the file, uploaded or given (default 20971520 = 20 MB); of
                                    a larger upload no more than this is kept, on disk
FANGKONG_IMPORT_MAX_ROWS            rows of all its sheets together (200000)
FANGKONG_IMPORT_MAX_COLUMNS         the last column of any sheet (200)
FANGKONG_IMPORT_MAX_CELLS           rows × columns of all sheets (6000000)
FANGKONG_IMPORT_MAX_UNZIPPED_BYTES  an .xlsx/.ods unpacked, as its zip declares (524288000 = 500 MB)
FANGKONG_IMPORT_WORKER_MEMORY       address space of the child process that reads a workbook, enforced
                                    by the OS (1610612736 = 1.5 GB): a file that needs more ends that
                                    process, not the server
FANGKONG_IMPORT_WORKER_SECONDS      CPU seconds of that process (60)
FANGKONG_IMPORT_ERRORS_SHOWN        errors listed per column of an import; all are counted (20)
FANGKONG_IMPORT_ERRORS_STOP         bad rows after which a file mostly bad stops being checked (1000)
"""

import os
import secrets
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
_checkout = PACKAGE_DIR.parent.parent
VAR_DIR = Path(
    os.environ.get("FANGKONG_VAR")
    or (_checkout / "var" if (_checkout / "pyproject.toml").exists() else Path.cwd() / "var")
)
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _flag(name: str, default: str = "") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _key_file(name: str) -> str:
    """A random key kept in var/, made on first run, so a fresh checkout needs no setup."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _key_file("secret_key")
# Keyed digest for ID numbers and phones: separate from SECRET_KEY so rotating sessions
# never breaks look-ups and de-duplication of people.
FANGKONG_DIGEST_KEY = os.environ.get("FANGKONG_DIGEST_KEY") or _key_file("digest_key")
DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Only for its static files: without it /api/docs loads Swagger UI from a CDN.
    "ninja",
    # background and periodic work on the Django tasks API, its jobs kept in the database (`fangkong worker`)
    "django_tasks",
    "django_tasks_db",
    "fangkong.core",
    "fangkong.regions",
    "fangkong.accounts",
    "fangkong.audit",
    "fangkong.people",
    "fangkong.screening",
    "fangkong.analytics",
    "fangkong.ledger",
    "fangkong.quarantine",
    "fangkong.risk_areas",
    "fangkong.checkpoints",
    "fangkong.places",
    "fangkong.tracing",
    "fangkong.medical",
    "fangkong.reports",
    "fangkong.briefing",
    "fangkong.privacy",
    "fangkong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fangkong.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fangkong.core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "fangkong.core.middleware.JsonErrorsUnderApiMiddleware",
    "fangkong.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fangkong.audit.middleware.AuditSourceMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fangkong.core.context_processors.navigation",
            ],
        },
    },
]


def database_setting(url: str = "") -> dict:
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Connections are kept (CONN_MAX_AGE above), as on PostgreSQL: opening one and running the
        # PRAGMAs below costs about as much as serving a small request.
        db["OPTIONS"] = {
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
            # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif db["ENGINE"] == "django.db.backends.postgresql":
        # A server that is down or unreachable is answered within seconds (503, core.unavailable), instead of
        # each request waiting for the operating system's TCP timeout; `?connect_timeout=N` in the URL wins.
        db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return db


DATABASES = {"default": database_setting()}
if os.environ.get("DATABASE_REPLICA_URL"):
    # the tests read it as the primary itself (a replica has no test database of its own)
    DATABASES["replica"] = {**database_setting(os.environ["DATABASE_REPLICA_URL"]), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["fangkong.core.replica.HeavyReadRouter"]

# Background and periodic jobs (core.periodic, core.scheduler): kept in the database, taken by `fangkong worker`
# processes with SELECT … FOR UPDATE SKIP LOCKED, so any number of them may run on any number of machines.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "periodic"]}}


def cache_setting(value: str) -> dict:
    """FANGKONG_CACHE: where the per-minute limits count attempts and sessions are cached (SESSION_ENGINE).

    "" or "local": in each worker process (enough for one process: the demo, `runserver`; with several,
    a limit counts per process and a logout is seen only by the process that served it); "database":
    a table of the database (`fangkong_cache`, made by `fangkong migrate`), shared by every process;
    redis://host:port/db: a Redis server, shared, and the lightest on the database.
    """
    value = value.strip()
    if value in ("", "local"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if value == "database":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "fangkong_cache"}
    if value.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
    raise ImproperlyConfigured(
        f"FANGKONG_CACHE={value!r}: expected local, database or a Redis address (redis://host:6379/0)")


CACHES = {"default": cache_setting(os.environ.get("FANGKONG_CACHE", ""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["fangkong.accounts.backends.LockoutBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "fangkong.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Repeated failed logins of one username from one client address refuse that username from that
# address for a while (accounts.services, "Login lockout"): not the account everywhere, so nobody can
# lock someone else out by knowing the username; staff sharing one NAT address count each under their own.
FANGKONG_LOCKOUT_THRESHOLD = int(os.environ.get("FANGKONG_LOCKOUT_THRESHOLD", "5"))
FANGKONG_LOCKOUT_MINUTES = int(os.environ.get("FANGKONG_LOCKOUT_MINUTES", "15"))
FANGKONG_LOCKOUT_ADDRESS_THRESHOLD = int(os.environ.get("FANGKONG_LOCKOUT_ADDRESS_THRESHOLD", "50"))

# Database sessions read through the configured cache (FANGKONG_CACHE), written to both
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Sent with every response (core.middleware.ContentSecurityPolicyMiddleware): scripts, styles, images, fonts
# and requests from this server only, no inline script or style, no plugins, forms post here, no framing.
# data: images are Swagger UI's icons (/api/docs).
FANGKONG_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The endpoint list tells an outsider where to knock: signed-in users only, unless opened on purpose.
FANGKONG_PUBLIC_API_DOCS = _flag("FANGKONG_PUBLIC_API_DOCS")
FANGKONG_TRUSTED_PROXIES = [a.strip() for a in os.environ.get("FANGKONG_TRUSTED_PROXIES", "").split(",") if a.strip()]
FANGKONG_CHECK_IN_RATE = int(os.environ.get("FANGKONG_CHECK_IN_RATE", "10"))
FANGKONG_LOOKUP_RATE = int(os.environ.get("FANGKONG_LOOKUP_RATE", "20"))
FANGKONG_DUPLICATE_SECONDS = int(os.environ.get("FANGKONG_DUPLICATE_SECONDS", "60"))
FANGKONG_FEVER_THRESHOLD = Decimal(os.environ.get("FANGKONG_FEVER_THRESHOLD", "37.3"))
FANGKONG_RT_MEAN_SI = float(os.environ.get("FANGKONG_RT_MEAN_SI", "7.5"))
FANGKONG_RT_STD_SI = float(os.environ.get("FANGKONG_RT_STD_SI", "3.4"))
if not (FANGKONG_RT_MEAN_SI > 1 and FANGKONG_RT_STD_SI > 0):
    raise ImproperlyConfigured("FANGKONG_RT_MEAN_SI must be more than 1 (days) and FANGKONG_RT_STD_SI more than 0")


def retention_setting(value: str) -> dict[str, int]:
    """FANGKONG_RETENTION_MONTHS: "register=months,…" as a dict (the names are checked by core.partitions)."""
    months = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _sep, count = item.partition("=")
        if not (count.strip().isdigit() and int(count) >= 3):
            raise ImproperlyConfigured(f"FANGKONG_RETENTION_MONTHS: {item!r} — expected register=months, "
                                       "months a whole number of at least 3 (e.g. check_ins=24)")
        months[name.strip()] = int(count)
    return months


FANGKONG_RETENTION_MONTHS = retention_setting(os.environ.get("FANGKONG_RETENTION_MONTHS", ""))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if _flag("FANGKONG_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even when serving from the finders
# Every asset is served by the app itself: government intranets have no CDN.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Uploads larger than Django's default 2.5 MB go to a temporary file, never more than
# FANGKONG_IMPORT_MAX_BYTES + 1 bytes of one (core.spreadsheets.LimitedUploadHandler).
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "fangkong.core.spreadsheets.LimitedUploadHandler"]
FANGKONG_IMPORT_MAX_BYTES = int(os.environ.get("FANGKONG_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
FANGKONG_IMPORT_MAX_ROWS = int(os.environ.get("FANGKONG_IMPORT_MAX_ROWS", "200000"))
FANGKONG_IMPORT_MAX_COLUMNS = int(os.environ.get("FANGKONG_IMPORT_MAX_COLUMNS", "200"))
FANGKONG_IMPORT_MAX_CELLS = int(os.environ.get("FANGKONG_IMPORT_MAX_CELLS", "6000000"))
FANGKONG_IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("FANGKONG_IMPORT_MAX_UNZIPPED_BYTES", str(500 * 1024 * 1024)))
FANGKONG_IMPORT_WORKER_MEMORY = int(os.environ.get("FANGKONG_IMPORT_WORKER_MEMORY", str(1536 * 1024 * 1024)))
FANGKONG_IMPORT_WORKER_SECONDS = int(os.environ.get("FANGKONG_IMPORT_WORKER_SECONDS", "60"))
FANGKONG_IMPORT_ERRORS_SHOWN = int(os.environ.get("FANGKONG_IMPORT_ERRORS_SHOWN", "20"))
FANGKONG_IMPORT_ERRORS_STOP = int(os.environ.get("FANGKONG_IMPORT_ERRORS_STOP", "1000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024

FANGKONG_TITLE = _("防控指挥平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
