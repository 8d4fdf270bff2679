"""The test suite: SQLite unless DATABASE_URL names a PostgreSQL server."""

from .dev import *  # noqa: F403

DEBUG = False
# A cheap hasher: the suite creates users in many tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
