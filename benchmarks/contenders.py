"""The servers compared, each started on a free loopback port over the same build, and stopped after.

- ``dti``: ``dti serve`` (its asyncio HTTP front, the guard, the query workers), as a user runs it;
- ``dti-nocache``: the same with its per-build response cache off (every request does the work);
- ``gunicorn-nocache``: ``dti serve --http-server gunicorn``, cache off (the HTTP server before session 14);
- ``oxigraph``: ``oxigraph serve-read-only`` (PyPI ``oxigraph``, the same version as pyoxigraph) on the
  build's Oxigraph directory, union default graph (no query timeout: see oxigraph() below);
- ``hello``: a hello-world Flask app under dti's gunicorn configuration (the HTTP stack alone);
- ``granian-nocache``: dti's app behind granian (Rust HTTP server, WSGI) with dti serve's workers,
  threads and client limits, response cache off (``benchmarks.granian_dti``);
- ``hello-granian``: the hello-world app behind the same granian configuration;
- ``hello-fast``: the hello-world Flask app behind ``dti serve``'s asyncio front (``benchmarks.fast_front``:
  the HTTP stack's ceiling); ``hello-plain-fast``: a hello-world in plain WSGI behind it (no Flask);
- ``rdflib-endpoint``: the build's N-Quads dump loaded into rdflib-endpoint, when it is installed.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent

# The tests' process helpers (free port, graceful stop), as the tests start `dti serve`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from server_helpers import free_port, stop  # noqa: E402


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    sparql_path: str  # where GET ?query= goes


def _ready(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def executable(name: str) -> str | None:
    found = BIN / name
    return str(found) if found.exists() else shutil.which(name)


@contextlib.contextmanager
def serving(
    name: str,
    argv: list[str],
    port: int,
    ready_path: str,
    log: Path,
    env: dict | None = None,
    startup: float = 120,
    cwd: Path | None = None,
) -> Iterator[int]:
    """Run ``argv`` (in ``cwd``) until the block ends; yields once GET ``ready_path`` answers 200."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, cwd=cwd
        )
    try:
        deadline = time.monotonic() + startup
        while not _ready(port, ready_path):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start within {startup:g} s; see {log}")
            time.sleep(0.2)
        yield port
    finally:
        stop(process, timeout=20)


ASK_PATH = "?query=ASK%7B%7D"


# dti with nothing kept between requests: no response cache, no answers shared on disk, none prepared.
NO_CACHE = {"DTI_KG_RESPONSE_CACHE_MB": "0", "DTI_KG_SHARED_ANSWERS_MB": "0", "DTI_KG_PREPARE_TIMEOUT": "0"}


@contextlib.contextmanager
def dti(
    store_link: Path,
    logs: Path,
    *,
    cache: bool = True,
    checkout: Path | None = None,
    http_server: str = "asyncio",
) -> Iterator[Server]:
    """``dti serve``; with ``cache=False`` its per-build response cache, shared answers and preparer are
    off (NO_CACHE), so every request does the work: the fair comparison for requests that repeat. With
    ``checkout``: the ``dti_kg`` of another source tree (e.g. ``git archive main``), as
    ``before-nocache``, cache off. ``http_server``: its ``--http-server`` (gunicorn: ``dti-gunicorn``,
    ``gunicorn-nocache``)."""
    name = "dti" if cache else "dti-nocache"
    port = free_port()
    argv = [executable("dti") or "dti", "serve", "--store", str(store_link), "--port", str(port)]
    if http_server != "asyncio":
        name = f"dti-{http_server}" if cache else f"{http_server}-nocache"
        argv += ["--http-server", http_server]
    env: dict[str, str] | None = None if cache else dict(NO_CACHE)
    if checkout is not None:
        name = "before-nocache"
        run_cli = "import sys; from dti_kg.cli import main; sys.argv[0] = 'dti'; main()"
        argv = [sys.executable, "-c", run_cli, *argv[1:]]
        env = {**NO_CACHE, "PYTHONPATH": str(checkout.resolve())}
    # Run in the checkout: ``python -c`` puts the working directory first on sys.path, so from this
    # source tree it would import this tree's dti_kg, not the checkout's.
    cwd = None if checkout is None else checkout.resolve()
    with serving(f"dti serve ({name})", argv, port, "/healthz", logs / f"{name}.log", env=env, cwd=cwd):
        yield Server(name, port, "/sparql")


