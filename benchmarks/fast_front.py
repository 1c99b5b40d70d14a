"""A hello-world behind ``dti serve``'s asyncio HTTP front (dti_kg/server/front_processes.py): its ceiling.

    python -m benchmarks.fast_front PORT --hello      # the hello-world Flask app, answered in the pool
    python -m benchmarks.fast_front PORT --plain      # a hello-world in plain WSGI, answered on the loop

The front was a contender here (sessions 8-13) until it became ``dti serve``'s HTTP server (session 14,
benchmarks/README.md); dti's app behind it is ``dti serve`` itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from benchmarks import hello
from dti_kg.cli.serve import front_limits
from dti_kg.server.front_processes import WebApp, listening_socket, serve
from dti_kg.server.front_wsgi import StartResponse
from dti_kg.server.settings import load_settings


def _plain_hello(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "5")])
    return [b"hello"]


def _flask_hello() -> WebApp:
    return WebApp(hello.app(), None, lambda: None)


def _plain() -> WebApp:
    return WebApp(
        _plain_hello, lambda environ: ("200 OK", [("Content-Type", "text/plain")], b"hello"), lambda: None
    )


if __name__ == "__main__":
    port, which = int(sys.argv[1]), sys.argv[2]
    make = {"--hello": _flask_hello, "--plain": _plain}[which]
    limits = front_limits(load_settings())
    raise SystemExit(serve(make, listening_socket("127.0.0.1", port), hello.WORKERS, limits))
