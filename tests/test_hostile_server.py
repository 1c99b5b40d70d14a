"""Attacks on a real ``dti serve`` on loopback (issue 10): each must be refused cleanly, and the
server must go on answering ordinary requests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from process_helpers import command_line, descendants
from server_helpers import dti_serve, make_store

pytestmark = [pytest.mark.hostile, pytest.mark.integration]
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    d = tmp_path_factory.mktemp("hostile")
    settings = {"QUERY_TIMEOUT": "10", "CLIENT_READ_TIMEOUT": "6"}
    with dti_serve(make_store(d / "store"), settings, d / "serve.log") as (url, _process):
        yield url


def post_query(url: str, query: str) -> requests.Response:
    return requests.post(
        url + "/sparql",
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=30,
    )


def assert_still_answers(url: str) -> None:
    reply = post_query(url, ASK)
    assert reply.status_code == 200 and reply.json()["boolean"] is True


# Each crashed a pyoxigraph 0.5.13 worker (SIGSEGV) while under the size caps.
CRASHERS = {
    "a 30 KB || chain": "SELECT * { ?s ?p ?o FILTER(" + "||".join(["?o"] * 7400) + ") }",
    "a long + chain": "SELECT * { ?s ?p ?o BIND(" + "+".join(["?o"] * 10000) + " AS ?x) }",
    "a 10,000-item collection": "SELECT * { ?s ?p (" + " ".join(["1"] * 10000) + ") }",
    "parentheses inside an IRI": (
        "SELECT * { ?s ?p ?o FILTER(?o<" + "(" * 6000 + "1" + ")" * 6000 + "&&?o>0) }"
    ),
}


@pytest.mark.parametrize("name", CRASHERS)
def test_query_shapes_that_crashed_a_worker_are_refused(server: str, name: str) -> None:
    query = CRASHERS[name]
    assert len(query.encode()) <= 32768, "the attack must be under the size cap to test the guard"
    reply = post_query(server, query)
    assert reply.status_code == 400, reply.text
    detail = reply.json()["error"]["detail"]
    assert "\n" not in detail and ("operators" in detail or "collection" in detail or "deeper" in detail)
    assert_still_answers(server)


def test_construct_with_relative_iris_resolves_against_the_base(server: str) -> None:
    reply = requests.post(
        server + "/sparql",
        data=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    assert reply.text.strip() == (
        "<https://w3id.org/dti-kg/s> <https://w3id.org/dti-kg/p> "
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-query; charset=UTF-16", ASK.encode("utf-16")),
        ("application/sparql-query", b'ASK { ?s ?p "\xff\xfe" }'),
        ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D"),
    ],
)
def test_a_body_that_is_not_utf8_is_400(server: str, content_type: str, body: bytes) -> None:
    reply = requests.post(server + "/sparql", data=body, headers={"Content-Type": content_type}, timeout=30)
    assert reply.status_code == 400, reply.text
    assert "UTF-8" in reply.json()["error"]["detail"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/sparql-query"])
def test_query_both_in_url_and_body_is_400(server: str, content_type: str) -> None:
    body = "query=ASK%20%7B%7D" if content_type.endswith("urlencoded") else "ASK {}"
    reply = requests.post(
        server + "/sparql?query=ASK%20%7B%7D", data=body, headers={"Content-Type": content_type}, timeout=30
    )
    assert reply.status_code == 400, reply.text
    assert "both in the URL and in the request body" in reply.json()["error"]["detail"]


@pytest.mark.parametrize("path", ["/sparql?query=ASK%20%7B%7D%FF", "/id/province/th%E1i", "/queries?x=%C3"])
def test_invalid_utf8_in_the_url_is_400(server: str, path: str) -> None:
    reply = requests.get(server + path, timeout=30)
    assert reply.status_code == 400, reply.text
    assert "not valid UTF-8" in reply.json()["error"]["detail"]
    assert requests.get(server + "/sparql?query=ASK%20%7B%7D", timeout=30).status_code == 200


def _raw_exchange(url: str, request: bytes, timeout: float = 10) -> bytes:
    """Send ``request`` as-is on a fresh connection (from a thread: the server may stop reading it);
    what the server answers before closing."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:

        def send() -> None:
            with contextlib.suppress(OSError):  # the server may close before it has read everything
                s.sendall(request)

        threading.Thread(target=send, daemon=True).start()
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := s.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def test_a_huge_request_line_is_414_at_once(server: str) -> None:
    started = time.monotonic()
    answer = _raw_exchange(server, b"GET /sparql?query=" + b"A" * (16 * 1024 * 1024) + b" HTTP/1.1\r\n\r\n")
    assert time.monotonic() - started < 5, "the server read the whole 16 MB line"
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 "), answer[:200]
    assert "POST body" in json.loads(body)["error"]["detail"]
    huge_headers = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 8000 + b"\r\n"
    assert _raw_exchange(server, huge_headers * 40).startswith(b"HTTP/1.1 4")  # 431 or gunicorn's 400
    # A long query still fits in a URL (the guard's own limit answers past MAX_QUERY_BYTES).
    long_ask = "ASK { ?s ?p ?o } #" + "x" * 20000
    assert requests.get(server + "/sparql", params={"query": long_ask}, timeout=30).status_code == 200
    assert_still_answers(server)


