"""The two ways a request skips the hop to a query worker: a query whose shape bounds its cost runs in
the web process (dti_kg.server.bounded), and a repeated request of the same build is answered from
the response cache (dti_kg.server.response_cache). Both against the real app and a real store."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from flask import Flask
from server_helpers import BASE, app_over, fixture_quads, make_store
from werkzeug.test import TestResponse

from dti_kg.server.bounded import MAX_LOCAL_ROWS, is_bounded
from dti_kg.server.executor import EXECUTOR_KEY
from dti_kg.server.response_cache import CACHE_HEADER, CACHE_KEY

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # not bounded: it reads every quad
EXTRA = pyoxigraph.Quad(
    pyoxigraph.NamedNode(BASE + "id/x"), pyoxigraph.NamedNode(BASE + "id/p"), pyoxigraph.Literal("1")
)
ASK_EXTRA = f'ASK {{ <{BASE}id/x> <{BASE}id/p> "1" }}'


@pytest.mark.parametrize(
    "query",
    [
        "ASK { ?s ?p ?o }",
        "ASK {}",
        "ASK WHERE { <urn:a> a ?type . }",
        'PREFIX dti: <https://w3id.org/dti-kg/def#> ASK { ?p dti:gsoCode "48" }',
        "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
        f"SELECT ?s {{ ?s dti:rank 3 }} LIMIT {MAX_LOCAL_ROWS}",
        "DESCRIBE <urn:a>",
        "ASK { ?s ?p ?o } # a comment, not a second query: ASK {}",
        "BASE <https://w3id.org/dti-kg/> DESCRIBE <id/province/da-nang>",
    ],
)
def test_shapes_bounded_by_construction(query: str) -> None:
    assert is_bounded(query)


@pytest.mark.parametrize(
    "query",
    [
        "ASK { ?s ?p ?o . ?a ?b ?c }",  # a join
        "ASK { ?x ?x ?x }",  # a repeated variable filters a whole scan
        "ASK { ?s ?p ?o FILTER(?o > 3) }",  # a filter can reject every row it reads
        "ASK { ?s <urn:a>/<urn:b> ?o }",  # a path
        "ASK { ?s ?p 'x'@en }",  # kept simple: tagged and typed literals go to a worker
        "SELECT * WHERE { ?s ?p ?o }",  # no LIMIT
        f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_LOCAL_ROWS + 1}",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 5 OFFSET 100000",  # OFFSET reads what it skips
        "SELECT DISTINCT ?p WHERE { ?s ?p ?o } LIMIT 5",  # DISTINCT may read everything for 5 rows
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1",  # sorting reads everything
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } LIMIT 1",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1",
        "DESCRIBE ?s WHERE { ?s ?p ?o }",
        "ASK { ?s ?p ?o } ASK {}",
        "ASK { ?s ?p ?o",
    ],
)
def test_other_shapes_go_to_a_worker(query: str) -> None:
    assert not is_bounded(query)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    with app_over(make_store(tmp_path / "store")) as app:
        yield app


def sparql(app: Flask, query: str, accept: str = "application/sparql-results+json", **headers: str):
    client = app.test_client()
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": accept, **headers})


def test_a_bounded_query_is_answered_without_starting_a_worker(app: Flask, tmp_path: Path) -> None:
    reply = sparql(app, "ASK { ?s ?p ?o }")
    assert reply.status_code == 200 and reply.json == {"head": {}, "boolean": True}
    assert reply.headers["X-DTI-Truncated"] == "false" and reply.headers["ETag"]
    rows = sparql(app, f"SELECT ?p WHERE {{ <{BASE}id/province/da-nang> ?p ?o }} LIMIT 2", accept="text/csv")
    assert rows.status_code == 200 and rows.text.splitlines()[0] == "p" and len(rows.text.splitlines()) == 3
    assert not app.extensions[EXECUTOR_KEY]._started  # no worker process was started
    bad = sparql(app, "ASK { ?s nope:p ?o }")  # an undeclared prefix: the same 400 as from a worker
    assert bad.status_code == 400 and bad.json["error"]["parameter"] == "query"
    assert "not valid SPARQL" in bad.json["error"]["detail"]
    refused = sparql(app, "ASK { ?s ?p ?o }", accept="text/turtle")
    assert refused.status_code == 406
    assert sparql(app, COUNT).status_code == 200
    assert app.extensions[EXECUTOR_KEY]._started  # the rest still goes to a worker


def test_the_row_cap_holds_in_the_web_process(tmp_path: Path) -> None:
    with app_over(make_store(tmp_path / "store"), MAX_ROWS=2) as app:
        reply = sparql(app, "SELECT * WHERE { ?s ?p ?o } LIMIT 50")
        assert len(reply.json["results"]["bindings"]) == 2
        assert reply.headers["X-DTI-Truncated"] == "true" and reply.json["dti:truncated"] is True


def test_the_web_process_follows_the_store_to_a_new_build(app: Flask) -> None:
    link = Path(app.config["STORE"])
    first = sparql(app, ASK_EXTRA)
    assert first.json["boolean"] is False
    make_store(link, [*fixture_quads(), EXTRA], note="second")
    second = sparql(app, ASK_EXTRA)
    assert second.json["boolean"] is True
    assert second.headers["X-DTI-Build"] != first.headers["X-DTI-Build"]


def test_a_repeated_request_is_answered_from_the_cache_until_the_build_changes(app: Flask) -> None:
    client = app.test_client()
    path = "/queries/edition-top?year=2021&format=srj"
    first = client.get(path)
    assert first.status_code == 200 and CACHE_HEADER not in first.headers
    again = client.get(path)
    assert again.headers[CACHE_HEADER] == "hit" and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]  # validators and CORS as on the first answer
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(path, headers={"Accept": "text/csv"}).status_code == 200  # the key holds Accept...
    assert CACHE_HEADER not in client.get(path + "&limit=3").headers  # ...and the whole URL
    counted = sparql(app, COUNT)
    assert sparql(app, COUNT).headers[CACHE_HEADER] == "hit"
    revalidated = sparql(app, COUNT, **{"If-None-Match": counted.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.data == b""
    make_store(Path(app.config["STORE"]), [*fixture_quads(), EXTRA], note="second")
    recounted = sparql(app, COUNT)  # a new build: nothing kept from the old one is answered
    assert CACHE_HEADER not in recounted.headers
    n = int(counted.json["results"]["bindings"][0]["n"]["value"])
    assert int(recounted.json["results"]["bindings"][0]["n"]["value"]) == n + 1


def test_errors_are_not_kept_and_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    with app_over(make_store(tmp_path / "store"), RESPONSE_CACHE_MB=0) as app:
        client = app.test_client()
        for _ in range(2):
            reply = client.get("/queries/edition-top?year=2021&format=srj")
            assert reply.status_code == 200 and CACHE_HEADER not in reply.headers
    with app_over(make_store(tmp_path / "store2")) as app:
        client = app.test_client()
        for _ in range(2):
            bad = client.get("/queries/edition-top?year=1999&format=srj")
            assert bad.status_code == 400 and CACHE_HEADER not in bad.headers
            assert json.loads(bad.data)["error"]["parameter"] == "year"


def test_concurrent_requests_for_one_answer_run_its_query_once(app: Flask) -> None:
    """Regression: 32 clients arriving at once each queued the same slow query; some were refused."""
    bodies: list[bytes] = []

    def ask() -> None:
        bodies.append(app.test_client().get("/queries/edition-top?year=2022&format=srj").data)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    cache = app.extensions[CACHE_KEY]
    assert len(bodies) == 8 and len(set(bodies)) == 1
    # a thread that starts after another's hit was kept is replayed before Flask (replay.py)
    assert cache.misses == 1 and cache.hits + app.wsgi_app.replayed == 7


def test_a_query_stopped_at_the_deadline_is_answered_503_again_until_its_retry_after(tmp_path: Path) -> None:
    """Regression: every request for a query past the deadline (or each client waiting for the first)
    ran it again, taking a worker for another full deadline only to be stopped too."""
    with app_over(make_store(tmp_path / "store"), QUERY_TIMEOUT=0.001) as app:
        client = app.test_client()
        path = "/queries/audit-trail.json"
        first = client.get(path)
        assert first.status_code == 503 and CACHE_HEADER not in first.headers
        executor = app.extensions[EXECUTOR_KEY]
        assert executor.replaced == 1  # the stopped query's worker
        again = client.get(path)
        assert again.status_code == 503 and again.headers[CACHE_HEADER] == "hit"
        assert again.data == first.data and again.headers["Retry-After"] == "1"
        assert executor.replaced == 1  # answered in the web process: no worker ran or was stopped
        assert client.get(path, headers={"Accept": "text/plain"}).status_code == 503  # its own key
        assert executor.replaced == 2
        time.sleep(1.05)  # past Retry-After the query is tried again
        retried = client.get(path)
        assert retried.status_code == 503 and CACHE_HEADER not in retried.headers
        assert executor.replaced == 3


def test_a_client_waiting_for_a_query_stopped_at_the_deadline_gets_its_503_without_running_it(
    tmp_path: Path,
) -> None:
    """Regression: a client asking while the same query ran waited QUERY_TIMEOUT only, gave up just before
    the leader's 503 (the leader also waits for its worker's replacement) and ran the query once more."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 123^4 rows
    answers: dict[str, TestResponse] = {}

    def ask(who: str) -> None:
        answers[who] = app.test_client().get("/sparql", query_string={"query": slow})

    with app_over(make_store(tmp_path / "store"), QUERY_TIMEOUT=0.5) as app:
        leader = threading.Thread(target=ask, args=("leader",))
        leader.start()
        time.sleep(0.15)  # the leader holds the key; its query runs until the deadline
        waiter = threading.Thread(target=ask, args=("waiter",))
        waiter.start()
        leader.join(timeout=30)
        waiter.join(timeout=30)
        # Which thread leads is the scheduler's choice on a busy machine: one ran it, the other was answered.
        assert [a.status_code for a in answers.values()] == [503, 503]
        assert sorted(a.headers.get(CACHE_HEADER, "") for a in answers.values()) == ["", "hit"]
        assert app.extensions[EXECUTOR_KEY].replaced == 1  # the query ran once
