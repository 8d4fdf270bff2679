import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

LOAD_PRODUCTION_SETTINGS = "import django; django.setup(); print('started')"


def start_with_production_settings(**environment):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **environment)
    return subprocess.run([sys.executable, "-c", LOAD_PRODUCTION_SETTINGS], env=env, capture_output=True,
                          text=True, cwd=settings.BASE_DIR, timeout=60)


PRODUCTION = {"SECRET_KEY": "a-real-secret", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
              "REDIS_URL": "redis://127.0.0.1:6379/14"}


@pytest.mark.parametrize("missing", PRODUCTION)
def test_production_refuses_to_start_without_a_secret_key_a_database_or_a_shared_cache(missing):
    result = start_with_production_settings(**{name: value for name, value in PRODUCTION.items() if name != missing})
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_starts_with_all_three():
    result = start_with_production_settings(**PRODUCTION)
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
