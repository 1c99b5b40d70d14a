"""CORS and ETag/Last-Modified on every GET route of the real app (pages, documents, canned results,
VoID, the dump), with conditional requests answered 304."""

from __future__ import annotations

import pytest

ROUTES = [
    ("/", "text/html"),
    ("/doc/province/thai-nguyen", "text/html"),
    ("/doc/province/thai-nguyen.ttl", "*/*"),
    ("/doc/province/thai-nguyen", "application/ld+json"),
    ("/def", "text/turtle"),
    ("/queries", "text/html"),
    ("/queries.json", "*/*"),
    ("/queries/edition-top.csv?year=2021", "*/*"),
    ("/queries/edition-top.json?year=2021", "*/*"),
    ("/queries/edition-top?year=2021", "text/html"),
    ("/.well-known/void", "text/turtle"),
    ("/dump.nq", "*/*"),
    ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
    ("/query", "text/html"),
]


@pytest.mark.parametrize(("path", "accept"), ROUTES)
def test_every_get_route_has_cors_and_validators(pages_client, path: str, accept: str) -> None:
    first = pages_client.get(path, headers={"Accept": accept, "Origin": "https://example.org"})
    assert first.status_code == 200, (path, first.get_data(as_text=True)[:300])
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in first.headers["Access-Control-Expose-Headers"]
    etag, modified = first.headers.get("ETag"), first.headers.get("Last-Modified")
    first.close()  # /dump.nq is a streamed file: close it (an unclosed one warns)
    assert etag and modified, path
    again = pages_client.get(path, headers={"Accept": accept, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag, path
    since = pages_client.get(path, headers={"Accept": accept, "If-Modified-Since": modified})
    assert since.status_code == 304, path


def test_another_accept_or_query_is_another_entity(pages_client) -> None:
    html = pages_client.get("/doc/province/thai-nguyen", headers={"Accept": "text/html"})
    turtle = pages_client.get("/doc/province/thai-nguyen", headers={"Accept": "text/turtle"})
    assert html.headers["ETag"] != turtle.headers["ETag"]
    assert "Accept" in html.headers["Vary"]
    other = pages_client.get("/queries/edition-top.csv?year=2024")
    stale = pages_client.get(
        "/queries/edition-top.csv?year=2021", headers={"If-None-Match": other.headers["ETag"]}
    )
    assert stale.status_code == 200


def test_errors_and_health_are_not_cached_but_allow_any_origin(pages_client) -> None:
    missing = pages_client.get("/queries/nothing-here", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "ETag" not in missing.headers
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    health = pages_client.get("/healthz")
    assert "ETag" not in health.headers and health.headers["Access-Control-Allow-Origin"] == "*"


def test_preflight_for_a_page(pages_client) -> None:
    response = pages_client.options(
        "/queries/edition-top.json",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
