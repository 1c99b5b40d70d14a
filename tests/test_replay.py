"""Response-cache hits replayed before Flask (dti_kg/server/replay.py): the replayed answer is Flask's hit,
header by header; whatever could change an answer still goes to Flask."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from server_helpers import BASE, app_over, fixture_quads, make_store

from dti_kg.server.replay import Replay
from dti_kg.server.response_cache import CACHE_HEADER

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # not bounded: through a worker, then kept
# The query-backed routes the response cache keeps, in the forms clients ask for them.
CACHED = [
    ("/queries/agency-editions", {}),
    ("/queries/agency-editions.csv", {}),
    ("/queries/edition-top?year=2021&format=srj", {}),
    ("/queries/edition-top?year=2021", {"Accept": "application/json"}),
    ("/sparql?query=" + COUNT.replace(" ", "+"), {"Accept": "text/csv"}),
    ("/sparql?query=" + COUNT.replace(" ", "+"), {"Accept": "application/sparql-results+json"}),
    ("/doc/province/da-nang", {"Accept": "text/turtle"}),
    ("/doc/province/da-nang", {"Accept": "text/html"}),
    ("/", {}),
]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    with app_over(make_store(tmp_path / "store")) as app:
        yield app


def _replay(app: Flask) -> Replay:
    layer = app.wsgi_app
    assert isinstance(layer, Replay)
    return layer


def _answer(reply) -> tuple:
    return reply.status_code, sorted(reply.headers.items()), reply.get_data()


@pytest.mark.parametrize(("path", "headers"), CACHED)
def test_a_replayed_answer_is_flasks_hit_header_by_header(app: Flask, path: str, headers: dict) -> None:
    client = app.test_client()
    first = client.get(path, headers=headers)
    assert first.status_code == 200 and CACHE_HEADER not in first.headers
    hit = client.get(path, headers=headers)  # answered by Flask from its cache, and kept here
    assert hit.headers[CACHE_HEADER] == "hit" and _replay(app).replayed == 0
    replayed = client.get(path, headers=headers)
    assert _replay(app).replayed == 1
    assert _answer(replayed) == _answer(hit)
    assert replayed.get_data() == first.get_data()


def test_conditional_and_range_requests_and_head_go_to_flask(app: Flask) -> None:
    client = app.test_client()
    path = "/queries/agency-editions.csv"
    etag = client.get(path).headers["ETag"]
    client.get(path)  # kept
    replay = _replay(app)
    revalidated = client.get(path, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    since = client.get(path, headers={"If-Modified-Since": revalidated.headers.get("Date", "")})
    assert since.status_code in {200, 304}
    assert client.get(path, headers={"Range": "bytes=0-3"}).status_code in {200, 206}
    assert client.head(path).status_code == 200
    assert replay.replayed == 0
    assert client.get(path).status_code == 200 and replay.replayed == 1


def test_each_accept_and_each_url_is_its_own_answer(app: Flask) -> None:
    client = app.test_client()
    path = "/queries/edition-top?year=2021"
    for accept in ("text/csv", "application/json"):
        for _ in range(3):
            reply = client.get(path, headers={"Accept": accept})
            assert reply.headers["Content-Type"].startswith(accept)
    limited = [client.get(path + "&limit=3", headers={"Accept": "text/csv"}).get_data() for _ in range(3)]
    assert len(set(limited)) == 1 and b"limit" in limited[0]
    assert _replay(app).replayed == 3  # the third of each of the three (URL, Accept) pairs


def test_nothing_of_the_previous_build_is_replayed(app: Flask) -> None:
    client = app.test_client()
    path = "/sparql?query=" + COUNT.replace(" ", "+")
    answers = [client.get(path, headers={"Accept": "text/csv"}) for _ in range(3)]
    assert _replay(app).replayed == 1
    extra = pyoxigraph_quad()
    make_store(Path(app.config["STORE"]), [*fixture_quads(), extra], note="second")
    after = client.get(path, headers={"Accept": "text/csv"})
    assert CACHE_HEADER not in after.headers and _replay(app).replayed == 1
    assert int(after.text.split()[1]) == int(answers[0].text.split()[1]) + 1


def pyoxigraph_quad():
    import pyoxigraph

    return pyoxigraph.Quad(
        pyoxigraph.NamedNode(f"{BASE}id/province/da-nang"),
        pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
        pyoxigraph.Literal("replay test"),
        pyoxigraph.NamedNode(f"{BASE}graph/replay-test"),
    )


def test_a_kept_503_is_never_replayed(tmp_path: Path) -> None:
    """Flask's kept 503 counts its Retry-After down; a replay would freeze it."""
    with app_over(make_store(tmp_path / "store"), QUERY_TIMEOUT=0.001) as app:
        client = app.test_client()
        replies = [client.get("/queries/audit-trail.json") for _ in range(3)]
        assert [r.status_code for r in replies] == [503, 503, 503]
        assert replies[2].headers[CACHE_HEADER] == "hit" and _replay(app).replayed == 0


def test_no_replay_layer_without_a_response_cache(tmp_path: Path) -> None:
    with app_over(make_store(tmp_path / "store"), RESPONSE_CACHE_MB=0) as app:
        assert not isinstance(app.wsgi_app, Replay)


def test_a_bounded_sparql_answer_is_replayed_as_the_lean_path_gave_it(app: Flask) -> None:
    client = app.test_client()
    path = "/sparql?query=" + "ASK { ?s ?p ?o }".replace(" ", "+")
    first = client.get(path, headers={"Accept": "application/sparql-results+json"})
    assert first.status_code == 200 and CACHE_HEADER not in first.headers and _replay(app).replayed == 0
    again = client.get(path, headers={"Accept": "application/sparql-results+json"})
    assert _replay(app).replayed == 1 and _answer(again) == _answer(first)
    json_etag = {"Accept": "application/sparql-results+json", "If-None-Match": first.headers["ETag"]}
    assert client.get(path, headers=json_etag).status_code == 304 and _replay(app).replayed == 1
    refused = client.get(path, headers={"Accept": "text/turtle"})  # the lean path's 406 is the route's
    assert refused.status_code == 406
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 406
    assert _replay(app).replayed == 1
