"""The asyncio HTTP front (``dti serve``'s HTTP server): its pure parts table-tested, then the real
server over loopback for what only processes and sockets show (streaming, Expect, pipelining, a dead
web process replaced, a graceful stop, the access log, the gunicorn alternative)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import uvloop
from process_helpers import alive
from server_helpers import DTI_EXE, dti_serve, make_store, serve_env

from dti_kg import store
from dti_kg.server.front_connection import Connection, Front, Limits
from dti_kg.server.front_processes import listening_socket
from dti_kg.server.front_wsgi import STREAM_AFTER, environ_for, response_head, run_app

SERVER = ("127.0.0.1", "8000")


# ---------------------------------------------------------------------- response heads


@pytest.mark.parametrize(
    ("why", "status", "headers", "length", "keep", "version", "expected", "chunked", "kept"),
    [
        ("a whole body gets its length", "200 OK", [], 5, True, "1.1", [b"Content-Length: 5"], False, True),
        ("the app's length is kept", "200 OK", [("Content-Length", "9")], None, True, "1.1",
         [b"Content-Length: 9"], False, True),
        ("a streamed body, HTTP/1.1: chunked", "200 OK", [], None, True, "1.1",
         [b"Transfer-Encoding: chunked"], True, True),
        ("a streamed body, HTTP/1.0: ends with the connection", "200 OK", [], None, True, "1.0",
         [b"Connection: close"], False, False),
        ("the app asks to close", "200 OK", [("Connection", "close")], 0, True, "1.1",
         [b"Content-Length: 0", b"Connection: close"], False, False),
        ("a 304 has no length", "304 Not Modified", [], None, True, "1.1", [], False, True),
        ("the client asked to close", "200 OK", [], 0, False, "1.1",
         [b"Content-Length: 0", b"Connection: close"], False, False),
    ],
)  # fmt: skip
def test_response_head(
    why: str,
    status: str,
    headers: list[tuple[str, str]],
    length: int | None,
    keep: bool,
    version: str,
    expected: list[bytes],
    chunked: bool,
    kept: bool,
) -> None:
    head, is_chunked, keep_alive = response_head(status, headers, length, keep, version)
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 " + status.encode(), why
    assert head.endswith(b"\r\n\r\n"), why
    framing = [
        line
        for line in lines
        if line.split(b":")[0] in (b"Content-Length", b"Transfer-Encoding", b"Connection")
    ]
    assert framing == expected, why
    assert (is_chunked, keep_alive) == (chunked, kept), why
    assert sum(line.startswith(b"Date: ") for line in lines) == 1, why


def test_the_apps_own_date_and_framing_headers_are_not_doubled() -> None:
    headers = [("Date", "Tue, 01 Dec 2026 00:00:00 GMT"), ("Transfer-Encoding", "chunked"), ("X-A", "b")]
    head, _, _ = response_head("200 OK", headers, 3, True, "1.1")
    lines = head.split(b"\r\n")
    assert [line for line in lines if line.startswith(b"Date")] == [b"Date: Tue, 01 Dec 2026 00:00:00 GMT"]
    assert b"Transfer-Encoding: chunked" not in lines  # the server frames the body, not the app
    assert b"X-A: b" in lines and b"Content-Length: 3" in lines


# ---------------------------------------------------------------------- environs


@pytest.mark.parametrize(
    ("url", "path", "query"),
    [
        (b"/sparql?query=ASK", "/sparql", "query=ASK"),
        (b"/doc/province/ha-noi", "/doc/province/ha-noi", ""),
        (b"/page/t%E1%BB%89nh?x=%20", "/page/t\xe1\xbb\x89nh", "x=%20"),  # PEP 3333: latin-1 of the bytes
        (b"http://example.org/a/b?c=d", "/a/b", "c=d"),  # absolute-form request target
        (b"/a#fragment", "/a", ""),
    ],
)
def test_the_environ_path_and_query(url: bytes, path: str, query: str) -> None:
    environ = environ_for("GET", url, "1.1", [], b"", "127.0.0.1", SERVER, True)
    assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == (path, query)


def test_the_environ_headers_and_body() -> None:
    headers = [(b"Accept", b"text/csv"), (b"accept", b"text/plain"), (b"Content-Type", b"application/x")]
    environ = environ_for("POST", b"/sparql", "1.1", headers, b"query=ASK", "10.0.0.1", SERVER, True)
    assert environ["HTTP_ACCEPT"] == "text/csv,text/plain"  # repeated headers joined, as RFC 9110 allows
    assert environ["CONTENT_TYPE"] == "application/x"
    assert environ["CONTENT_LENGTH"] == "9"  # a chunked body has no header: its decoded length is given
    assert environ["wsgi.input"].read() == b"query=ASK"
    assert (environ["REMOTE_ADDR"], environ["SERVER_PORT"]) == ("10.0.0.1", "8000")


# ---------------------------------------------------------------------- running the app


class ListSink:
    def __init__(self, accept: int = 10**9) -> None:
        self.sent: list[bytes] = []
        self.accept = accept  # how many writes the client takes before it goes away

    def send(self, data: bytes) -> bool:
        if len(self.sent) >= self.accept:
            return False
        self.sent.append(data)
        return True


class Body:
    """A WSGI iterable that records how far it was read and whether it was closed."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk

    def close(self) -> None:
        self.closed = True


