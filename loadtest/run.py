"""`make loadtest`: the docker-compose topology as local processes, measured with wrk.

nginx (Debian's package, its own configuration in a temporary directory, built from deploy/nginx.conf) in front
of two gunicorn replicas (config.wsgi on the production settings with config/gunicorn.py's workers and threads,
whitenoise serving the collected static files), PostgreSQL (a fresh database) and Redis (a spare database
number), with the synthetic dataset (M by default). wrk, on the same machine, measures five runs through nginx:

1. the cached ranking page;
2. a static file (/static/css/site.css), served by whitenoise through the same nginx and gunicorn;
3. a mix of public pages (home, every block's ranking, criteria, comparison and JSON download, agency pages),
   after one visit of each;
4. the mix again while a 10,000-score import runs (`manage.py import_scores`, in another process);
5. the mix right after the newest year is unpublished and published again (`manage.py unpublish`, `publish`):
   publication moves the data version on, so every page starts uncached.

For each: requests per second, p50, p99 and errors (socket errors: connect, read, write, timeout; and responses
of status 400 or more). Targets: the cached page's throughput at least half the static file's, p99 at most five
times p50, no error in any run. Prints a table, writes JSON with --json FILE, and exits 1 when a target is
missed. Everything it starts it stops, and it drops its database and deletes its files, also on failure.
"""

