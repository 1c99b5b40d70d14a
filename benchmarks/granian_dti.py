"""dti's app (or the hello-world app) behind granian, a Rust HTTP server (WSGI): a benchmark contender.

    python -m benchmarks.granian_dti PORT STORE [WORKERS]  # dti's app, as `dti serve` configures it
    python -m benchmarks.granian_dti PORT --hello   # the hello-world app (granian's own ceiling)

Not a `dti serve` option: granian cannot give every guarantee the gunicorn worker gives hostile
clients (dti_kg/server/gunicorn_worker.py; benchmarks/README.md, "A faster HTTP server"). What it
can, it is given here, so the figures are those of a deployment that would keep them:

* the request head must arrive within ``CLIENT_READ_TIMEOUT`` (granian's ``header_read_timeout``);
  a slower client is disconnected, but without the 408 gunicorn's worker sends;
* the head is capped at ``3 x MAX_QUERY_BYTES + 32 KB`` (granian's HTTP/1 buffer): past it 431 (414
  for a URL past 64 KB) at once, but with an empty body instead of the endpoint's JSON error;
* the body must arrive within ``CLIENT_READ_TIMEOUT`` too (``BodyDeadline``): granian gives the app
  a body whose reads block without a deadline, so it is read first in a helper thread, waited for
  that long, and 408 is answered otherwise. The connection and the helper thread stay, though,
  until the client stops sending: WSGI cannot close a connection granian holds.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask
from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings

from benchmarks import hello
from dti_kg.cli.serve import web_threads
from dti_kg.server import create_app
from dti_kg.server.http_limits import head_limit, wsgi_error
from dti_kg.server.settings import load_settings

STORE_ENV = "DTI_KG_STORE"  # granian imports the app in spawned workers: the store path goes by env
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class BodyDeadline:
    """WSGI middleware: the request body is read within ``timeout`` seconds, or the answer is 408."""

    def __init__(self, app: WSGIApp, timeout: float, max_bytes: int) -> None:
        self.app = app
        self.timeout = timeout
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in BODY_METHODS:
            return self.app(environ, start_response)
        declared = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and (not declared.isdigit() or int(declared) == 0 or int(declared) > self.max_bytes):
            return self.app(environ, start_response)  # nothing to read, or the app's 413 reads nothing
        size = self.max_bytes + 1 if chunked else int(declared)
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(environ["wsgi.input"].read(size)), daemon=True)
        reader.start()
        reader.join(self.timeout)
        if reader.is_alive():
            line, headers, body = wsgi_error(408, "the request did not arrive in time; send it again")
            start_response(line, headers)
            return [body]
        environ["wsgi.input"] = io.BytesIO(got[0])
        environ["CONTENT_LENGTH"] = str(len(got[0]))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def app() -> WSGIApp:
    """dti's app for one granian worker (a factory: granian calls it in the spawned worker)."""
    settings = load_settings()
    flask_app: Flask = create_app({"STORE": os.environ[STORE_ENV]})
    return BodyDeadline(flask_app, float(settings["CLIENT_READ_TIMEOUT"]), int(settings["MAX_REQUEST_BYTES"]))


def options(
    target: str, port: int, settings: Mapping[str, Any], workers: int = hello.WORKERS
) -> dict[str, Any]:
    """``granian.Granian`` keyword arguments: dti serve's workers, threads and client limits."""
    return {
        "target": target,
        "factory": True,
        "address": "127.0.0.1",
        "port": port,
        "interface": Interfaces.WSGI,
        "workers": workers,
        "blocking_threads": web_threads(dict(settings)),
        "http1_settings": HTTP1Settings(
            header_read_timeout=min(60_000, max(1, int(1000 * float(settings["CLIENT_READ_TIMEOUT"])))),
            max_buffer_size=max(8192, head_limit(dict(settings))),
        ),
        "log_access": False,
    }


if __name__ == "__main__":
    port, what = int(sys.argv[1]), sys.argv[2]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else hello.WORKERS
    if what == "--hello":
        target = "benchmarks.hello:app"
    else:
        os.environ[STORE_ENV] = os.path.abspath(what)  # inherited by the spawned workers, read by app()
        target = "benchmarks.granian_dti:app"
    Granian(**options(target, port, load_settings(), workers)).serve()
