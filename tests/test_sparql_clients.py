"""What linked-data clients send: CONSTRUCT/DESCRIBE asked with result-set media types (roqet, rdflib's
SPARQLStore) get the default RDF format, and ASK results are the exact W3C forms. Real `dti serve`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_helpers import BASE, dti_serve, make_store

RESULTS = "{http://www.w3.org/2005/sparql-results#}"
CONSTRUCT = "CONSTRUCT { ?e a dti:Edition } WHERE { ?e a dti:Edition }"
DESCRIBE = f"DESCRIBE <{BASE}id/edition/2021>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("clients")
    with dti_serve(make_store(tmp / "store"), {"QUERY_TIMEOUT": "20"}, tmp / "serve.log") as (url, _):
        yield url


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/sparql-results+json"])
def test_a_graph_asked_as_a_result_set_comes_as_turtle(server: str, query: str, accept: str) -> None:
    response = requests.get(
        server + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    assert (URIRef(BASE + "id/edition/2021"), None, None) in Graph().parse(
        data=response.text, format="turtle"
    )


def test_rdflib_sparqlstore_reads_a_construct_asked_with_sparql_json(server: str) -> None:
    store = SPARQLStore(server + "/sparql", returnFormat="json")
    try:
        # rdflib sends only "Accept: application/sparql-results+json" and parses what the Content-Type says
        result = Graph(store=store).query(
            "CONSTRUCT { ?e a <https://w3id.org/dti-kg/def#Edition> }"
            " WHERE { ?e a <https://w3id.org/dti-kg/def#Edition> }"
        )
        editions = {str(s) for s, _, _ in result}
    finally:
        store.close()
    assert BASE + "id/edition/2021" in editions


def test_a_table_of_a_graph_asked_by_name_is_still_refused(server: str) -> None:
    response = requests.get(server + "/sparql", params={"query": CONSTRUCT, "format": "csv"}, timeout=30)
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("query", "value"), [("ASK { ?e a dti:Edition }", True), ("ASK { ?e a dti:Nothing }", False)]
)
def test_ask_results_are_the_w3c_forms(server: str, query: str, value: bool) -> None:
    def ask(accept: str) -> requests.Response:
        headers = {"Accept": accept}
        return requests.get(server + "/sparql", params={"query": query}, headers=headers, timeout=30)

    as_json = ask("application/sparql-results+json")
    assert as_json.headers["Content-Type"].startswith("application/sparql-results+json")
    assert json.loads(as_json.content) == {"head": {}, "boolean": value}  # SPARQL 1.1 JSON Results §3.2.2
    as_xml = ask("application/sparql-results+xml")
    assert as_xml.headers["Content-Type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(as_xml.content)  # SPARQL Query Results XML Format §2.3.2
    assert root.tag == RESULTS + "sparql"
    assert [child.tag for child in root] == [RESULTS + "head", RESULTS + "boolean"]
    assert len(root[0]) == 0 and not (root[0].text or "").strip()
    assert root[1].text == ("true" if value else "false")
