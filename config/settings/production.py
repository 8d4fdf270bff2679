"""Production: gunicorn behind a proxy, PostgreSQL, static files from whitenoise.

Fails loudly at start-up when a required variable is missing, rather than running on a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

# REDIS_URL too: several gunicorn workers (and replicas) must share one cache, or a year unpublished in one
# process keeps being served by the others.
for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"Set the {required} environment variable for production.")

DEBUG = False
# Served over HTTPS by a proxy in front (HTTPS=false only for a local, plain-HTTP trial).
HTTPS = env_bool("HTTPS", True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
# The health check is asked over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")  # noqa: F405
# The first allowed host unless said otherwise: a cached page never carries the host of whoever asked first.
if not SITE_URL:  # noqa: F405
    plain = [host for host in ALLOWED_HOSTS if host != "*" and not host.startswith(".")]  # noqa: F405
    if not plain:
        raise ImproperlyConfigured("Set the SITE_URL environment variable (the public address) for production.")
    SITE_URL = f"{'https' if HTTPS else 'http'}://{plain[0]}"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
