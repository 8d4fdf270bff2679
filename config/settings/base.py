"""Settings shared by every environment; values that differ come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# The public site's one address, e.g. https://xephang.hungyen.gov.vn: pages name it in og:url, and a cached page
# then serves every allowed host. Empty: each request's own host (development).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "config.apps.ProvinceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "simple_history",
    "config.apps.LoginAttemptsConfig",  # django-axes
    "common",  # after axes: its admin mends one of axes'
    "agencies",
    "criteria",
    "rankings",
    "imports",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "public.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one user name from one address lock it out for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a proxy every request comes from the proxy's address: the client's is read from X-Forwarded-For, past
# exactly as many proxies as are trusted (README, "Security"). 0 when the app is reached directly.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

# Public pages are cached whole (public/cache.py) under a data version that every process must see: a change
# made by one worker, or by `manage.py unpublish`, makes every process's copy stale. Redis in production (the
# production settings refuse to start without it); without REDIS_URL, files on this machine, which the
# development server and the command line share.
CACHES = {
    "default": {"BACKEND": "common.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
          "LOCATION": os.environ.get("CACHE_DIR", BASE_DIR / ".cache")}
}
# A cached public page lives a day at most; a change makes it stale at once anyway.
PUBLIC_PAGE_CACHE_SECONDS = 24 * 3600
# Each process also keeps its own copies of the pages it served last, up to this many bytes (a ranking page of a
# large block is ~100 KB): a hit then reads only the data version from the shared cache, not the page.
PUBLIC_PAGE_COPIES_BYTES = int(os.environ.get("PUBLIC_PAGE_COPIES_BYTES", 16 * 1024 * 1024))

# Admin sessions end after eight hours, or when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A previewed score sheet waits for its confirmation no longer than the session that knows its name.
IMPORT_PREVIEW_MAX_AGE = timedelta(seconds=SESSION_COOKIE_AGE)
# What a score sheet may be, checked before it is parsed: a few kilobytes of zip can claim gigabytes.
SCORE_IMPORT_MAX_BYTES = 5 * 1024 * 1024
SCORE_IMPORT_MAX_ROWS = 20_000
SCORE_IMPORT_MAX_COLUMNS = 500
SCORE_IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# An evidence file (nginx's client_max_body_size leaves room for it and the form).
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

# No inline script anywhere (the site has no JavaScript of its own; the admin's is served as files).
# Inline styles stay allowed: the server-drawn SVG charts carry their own <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"
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
                "public.context_processors.languages",
                "public.context_processors.canonical_url",
            ],
        },
    },
]

# SQLite in a file next to the code unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler pays off in long reports, not in web pages: a ranking query it over-estimated
    # once spent a second compiling to run in 25 ms (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Evidence and imported sheets: outside MEDIA_ROOT, never served as files; views check who may read them.
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", BASE_DIR / "private"))


def storages(private_root, staticfiles_backend="whitenoise.storage.CompressedManifestStaticFilesStorage"):
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "rankings.files.PrivateStorage", "OPTIONS": {"location": private_root}},
        "staticfiles": {"BACKEND": staticfiles_backend},
    }


STORAGES = storages(PRIVATE_FILES_ROOT)

# E-mail to the people each step of a round concerns (rankings.notifications), through this SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xep-hang-cqdt@localhost")

# The reasons kept with each change (unpublishing a year, reopening a submission) are the reporters' and staff's own
# words, of any length: a text field, not django-simple-history's 100 characters (PostgreSQL would refuse more).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