@contextlib.contextmanager
def oxigraph(oxigraph_dir: Path, logs: Path) -> Iterator[Server]:
    # No --timeout-s: it adds a thread per query, and at 32 clients on this machine the server then
    # failed to spawn threads (EAGAIN) and panicked (benchmarks/README.md).
    port = free_port()
    argv = [
        executable("oxigraph") or "oxigraph",
        "serve-read-only",
        "--location",
        str(oxigraph_dir),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    with serving("oxigraph serve-read-only", argv, port, "/query" + ASK_PATH, logs / "oxigraph.log"):
        yield Server("oxigraph", port, "/query")


@contextlib.contextmanager
def hello(logs: Path) -> Iterator[Server]:
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.hello", str(port)]
    with serving("hello", argv, port, "/", logs / "hello.log"):
        yield Server("hello", port, "/")


@contextlib.contextmanager
def _app_behind(
    module: str, name: str, store_link: Path, logs: Path, checkout: Path | None = None
) -> Iterator[Server]:
    """dti's app, response cache off, behind the HTTP server ``python -m module PORT STORE`` runs; with
    ``checkout``, the ``dti_kg`` of that source tree (run in it, this tree's ``benchmarks`` after it)."""
    port = free_port()
    argv = [sys.executable, "-m", module, str(port), str(store_link)]
    env = dict(NO_CACHE)
    cwd = None
    if checkout is not None:
        cwd = checkout.resolve()
        env["PYTHONPATH"] = os.pathsep.join((str(cwd), str(Path(__file__).resolve().parent.parent)))
    with serving(f"{name} ({module})", argv, port, "/healthz", logs / f"{name}.log", env=env, cwd=cwd):
        yield Server(name, port, "/sparql")


@contextlib.contextmanager
def _hello_behind(module: str, name: str, logs: Path, which: str = "--hello") -> Iterator[Server]:
    """A hello-world app behind the HTTP server ``python -m module PORT --hello`` runs."""
    port = free_port()
    argv = [sys.executable, "-m", module, str(port), which]
    with serving(f"{name} ({module})", argv, port, "/", logs / f"{name}.log"):
        yield Server(name, port, "/")


def granian_dti(store_link: Path, logs: Path) -> contextlib.AbstractContextManager[Server]:
    return _app_behind("benchmarks.granian_dti", "granian-nocache", store_link, logs)


def hello_granian(logs: Path) -> contextlib.AbstractContextManager[Server]:
    return _hello_behind("benchmarks.granian_dti", "hello-granian", logs)


def hello_fast(logs: Path, plain: bool = False) -> contextlib.AbstractContextManager[Server]:
    """The Flask hello-world behind the fast front, or (``plain``) a plain WSGI one: the front alone."""
    if plain:
        return _hello_behind("benchmarks.fast_front", "hello-plain-fast", logs, "--plain")
    return _hello_behind("benchmarks.fast_front", "hello-fast", logs)


@contextlib.contextmanager
def rdflib_endpoint(dump: Path, logs: Path) -> Iterator[Server | None]:
    exe = executable("rdflib-endpoint")
    if exe is None:
        yield None
        return
    port = free_port()
    argv = [exe, "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)]
    with serving("rdflib-endpoint", argv, port, "/" + ASK_PATH, logs / "rdflib-endpoint.log", startup=600):
        yield Server("rdflib-endpoint", port, "/")  # its SPARQL endpoint is the root
