"""The lean ``GET /sparql`` path (dti_kg.server.lean) answers what it answers exactly as the Flask route
does (status, every header, body), and leaves everything else to the route. Real app, real store; the
route is reached through Flask's own WSGI callable, the one the lean layer wraps."""

from __future__ import annotations

import io
import json
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import requests
from flask import Flask
from server_helpers import BASE, app_over, dti_serve, fixture_quads, make_store
from werkzeug.test import Client

from dti_kg.server.lean import LeanSparql

PROVINCE = f"<{BASE}id/province/da-nang>"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with app_over(make_store(tmp_path_factory.mktemp("lean") / "store"), RESPONSE_CACHE_MB=0) as app:
        yield app


def _lean(app: Flask) -> LeanSparql:
    layer = app.wsgi_app
    assert isinstance(layer, LeanSparql)
    return layer


def _environ(query_string: str, **headers: str) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/sparql",
        "QUERY_STRING": query_string,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    return environ


def _both(app: Flask, query_string: str, **headers: str) -> tuple:
    """(lean answer, route answer) as (status, sorted headers, body), for the same request."""
    answers = []
    for wsgi in (_lean(app), _lean(app).flask_wsgi):
        reply = Client(wsgi).get("/sparql?" + query_string, headers=headers)
        answers.append((reply.status_code, sorted(reply.headers.items()), reply.get_data()))
    return answers[0], answers[1]


def _qs(query: str, **more: str) -> str:
    return urllib.parse.urlencode({"query": query, **more})


ANSWERED = [
    (_qs("ASK { ?s ?p ?o }"), {"Accept": JSON}),
    (_qs("ASK {}"), {"Accept": "application/sparql-results+xml"}),
    (_qs("ASK { ?s ?p ?o }"), {}),  # no Accept: anything
    (_qs(f"SELECT ?p WHERE {{ {PROVINCE} ?p ?o }} LIMIT 3"), {"Accept": "text/csv"}),
    (_qs(f"SELECT * WHERE {{ {PROVINCE} ?p ?o }} LIMIT 3", output="json"), {"Accept": JSON}),  # ignored
    (_qs(f"DESCRIBE {PROVINCE}"), {"Accept": "text/turtle"}),
    (_qs("ASK { ?s ?p ?o }").replace("+", "%20"), {"Accept": "*/*"}),
    (_qs('ASK { ?p dti:gsoCode "48" }'), {"Accept": JSON}),  # a predeclared prefix: passed to the parser
    (_qs("ASK { ?s <urn:nothing> ?o }"), {"Accept": JSON}),  # false
    (_qs("ASK { ?s <urn:nothing> ?o }"), {"Accept": "application/sparql-results+xml"}),
]


@pytest.mark.parametrize(("query_string", "headers"), ANSWERED)
def test_bounded_gets_are_answered_as_the_route_answers_them(
    app: Flask, query_string: str, headers: dict[str, str]
) -> None:
    assert _lean(app)._answer(_environ(query_string, **headers)) is not None  # answered by the lean layer
    lean, route = _both(app, query_string, **headers)
    assert lean == route and lean[0] == 200


def test_revalidation_is_answered_as_the_route_answers_it(app: Flask) -> None:
    query_string = _qs("ASK { ?s ?p ?o }")
    first = Client(app).get("/sparql?" + query_string, headers={"Accept": JSON})
    for conditional in (
        {"If-None-Match": first.headers["ETag"]},
        {"If-Modified-Since": first.headers["Last-Modified"]},
        {"If-None-Match": '"another"'},  # no match: a full answer
    ):
        headers = {"Accept": JSON, **conditional}
        assert _lean(app)._answer(_environ(query_string, **headers)) is not None
        lean, route = _both(app, query_string, **headers)
        assert lean == route
    assert _both(app, query_string, Accept=JSON, **{"If-None-Match": first.headers["ETag"]})[0][0] == 304


