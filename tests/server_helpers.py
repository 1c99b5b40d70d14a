"""Helpers for the server tests: a store from a small TriG fixture and a real `dti serve` process."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph
import requests
from flask import Flask

from dti_kg import store
from dti_kg.dumps import create_servable_build

FIXTURE = Path(__file__).parent / "fixtures" / "sparql" / "dti_small.trig"
BASE = "https://w3id.org/dti-kg/"
DTI_EXE = Path(sys.executable).with_name("dti")
# DTI_KG_TEST_SERVER=gunicorn: dti_serve starts `dti serve --http-server gunicorn`; =granian: the app
# behind granian (benchmarks/granian_dti.py), to see which server tests (the hostile ones above all) it
# would pass; unset in CI, where they run against the default HTTP server (the asyncio front).
OTHER_SERVER = "DTI_KG_TEST_SERVER"
OTHER_SERVERS = {"granian": "benchmarks.granian_dti"}
# Answers shared on disk (and the preparer that makes some) outlive an app: over the session-wide stores
# one test's answers would reach the next (a deadline test would read a 200 another test wrote). Tests
# of the sharing set these on stores of their own (tests/test_shared_answers.py).
NOT_SHARED = {"SHARED_ANSWERS_MB": 0, "PREPARE_TIMEOUT": 0}


@contextlib.contextmanager
def app_over(store_link: Path, **settings: object) -> Iterator[Flask]:
    """The real app over ``store_link`` in this process (one query worker unless set); its worker
    processes are stopped on exit."""
    from dti_kg.server import create_app
    from dti_kg.server.executor import EXECUTOR_KEY

    app = create_app(
        {"STORE": str(store_link), "TESTING": True, "QUERY_WORKERS": 1, **NOT_SHARED, **settings}
    )
    try:
        yield app
    finally:
        app.extensions[EXECUTOR_KEY].close()


def fixture_quads() -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TRIG))


def make_store(link: Path, quads: list[pyoxigraph.Quad] | None = None, note: str = "test") -> Path:
    """Create and publish a build at ``link`` holding ``quads`` (default: the TriG fixture)."""
    p = store.paths(link)
    store.publish(p, create_servable_build(p, fixture_quads() if quads is None else quads, {"note": note}))
    return link


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_env(settings: Mapping[str, object]) -> dict[str, str]:
    """The environment of a `dti serve` under test: this one, sharing off, ``settings`` as DTI_KG_*."""
    env = {**os.environ, **{f"DTI_KG_{k}": str(v) for k, v in {**NOT_SHARED, **settings}.items()}}
    env.pop("DTI_KG_SETTINGS", None)
    return env


@contextlib.contextmanager
def dti_serve(
    store_link: Path,
    settings: Mapping[str, object],
    log: Path,
    workers: int = 1,
    options: Sequence[str] = (),
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run the real `dti serve` (with ``options``) on a free loopback port; yields (base URL, process)
    once /healthz is 200.

    One web process unless ``workers`` says otherwise, so /healthz's worker counts are the ones the
    test's queries went through."""
    port = free_port()
    env = serve_env(settings)
    command = [
        str(DTI_EXE),
        "serve",
        "--store",
        str(store_link),
        "--port",
        str(port),
        "--workers",
        str(workers),
        *options,
    ]
    other = OTHER_SERVERS.get(os.environ.get(OTHER_SERVER, ""))
    if os.environ.get(OTHER_SERVER) == "gunicorn":
        command += ["--http-server", "gunicorn"]
    elif other:  # the same app behind another HTTP server (benchmarks/README.md)
        command = [sys.executable, "-m", other, str(port), str(store_link), str(workers)]
    with http_process(command, port, "/healthz", log, env=env) as running:
        yield running


@contextlib.contextmanager
def http_process(
    command: list[str], port: int, ready: str, log: Path, env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run an HTTP server ``command`` listening on loopback ``port``; yields (base URL, process) once
    GET ``ready`` answers 200, and stops it (SIGTERM, then SIGKILL) on exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}:\n{log.read_text()}")
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(url + ready, timeout=10).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not become ready:\n{log.read_text()}")
            time.sleep(0.1)
        yield url, process
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM (a graceful shutdown), then SIGKILL if it has not exited within ``timeout`` seconds."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
