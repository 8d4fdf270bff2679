"""Local development: `make run`. Never used in production."""

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)  # noqa: F405
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key"  # noqa: F405
STORAGES = storages(PRIVATE_FILES_ROOT, "django.contrib.staticfiles.storage.StaticFilesStorage")  # noqa: F405
# Static files straight from the apps and static/, without collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# `make run` has no mail server: the round's e-mails are printed where the server runs, unless EMAIL_HOST names one.
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if "EMAIL_HOST" in os.environ  # noqa: F405
                 else "django.core.mail.backends.console.EmailBackend")
