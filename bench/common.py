"""What every bench script shares: the benchmark database, the server's environment and Django set-up."""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")

PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DB", "lingo_bench")
DEMO_COURSE_FILE = ROOT / "fixtures" / "courses" / "spanish-for-english-speakers.yaml"
BENCH_PASSWORD = "Bench-Learner-Passw0rd"  # noqa: S105 (bench learners on a throwaway database)
BENCH_EMAIL = "bench-learner-{:05d}@example.com"


def server_env(database: str = BENCH_DB, **extra: str) -> dict[str, str]:
    """The production settings as a benchmark server runs them: DEBUG off, PostgreSQL, Redis, no throttling."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"{PG_SERVER}/{database}",
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3"),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "ACCOUNT_EMAIL_VERIFICATION": "none",
            # Throttling would measure the rate limit, not the server.
            "THROTTLE_USER": "100000000/min",
            "THROTTLE_ANON": "100000000/min",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a count of users, rounds, rows...)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def django_setup(database: str = BENCH_DB) -> None:
    """Configure this process for the benchmark database and start Django."""
    for key, value in server_env(database).items():
        if key not in os.environ or key in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY"}:
            os.environ[key] = value
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def admin_connect(dbname: str = "postgres"):
    """A psycopg autocommit connection to the server, for CREATE/DROP DATABASE."""
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{dbname}", autocommit=True)


def database_exists(name: str) -> bool:
    with admin_connect() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


# The WSGI servers bench/run.py compares (--servers); PRODUCTION_SERVER is the one docs/operations.md deploys, chosen
# by that comparison (bench/README.md), and the one the kill-mid-completion test (tests/test_fault_completion.py)
# kills. Each entry: the command line for a number of worker processes and a port.
THREADS = 4  # gunicorn gthread: threads per worker


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


SERVERS = {
    "gunicorn": lambda workers, port: [_bin("gunicorn"), "config.wsgi", "--workers", str(workers), "--bind", port],
    "gunicorn-gthread": lambda workers, port: [
        *SERVERS["gunicorn"](workers, port),
        "--worker-class",
        "gthread",
        "--threads",
        str(THREADS),
    ],
    "granian": lambda workers, port: [
        _bin("granian"),
        "--interface",
        "wsgi",
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--host",
        port.split(":")[0],
        "--port",
        port.split(":")[1],
        "--no-access-log",
    ],
}
PRODUCTION_SERVER = "granian"  # chosen by bench/run.py --servers (bench/README.md); docs/operations.md


@contextlib.contextmanager
def server_process(
    env: dict[str, str],
    *,
    workers: int,
    server: str = PRODUCTION_SERVER,
    extra_args: tuple[str, ...] = (),
    stop=signal.SIGTERM,
):
    """A WSGI server (SERVERS) serving config.wsgi on a free loopback port in its own process group, once `/health/`
    answers. Yields (process, base URL); stops the whole group with `stop` on the way out.
    """
    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [*SERVERS[server](workers, f"127.0.0.1:{port}"), *extra_args],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/health/", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{server} did not start")
        yield process, url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, stop)
        process.wait(timeout=30)