def test_slow_clients_cannot_take_the_server(server: str) -> None:
    """12 clients sending one byte every 2 s, reconnecting when cut off, while ordinary requests
    must still be answered promptly."""
    port = int(server.rsplit(":", 1)[1])
    stop = threading.Event()
    timeouts: list[bytes] = []

    def slow_client() -> None:
        while not stop.is_set():
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                try:
                    for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                        s.sendall(bytes([byte]))
                        if stop.wait(2):
                            return
                except OSError:
                    with contextlib.suppress(OSError):
                        timeouts.append(s.recv(200))

    clients = [threading.Thread(target=slow_client, daemon=True) for _ in range(12)]
    for c in clients:
        c.start()
    try:
        deadline = time.monotonic() + 25
        latencies = []
        while time.monotonic() < deadline:
            started = time.monotonic()
            reply = requests.get(server + "/sparql", params={"query": ASK}, timeout=10)
            latencies.append(time.monotonic() - started)
            assert reply.status_code == 200
            time.sleep(1)
    finally:
        stop.set()
        for c in clients:
            c.join(timeout=10)
    assert max(latencies) < 3, latencies
    assert any(t.startswith(b"HTTP/1.1 408 ") for t in timeouts), timeouts


def test_a_slow_request_body_is_408_and_the_connection_closed(server: str) -> None:
    """The head arrives at once, the body one byte every second: past CLIENT_READ_TIMEOUT (6 s here)
    the client is answered 408 and disconnected, whichever HTTP server reads the body."""
    port = int(server.rsplit(":", 1)[1])
    stop = threading.Event()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK"
        )
        started = time.monotonic()

        def drip() -> None:
            with contextlib.suppress(OSError):  # the server closes the connection
                while not stop.wait(1):
                    s.sendall(b" ")

        threading.Thread(target=drip, daemon=True).start()
        chunks = []
        try:
            with contextlib.suppress(OSError):
                while chunk := s.recv(65536):
                    chunks.append(chunk)
        finally:
            stop.set()
        took = time.monotonic() - started
    answer = b"".join(chunks)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert "did not arrive in time" in json.loads(answer.partition(b"\r\n\r\n")[2])["error"]["detail"]
    assert 5 < took < 20, took  # cut at the deadline, then disconnected (recv saw the end)
    assert_still_answers(server)


