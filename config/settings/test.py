"""The test suite: SQLite unless DATABASE_URL names a PostgreSQL server."""

import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
# One process: each test starts with an empty cache (tests/conftest.py); the tests of several processes set Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A cheap hasher: the suite creates users in many tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Uploaded and imported files of the test run go to a temporary folder, never into the checkout.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cqdt-test-media-"))
PRIVATE_FILES_ROOT = MEDIA_ROOT.parent / f"{MEDIA_ROOT.name}-private"
STORAGES = storages(PRIVATE_FILES_ROOT, "django.contrib.staticfiles.storage.StaticFilesStorage")  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file rather than memory, so that a test can close the connection (the database going away) and reopen it.
    DATABASES["default"]["TEST"] = {"NAME": str(MEDIA_ROOT.parent / f"{MEDIA_ROOT.name}.sqlite3")}  # noqa: F405