LEFT_TO_THE_ROUTE = [
    (_qs("ASK { ?s ?p ?o }", format="xml"), {}),
    (_qs("ASK { ?s ?p ?o }", release="nope"), {}),
    (_qs("ASK { ?s ?p ?o }", update="CLEAR ALL"), {}),
    (_qs("ASK { ?s ?p ?o }", **{"default-graph-uri": BASE + "graph/x"}), {}),
    ("query=ASK%7B%7D&query=ASK%7B%7D", {}),  # two queries: 400
    (_qs("ASK { ?s ?p ?o }") + "&output=%FF", {}),  # not UTF-8: 400
    ("query=ASK%7B%FF%7D", {}),
    ("query=+", {}),  # empty: 400
    ("", {}),  # the service description
    (_qs("ASK { ?s nope:p ?o }"), {}),  # an undeclared prefix: the route's 400
    (_qs("ASK { ?s ?p ?o }"), {"Accept": "text/turtle"}),  # 406
    (_qs("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), {"Accept": JSON}),  # not bounded: a worker
    (_qs("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), {}),  # 403
    (_qs("ASK " + "{" * 300 + "}" * 300), {}),  # the guard: 400
]


@pytest.mark.parametrize(("query_string", "headers"), LEFT_TO_THE_ROUTE)
def test_everything_else_is_left_to_the_route(app: Flask, query_string: str, headers: dict[str, str]) -> None:
    assert _lean(app)._answer(_environ(query_string, **headers)) is None
    lean, route = _both(app, query_string, **headers)
    assert lean == route


def test_a_kept_verdict_answers_as_the_first_did(app: Flask) -> None:
    """The second request of the same text and Accept skips the guard (the verdict is kept) and gets
    the same status, headers and body as the first and as the route."""
    query_string, headers = _qs(f"SELECT ?p WHERE {{ {PROVINCE} ?p ?o }} LIMIT 2"), {"Accept": "text/csv"}
    lean = _lean(app)
    lean._plan.cache_clear()
    first, route = _both(app, query_string, **headers)
    hits = lean._plan.cache_info().hits
    second, _ = _both(app, query_string, **headers)
    assert lean._plan.cache_info().hits == hits + 1  # answered from the kept verdict
    assert first == second == route and first[0] == 200
    etag = dict(first[1])["ETag"]
    revalidated, route_304 = _both(app, query_string, **{**headers, "If-None-Match": etag})
    assert revalidated == route_304 and revalidated[0] == 304


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("ASK " + "{" * 300 + "}" * 300, 400),  # the guard
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
        ("ASK { ?s nope:p ?o }", 400),  # the parser, in the route
    ],
)
def test_a_refused_query_is_refused_again(app: Flask, query: str, status: int) -> None:
    """A kept "no" still hands the request to the route, which refuses it in its own shape each time."""
    query_string = _qs(query)
    answers = []
    for _ in range(2):
        assert _lean(app)._answer(_environ(query_string)) is None
        lean, route = _both(app, query_string)
        assert lean == route and lean[0] == status
        answers.append(lean)
    assert answers[0] == answers[1]


def test_the_lean_path_sees_a_build_switch(tmp_path: Path) -> None:
    """The kept verdict and stamp do not outlive the build: the next request after a switch answers
    from the new build, with its ETag, Last-Modified and X-DTI-Build, as the route does."""
    link = make_store(tmp_path / "store")
    extra = pyoxigraph.Quad(
        pyoxigraph.NamedNode(BASE + "id/x"), pyoxigraph.NamedNode(BASE + "id/p"), pyoxigraph.Literal("1")
    )
    query_string = _qs(f'ASK {{ <{BASE}id/x> <{BASE}id/p> "1" }}')
    with app_over(link, RESPONSE_CACHE_MB=0) as app:
        before = [_both(app, query_string, Accept=JSON) for _ in range(2)]
        assert before[0] == before[1] and before[0][0] == before[0][1]
        assert b"false" in before[0][0][2]
        make_store(link, [*fixture_quads(), extra], note="second")
        assert _lean(app)._answer(_environ(query_string, Accept=JSON)) is not None
        lean, route = _both(app, query_string, Accept=JSON)
    assert lean == route and b"true" in lean[2]
    old, new = dict(before[0][0][1]), dict(lean[1])
    assert new["X-DTI-Build"] != old["X-DTI-Build"] and new["ETag"] != old["ETag"]


def test_true_and_false_are_written_apart_in_every_format(app: Flask) -> None:
    """ASK answers are written once per truth and format (serializers.write_boolean): each is its own."""
    bodies = set()
    for query in ("ASK { ?s ?p ?o }", "ASK { ?s <urn:nothing> ?o }"):
        for accept in (JSON, "application/sparql-results+xml", "text/csv"):
            lean, route = _both(app, _qs(query), Accept=accept)
            assert lean == route and lean[0] == 200
            bodies.add(lean[2])
    assert len(bodies) == 6
    assert json.loads(_both(app, _qs("ASK { ?s <urn:nothing> ?o }"), Accept=JSON)[0][2])["boolean"] is False


def test_the_lean_path_behind_gunicorn(tmp_path: Path) -> None:
    """Over real HTTP: the same answer and headers as the route, and a 304 on revalidation."""
    store_link = make_store(tmp_path / "store")
    with dti_serve(store_link, {"RESPONSE_CACHE_MB": "0"}, tmp_path / "serve.log") as (base, _):
        url = base + "/sparql?" + _qs("ASK { ?s ?p ?o }")
        reply = requests.get(url, headers={"Accept": JSON}, timeout=30)
        assert reply.status_code == 200 and reply.json() == {"head": {}, "boolean": True}
        for name in ("ETag", "Last-Modified", "X-DTI-Build", "Content-Security-Policy"):
            assert reply.headers[name]
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        again = requests.get(
            url, headers={"Accept": JSON, "If-None-Match": reply.headers["ETag"]}, timeout=30
        )
        assert again.status_code == 304 and again.content == b""
        assert again.headers["ETag"] == reply.headers["ETag"]
