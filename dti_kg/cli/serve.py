"""``dti serve``: the SPARQL endpoint and pages behind the asyncio HTTP front (front_processes.py), or
gunicorn with ``--http-server gunicorn``; Flask's development server only with --debug."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from dti_kg import store as dti_store
from dti_kg.server import create_app
from dti_kg.server.executor import EXECUTOR_KEY
from dti_kg.server.front_connection import Limits
from dti_kg.server.front_processes import WebApp, listening_socket, serve
from dti_kg.server.http_limits import head_limit
from dti_kg.server.lean import LeanSparql
from dti_kg.server.replay import Replay
from dti_kg.server.settings import load_settings


def _ensure_store(store_path: Path) -> None:
    """Build the store from the bundled snapshot when there is none yet."""
    if dti_store.paths(store_path).link.is_symlink():
        return
    # Lazy (allow-listed in tests/test_imports.py): the build stack (pyshacl, the loaders) is heavy and
    # only needed on a first start.
    from dti_kg.build import build_store

    click.echo(f"no store at {store_path}: building it from the bundled snapshot", err=True)
    result = build_store(store_path, None, progress=lambda message: click.echo(message, err=True))
    click.echo(f"built {result.quads} quads at {store_path}", err=True)


SLOW_CLIENT_THREADS = 16


def graceful_seconds(settings: dict[str, Any]) -> float:
    """How long a stopping web process lets its answers in flight finish: a query's deadline and a little."""
    return float(settings["QUERY_TIMEOUT"]) + 5


def web_threads(settings: dict[str, Any]) -> int:
    """Threads a web process needs: they wait on the query workers (processes), so one per running
    or queued query, plus a few for pages and /healthz, plus SLOW_CLIENT_THREADS for requests still
    arriving, which the executor's admission does not count (issue 10)."""
    return int(settings["QUERY_WORKERS"]) + int(settings["QUEUE_SIZE"]) + 2 + SLOW_CLIENT_THREADS


def _gunicorn_options(
    host: str, port: int, workers: int, settings: dict[str, Any], access_log: bool = False
) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Hardening (issue 10): gthread with a deadline on reading each request, so slow clients
        # cannot hold the threads (dti_kg/server/gunicorn_worker.py).
        "worker_class": "dti_kg.server.gunicorn_worker.DeadlineThreadWorker",
        "threads": web_threads(settings),
        # Long GET queries are refused by the guard with 414, not by gunicorn's 4 KB request line.
        # Hardening (issue 10): without a limit gunicorn reads a 16 MB URL for 19 s of CPU, and its
        # largest finite one (8190) is under a URL-encoded MAX_QUERY_BYTES query: the worker class
        # caps the whole request head instead (3 x MAX_QUERY_BYTES + 32 KB, then 414 or 431).
        "limit_request_line": 0,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "timeout": int(settings["QUERY_TIMEOUT"]) + 30,
        "graceful_timeout": int(graceful_seconds(settings)),  # gunicorn takes whole seconds
        # Off unless asked for: one log line per request cost 20-40 % of the hello-world rate at 8
        # clients (benchmarks/README.md).
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
    }


def web_app(config: dict[str, Any]) -> WebApp:
    """The app a web process of the front serves (made after the fork), and what it answers on the
    event loop: replayed answers and the lean path's bounded /sparql GETs (replay.py, lean.py)."""
    app = create_app(config)
    wsgi = app.wsgi_app
    inline = None
    if isinstance(wsgi, Replay):
        inline = wsgi.inline_answer
    elif isinstance(wsgi, LeanSparql):
        inline = wsgi.bounded_answer
    return WebApp(app, inline, app.extensions[EXECUTOR_KEY].close)


def front_limits(settings: dict[str, Any], access_log: bool = False) -> Limits:
    return Limits(
        threads=web_threads(settings),
        read_timeout=float(settings["CLIENT_READ_TIMEOUT"]),
        head_limit=head_limit(settings),
        body_limit=int(settings["MAX_REQUEST_BYTES"]),
        graceful=graceful_seconds(settings),
        access_log=access_log,
    )


def _run_front(
    host: str, port: int, workers: int, settings: dict[str, Any], access_log: bool, config: dict[str, Any]
) -> None:
    try:
        sock = listening_socket(host, port)
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}:{port} (--host/--port): {error.strerror}"
        ) from None
    code = serve(lambda: web_app(config), sock, workers, front_limits(settings, access_log))
    if code:
        raise SystemExit(code)


def _run_gunicorn(options: dict[str, Any], config: dict[str, Any]) -> None:
    # Lazy: only the production server needs gunicorn (--debug runs Flask's own).
    from gunicorn.app.base import BaseApplication

    class _Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app(config)  # in each web process, after the fork

    _Application().run()


@contextlib.contextmanager
def preparing(settings: dict[str, Any], store: Path) -> Iterator[None]:
    """Run the preparer (dti_kg.server.prepare) beside the server, and stop it with the server."""
    if float(settings["PREPARE_TIMEOUT"]) <= 0 or int(settings["SHARED_ANSWERS_MB"]) <= 0:
        yield
        return
    preparer = subprocess.Popen(
        [sys.executable, "-m", "dti_kg.server.prepare", str(store.absolute())], stdin=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        preparer.terminate()
        try:
            preparer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            preparer.kill()
            preparer.wait()


@click.command("serve")
@click.option(
    "--store",
    "store_path",
    default=None,
    type=click.Path(path_type=Path),
    help="Store path (default: DTI_KG_STORE or ./store); built from the bundled snapshot if missing.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option(
    "--workers",
    default=2,  # one GIL per core: 2 web processes measured 2.7x the rate of 1 at 8 clients
    show_default=True,
    type=click.IntRange(1, 64),
    help="Web processes; each runs QUERY_WORKERS query processes of its own.",
)
@click.option("--access-log", is_flag=True, help="Log every request to stderr (costs throughput).")
@click.option(
    "--http-server",
    type=click.Choice(["asyncio", "gunicorn"]),
    default="asyncio",
    show_default=True,
    help="The HTTP server: the asyncio front (uvloop + httptools), or gunicorn's threaded worker.",
)
@click.option(
    "--debug", is_flag=True, help="Flask's development server with debugging (never in production)."
)
def serve_command(
    store_path: Path | None,
    host: str,
    port: int,
    workers: int,
    access_log: bool,
    http_server: str,
    debug: bool,
) -> None:
    """Serve the SPARQL 1.1 endpoint (/sparql), linked-data pages and /healthz.

    Limits (QUERY_TIMEOUT, MAX_ROWS, QUERY_WORKERS, ...) come from DTI_KG_* environment variables
    or the TOML file named by DTI_KG_SETTINGS; docs/settings.md lists them.
    """
    settings = load_settings({"STORE": str(store_path)} if store_path else None)
    store_path = Path(settings["STORE"])
    _ensure_store(store_path)
    config = {"STORE": str(store_path.absolute())}
    with preparing(settings, store_path):
        if debug:
            create_app(config).run(host=host, port=port, debug=True, use_reloader=False)
            return
        if http_server == "gunicorn":
            _run_gunicorn(_gunicorn_options(host, port, workers, settings, access_log), config)
            return
        _run_front(host, port, workers, settings, access_log, config)
