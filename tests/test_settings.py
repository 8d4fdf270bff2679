import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

LOAD_PRODUCTION_SETTINGS = "import django; django.setup(); print('started')"


def start_with_production_settings(**environment):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **environment)
    return subprocess.run([sys.executable, "-c", LOAD_PRODUCTION_SETTINGS], env=env, capture_output=True,
                          text=True, cwd=settings.BASE_DIR, timeout=60)


@pytest.mark.parametrize(
    ("environment", "missing"),
    [
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a-real-secret"}, "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without_a_secret_key_or_database(environment, missing):
    result = start_with_production_settings(**environment)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_starts_with_both():
    result = start_with_production_settings(
        SECRET_KEY="a-real-secret", DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.django_db
def test_the_health_check_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="PostgreSQL's JIT compiler")
def test_postgresql_sessions_run_without_the_jit_compiler():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