def _app(body: Body, headers: list[tuple[str, str]] | None = None) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Body:
        start_response("200 OK", headers or [("Content-Type", "text/plain")])
        return body

    return app


def _environ(method: str = "GET", version: str = "1.1") -> dict[str, Any]:
    return environ_for(method, b"/", version, [], b"", "127.0.0.1", SERVER, True)


def test_a_small_answer_is_sent_whole_with_its_length() -> None:
    body = Body([b"ab", b"", b"cd"])
    sink = ListSink()
    outcome = run_app(_app(body), _environ(), sink, True)
    assert len(sink.sent) == 1 and sink.sent[0].endswith(b"\r\n\r\nabcd")
    assert b"Content-Length: 4" in sink.sent[0]
    assert (outcome.status, outcome.sent, outcome.keep_alive, body.closed) == ("200 OK", 4, True, True)


def test_a_large_answer_is_streamed_in_chunks_and_reassembles() -> None:
    piece = b"x" * (STREAM_AFTER // 3)
    body = Body([piece] * 10)
    sink = ListSink()
    outcome = run_app(_app(body), _environ(), sink, True)
    assert len(sink.sent) > 2  # written as it was made, not joined
    head, _, rest = b"".join(sink.sent).partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    decoded = b""
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert rest == b"\r\n"
            break
        decoded, rest = decoded + rest[:size], rest[size + 2 :]
    assert decoded == piece * 10
    assert (outcome.sent, outcome.keep_alive, body.closed) == (len(piece) * 10, True, True)


def test_a_streamed_answer_with_the_apps_length_is_not_chunked() -> None:
    piece = b"y" * STREAM_AFTER
    sink = ListSink()
    run_app(_app(Body([piece, piece]), [("Content-Length", str(2 * len(piece)))]), _environ(), sink, True)
    head, _, rest = b"".join(sink.sent).partition(b"\r\n\r\n")
    assert b"Transfer-Encoding" not in head and rest == piece * 2


def test_a_client_gone_mid_answer_stops_the_app_and_closes_its_body() -> None:
    piece = b"z" * STREAM_AFTER
    body = Body([piece] * 50)
    outcome = run_app(_app(body), _environ(), ListSink(accept=2), True)
    assert body.read < 10 and body.closed and not outcome.keep_alive


def test_head_sends_no_body() -> None:
    sink = ListSink()
    run_app(_app(Body([b"abc"])), _environ("HEAD"), sink, True)
    assert sink.sent[0].endswith(b"Content-Length: 3\r\n\r\n")


# ---------------------------------------------------------------------- a front over a test app


@contextlib.contextmanager
def front_over(app: Any, read_timeout: float) -> Iterator[int]:
    """The real front (one event loop, real sockets) over a WSGI app, in a thread; yields its port."""
    sock = listening_socket("127.0.0.1", 0)
    limits = Limits(
        threads=4, read_timeout=read_timeout, head_limit=65536, body_limit=65536, graceful=1, access_log=False
    )
    front = Front(app, None, limits, ("127.0.0.1", str(sock.getsockname()[1])))
    loop = uvloop.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(loop.create_server(lambda: Connection(front), sock=sock))
        started.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield sock.getsockname()[1]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        front.pool.shutdown(wait=True)
        loop.close()


def _slow_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ["PATH_INFO"] == "/slow":
        time.sleep(1.0)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["PATH_INFO"].encode()]


