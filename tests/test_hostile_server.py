"""Attacks on a real ``dti serve`` on loopback (issue 10): each must be refused cleanly, and the
server must go on answering ordinary requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from server_helpers import dti_serve, make_store

pytestmark = [pytest.mark.hostile, pytest.mark.integration]
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    d = tmp_path_factory.mktemp("hostile")
    with dti_serve(make_store(d / "store"), {"QUERY_TIMEOUT": "10"}, d / "serve.log") as (url, _process):
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