def test_a_slow_next_request_on_a_kept_alive_connection_is_408(server: str) -> None:
    """A thread that answered a request waits briefly for the connection's next one and reads it itself
    (gunicorn_worker.KEEPALIVE_WAIT): that request has its own CLIENT_READ_TIMEOUT (6 s here) too."""
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n")
        first = s.recv(65536)
        while b"\r\n\r\n" not in first:
            first += s.recv(65536)
        head, _, body = first.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        while len(body) < length:  # the whole answer, so what follows belongs to the next request
            body += s.recv(65536)
        assert head.startswith(b"HTTP/1.1 200 "), head
        started = time.monotonic()
        chunks = []
        with contextlib.suppress(OSError):  # the server closes the connection after its 408
            for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                s.sendall(bytes([byte]))
                s.settimeout(1)
                with contextlib.suppress(TimeoutError):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
        took = time.monotonic() - started
    answer = b"".join(chunks)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert 5 < took < 20, took
    assert_still_answers(server)


@pytest.mark.parametrize(
    "path", ["/", "/query", "/queries", "/doc/edition/2021", "/sparql?query=ASK%7B%7D", "/no/such/page"]
)
def test_every_response_carries_the_security_headers(server: str, path: str) -> None:
    reply = requests.get(server + path, headers={"Accept": "text/html"}, timeout=30)
    csp = reply.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"


def test_a_javascript_iri_in_a_query_result_is_not_a_link(server: str) -> None:
    query = (
        'SELECT ?x ?y WHERE { BIND(IRI("javascript:alert(document.domain)") AS ?x) '
        "BIND(<https://e.org/a> AS ?y) }"
    )
    reply = requests.get(server + "/query", params={"query": query, "run": "1"}, timeout=30)
    assert reply.status_code == 200, reply.text
    assert "javascript:alert(document.domain)" in reply.text, "the value is still shown"
    assert 'href="javascript:' not in reply.text.lower()
    assert 'href="https://e.org/a"' in reply.text, "http(s) IRIs stay links"


@pytest.fixture(scope="module")
def unguarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A server whose guard lets the known crashers through and whose workers have 200 MB: to see
    what the client is told when a worker dies."""
    d = tmp_path_factory.mktemp("unguarded")
    settings = {
        "QUERY_TIMEOUT": "20",
        "MAX_DEPTH": "100000",
        "MAX_OPERATORS": "100000",
        "MAX_LIST_ITEMS": "100000",
        "WORKER_MEMORY_MB": "200",
        "QUERY_WORKERS": "1",
    }
    with dti_serve(make_store(d / "store"), settings, d / "serve.log") as (url, process):
        yield url, process.pid


def test_a_worker_segfault_is_reported_as_a_crash(unguarded: tuple[str, int]) -> None:
    url, _ = unguarded
    reply = post_query(url, CRASHERS["parentheses inside an IRI"])
    assert reply.status_code == 503, reply.text
    detail = reply.json()["error"]["detail"]
    assert "SIGSEGV" in detail and "crash in the query engine" in detail and "needed more" not in detail
    assert_still_answers(url)


def test_a_worker_out_of_memory_is_reported_as_memory(unguarded: tuple[str, int]) -> None:
    url, _ = unguarded
    reply = post_query(url, "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1")
    assert reply.status_code == 503, reply.text
    detail = reply.json()["error"]["detail"]
    assert "SIGABRT" in detail and "200 MB" in detail, detail
    assert_still_answers(url)


def test_a_worker_killed_from_outside_is_reported_as_killed(unguarded: tuple[str, int]) -> None:
    url, pid = unguarded
    assert_still_answers(url)  # the worker is up
    workers = [p for p in descendants(pid) if b"dti_kg.server.worker" in command_line(p)]
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    killer = threading.Timer(1.5, lambda: [os.kill(w, signal.SIGKILL) for w in workers])
    killer.start()
    reply = post_query(url, slow)
    killer.join()
    assert reply.status_code == 503, reply.text
    assert "SIGKILL" in reply.json()["error"]["detail"]
