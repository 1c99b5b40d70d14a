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