def test_a_request_pipelined_behind_a_slow_answer_gets_its_own_read_deadline() -> None:
    """Regression: the next request's first bytes, read with the previous one, started its
    CLIENT_READ_TIMEOUT while the previous answer was being made; past it the connection was closed
    and the slow answer lost."""
    with (
        front_over(_slow_app, read_timeout=0.4) as port,
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHo")
        time.sleep(1.2)  # the slow answer takes 1 s, three read deadlines
        sock.sendall(b"st: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert re.findall(rb"HTTP/1\.1 \d{3}", answer) == [b"HTTP/1.1 200", b"HTTP/1.1 200"]
    assert answer.endswith(b"/fast") and b"/slow" in answer


def test_a_request_that_does_not_arrive_in_time_is_408() -> None:
    with front_over(_slow_app, read_timeout=0.3) as port:
        answer = _raw(port, b"GET /fast HTTP/1.1\r\nHost: x\r\n")  # never ends its head
    assert answer.startswith(b"HTTP/1.1 408 ") and b'"status": 408' in answer


# ---------------------------------------------------------------------- the real server


@pytest.fixture(scope="module")
def store_link(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("front") / "store")


def _raw(port: int, data: bytes, *, read_until_close: bool = True, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        if not read_until_close:
            return sock.recv(65536)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_a_dump_is_streamed_byte_for_byte_and_by_range(store_link: Path, tmp_path: Path) -> None:
    dump = store.current_build_dir(store_link) / "dump.nq"
    whole = dump.read_bytes()
    with dti_serve(store_link, {}, tmp_path / "serve.log") as (url, _):
        got = requests.get(url + "/dump.nq", timeout=30)
        assert got.status_code == 200
        assert hashlib.sha256(got.content).digest() == hashlib.sha256(whole).digest()
        part = requests.get(url + "/dump.nq", headers={"Range": "bytes=10-99"}, timeout=30)
        assert (part.status_code, part.content) == (206, whole[10:100])


def test_pipelined_requests_are_answered_in_order(store_link: Path, tmp_path: Path) -> None:
    with dti_serve(store_link, {}, tmp_path / "serve.log") as (url, _):
        port = int(url.rsplit(":", 1)[1])
        one = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        last = b"GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        answer = _raw(port, one + one + last)
        statuses = re.findall(rb"HTTP/1\.1 \d{3} [A-Z ]+", answer)  # a body need not end with a newline
        assert statuses == [b"HTTP/1.1 200 OK", b"HTTP/1.1 200 OK", b"HTTP/1.1 404 NOT FOUND"]


def test_expect_100_continue(store_link: Path, tmp_path: Path) -> None:
    """curl sends ``Expect: 100-continue`` before a large POST body and waits for the go-ahead."""
    with dti_serve(store_link, {"MAX_REQUEST_BYTES": 100_000}, tmp_path / "serve.log") as (url, _):
        port = int(url.rsplit(":", 1)[1])
        body = b"ASK { ?s ?p ?o }"
        head = (
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: application/sparql-results+json\r\nExpect: 100-continue\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head)
            assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
            sock.sendall(body)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b'"boolean":true}')
        too_large = head.replace(b"Content-Length: %d" % len(body), b"Content-Length: 200000")
        refused = _raw(port, too_large)  # refused before the body is sent: the client need not send it
        assert refused.startswith(b"HTTP/1.1 413 ") and b'"status": 413' in refused


def test_a_dead_web_process_is_replaced(store_link: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with dti_serve(store_link, {}, log, workers=2) as (url, process):
        before = _children(process.pid)
        os.kill(before[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = _children(process.pid)
            if len(now) == 2 and before[0] not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and before[0] not in now
        for _ in range(6):  # both web processes answer (connections spread over them)
            assert requests.get(url + "/healthz", timeout=10).status_code == 200
    assert f"web process {before[0]} ended (signal SIGKILL); starting another" in log.read_text()


def test_sigterm_stops_every_process_of_the_server(store_link: Path, tmp_path: Path) -> None:
    with dti_serve(store_link, {}, tmp_path / "serve.log", workers=2) as (url, process):
        query = "SELECT ?s (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s"  # not bounded: a query worker runs it
        assert requests.get(url + "/sparql", params={"query": query}, timeout=30).ok
        family = [process.pid, *_descendants(process.pid)]
        assert len(family) >= 4  # the supervisor, two web processes, a query worker
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in family if alive(pid)]


def test_the_access_log_has_a_line_per_request(store_link: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with dti_serve(store_link, {}, log, options=["--access-log"]) as (url, _):
        probe = {"User-Agent": "probe/1"}
        requests.get(url + "/sparql", params={"query": "ASK {}"}, headers=probe, timeout=10)
    lines = [line for line in log.read_text().splitlines() if "/sparql?query=ASK" in line]
    assert len(lines) == 1 and '" 200 ' in lines[0] and lines[0].endswith('"probe/1"'), lines


def test_a_port_in_use_is_a_clear_error(store_link: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(DTI_EXE), "serve", "--store", str(store_link), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env=serve_env({}),
        )
    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port} (--host/--port)" in done.stderr
    assert "Traceback" not in done.stderr


def test_gunicorn_is_still_an_http_server_option(store_link: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with dti_serve(store_link, {}, log, options=["--http-server", "gunicorn"]) as (url, _):
        answer = requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        assert answer.json() == {"head": {}, "boolean": True}
    assert "gunicorn" in log.read_text().lower()


# ---------------------------------------------------------------------- helpers


def _children(pid: int) -> list[int]:
    """The web processes: the supervisor's direct children that are not the preparer."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes()
                if int(stat[1]) == pid and b"dti_kg.server.prepare" not in cmdline and stat[0] != "Z":
                    found.append(int(entry.name))
    return sorted(found)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    frontier = [pid]
    while frontier:
        children = [child for parent in frontier for child in _children(parent)]
        found += children
        frontier = children
    return found
