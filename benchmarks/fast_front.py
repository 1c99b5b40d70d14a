"""A small HTTP/1.1 front on asyncio + uvloop + httptools that runs a WSGI app: a benchmark contender.

    python -m benchmarks.fast_front PORT --hello      # the hello-world Flask app (the front's ceiling)
    python -m benchmarks.fast_front PORT --plain      # a hello-world in plain WSGI (the front alone)
    python -m benchmarks.fast_front PORT STORE        # dti's app, response cache off

The question it answers (issue 9, ASK at 8 clients >= 0.5x Oxigraph): can a Python front carry a
WSGI app fast enough, where gunicorn gthread's own hello-world reaches 0.22-0.28x of Oxigraph?

Design: ``dti serve``'s number of web processes share one listening socket (forked after bind); each
runs one uvloop loop. A request is parsed by httptools as its bytes arrive; a complete one whose
answer is cheap and bounded (``inline`` says so: the hello-world app, dti's lean ``/sparql`` path)
is answered on the loop; any other goes to a thread pool (as many threads as gunicorn's), while the
connection stops reading. Each request has CLIENT_READ_TIMEOUT from its first byte (408), its head
is capped like the gunicorn worker's (414/431), its body at MAX_REQUEST_BYTES (413).
"""

from __future__ import annotations

import asyncio
import functools
import io
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

import httptools
import uvloop

from benchmarks import hello
from dti_kg.cli.serve import web_threads
from dti_kg.server import create_app
from dti_kg.server.gunicorn_worker import HEADER_ALLOWANCE, error_bytes
from dti_kg.server.lean import LeanSparql
from dti_kg.server.settings import load_settings

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Answer = tuple[str, list[tuple[str, str]], bytes]
Inline = Callable[[dict[str, Any]], Answer | None]

KEEPALIVE_IDLE = 5.0  # seconds an idle kept-alive connection stays open (gunicorn: keepalive=2)


class _Date:
    """The Date header, formatted once a second."""

    def __init__(self) -> None:
        self.second = 0
        self.value = b""

    def now(self) -> bytes:
        second = int(time.time())
        if second != self.second:
            self.second = second
            self.value = b"Date: " + time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(second)).encode()
        return self.value


DATE = _Date()


