"""Error pages for people (issue 8): styled like the other pages, the message above the editor, and the
user's query (or a canned query's values) kept. API clients keep the one JSON/plain error shape."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from server_helpers import app_over

HTML = {"Accept": "text/html"}
BAD = "SELECT ?x WHERE { ?x ?y }  # à l'œuvre <b>"


def textarea(html: str) -> str:
    match = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert match, "the error page has no editor"
    return unescape(match.group(1))


def assert_styled(html: str, status: int, title: str) -> None:
    assert '<link rel="stylesheet" href="/static/style.css">' in html
    assert "<nav>" in html and 'href="/query"' in html  # the site's header, as on every page
    assert f"<h1>{status} {title}</h1>" in html
    assert '<div class="error" role="alert">' in html


def test_a_bad_query_in_the_editor_is_a_400_that_keeps_the_editor_and_the_query(pages_client) -> None:
    r = pages_client.get("/query", query_string={"query": BAD, "run": "1"}, headers=HTML)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert_styled(html, 400, "Bad Request")
    assert textarea(html) == BAD  # the query comes back exactly, escaped (no <b> element on the page)
    assert "<b>" not in html
    assert html.index('class="error"') < html.index("<textarea"), "the error is shown above the editor"
    assert "not valid SPARQL 1.1: line 1, column" in html  # one readable line with the position


def test_a_posted_form_query_comes_back_in_the_editor(pages_client) -> None:
    r = pages_client.post("/sparql", data={"query": BAD}, headers={"Accept": "text/html, */*;q=0.1"})
    assert r.status_code == 400 and textarea(r.get_data(as_text=True)) == BAD


def test_a_missing_page_is_a_styled_404_with_ways_on(pages_client) -> None:
    r = pages_client.get("/doc/province/nowhere", headers=HTML)
    html = r.get_data(as_text=True)
    assert r.status_code == 404
    assert_styled(html, 404, "Not Found")
    assert "nothing is known about https://w3id.org/dti-kg/id/province/nowhere" in html
    assert 'href="/queries"' in html and "<textarea" not in html


def test_a_canned_query_error_keeps_its_form_with_the_values_given(pages_client) -> None:
    r = pages_client.get("/queries/edition-top", query_string={"year": "twenty", "limit": "3"}, headers=HTML)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert_styled(html, 400, "Bad Request")
    assert "<code>year</code>" in html
    assert '<form method="get" action="/queries/edition-top">' in html
    assert 'name="year" value="twenty"' in html and 'name="limit" value="3"' in html


def test_an_unavailable_store_is_a_styled_503_that_keeps_the_query(tmp_path: Path) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    with app_over(tmp_path / "no-store") as app:
        r = app.test_client().get("/query", query_string={"query": query, "run": "1"}, headers=HTML)
    html = r.get_data(as_text=True)
    assert r.status_code == 503 and r.headers["Retry-After"]
    assert_styled(html, 503, "Service Unavailable")
    assert textarea(html) == query
    assert f"{r.headers['Retry-After']} s" in html


def test_api_clients_keep_the_json_and_plain_error_shape(pages_client) -> None:
    r = pages_client.get("/sparql", query_string={"query": BAD})
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert set(r.json) == {"error"} and set(r.json["error"]) == {"status", "title", "detail", "parameter"}
    plain_accept = {"Accept": "text/plain, */*;q=0.1"}
    plain = pages_client.get("/sparql", query_string={"query": BAD}, headers=plain_accept)
    assert plain.get_data(as_text=True).startswith("400 Bad Request: the query is not valid SPARQL")
