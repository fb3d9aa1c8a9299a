"""Khabar's settings: every knob is read from the environment here.

docs/configuration.md lists each variable with its default. Nothing else in the
project reads ``os.environ`` for configuration. Two small modules build on this
one for the command line's offline modes (chosen by ``khabar.cli``):
``settings_loopback`` (``--allow-private``: the news web is on loopback) and
``settings_demo`` (``khabar demo``: that, with a database of its own).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def parse_seconds(value: str) -> float:
    """A duration: plain seconds, or a number with s, m, h or d (``3d``, ``36h``, ``90m``)."""
    value = value.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if value[-1] in units:
        return float(value[:-1]) * units[value[-1]]
    return float(value)


def secret_key(data_dir: Path) -> str:
    """``KHABAR_SECRET_KEY``, else a random key created once in ``<data_dir>/secret_key`` (mode 0600).

    Created atomically (written aside, then hard-linked into place), so that processes starting
    together agree on one key.
    """
    configured = os.environ.get("KHABAR_SECRET_KEY", "").strip()
    if configured:
        return configured
    path = data_dir / "secret_key"
    if not path.exists():
        import secrets

        data_dir.mkdir(parents=True, exist_ok=True)
        aside = data_dir / f".secret_key.{os.getpid()}"
        descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            aside.unlink()
    return path.read_text().strip()


def env_seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return parse_seconds(value) if value else default


DATA_DIR = Path(os.environ.get("KHABAR_DATA_DIR", "var")).resolve()
DEBUG = env_bool("KHABAR_DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KHABAR_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()
]

# --- crawling --------------------------------------------------------------
KHABAR_ALLOW_PRIVATE_ADDRESSES = env_bool("KHABAR_ALLOW_PRIVATE_ADDRESSES", False)
KHABAR_USER_AGENT = os.environ.get(
    "KHABAR_USER_AGENT",
    "KhabarBot/0.1 (+https://github.com/khabar-news/khabar; Persian news aggregator)",
)
KHABAR_FETCH_TIMEOUT = env_float("KHABAR_FETCH_TIMEOUT", 20.0)
KHABAR_MAX_RESPONSE_BYTES = int(env_float("KHABAR_MAX_RESPONSE_BYTES", 5 * 1024 * 1024))
KHABAR_PER_HOST_CONNECTIONS = int(env_float("KHABAR_PER_HOST_CONNECTIONS", 2))  # all workers together
KHABAR_HOST_MIN_GAP = env_float("KHABAR_HOST_MIN_GAP", 1.0)  # seconds between two requests to one host
KHABAR_PAUSE_FAILING_AFTER = env_seconds("KHABAR_PAUSE_FAILING_AFTER", 3 * 86400)  # then the feed is paused
KHABAR_SLOW_FEED_SECONDS = env_float("KHABAR_SLOW_FEED_SECONDS", 5.0)  # a feed answering slower is "slow"
KHABAR_POLL_SCALE = env_float("KHABAR_POLL_SCALE", 250.0)  # check interval of a feed with 1 item/hour (adaptive)


# --- database ----------------------------------------------------------------
def database(default_sqlite_file: str) -> dict:
    """The database of ``KHABAR_DATABASE_URL``, else a SQLite file of that name in ``DATA_DIR``."""
    config = dj_database_url.parse(
        os.environ.get("KHABAR_DATABASE_URL") or f"sqlite:///{DATA_DIR / default_sqlite_file}", conn_max_age=0
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the site read while the crawler writes; IMMEDIATE transactions
        # make concurrent writers queue on the busy timeout instead of failing.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        if config["NAME"] not in ("", ":memory:"):
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # A file, not shared-cache memory: crawler threads and the site server share it in tests.
        # One per test process, so that two test runs on one machine never share a database.
        config["TEST"] = {"NAME": str(DATA_DIR / f"test-khabar-{os.getpid()}.sqlite3")}
    else:
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{os.getpid()}"}
    return config


DATABASES = {"default": database("khabar.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- tasks (Django's Tasks API, django-tasks backport) -----------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "crawl"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "khabar.sources",
    "khabar.news",
    "khabar.site",
    "khabar.console",
    "khabar.search",
    "khabar.stories",
    "khabar.originals",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Behind a trusted proxy: the reader's address from X-Forwarded-For, before anything uses it.
    "khabar.site.security.ForwardedForMiddleware",
    # Answers anonymous readers from the page cache before anything else runs.
    "khabar.site.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "khabar.site.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# --- the reader's site and search (docs/configuration.md) ---------------------
KHABAR_SITE_URL = os.environ.get("KHABAR_SITE_URL", "").strip().rstrip("/")
KHABAR_CONTACT_EMAIL = os.environ.get("KHABAR_CONTACT_EMAIL", "").strip()
KHABAR_PAGE_CACHE_SECONDS = int(env_float("KHABAR_PAGE_CACHE_SECONDS", 60))
KHABAR_COMMENTS_MODERATED = env_bool("KHABAR_COMMENTS_MODERATED", True)
KHABAR_VIEWS_FLUSH_SECONDS = env_float("KHABAR_VIEWS_FLUSH_SECONDS", 10.0)
KHABAR_VIEWS_FLUSH_THRESHOLD = int(env_float("KHABAR_VIEWS_FLUSH_THRESHOLD", 500))
KHABAR_IMAGE_MAX_BYTES = int(env_float("KHABAR_IMAGE_MAX_BYTES", 3 * 1024 * 1024))

# --- stories ---------------------------------------------------------------
KHABAR_STORY_WINDOW_HOURS = env_float("KHABAR_STORY_WINDOW_HOURS", 72.0)  # an article may join a story this recent
KHABAR_FRONT_PAGE_INTERVAL = env_float(
    "KHABAR_FRONT_PAGE_INTERVAL", 300.0
)  # seconds between reads of an outlet's homepage
# Articles left this long without a story (a failed assignment) are caught up, at most this often.
KHABAR_STORY_CATCH_UP_INTERVAL = env_float("KHABAR_STORY_CATCH_UP_INTERVAL", 120.0)
# An article the assignment failed on this many times is left out of the catch-up (logged).
KHABAR_STORY_MAX_FAILURES = int(env_float("KHABAR_STORY_MAX_FAILURES", 3))
# The document frequencies the clustering learns are saved with a batch at most this often (seconds).
KHABAR_STORY_TERM_COUNTS_INTERVAL = env_float("KHABAR_STORY_TERM_COUNTS_INTERVAL", 60.0)
# --- originals: re-checks of stored articles' pages for edits and removals (docs/originals.md) ---
# Seconds after publication at which each original is fetched again (comma-separated durations).
KHABAR_ORIGINALS_RECHECK_AFTER = [
    parse_seconds(v) for v in os.environ.get("KHABAR_ORIGINALS_RECHECK_AFTER", "1h,6h,24h,7d").split(",") if v.strip()
]
# Articles of the highest-ranked stories are also re-checked this often during their first day.
KHABAR_ORIGINALS_TOP_STORIES = int(env_float("KHABAR_ORIGINALS_TOP_STORIES", 20))
KHABAR_ORIGINALS_TOP_EVERY = env_seconds("KHABAR_ORIGINALS_TOP_EVERY", 3 * 3600)
# Re-checks per outlet per hour at most, so they never crowd out new items.
KHABAR_ORIGINALS_HOST_BUDGET = int(env_float("KHABAR_ORIGINALS_HOST_BUDGET", 60))
# A page first seen gone is confirmed removed by a check at least this much later.
KHABAR_REMOVAL_CONFIRM_AFTER = env_seconds("KHABAR_REMOVAL_CONFIRM_AFTER", 3 * 3600)
# Seconds between two claims of due re-checks by the scheduler loop.
KHABAR_ORIGINALS_INTERVAL = env_float("KHABAR_ORIGINALS_INTERVAL", 60.0)
# The search backend follows the database engine unless set to a dotted path.
KHABAR_SEARCH_BACKEND = os.environ.get("KHABAR_SEARCH_BACKEND") or (
    "khabar.search.backends.postgres.PostgresSearchBackend"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else "khabar.search.backends.sqlite_fts.SqliteFtsBackend"
)
# One process: memory. Several processes (server workers, `khabar serve` + `khabar worker`): file:///dir;
# `file://` alone is <DATA_DIR>/cache (what `khabar demo` and `khabar run` use).
_cache_url = os.environ.get("KHABAR_CACHE_URL", "").strip()
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _cache_url[len("file://") :] or str(DATA_DIR / "cache"),
        }
        if _cache_url.startswith("file://")
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "khabar",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    )
}

ROOT_URLCONF = "khabar.urls"
WSGI_APPLICATION = "khabar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khabar.site.context.site_context",
            ],
            "builtins": ["khabar.site_urls"],  # {% site_url %}: {% url %} memoized
        },
    }
]

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی")]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the apps' static folders: `make demo` needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- the application server (`khabar serve`, `run`, `demo`: granian, khabar/server.py) ---------
KHABAR_SERVER_WORKERS = int(env_float("KHABAR_SERVER_WORKERS", min(2, os.cpu_count() or 1)))  # processes
KHABAR_SERVER_THREADS = int(
    env_float("KHABAR_SERVER_THREADS", 2 * (os.cpu_count() or 1) + 1)
)  # requests at once, per process
# Seconds a client has to send a request's headers; also how long an idle kept-alive connection stays open.
KHABAR_SERVER_HEADER_TIMEOUT = env_float("KHABAR_SERVER_HEADER_TIMEOUT", 10.0)
KHABAR_SERVER_ACCESS_LOG = env_bool("KHABAR_SERVER_ACCESS_LOG", True)
# Seconds a stopping worker has to finish its requests before it is killed.
KHABAR_SERVER_SHUTDOWN_TIMEOUT = env_float("KHABAR_SERVER_SHUTDOWN_TIMEOUT", 20.0)

# --- HTTPS and the reverse proxy (docs/deployment.md) ----------------------------------
_https = KHABAR_SITE_URL.startswith("https://")
# Behind a proxy that sets X-Forwarded-Proto and X-Forwarded-For (nginx, Caddy): trust both.
KHABAR_BEHIND_PROXY = env_bool("KHABAR_BEHIND_PROXY", False)
if KHABAR_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in [KHABAR_SITE_URL if _https else "", *os.environ.get("KHABAR_CSRF_TRUSTED_ORIGINS", "").split(",")]
    if origin.strip()
]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("KHABAR_SECURE_COOKIES", _https)
SECURE_HSTS_SECONDS = int(env_seconds("KHABAR_HSTS_SECONDS", 365 * 86400 if _https else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KHABAR_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("KHABAR_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("KHABAR_SSL_REDIRECT", False)
# No inline code: the site's one script is a file (site.js; JSON-LD is data); the text-only page's <style> has its hash.
KHABAR_CONTENT_SECURITY_POLICY = os.environ.get("KHABAR_CONTENT_SECURITY_POLICY", "").strip() or (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
AUTHENTICATION_BACKENDS = ["khabar.site.security.ThrottledModelBackend"]
# Failed admin sign-ins from one address within the window, then the address must wait it out.
KHABAR_LOGIN_FAILURES = int(env_float("KHABAR_LOGIN_FAILURES", 5))
KHABAR_LOGIN_FAILURE_WINDOW = env_seconds("KHABAR_LOGIN_FAILURE_WINDOW", 15 * 60)

# Server errors are logged with their traceback whatever DEBUG says (Django's own console handler
# speaks only in DEBUG); requests are in the server's access log (KHABAR_SERVER_ACCESS_LOG).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "khabar": {"handlers": ["console"], "level": os.environ.get("KHABAR_LOG_LEVEL", "INFO"), "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # 500s with their traceback (django.request), refused hosts and CSRF failures (django.security).
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Every 4xx is already in the access log; errors only.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
