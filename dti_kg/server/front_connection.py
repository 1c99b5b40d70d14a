"""The HTTP front's connections: HTTP/1.1 read and parsed on one event loop per web process.

Why this and not gunicorn (benchmarks/README.md, "Session 14"): under gunicorn's threaded worker the
server's own Python per request (its parser, poller and writer around each request) cost more than a
replayed answer or a bounded ASK, and no app under it reached half of Oxigraph's rate at 8 clients.
Here httptools parses the bytes as they arrive, on a uvloop loop; a complete request that costs no
query (``inline``: a replayed answer or the lean path's bounded ``/sparql`` GET, replay.py) is answered
on the loop, and any other runs in a thread pool (front_wsgi.run_app) while its connection stops
reading. Measured: 4x less server CPU per ASK than under gunicorn.

What a hostile client gets (issue 10; tests/test_hostile_server.py runs against this): each request
must arrive within CLIENT_READ_TIMEOUT from its first byte (head and body), else 408 and the
connection is closed; its head is capped (414 while the request line has not ended, else 431; more
than MAX_HEADER_FIELDS fields: 431); its body at MAX_REQUEST_BYTES (413, also at once when
``Expect: 100-continue`` announces a larger one). A slow head or body holds no thread. A client that
stops reading its answer for WRITE_STALL seconds is disconnected.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httptools

from dti_kg.server.front_wsgi import (
    KEEP_ALIVE,
    Answer,
    Outcome,
    WsgiApp,
    environ_for,
    response_head,
    run_app,
)
from dti_kg.server.http_limits import MAX_HEADER_FIELDS, error_bytes

Inline = Callable[[dict[str, Any]], Answer | None]

KEEPALIVE_IDLE = 5.0  # seconds an idle kept-alive connection stays open
WRITE_STALL = 60.0  # seconds a client may leave its answer unread before it is disconnected


@dataclass(frozen=True)
class Limits:
    """What a web process allows its clients (and, ``graceful``, its answers in flight on a stop)."""

    threads: int
    read_timeout: float
    head_limit: int
    body_limit: int
    graceful: float
    access_log: bool


class Front:
    """One web process's state, shared by its connections."""

    def __init__(self, app: WsgiApp, inline: Inline | None, limits: Limits, server: tuple[str, str]) -> None:
        self.app = app
        self.inline = inline
        self.limits = limits
        self.server = server
        self.pool = ThreadPoolExecutor(limits.threads, thread_name_prefix="wsgi")
        self.connections: set[Connection] = set()
        self.stopping = False

    def stop_idle(self) -> None:
        """A graceful stop: no new request on any connection; idle ones are closed now, busy ones once
        their answer is written."""
        self.stopping = True
        for connection in list(self.connections):
            connection.close_if_idle()


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Connection(asyncio.Protocol):
    """One client connection: requests parsed in order, answered one at a time."""

    def __init__(self, front: Front) -> None:
        self.front = front
        self.loop = asyncio.get_running_loop()
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.ready: list[dict[str, Any]] = []  # complete requests not answered yet, in order
        self.busy = False  # a request is in the thread pool
        self.wrote = False  # the pool's request has written some of its answer
        self.closing = False
        self.timer: asyncio.TimerHandle | None = None
        # Writes from the pool thread wait while the transport's buffer is over its high-water mark.
        self.paused = False
        self.waiting: concurrent.futures.Future[bool] | None = None
        self._new_request()

    def _new_request(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_bytes = 0
        self.body: list[bytes] = []
        self.body_bytes = 0
        self.in_request = False

    # ------------------------------------------------------------------ asyncio
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else ""
        self.front.connections.add(self)
        self.timer = self.loop.call_later(self.front.limits.read_timeout, self._late)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.front.connections.discard(self)
        if self.timer is not None:
            self.timer.cancel()
        self._release_writer(False)

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._release_writer(True)

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

    # ------------------------------------------------------------------ httptools callbacks
    def on_message_begin(self) -> None:
        # Each request has CLIENT_READ_TIMEOUT from its first byte to its last (head and body).
        self.in_request = True
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.loop.call_later(self.front.limits.read_timeout, self._late)

    def on_url(self, url: bytes) -> None:
        self.url += url
        self.head_bytes += len(url)
        limit = self.front.limits.head_limit
        if self.head_bytes > limit:
            raise _Refused(
                414,
                f"the URL is longer than {limit} bytes; send a long query in a POST body",
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))
        self.head_bytes += len(name) + len(value) + 4
        limit = self.front.limits.head_limit
        if self.head_bytes > limit:
            raise _Refused(431, f"the request headers are longer than {limit} bytes")
        if len(self.headers) > MAX_HEADER_FIELDS:
            raise _Refused(431, f"the request has more than {MAX_HEADER_FIELDS} header fields")

    def on_headers_complete(self) -> None:
        expect = next((v for n, v in self.headers if n.lower() == b"expect"), None)
        if expect is None or expect.lower() != b"100-continue" or self.parser.get_http_version() != "1.1":
            return
        length = next((v for n, v in self.headers if n.lower() == b"content-length"), b"")
        if length.isdigit() and int(length) > self.front.limits.body_limit:
            raise _Refused(413, f"the request body is larger than {self.front.limits.body_limit} bytes")
        assert self.transport is not None
        self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)
        if self.body_bytes > self.front.limits.body_limit:
            raise _Refused(413, f"the request body is larger than {self.front.limits.body_limit} bytes")
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.ready.append(
            environ_for(
                self.parser.get_method().decode("latin-1"),
                self.url,
                self.parser.get_http_version(),
                self.headers,
                b"".join(self.body),
                self.peer,
                self.front.server,
                self.parser.should_keep_alive(),
            )
        )
        self._new_request()

    # ------------------------------------------------------------------ answering
    def _next(self) -> None:
        """Answer the complete requests in order: inline when cheap, else one at a time in the pool."""
        while self.ready and not self.busy and not self.closing:
            environ = self.ready.pop(0)
            keep_alive = environ[KEEP_ALIVE] and not self.front.stopping
            answer = self._inline(environ)
            if answer is not None:
                self._write_inline(environ, answer, keep_alive)
                continue
            self.busy = True
            self.wrote = False
            assert self.transport is not None
            self.transport.pause_reading()
            if self.timer is not None:  # a pipelined request begun behind this one: its deadline
                self.timer.cancel()  # starts again when reading does (_after_answer), not while we answer
                self.timer = None
            future = self.loop.run_in_executor(
                self.front.pool, run_app, self.front.app, environ, _LoopSink(self), keep_alive
            )
            future.add_done_callback(functools.partial(self._done, environ))

    def _inline(self, environ: dict[str, Any]) -> Answer | None:
        """The loop's own answer, or None: the pool's (the app answers every error in its own shape)."""
        if self.front.inline is None:
            return None
        try:
            return self.front.inline(environ)
        except Exception:  # not answered here: logged, then the app runs it in the pool
            # An exception here would otherwise escape into the event loop and leave the client waiting.
            traceback.print_exc()
            return None

    def _write_inline(self, environ: dict[str, Any], answer: Answer, keep_alive: bool) -> None:
        status, headers, body = answer
        version = environ["SERVER_PROTOCOL"][5:]
        head, _, keep_alive = response_head(status, headers, len(body), keep_alive, version)
        assert self.transport is not None
        self.transport.write(head if environ["REQUEST_METHOD"] == "HEAD" else head + body)
        self._log(environ, status, len(body))
        self._after_answer(keep_alive)

    def _done(self, environ: dict[str, Any], future: asyncio.Future[Outcome]) -> None:
        self.busy = False
        error = future.exception()
        if error is not None:
            # The app raised past its own error handlers (a bug, or a client gone mid-answer): the
            # server's log gets the traceback, the client a 500 in the endpoint's shape, as gunicorn does.
            traceback.print_exception(error, file=sys.stderr)
            if self.wrote:  # part of the answer is out: the client sees it cut short
                self.closing = True
                if self.transport is not None:
                    self.transport.close()
            else:
                self._refuse(500, "the server failed to answer this request")
            return
        outcome = future.result()
        self._log(environ, outcome.status, outcome.sent)
        if self.closing:
            return
        self._after_answer(outcome.keep_alive)
        if not self.closing and self.transport is not None:
            self.transport.resume_reading()
            self._next()

    def _after_answer(self, keep_alive: bool) -> None:
        assert self.transport is not None
        if not keep_alive or self.front.stopping:
            self.closing = True
            self.transport.close()
        elif not self.in_request and not self.ready:
            self.timer = self.loop.call_later(KEEPALIVE_IDLE, self._idle)
        elif self.in_request and self.timer is None:
            self.timer = self.loop.call_later(self.front.limits.read_timeout, self._late)

    # ------------------------------------------------------------------ writes from the pool thread
    def write_from_thread(self, data: bytes, done: concurrent.futures.Future[bool]) -> None:
        """On the loop: write ``data``; ``done`` is resolved when the pool thread may write more."""
        if self.closing or self.transport is None:
            done.set_result(False)
            return
        self.transport.write(data)
        self.wrote = True
        if self.paused:
            self.waiting = done
        else:
            done.set_result(True)

    def _release_writer(self, ok: bool) -> None:
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_result(ok)
        self.waiting = None

    def abort(self) -> None:
        """On the loop: the client left its answer unread for WRITE_STALL seconds."""
        self.closing = True
        if self.transport is not None:
            self.transport.abort()

    # ------------------------------------------------------------------ timers and refusals
    def _late(self) -> None:
        self.timer = None
        if self.in_request or not self.ready:
            self._refuse(408, "the request did not arrive in time; send it again")

    def _idle(self) -> None:
        self.timer = None
        self.close_if_idle()

    def close_if_idle(self) -> None:
        if not self.in_request and not self.busy and not self.ready and self.transport is not None:
            self.closing = True
            self.transport.close()

    def _refuse(self, status: int, detail: str) -> None:
        self.closing = True
        if self.transport is not None:
            if not self.busy:
                self.transport.write(error_bytes(status, detail))
            self.transport.close()

    def _log(self, environ: dict[str, Any], status: str, sent: int) -> None:
        if not self.front.limits.access_log:
            return
        when = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
        line = (
            f'{environ["REMOTE_ADDR"]} - - [{when}] "{environ["REQUEST_METHOD"]} {environ["RAW_URI"]} '
            f'{environ["SERVER_PROTOCOL"]}" {status[:3]} {sent} "{environ.get("HTTP_REFERER", "-")}" '
            f'"{environ.get("HTTP_USER_AGENT", "-")}"'
        )
        print(line, file=sys.stderr, flush=True)


class _LoopSink:
    """The pool thread's side of a connection's writes (front_wsgi.Sink)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.loop = connection.loop

    def send(self, data: bytes) -> bool:
        done: concurrent.futures.Future[bool] = concurrent.futures.Future()
        self.loop.call_soon_threadsafe(self.connection.write_from_thread, data, done)
        try:
            return done.result(timeout=WRITE_STALL)
        except concurrent.futures.TimeoutError:
            self.loop.call_soon_threadsafe(self.connection.abort)
            return False
