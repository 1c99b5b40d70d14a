"""gunicorn's threaded worker with a deadline and a size cap on reading each request.

In the stock ``gthread`` worker a pool thread reads a request with blocking ``recv`` calls and no
overall limit, so a client sending one byte every two seconds holds that thread for as long as it
likes: twelve of them held every thread of ``dti serve`` and the server stopped answering. Here
each request — head and body — must arrive within ``CLIENT_READ_TIMEOUT`` seconds; a slower client
is answered ``408 Request Timeout`` and disconnected, which frees the thread. Writing the response
is not limited (the query's own deadline governs that).

gunicorn's request-line limit is either at most 8190 bytes or none, and with none it reads a line
in quadratic time (a 16 MB URL cost 19 s of CPU). A URL may carry a query of ``MAX_QUERY_BYTES``
percent-encoded (up to three times as long), so the head of a request is capped here instead:
past ``head_limit`` bytes without the blank line that ends it, the client gets 414 (or 431 when the
request line did end) in the endpoint's JSON error shape.

Used by ``dti serve --http-server gunicorn`` as ``worker_class``; nothing else in the package depends on
gunicorn. The default HTTP server is the asyncio front (front_connection.py), which refuses the same
requests with the same answers (http_limits.py).
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
from typing import Any

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

from dti_kg.server.http_limits import error_bytes, head_limit
from dti_kg.server.settings import load_settings

# A thread that has answered a keep-alive request waits this long for the connection's next one and
# answers it itself, instead of handing the connection back to gthread's main-thread poller (register,
# select, unregister, a new pool task: more Python per request than a bounded query's whole answer,
# benchmarks/README.md). At most KEEPALIVE_RUN requests in a row, so others get the thread too.
KEEPALIVE_WAIT = 0.005
KEEPALIVE_RUN = 64


class GuardedSocket:
    """A client socket whose reads fail past ``deadline`` or past ``head_limit`` bytes of head."""

    def __init__(self, sock: socket.socket, head_limit: int) -> None:
        self._sock = sock
        self.head_limit = head_limit
        self.start(None)

    def start(self, deadline: float | None) -> None:
        """A new request: reads must be done by ``deadline`` (a monotonic time; None: no limit)."""
        self.deadline = deadline
        self.answered = False  # a response has started: a late read must not write an error after it
        self.head_bytes = 0
        self.head_done = False
        self.line_done = False
        self.tail = b""

    def sendall(self, data: bytes, *flags: int) -> None:
        self.answered = True
        self._sock.sendall(data, *flags)

    def recv(self, size: int, *flags: int) -> bytes:
        if self.deadline is None:
            data = self._sock.recv(size, *flags)
        else:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise self._refuse(408, "the request did not arrive in time; send it again")
            previous = self._sock.gettimeout()
            self._sock.settimeout(remaining)
            try:
                data = self._sock.recv(size, *flags)
            except TimeoutError:
                raise self._refuse(408, "the request did not arrive in time; send it again") from None
            finally:
                self._sock.settimeout(previous)
        if not self.head_done:
            self._measure_head(data)
        return data

    def _measure_head(self, data: bytes) -> None:
        window = self.tail + data
        self.line_done = self.line_done or b"\r\n" in window
        if b"\r\n\r\n" in window:
            self.head_done = True
            return
        self.head_bytes += len(data)
        self.tail = window[-3:]
        if self.head_bytes > self.head_limit:
            if not self.line_done:
                raise self._refuse(
                    414,
                    f"the URL is longer than {self.head_limit} bytes; send a long query in a POST body",
                )
            raise self._refuse(431, f"the request headers are longer than {self.head_limit} bytes")

    def _refuse(self, status: int, detail: str) -> NoMoreData:
        """Answer ``status``, then end the connection the way gunicorn ends one that went away.

        Both directions are shut at once: gunicorn's graceful close would otherwise linger on its
        main thread draining what a slow client still sends (2 s per client, every other waiting).
        """
        with contextlib.suppress(OSError):  # the client is gone or not reading: closing is all that is left
            if not self.answered:
                self._sock.settimeout(1.0)
                self._sock.sendall(error_bytes(status, detail))
            self._sock.shutdown(socket.SHUT_RDWR)
        return NoMoreData(detail.encode())

    def __getattr__(self, name: str) -> Any:  # fileno, setblocking, shutdown, close, ...
        return getattr(self._sock, name)


class DeadlineThreadWorker(ThreadWorker):
    """``gthread`` with a per-request read deadline (``CLIENT_READ_TIMEOUT``) and a head size cap."""

    def init_process(self) -> None:
        # After the fork: settings come from the same DTI_KG_* environment as the app's.
        settings = load_settings()
        self.read_timeout = float(settings["CLIENT_READ_TIMEOUT"])
        self.head_limit = head_limit(settings)
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        if not isinstance(conn.sock, GuardedSocket):  # before gunicorn makes its parser around it
            conn.sock = GuardedSocket(conn.sock, self.head_limit)
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        result = None
        for _ in range(KEEPALIVE_RUN):
            conn.sock.start(time.monotonic() + self.read_timeout)  # each request has its own deadline
            try:
                result = super().handle(conn)
            finally:
                conn.sock.start(None)
            if result is not True or not self.alive or not _next_request_soon(conn):
                break
        return result


def _next_request_soon(conn: Any) -> bool:
    """The connection's next request is here, or arrives within KEEPALIVE_WAIT (EOF counts: the next
    read ends the connection as the poller's path would)."""
    if conn.parser.unreader.buf.getvalue():  # read ahead with the previous request
        return True
    try:
        readable, _, _ = select.select([conn.sock], [], [], KEEPALIVE_WAIT)
    except (OSError, ValueError):  # closed meanwhile
        return False
    return bool(readable)
