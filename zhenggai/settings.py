"""Settings: one file that runs on a fresh checkout with SQLite, configured by environment."""

import atexit
import ipaddress
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [part.strip() for part in value.split(",") if part.strip()] if value else default


def env_networks(name: str) -> list:
    """Comma-separated IP addresses or networks (10.0.0.0/8)."""
    networks = []
    for part in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {part!r} is not an IP address or network"
            ) from None
    return networks


def env_choice(name: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or choices[0]
    matches = [choice for choice in choices if choice.lower() == value.lower()]
    if not matches:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return matches[0]


def read_secret_key(data: Path) -> str:
    """The key from the environment, or one generated once and kept in the data folder."""
    if os.environ.get("ZHENGGAI_SECRET_KEY"):
        return os.environ["ZHENGGAI_SECRET_KEY"]
    path = data / "secret_key"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
        except FileExistsError:
            pass
    return path.read_text().strip()


def database_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"ZHENGGAI_DATABASE_URL: unsupported scheme {parts.scheme!r}, use postgresql://"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "zhenggai",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def data_dir() -> Path:
    """ZHENGGAI_DATA, else ./zhenggai-data; a test run without it gets a temporary folder.

    Settings load before any conftest, so the test run is recognised here: running the
    suite must never write into the folder (the repository) it was started from. The
    folder is exported so that commands the tests start use it too.
    """
    if os.environ.get("ZHENGGAI_DATA"):
        return Path(os.environ["ZHENGGAI_DATA"]).resolve()
    if "pytest" in sys.modules:
        path = Path(tempfile.mkdtemp(prefix="zhenggai-test-"))
        os.environ["ZHENGGAI_DATA"] = str(path)
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        return path
    return Path("zhenggai-data").resolve()


DATA_DIR = data_dir()
DEBUG = env_bool("ZHENGGAI_DEBUG", False)
# `zhenggai demo` sets it: the login page lists the demo logins (zhenggai/demo.py).
DEMO = env_bool("ZHENGGAI_DEMO", False)
SECRET_KEY = read_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ZHENGGAI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("ZHENGGAI_CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies in front of the application, and the header in which they name
# the client: the log-in throttle and the comment limit count by that address
# (zhenggai.middleware.client_address), and `zhenggai serve` tells waitress.
TRUSTED_PROXIES = env_networks("ZHENGGAI_TRUSTED_PROXIES")
PROXY_HEADER = env_choice("ZHENGGAI_PROXY_HEADER", ("X-Forwarded-For", "X-Real-IP"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "zhenggai.accounts",
    "zhenggai.audit",
    "zhenggai.ledger",
    "zhenggai.oversight",
    "zhenggai.disclosure",
    "zhenggai.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhenggai.middleware.security_headers",
    # A NUL in a query string is refused before any view hands it to PostgreSQL.
    "zhenggai.middleware.refuse_nul",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: everything users read is Chinese, whatever the browser asks.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A browser that logged in as an account is known to its throttle next time.
    "zhenggai.accounts.throttle.device_cookie",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle time-out and the password a user must set first (after auth and messages).
    "zhenggai.accounts.policy.SessionPolicy",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zhenggai.urls"
WSGI_APPLICATION = "zhenggai.wsgi.application"

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
                "zhenggai.oversight.context.oversight_nav",
                "zhenggai.accounts.context.org_nav",
                "zhenggai.demo.login_hints",
            ],
        },
    },
]

