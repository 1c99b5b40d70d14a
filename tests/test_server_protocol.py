"""The SPARQL 1.1 Protocol against a real `dti serve` (gunicorn) process, with real clients."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from collections.abc import Iterator

import pyoxigraph
import pytest
import requests
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_helpers import BASE, dti_serve, make_store
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from dti_kg.namespaces import PREFIXES

pytestmark = pytest.mark.integration

MAX_ROWS = 50
SETTINGS = {
    "QUERY_TIMEOUT": "1",
    "MAX_ROWS": str(MAX_ROWS),
    "QUERY_WORKERS": "2",
    "QUEUE_SIZE": "4",
    "MAX_QUERY_BYTES": "8000",
}
RANKS = f"""PREFIX dti: <https://w3id.org/dti-kg/def#>
SELECT ?province ?rank WHERE {{
  GRAPH <{BASE}id/graph/official> {{ ?o dti:province ?province ; dti:rank ?rank }}
}} ORDER BY ?rank"""
CONSTRUCT_EDITIONS = """PREFIX dti: <https://w3id.org/dti-kg/def#>
CONSTRUCT { ?e dti:hasCohort ?c ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }
WHERE { ?e a dti:Edition ; dti:hasCohort ?c ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"""
# Four-way cross product: 123^4 solutions to count, far beyond a 1 s deadline.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("server")
    link = make_store(tmp / "store")
    with dti_serve(link, SETTINGS, tmp / "serve.log") as (url, _process):
        yield url


def sparql(server: str, query: str, **kwargs: object) -> requests.Response:
    headers = kwargs.pop("headers", {})
    params = {"query": query, **kwargs}
    return requests.get(server + "/sparql", params=params, headers=headers, timeout=30)


def _rank_rows_from(media_type: str, body: bytes) -> list[tuple[str, str]]:
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0] == ["province", "rank"]
        return [(r[0], r[1]) for r in rows[1:]]
    fmt = pyoxigraph.QueryResultsFormat.from_media_type(media_type)
    solutions = pyoxigraph.parse_query_results(body, fmt)
    return [(s["province"].value, s["rank"].value) for s in solutions]


EXPECTED_RANKS = [(f"{BASE}id/province/da-nang", "1"), (f"{BASE}id/province/thai-nguyen", "8")]


@pytest.mark.parametrize(
    ("fmt", "accept", "media_type"),
    [
        ("json", None, "application/sparql-results+json"),
        ("xml", None, "application/sparql-results+xml"),
        ("csv", None, "text/csv"),
        ("tsv", None, "text/tab-separated-values"),
        (None, "application/sparql-results+xml", "application/sparql-results+xml"),
        (None, "text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        (None, "application/json", "application/sparql-results+json"),
        (None, None, "application/sparql-results+json"),
    ],
)
def test_select_in_each_result_format(
    server: str, fmt: str | None, accept: str | None, media_type: str
) -> None:
    extra = {"format": fmt} if fmt else {}
    r = sparql(server, RANKS, headers={"Accept": accept} if accept else {}, **extra)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == media_type
    assert r.headers["X-DTI-Truncated"] == "false"
    assert _rank_rows_from(media_type, r.content) == EXPECTED_RANKS


def _graph_triples(media_type: str, body: bytes) -> set[tuple[str, str, str]]:
    fmt = pyoxigraph.RdfFormat.from_media_type(media_type)
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in pyoxigraph.parse(body, format=fmt)}


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdfxml", "application/rdf+xml"),
        ("trig", "application/trig"),
        ("nq", "application/n-quads"),
        ("json", "application/ld+json"),
        ("xml", "application/rdf+xml"),
    ],
)
def test_construct_in_each_graph_format(server: str, fmt: str, media_type: str) -> None:
    reference = sparql(server, CONSTRUCT_EDITIONS, format="nt")
    expected = _graph_triples("application/n-triples", reference.content)
    assert len(expected) == 6  # two editions: a cohort and two labels each
    r = sparql(server, CONSTRUCT_EDITIONS, format=fmt)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == media_type
    assert _graph_triples(media_type, r.content) == expected


def test_construct_follows_accept_q_values(server: str) -> None:
    r = sparql(server, CONSTRUCT_EDITIONS, headers={"Accept": "text/turtle;q=0.2, application/ld+json"})
    assert r.headers["Content-Type"].startswith("application/ld+json")


def test_ask_and_describe(server: str) -> None:
    ask = sparql(server, f"ASK {{ <{BASE}id/province/da-nang> ?p ?o }}")
    assert ask.json()["boolean"] is True
    ask_xml = sparql(server, "ASK { ?s <http://example.org/none> ?o }", format="xml")
    assert bool(pyoxigraph.parse_query_results(ask_xml.content, pyoxigraph.QueryResultsFormat.XML)) is False
    describe = sparql(server, f"DESCRIBE <{BASE}id/province/da-nang>", format="nt")
    triples = _graph_triples("application/n-triples", describe.content)
    assert (f"<{BASE}id/province/da-nang>", "<https://w3id.org/dti-kg/def#gsoCode>", '"48"') in triples


def test_post_form_and_post_sparql_query_body(server: str) -> None:
    form = requests.post(server + "/sparql", data={"query": RANKS}, timeout=30)
    body = requests.post(
        server + "/sparql",
        data=RANKS.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": "text/csv"},
        timeout=30,
    )
    assert form.status_code == body.status_code == 200
    assert _rank_rows_from("application/sparql-results+json", form.content) == EXPECTED_RANKS
    assert _rank_rows_from("text/csv", body.content) == EXPECTED_RANKS


def test_protocol_dataset_parameters(server: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**params: object) -> int:
        r = requests.get(server + "/sparql", params={"query": count, **params}, timeout=30)
        assert r.status_code == 200, r.text
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    everything = n()
    official = n(**{"default-graph-uri": f"{BASE}id/graph/official"})
    both = n(**{"default-graph-uri": [f"{BASE}id/graph/official", f"{BASE}id/graph/00000000000000aa"]})
    assert everything == 123, "without a dataset the default graph is the union of all graphs"
    assert 0 < official < both < everything
    named = requests.post(
        server + "/sparql",
        data={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": f"{BASE}id/graph/official",
        },
        timeout=30,
    ).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [f"{BASE}id/graph/official"]


def test_sparqlwrapper_select_and_construct(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(RANKS)
    client.setReturnFormat(JSON)  # sends format=json&output=json&results=json
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [(b["province"]["value"], b["rank"]["value"]) for b in rows] == EXPECTED_RANKS
    client.setQuery(CONSTRUCT_EDITIONS)
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) == 6


def test_rdflib_sparqlstore(server: str) -> None:
    sparql_store = SPARQLStore(server + "/sparql")  # XML results, GET
    try:
        graph = Graph(store=sparql_store)
        rows = [(str(p), int(r)) for p, r in graph.query(RANKS)]
        assert rows == [(p, int(r)) for p, r in EXPECTED_RANKS]
    finally:
        sparql_store.close()


def test_the_cli_prefixes_are_predeclared_and_a_query_may_redeclare_them(server: str) -> None:
    predeclared = sparql(
        server,
        "SELECT ?rank WHERE { ?o a dti:OfficialObservation ; dti:rank ?rank } ORDER BY ?rank",
        format="csv",
    )
    assert predeclared.status_code == 200, predeclared.text
    assert predeclared.text.split() == ["rank", "1", "8"]
    other = sparql(server, "PREFIX dti: <http://example.org/> ASK { ?o dti:rank ?r }", format="json")
    assert other.json()["boolean"] is False


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("SELECT * WHERE {\n  ?s nope:p ?o }", "line 2, column 12, after '?s nope:p': nope: is not declared"),
        ("SELECT * WHERE { ?s ?p ?o", "line 1, column 26, after 'SELECT * WHERE { ?s ?p ?o': the query ends"),
        ('SELECT * WHERE { ?s ?p "x }', "line 1, column 28, after "),
    ],
)
def test_a_parse_error_is_one_line_with_its_position(server: str, query: str, detail: str) -> None:
    error = sparql(server, query).json()["error"]
    assert error["detail"].startswith("the query is not valid SPARQL 1.1: " + detail), error["detail"]
    assert "\n" not in error["detail"] and "\\u{" not in error["detail"] and len(error["detail"]) < 300


def test_error_shape_is_pinned(server: str) -> None:
    r = sparql(server, "SELECT ?x WHERE { ?x ?y }")
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/json")
    error = r.json()["error"]
    assert set(r.json()) == {"error"}
    assert set(error) == {"status", "title", "detail", "parameter"}
    assert (error["status"], error["title"], error["parameter"]) == (400, "Bad Request", "query")
    assert error["detail"] == (
        "the query is not valid SPARQL 1.1: line 1, column 26, after 'SELECT ?x WHERE { ?x ?y }':"
        " the query ends too early; expected one of `LATERAL` `SERVICE`"
    )
    assert "\n" not in error["detail"] and "\\u{" not in error["detail"]
    plain = sparql(server, "SELECT ?x WHERE { ?x ?y }", headers={"Accept": "text/plain, */*;q=0.1"})
    assert plain.text.startswith("400 Bad Request: the query is not valid SPARQL")
    page = sparql(server, "SELECT ?x WHERE { ?x ?y }", headers={"Accept": "text/html, */*;q=0.1"})
    assert page.headers["Content-Type"].startswith("text/html") and "<h1>400 Bad Request</h1>" in page.text


@pytest.mark.parametrize(
    ("request_args", "status", "parameter"),
    [
        ({"params": {"query": RANKS}, "headers": {"Accept": "image/png"}}, 406, None),
        ({"params": {"query": RANKS, "format": "pdf"}}, 406, "format"),
        ({"params": {"query": CONSTRUCT_EDITIONS, "format": "csv"}}, 406, None),
        ({"params": {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 9000}}, 414, "query"),
        ({"method": "POST", "data": {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 9000}}, 413, "query"),
        (
            {"method": "POST", "data": "x" * 70_000, "headers": {"Content-Type": "application/sparql-query"}},
            413,
            None,
        ),
        ({"method": "POST", "data": RANKS, "headers": {"Content-Type": "text/plain"}}, 415, None),
        ({"method": "POST", "data": {"default-graph-uri": f"{BASE}id/graph/official"}}, 400, "query"),
        ({"params": {"query": [RANKS, RANKS]}}, 400, "query"),
    ],
)
def test_client_errors(server: str, request_args: dict, status: int, parameter: str | None) -> None:
    method = request_args.pop("method", "GET")
    r = requests.request(method, server + "/sparql", timeout=30, **request_args)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["status"] == status
    assert error.get("parameter") == parameter


@pytest.mark.parametrize(
    "request_args",
    [
        {"params": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"data": {"update": "CLEAR ALL"}},
        {"data": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"params": {"query": "delete where { ?s ?p ?o }"}},
    ],
)
def test_update_is_refused_and_nothing_changes(server: str, request_args: dict) -> None:
    method = "GET" if "params" in request_args else "POST"
    r = requests.request(method, server + "/sparql", timeout=30, **request_args)
    assert r.status_code == 403
    assert "read-only" in r.json()["error"]["detail"]
    assert sparql(server, "ASK { <urn:a> ?p ?o }").json()["boolean"] is False
    assert requests.get(server + "/healthz", timeout=30).json()["quads"] == 123


def test_service_is_refused_and_nothing_is_fetched(server: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    with listener:
        r = sparql(server, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        assert r.status_code == 400
        assert "SERVICE" in r.json()["error"]["detail"]
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody connected


def test_keywords_inside_strings_and_iris_are_not_refused(server: str) -> None:
    query = 'SELECT ?x WHERE { VALUES ?x { "DELETE this" <urn:service:insert> } } # DROP ALL'
    r = sparql(server, query)
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == 2


def test_deep_nesting_is_rejected_before_the_parser_and_the_server_survives(server: str) -> None:
    deep = "SELECT * WHERE " + "{" * 2500 + " ?s ?p ?o " + "}" * 2500  # crashes pyoxigraph's parser
    r = requests.post(server + "/sparql", data={"query": deep}, timeout=30)
    assert r.status_code == 400
    assert "nests" in r.json()["error"]["detail"]
    parens = "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"
    assert requests.post(server + "/sparql", data={"query": parens}, timeout=30).status_code == 400
    assert requests.get(server + "/healthz", timeout=30).status_code == 200
    assert sparql(server, RANKS).status_code == 200


def test_timeout_is_503_while_another_query_is_answered_and_the_worker_is_replaced(server: str) -> None:
    before = requests.get(server + "/healthz", timeout=30).json()["workers_replaced"]
    slow: dict[str, requests.Response] = {}
    thread = threading.Thread(target=lambda: slow.setdefault("r", sparql(server, SLOW)))
    started = time.monotonic()
    thread.start()
    time.sleep(0.3)
    quick = sparql(server, RANKS)  # the other worker answers while the slow query runs
    quick_at = time.monotonic() - started
    thread.join(timeout=30)
    slow_at = time.monotonic() - started
    assert quick.status_code == 200 and quick_at < slow_at
    r = slow["r"]
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "1"
    assert "did not finish within 1 s" in r.json()["error"]["detail"]
    assert 1.0 <= slow_at < 10
    health = requests.get(server + "/healthz", timeout=30).json()
    assert health["workers_replaced"] == before + 1
    # Both workers (one of them new) answer queries at the same time.
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(sparql(server, RANKS).status_code)) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [200] * 4


def test_row_cap_is_signalled_never_silent(server: str) -> None:
    r = sparql(server, "SELECT * WHERE { ?s ?p ?o }")
    assert r.headers["X-DTI-Truncated"] == "true"
    doc = r.json()
    assert doc["dti:truncated"] is True
    assert len(doc["results"]["bindings"]) == MAX_ROWS
    g = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o }", format="nt")
    assert g.headers["X-DTI-Truncated"] == "true"
    assert len(g.content.strip().splitlines()) == MAX_ROWS
    small = sparql(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert small.headers["X-DTI-Truncated"] == "false" and "dti:truncated" not in small.json()


def test_repeated_query_gets_304_with_if_none_match(server: str) -> None:
    first = sparql(server, RANKS)
    etag = first.headers["ETag"]
    again = sparql(server, RANKS, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    by_date = sparql(server, RANKS, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    other_format = sparql(server, RANKS, headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert other_format.status_code == 200 and other_format.headers["ETag"] != etag


def test_healthz_reports_the_build(server: str) -> None:
    r = requests.get(server + "/healthz", timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["quads"] == 123 and body["build_id"]
    assert sparql(server, RANKS).headers["X-DTI-Build"] == body["build_id"]


def test_bare_get_is_the_service_description_and_browsers_go_to_the_query_page(server: str) -> None:
    r = requests.get(server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=r.text, format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = URIRef(server + "/sparql")
    assert (endpoint, RDF.type, sd.Service) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (endpoint, sd.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    sh = Namespace("http://www.w3.org/ns/shacl#")
    declared = {
        (str(graph.value(d, sh.prefix)), str(graph.value(d, sh.namespace)))
        for d in graph.objects(endpoint, sh.declare)
    }
    assert declared == {(name, str(ns)) for name, ns in PREFIXES.items()}
    browser = requests.get(
        server + "/sparql",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
        allow_redirects=False,
        timeout=30,
    )
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/query")


def test_cors(server: str) -> None:
    preflight = requests.options(
        server + "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    r = sparql(server, RANKS, headers={"Origin": "https://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-DTI-Truncated" in r.headers["Access-Control-Expose-Headers"]
    error = sparql(server, "SELECT", headers={"Origin": "https://example.org"})
    assert error.status_code == 400 and error.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_parameters_are_ignored(server: str) -> None:
    r = sparql(server, RANKS, output="json", results="json", callback="x")
    assert r.status_code == 200
    assert json.loads(r.content)["head"]["vars"] == ["province", "rank"]