import argparse
import json
import os
import platform
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("LOADTEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# A Redis database number nothing else here uses (the bench uses 7, the tests 12 to 15); emptied before and after.
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/11")
# Each replica's workers and threads, as docker-compose has them (WEB_CONCURRENCY and WEB_THREADS change both).
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.py"
GUNICORN = runpy.run_path(str(GUNICORN_CONFIG))
REPLICAS = 2
AGENCY_PAGES_PER_BLOCK = 5
STATIC_PATH = "/static/css/site.css"
# Lines of gunicorn's and nginx's logs that tell of a problem.
PROBLEM = re.compile(r"Traceback|ERROR|CRITICAL|WORKER TIMEOUT|Error:|\[(error|crit|alert|emerg)\]")
TARGETS = {
    "cached_vs_static": "cached page req/s ≥ 0.5 × static file req/s",
    "p99_vs_p50": "p99 ≤ 5 × p50 in every run",
    "errors": "0 errors in every run",
}


class Stop(Exception):
    """SIGTERM or SIGHUP: stop, cleaning up on the way out as on any failure."""


def _stop(signum, _frame):
    raise Stop(f"stopped by signal {signum}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, timeout=30):
    """(status, body) of a GET; 3xx are not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited ({process.returncode}) before {url} answered")
        try:
            if get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class LoadTest:
    def __init__(self, args):
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix="cqdt-loadtest-"))
        self.database = f"cqdt_loadtest_{os.getpid()}"
        self.processes = []  # (name, Popen), each in a session of its own: stopped by its process group
        self.database_created = False
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
                    "DATABASE_URL": f"{SERVER}/{self.database}", "SECRET_KEY": "loadtest-only-" + "x" * 40,
                    "ALLOWED_HOSTS": "127.0.0.1,localhost", "HTTPS": "false", "REDIS_URL": REDIS_URL,
                    "TRUSTED_PROXY_COUNT": "1", "STATIC_ROOT": str(self.workdir / "static"),
                    "PRIVATE_FILES_ROOT": str(self.workdir / "private"), "PYTHONUNBUFFERED": "1"}
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL", "CACHE_DIR"):
            self.env.pop(name, None)

    # -- set-up and clean-up -------------------------------------------------------------------------------

    def python(self, *arguments):
        """Run Python with the servers' environment; its output is shown only if it fails."""
        done = subprocess.run([PYTHON, *arguments], env=self.env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
        return done

    def manage(self, *arguments):
        return self.python("manage.py", *arguments)

    def admin(self, statement):
        connection = psycopg2.connect(f"{SERVER}/postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def query(self, statement):
        connection = psycopg2.connect(f"{SERVER}/{self.database}")
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall()
        finally:
            connection.close()

    def start(self, name, command, log):
        handle = open(log, "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        handle.close()
        self.processes.append((name, process))
        return process

    def stop_all(self):
        for name, process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    print(f"{name} did not stop within 30 s; killing it", file=sys.stderr)
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                except ProcessLookupError:
                    pass
            elif name != "import":  # a server's workers may outlive its master
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.processes = []

    def cleanup(self):
        try:
            self.stop_all()
        finally:
            try:
                if self.database_created:
                    self.admin(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
                redis.Redis.from_url(REDIS_URL).flushdb()
            finally:
                shutil.rmtree(self.workdir, ignore_errors=True)

    def prepare(self):
        timings = {}
        self.admin(f"CREATE DATABASE {self.database}")
        self.database_created = True
        redis.Redis.from_url(REDIS_URL).flushdb()
        began = time.monotonic()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        timings["migrate_and_collectstatic_s"] = round(time.monotonic() - began, 1)
        sheet = self.workdir / "nhap-thu.xlsx"
        began = time.monotonic()
        loaded = self.python("-m", "benchmarks", "load_synthetic", "--size", self.args.size,
                             "--import-sheet", str(sheet))
        timings["load_synthetic_s"] = round(time.monotonic() - began, 1)
        # The last line: "import sheet FILE for year YEAR and block SLUG".
        *_, import_year, _and, _block, import_block = loaded.stdout.split()
        self.import_command = ["import_scores", str(sheet), "--year", import_year, "--group", import_block]
        [(self.year, scores)] = self.query(
            "SELECT max(y.year), (SELECT count(*) FROM rankings_score) FROM criteria_evaluationyear y "
            "WHERE y.status = 'published'")
        timings["scores"] = scores
        blocks = {}
        for block, agency in self.query("SELECT g.slug, a.slug FROM agencies_agency a JOIN agencies_agencygroup g "
                                        "ON g.id = a.group_id ORDER BY g.\"order\", a.\"order\""):
            blocks.setdefault(block, []).append(agency)
        self.ranking_path = f"/rankings/{self.year}/{next(iter(blocks))}/"
        self.mix = self.mix_paths(blocks)
        (self.workdir / "mix.txt").write_text("\n".join(self.mix) + "\n")
        return timings

    def mix_paths(self, blocks):
        """The public pages readers open, interleaved: the home page, and for each block its ranking, its
        criteria, a comparison of two of its agencies, its JSON download and a few of its agencies' pages."""
        paths = ["/"]
        for n in range(AGENCY_PAGES_PER_BLOCK):
            for block, agencies in blocks.items():
                step = max(1, len(agencies) // AGENCY_PAGES_PER_BLOCK)
                page = [f"/agencies/{agencies[n * step % len(agencies)]}/"]
                if n == 0:
                    page.insert(0, f"/rankings/{self.year}/{block}/")
                elif n == 1:
                    page.insert(0, f"/criteria/{self.year}/{block}/")
                elif n == 2:
                    page.insert(0, f"/compare/?year={self.year}&agencies={agencies[0]},{agencies[-1]}")
                elif n == 3:
                    page.insert(0, f"/rankings/{self.year}/{block}.json")
                paths.extend(page)
        return paths

    def serve(self):
        ports = [free_port() for _ in range(REPLICAS)]
        for n, port in enumerate(ports, 1):
            # Each its own control socket: in docker-compose each replica has its own file system; here the two
            # would share ~/.gunicorn/gunicorn.ctl and the second would log an error.
            self.start(f"gunicorn {n}", [PYTHON, "-m", "gunicorn", "config.wsgi", "-c", str(GUNICORN_CONFIG),
                                         "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                                         "--control-socket", str(self.workdir / f"gunicorn-{n}.ctl")],
                       self.workdir / f"gunicorn-{n}.log")
        for (_name, process), port in zip(self.processes, ports, strict=True):
            wait_for(f"http://127.0.0.1:{port}/healthz", process)
        self.port = free_port()
        self.start("nginx", [self.nginx, "-p", str(self.nginx_dir()), "-e", str(self.workdir / "nginx" / "error.log"),
                             "-c", str(self.nginx_conf(ports))], self.workdir / "nginx.log")
        wait_for(f"{self.base}/healthz", self.processes[-1][1])

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def nginx_dir(self):
        directory = self.workdir / "nginx"
        directory.mkdir(exist_ok=True)
        # Started as root, nginx's workers run as nobody: they must reach their temporary files in here.
        os.chmod(self.workdir, 0o711)
        os.chmod(directory, 0o755)
        return directory

    def nginx_conf(self, ports):
        """deploy/nginx.conf with the two replicas' ports and a local port, inside a main configuration that
        keeps everything (pid, logs, temporary files) in the temporary directory."""
        directory = self.nginx_dir()
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        servers = "".join(f"server 127.0.0.1:{port};\n    " for port in ports)
        site, upstreams = re.subn(r"server web:8000;\n\s*", servers, site)
        site, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{self.port};", site)
        if (upstreams, listens) != (1, 1):
            raise RuntimeError("deploy/nginx.conf no longer has one `server web:8000;` and one `listen 80;`")
        temp = "\n".join(f"    {kind}_temp_path {directory / kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        access_log = "    access_log off;"
        if self.args.access_log:  # for looking into a run, not for measuring it
            access_log = ("    log_format timed '$msec $request_time $upstream_response_time $upstream_addr $status "
                          "$body_bytes_sent \"$request_uri\"';\n"
                          f"    access_log {Path(self.args.access_log).resolve()} timed;")
        conf = directory / "nginx.conf"
        conf.write_text(f"""daemon off;
worker_processes auto;
pid {directory / 'nginx.pid'};
error_log {directory / 'error.log'} warn;
events {{
    worker_connections 4096;
}}
http {{
{access_log}
{temp}
{site}
}}
""")
        return conf

    # -- measuring ------------------------------------------------------------------------------------------

    def wrk(self, path, *, mix=False):
        args = self.args
        command = [self.wrk_binary, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
                   "--timeout", f"{args.timeout}s", "--latency", "-s", str(ROOT / "loadtest" / "wrk.lua"),
                   f"{self.base}{path}"]
        if mix:
            command += ["--", str(self.workdir / "mix.txt")]
        started = time.time()
        finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                                  timeout=args.duration + 60)
        line = next(line for line in finished.stdout.splitlines() if line.startswith("LOADTEST "))
        raw = json.loads(line.removeprefix("LOADTEST "))
        socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
        return {
            "requests": raw["requests"],
            "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "p50_ms": round(raw["p50_us"] / 1000, 2),
            "p90_ms": round(raw["p90_us"] / 1000, 2),
            "p99_ms": round(raw["p99_us"] / 1000, 2),
            "max_ms": round(raw["max_us"] / 1000, 1),
            "errors": socket_errors + raw["status"],
            "errors_detail": {name: raw[name] for name in ("connect", "read", "write", "timeout", "status")},
            "mb_per_s": round(raw["bytes"] / raw["duration_us"], 2),
            "started_at": round(started, 3),  # Unix time, to find the run in an access log
        }

    def check_pages(self, paths):
        """Every path answers 200 (this also puts each page in the cache)."""
        wrong = {}
        for path in paths:
            status, _body = get(f"{self.base}{path}")
            if status != 200:
                wrong[path] = status
        if wrong:
            raise RuntimeError(f"pages that did not answer 200: {wrong}")

    @staticmethod
    def data_version():
        """The public pages' data version (common/data_version.py), as the cache holds it."""
        cache = redis.Redis.from_url(REDIS_URL)
        return next((cache.get(key) for key in cache.scan_iter(match="*public-data-version")), None)

    def measure(self):
        runs = {}
        versions = [self.data_version()]
        self.check_pages([self.ranking_path, STATIC_PATH])
        runs["cached ranking page"] = self.wrk(self.ranking_path)
        runs["static file"] = self.wrk(STATIC_PATH)
        self.check_pages(self.mix)
        runs["public pages (mix)"] = self.wrk("/", mix=True)

        began = time.monotonic()
        self.import_started_at = round(time.time(), 3)
        importer = self.start("import", [PYTHON, "manage.py", *self.import_command], self.workdir / "import.log")
        ended = []
        watcher = threading.Thread(target=lambda: ended.append((importer.wait(), time.monotonic())), daemon=True)
        watcher.start()
        runs["mix during a 10,000-score import"] = self.wrk("/", mix=True)
        watcher.join(timeout=600)
        if not ended or ended[0][0] != 0:
            raise RuntimeError(f"the import failed:\n{(self.workdir / 'import.log').read_text()}")
        self.import_s = round(ended[0][1] - began, 1)
        self.import_within_run = self.import_s < self.args.duration
        versions.append(self.data_version())

        began = time.monotonic()
        self.manage("unpublish", str(self.year), "--reason", "load test: publication day")
        self.manage("publish", str(self.year), "--decision", "1/QĐ-LOADTEST", "--signed-on", f"{self.year + 1}-05-01")
        self.republish_s = round(time.monotonic() - began, 1)
        versions.append(self.data_version())
        # The publication moved the data version on: every cached page is stale. The import, into a draft year that
        # no public page shows, does not.
        self.version_moved = {"by the import": versions[1] != versions[0],
                              "by the publication": versions[2] != versions[1]}
        # --cold-every: to see how run 5 depends on the renders it waits for (not the target's run)
        self.rendered_before_run_5 = [path for n, path in enumerate(self.mix) if n % self.args.cold_every]
        self.check_pages(self.rendered_before_run_5)
        cold = "cache empty" if self.args.cold_every == 1 else f"1 page in {self.args.cold_every} uncached"
        runs[f"mix right after a publish ({cold})"] = self.wrk("/", mix=True)
        self.check_pages(self.mix)
        return runs

    # -- the whole ---------------------------------------------------------------------------------------------

    def run(self):
        self.nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
        self.wrk_binary = shutil.which("wrk")
        if not self.nginx or not self.wrk_binary:
            raise SystemExit("nginx and wrk are needed: `make system-packages` (apt-get install nginx wrk)")
        timings = self.prepare()
        self.serve()
        runs = self.measure()
        return timings, runs

    def logs(self):
        """Lines of the servers' logs that tell of a problem: tracebacks, errors, worker timeouts."""
        found = []
        for log in sorted(self.workdir.glob("gunicorn-*.log")) + [self.workdir / "nginx" / "error.log"]:
            if log.exists():
                for line in log.read_text(errors="replace").splitlines():
                    if PROBLEM.search(line):
                        found.append(f"{log.name}: {line}")
        return found


def evaluate(runs):
    cached, static = runs["cached ranking page"]["rps"], runs["static file"]["rps"]
    ratios = {name: figures["p99_ms"] / figures["p50_ms"] for name, figures in runs.items()}
    return {
        "cached_vs_static": {"value": round(cached / static, 2), "met": cached >= 0.5 * static},
        # Judged before rounding: 5.04 × p50 is a miss.
        "p99_vs_p50": {"value": {name: round(ratio, 2) for name, ratio in ratios.items()},
                       "met": all(ratio <= 5 for ratio in ratios.values())},
        "errors": {"value": {name: figures["errors"] for name, figures in runs.items()},
                   "met": all(figures["errors"] == 0 for figures in runs.values())},
    }


def table(report):
    out = [f"{'run':<50}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/p50':>8}{'errors':>8}"]
    ratios = report["targets"]["p99_vs_p50"]["value"]  # as evaluate works them out
    for name, figures in report["runs"].items():
        out.append(f"{name:<50}{figures['requests']:>9}{figures['rps']:>9.0f}{figures['p50_ms']:>9.1f}"
                   f"{figures['p99_ms']:>9.1f}{ratios[name]:>8.2f}{figures['errors']:>8}")
        details = {kind: count for kind, count in figures["errors_detail"].items() if count}
        if details:
            out.append(f"{'':<50}errors: {details}")
    out.append("")
    for name, target in report["targets"].items():
        value = target["value"] if name == "cached_vs_static" else ""
        out.append(f"{TARGETS[name]:<52}{value!s:>6}  {'met' if target['met'] else 'MISSED'}")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M", help="synthetic dataset size (S, M, L); M by default")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (-c)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per run (-d)")
    parser.add_argument("--timeout", type=int, default=2, help="wrk's request timeout in seconds (its default: 2)")
    parser.add_argument("--json", dest="json_file", help="also write the figures to this file")
    parser.add_argument("--access-log", help="have nginx log every request with its times to this file (slows "
                        "it down: to look into a run, not to measure one)")
    parser.add_argument("--cold-every", type=int, default=1, metavar="N",
                        help="render all but one page in N of the mix after the publication, before run 5 (to see how "
                        "its p99 depends on the renders left; 1, the default, leaves them all to run 5 as the target "
                        "asks)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)

    load_average = [round(load, 2) for load in os.getloadavg()]  # the machine may be shared: how busy it was
    test = LoadTest(args)
    try:
        timings, runs = test.run()
        problems = test.logs()
    except (Stop, KeyboardInterrupt) as stop:
        print(f"load test {stop or 'interrupted'}: stopping everything it started", file=sys.stderr)
        return 130
    except Exception:
        for line in test.logs()[:40]:  # what the servers said, before their logs go with the temporary directory
            print(line, file=sys.stderr)
        raise
    finally:
        test.cleanup()

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_at_start": load_average},
        "topology": {"nginx": subprocess.run([test.nginx, "-v"], capture_output=True, text=True).stderr.strip(),
                     "gunicorn_replicas": REPLICAS, "workers_per_replica": GUNICORN["workers"],
                     "threads_per_worker": GUNICORN["threads"],
                     "settings": "config.settings.production", "https": False},
        "wrk": {"threads": args.threads, "connections": args.connections, "duration_s": args.duration,
                "timeout_s": args.timeout},
        "size": args.size,
        **timings,
        "ranking_page": test.ranking_path,
        "static_file": STATIC_PATH,
        "mix": test.mix,
        "import_s": test.import_s,
        "import_ended_within_run": test.import_within_run,
        "import_started_at": test.import_started_at,
        "data_version_moved": test.version_moved,
        "unpublish_and_publish_s": test.republish_s,
        "run_5_pages_rendered_before": len(test.rendered_before_run_5),
        "runs": runs,
        "targets": evaluate(runs),
        "server_log_problems": problems,
    }
    print(f"{args.size}: {timings['scores']:,} scores, loaded in {timings['load_synthetic_s']} s; "
          f"{REPLICAS} gunicorn replicas × {GUNICORN['workers']} workers × {GUNICORN['threads']} threads behind nginx, "
          f"{os.cpu_count()} CPUs; "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --timeout {args.timeout}s; "
          f"{len(test.mix)} pages in the mix")
    print(f"load average at start: {load_average}; import of 10,000 scores during run 4: {test.import_s} s "
          f"(from the run's start); unpublish + publish before run 5: {test.republish_s} s; "
          f"data version moved: {test.version_moved}")
    print(table(report))
    if problems:
        print(f"\n{len(problems)} problem lines in the servers' logs, the first ones:")
        print("\n".join(problems[:20]))
    if args.cold_every > 1:
        print(f"\nRun 5 began with {report['run_5_pages_rendered_before']} of the mix's {len(test.mix)} pages rendered "
              "(--cold-every): not the run the target asks for.")
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(target["met"] for target in report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
