"""`make loadtest`: gunicorn on PostgreSQL with the M dataset, 50 locust readers for 60 s, twice: on their own,
then while a 10,000-score import runs. Everything on loopback; it stops by itself.

Prints requests per second, median and 99th-percentile latency, and the error count (which must be 0).
"""

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("LOADTEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "cqdt_loadtest"
PORT = "8765"
USERS, SECONDS = 50, 60


def run(*command, env, **kwargs):
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


def fresh_database():
    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def locust(env, workdir, label):
    prefix = workdir / label
    subprocess.run([PYTHON, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
                    "-u", str(USERS), "-r", "25", "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{PORT}",
                    "--csv", str(prefix), "--only-summary", "--stop-timeout", "5"],
                   env=env, cwd=ROOT, check=False, capture_output=True)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p99_ms": float(total["99%"]),
    }


def main():
    workdir = Path(tempfile.mkdtemp(prefix="cqdt-loadtest-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DATABASE_URL": f"{SERVER}/{DATABASE}", "SECRET_KEY": "loadtest-only-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "HTTPS": "false", "REDIS_URL": "redis://127.0.0.1:6379/14",
           "PRIVATE_FILES_ROOT": str(workdir / "private"), "LOADTEST_YEAR": "2011"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    fresh_database()
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
    sheet = workdir / "import.xlsx"
    loaded = run(PYTHON, "-m", "benchmarks", "load_synthetic", "--size", "M", "--import-sheet", str(sheet), env=env,
                 capture_output=True, text=True)
    *_, import_year, _and, _block, import_group = loaded.stdout.split()
    run(PYTHON, "-c", "import redis; redis.Redis.from_url('redis://127.0.0.1:6379/14').flushdb()", env=env)
    workers = 2 * (os.cpu_count() or 1) + 1
    server = subprocess.Popen([PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{PORT}",
                               "--workers", str(workers), "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        wait_for(f"http://127.0.0.1:{PORT}/healthz")
        results = {"readers only": locust(env, workdir, "alone")}
        importer = subprocess.Popen([PYTHON, "manage.py", "import_scores", str(sheet), "--year", import_year,
                                     "--group", import_group], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        results["while importing 10,000 scores"] = locust(env, workdir, "importing")
        imported = importer.wait(timeout=300) == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = io.StringIO()
    out.write(f"gunicorn workers: {workers}; {USERS} users for {SECONDS} s each run\n")
    out.write(f"{'run':<32}{'requests':>10}{'rps':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}\n")
    for name, figures in results.items():
        out.write(f"{name:<32}{figures['requests']:>10}{figures['rps']:>8}{figures['p50_ms']:>9.0f}"
                  f"{figures['p99_ms']:>9.0f}{figures['errors']:>8}\n")
    out.write(f"import of 10,000 scores during the second run: {'succeeded' if imported else 'FAILED'}\n")
    print(out.getvalue())
    errors = sum(figures["errors"] for figures in results.values())
    sys.exit(0 if errors == 0 and imported else 1)


if __name__ == "__main__":
    main()