if os.environ.get("ZHENGGAI_DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["ZHENGGAI_DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "zhenggai.sqlite3",
            "OPTIONS": {
                # Writers take the lock at BEGIN, so two writers queue instead of one
                # failing with "database is locked" halfway through its transaction.
                "transaction_mode": "IMMEDIATE",
                # Wait up to 20 s for the lock rather than erroring at once.
                "timeout": 20,
                # WAL lets readers go on while one writer writes; NORMAL sync is
                # durable across application crashes, and safe in WAL mode.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            # Tests use a file too, not shared-cache memory: concurrency tests need
            # real locking with the busy timeout, as in production.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every log-in (the site's, the admin's, any authenticate()) passes the throttle.
AUTHENTICATION_BACKENDS = ["zhenggai.accounts.throttle.ThrottledBackend"]

# Password and session policy (等保 2.0 level 3); zhenggai/accounts/passwords.py, policy.py.
PASSWORD_MIN_LENGTH = env_int("ZHENGGAI_PASSWORD_MIN_LENGTH", 8)
PASSWORD_CLASSES = env_int("ZHENGGAI_PASSWORD_CLASSES", 3)
PASSWORD_HISTORY = env_int("ZHENGGAI_PASSWORD_HISTORY", 5)
PASSWORD_MAX_AGE_DAYS = env_int("ZHENGGAI_PASSWORD_MAX_AGE_DAYS", 0)  # 0: never expires
SESSION_IDLE_MINUTES = env_int("ZHENGGAI_SESSION_IDLE_MINUTES", 30)
if PASSWORD_MIN_LENGTH < 8 or not 1 <= PASSWORD_CLASSES <= 4 or SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(
        "ZHENGGAI_PASSWORD_MIN_LENGTH must be at least 8, ZHENGGAI_PASSWORD_CLASSES 1 to 4, "
        "ZHENGGAI_SESSION_IDLE_MINUTES at least 1"
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhenggai.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "zhenggai.accounts.passwords.HistoryValidator"},
]
# Django's own, then the fast hasher of machine-made one-time passwords (never preferred).
PASSWORD_HASHERS = [
    *global_settings.PASSWORD_HASHERS,
    "zhenggai.accounts.passwords.OneTimePasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Assets are served straight from the package: no collectstatic step, no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Files every site serves at its root: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = DATA_DIR / "evidence"
# The audit chain's keys and anchors live outside the database (zhenggai/audit/keys.py,
# anchors.py); keep the anchor file where the database's writers cannot change it.
AUDIT_KEY = os.environ.get("ZHENGGAI_AUDIT_KEY", "")
AUDIT_KEY_FILE = Path(os.environ.get("ZHENGGAI_AUDIT_KEY_FILE") or DATA_DIR / "audit_key")
AUDIT_ANCHOR_FILE = Path(os.environ.get("ZHENGGAI_AUDIT_ANCHOR_FILE") or DATA_DIR / "audit_anchors")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "todo:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Evidence uploads: the limit is checked before a file is stored.
EVIDENCE_MAX_BYTES = env_int("ZHENGGAI_EVIDENCE_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Imported files (notices, ledger workbooks) are untrusted: sizes are checked before
# anything is unpacked, and the page reads them in a child process bounded in memory
# and time (zhenggai/ledger/sandbox.py). Sized to real documents: a notice is under
# 100,000 characters, a round's workbook under 50,000 rows of about 15 columns; the
# limits leave ten times that, and the README says why.
IMPORT_MAX_BYTES = env_int("ZHENGGAI_IMPORT_MAX_MB", 20) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("ZHENGGAI_IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_COLUMNS = env_int("ZHENGGAI_IMPORT_MAX_COLUMNS", 100)
NOTICE_MAX_CHARS = env_int("ZHENGGAI_NOTICE_MAX_CHARS", 1_000_000)
IMPORT_MEMORY_MB = env_int("ZHENGGAI_IMPORT_MEMORY_MB", 1024)
IMPORT_SECONDS = env_int("ZHENGGAI_IMPORT_SECONDS", 60)
IMPORT_PARALLEL = env_int("ZHENGGAI_IMPORT_PARALLEL", 2)
# Uploads waiting between preview and commit in $ZHENGGAI_DATA/imports.
IMPORT_QUOTA_BYTES = env_int("ZHENGGAI_IMPORT_QUOTA_MB", 100) * 1024 * 1024
IMPORT_KEEP_HOURS = env_int("ZHENGGAI_IMPORT_KEEP_HOURS", 8)

SITE_URL = os.environ.get("ZHENGGAI_SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = os.environ.get("ZHENGGAI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ZHENGGAI_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("ZHENGGAI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZHENGGAI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZHENGGAI_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ZHENGGAI_EMAIL_FROM", "zhenggai@localhost")
# One-time passwords go by mail (to users with an address) once a mail server is named.
PASSWORD_BY_MAIL = bool(os.environ.get("ZHENGGAI_EMAIL_HOST"))
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Outside debug, cookies only travel over HTTPS unless the deployment says otherwise
# (an intranet without TLS sets ZHENGGAI_HTTPS=false knowingly).
HTTPS = env_bool("ZHENGGAI_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("ZHENGGAI_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
# Intranet hosts are not on browsers' HSTS preload list, and the unit's other
# subdomains are not ours to force onto HTTPS.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "zhenggai.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"

# A refused or missing page (403, 404, bad CSRF token) logs one line, not a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "zhenggai.middleware.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The console's filter takes every logger's 4xx (django.security.DisallowedHost, …);
    # the loggers' own give every handler the one line, not only the console.
    "loggers": {
        name: {"filters": ["one_line_refusals"]}
        for name in ("django.request", "django.security.csrf")
    },
}