def call_wsgi(app: WsgiApp, environ: dict[str, Any]) -> Answer:
    """Run a WSGI app to the end: its status, headers and whole body."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda data: None  # the legacy write(): not used by Flask

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return started[0], started[1], body


class Front:
    """Per-process state shared by every connection."""

    def __init__(self, app: WsgiApp, inline: Inline | None, settings: dict[str, Any], port: int) -> None:
        self.app = app
        self.inline = inline
        self.read_timeout = float(settings["CLIENT_READ_TIMEOUT"])
        self.head_limit = 3 * int(settings["MAX_QUERY_BYTES"]) + HEADER_ALLOWANCE
        self.body_limit = int(settings["MAX_REQUEST_BYTES"])
        self.pool = ThreadPoolExecutor(web_threads(settings), thread_name_prefix="wsgi")
        self.port = str(port)


class Connection(asyncio.Protocol):
    def __init__(self, front: Front) -> None:
        self.front = front
        self.loop = asyncio.get_running_loop()
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.ready: list[dict[str, Any]] = []  # complete requests not answered yet, in order
        self.busy = False  # a request is in the thread pool
        self.closing = False
        self.timer: asyncio.TimerHandle | None = None
        self._new_request()

    def _new_request(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_bytes = 0
        self.body: list[bytes] = []
        self.body_bytes = 0
        self.in_request = False

    # --------------------------------------------------------------- asyncio
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.remote = peer[0] if peer else ""
        self.timer = self.loop.call_later(self.front.read_timeout, self._late)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        if self.timer is not None:
            self.timer.cancel()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._refuse(400, "protocol upgrades are not supported")
            return
        except httptools.HttpParserError as error:
            # httptools wraps what a callback raised (its __context__): a limit, with its own answer.
            refused = error.__context__
            if isinstance(refused, _Refused):
                self._refuse(refused.status, refused.detail)
            else:
                self._refuse(400, "the request is not valid HTTP/1.1")
            return
        self._next()

    # --------------------------------------------------------------- httptools callbacks
    def on_message_begin(self) -> None:
        # Each request has CLIENT_READ_TIMEOUT from its first byte to its last (head and body).
        self.in_request = True
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.loop.call_later(self.front.read_timeout, self._late)

    def on_url(self, url: bytes) -> None:
        self.url += url
        self.head_bytes += len(url)
        if self.head_bytes > self.front.head_limit:
            raise _Refused(
                414, f"the URL is longer than {self.front.head_limit} bytes; send a long query in a POST body"
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))
        self.head_bytes += len(name) + len(value) + 4
        if self.head_bytes > self.front.head_limit:
            raise _Refused(431, f"the request headers are longer than {self.front.head_limit} bytes")

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)
        if self.body_bytes > self.front.body_limit:
            raise _Refused(413, f"the request body is larger than {self.front.body_limit} bytes")
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.ready.append(self._environ())
        self._new_request()
        self.in_request = False

    # --------------------------------------------------------------- requests
    def _environ(self) -> dict[str, Any]:
        parsed = httptools.parse_url(self.url)
        path = parsed.path or b"/"
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.parser.get_method().decode("latin-1"),
            "SCRIPT_NAME": "",
            "PATH_INFO": _unquote(path).decode("latin-1"),
            "QUERY_STRING": (parsed.query or b"").decode("latin-1"),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": self.front.port,
            "SERVER_PROTOCOL": "HTTP/" + self.parser.get_http_version(),
            "REMOTE_ADDR": self.remote,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b"".join(self.body)),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "_keep_alive": self.parser.should_keep_alive(),
        }
        for name, value in self.headers:
            key = name.decode("latin-1").upper().replace("-", "_")
            text = value.decode("latin-1")
            if key == "CONTENT_TYPE" or key == "CONTENT_LENGTH":
                environ[key] = text
                continue
            key = "HTTP_" + key
            environ[key] = environ[key] + "," + text if key in environ else text
        return environ

    def _next(self) -> None:
        """Answer the complete requests in order: inline when cheap, else one at a time in the pool."""
        while self.ready and not self.busy and not self.closing:
            environ = self.ready.pop(0)
            answer = self.front.inline(environ) if self.front.inline is not None else None
            if answer is not None:
                self._write(environ, answer)
                continue
            self.busy = True
            assert self.transport is not None
            self.transport.pause_reading()
            future = self.loop.run_in_executor(self.front.pool, call_wsgi, self.front.app, environ)
            future.add_done_callback(functools.partial(self._done, environ))

    def _done(self, environ: dict[str, Any], future: asyncio.Future[Answer]) -> None:
        self.busy = False
        if self.closing:
            return
        if future.exception() is not None:  # the app raised past its own error handlers: a 500, no traceback
            self._refuse(500, "the server failed to answer this request")
            return
        self._write(environ, future.result())
        if not self.closing and self.transport is not None:
            self.transport.resume_reading()
            self._next()

    def _write(self, environ: dict[str, Any], answer: Answer) -> None:
        status, headers, body = answer
        keep = environ["_keep_alive"]
        lines = [b"HTTP/1.1 " + status.encode("latin-1"), DATE.now()]
        has_length = False
        for name, value in headers:
            lower = name.lower()
            if lower == "content-length":
                has_length = True
            elif lower == "connection" and value.lower() == "close":
                keep = False
            lines.append(name.encode("latin-1") + b": " + value.encode("latin-1"))
        if not has_length:
            lines.append(b"Content-Length: " + str(len(body)).encode())
        if not keep:
            lines.append(b"Connection: close")
        assert self.transport is not None
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        self.transport.write(head + body if environ["REQUEST_METHOD"] != "HEAD" else head)
        if not keep:
            self.closing = True
            self.transport.close()
        elif not self.in_request and not self.ready:
            self.timer = self.loop.call_later(KEEPALIVE_IDLE, self._idle)

    def _late(self) -> None:
        self.timer = None
        if self.in_request or not self.ready:
            self._refuse(408, "the request did not arrive in time; send it again")

    def _idle(self) -> None:
        self.timer = None
        if not self.in_request and not self.busy and self.transport is not None:
            self.closing = True
            self.transport.close()

    def _refuse(self, status: int, detail: str) -> None:
        self.closing = True
        if self.transport is not None:
            if not self.busy:
                self.transport.write(error_bytes(status, detail))
            self.transport.close()


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _unquote(path: bytes) -> bytes:
    return unquote_to_bytes(path) if b"%" in path else path


def _serve_one(sock: socket.socket, make: Callable[[], tuple[WsgiApp, Inline | None]], port: int) -> None:
    uvloop.install()
    settings = load_settings()
    app, inline = make()
    front = Front(app, inline, settings, port)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: Connection(front), sock=sock, backlog=2048)
        stopping = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stopping.set)
        loop.add_signal_handler(signal.SIGINT, stopping.set)
        await stopping.wait()
        server.close()

    asyncio.run(main())
    front.pool.shutdown(wait=False, cancel_futures=True)


def serve(make: Callable[[], tuple[WsgiApp, Inline | None]], port: int, workers: int) -> None:
    """Bind 127.0.0.1:``port``, fork ``workers`` processes that each call ``make`` and serve."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    sock.setblocking(False)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            try:
                _serve_one(sock, make, port)
            finally:
                os._exit(0)
        children.append(pid)

    def forward(signum: int, _frame: Any) -> None:  # a graceful stop of every web process
        for child in children:
            os.kill(child, signum)

    signal.signal(signal.SIGTERM, forward)
    for pid in children:
        os.waitpid(pid, 0)


def _hello() -> tuple[WsgiApp, Inline | None]:
    flask_app = hello.app()
    return flask_app, lambda environ: call_wsgi(flask_app, environ)


def _plain_hello(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "5")])
    return [b"hello"]


def _plain() -> tuple[WsgiApp, Inline | None]:
    return _plain_hello, lambda environ: call_wsgi(_plain_hello, environ)


def _dti(store: str) -> Callable[[], tuple[WsgiApp, Inline | None]]:
    def make() -> tuple[WsgiApp, Inline | None]:
        flask_app = create_app({"STORE": store})
        lean = getattr(flask_app.wsgi_app, "inner", flask_app.wsgi_app)  # under replay.Replay
        inline = lean.bounded_answer if isinstance(lean, LeanSparql) else None
        return flask_app, inline

    return make


if __name__ == "__main__":
    port_arg, what = int(sys.argv[1]), sys.argv[2]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else hello.WORKERS
    apps = {"--hello": _hello, "--plain": _plain}
    serve(apps.get(what) or _dti(os.path.abspath(what)), port_arg, workers)
