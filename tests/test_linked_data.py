"""Dereferencing: /id -> 303 -> /doc with content negotiation, /def, VoID and the dump."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph
import pytest
import requests
from conftest import SERVER_SAMPLE
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS, VOID
from server_helpers import dti_serve

from dti_kg import store
from dti_kg.dumps import create_servable_build
from dti_kg.namespaces import DTI
from dti_kg.serialize import dump_nquads, dump_trig
from dti_kg.server import resources

BASE = "https://w3id.org/dti-kg/"
THAI_NGUYEN = URIRef(BASE + "id/province/thai-nguyen")
SUCCESSOR = URIRef(BASE + "id/province/thai-nguyen-2025")


def _graph(data: bytes, rdf_format: str) -> Graph:
    """Parse a served document; JSON-LD through pyoxigraph (rdflib's JSON-LD parser warns on import)."""
    if rdf_format == "json-ld":
        triples = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD)
        data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        rdf_format = "nt"
    return Graph().parse(data=data.decode("utf-8"), format=rdf_format)


def _sample_quads() -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(path=str(SERVER_SAMPLE), format=pyoxigraph.RdfFormat.TRIG))


def test_id_answers_303_see_other_to_doc(pages_client) -> None:
    response = pages_client.get("/id/province/thai-nguyen")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/province/thai-nguyen")
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "media_type", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("text/html;q=0.5, text/turtle;q=0.9", "text/turtle", "turtle"),
    ],
)
def test_doc_negotiates_rdf_and_holds_the_resource_triples(
    pages_client, accept, media_type, rdf_format
) -> None:
    response = pages_client.get("/doc/province/thai-nguyen", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    assert "Accept" in response.headers["Vary"]
    graph = _graph(response.data, rdf_format)
    assert (THAI_NGUYEN, DTI.mergedInto, SUCCESSOR) in graph
    assert (THAI_NGUYEN, SKOS.prefLabel, Literal("Thái Nguyên", lang="vi")) in graph
    # enough of the neighbours to browse: the successor's label and the incoming claims
    assert (SUCCESSOR, SKOS.prefLabel, Literal("Thái Nguyên", lang="vi")) in graph
    assert len(set(graph.subjects(DTI.province, THAI_NGUYEN))) >= 5


@pytest.mark.parametrize(
    ("extension", "media_type"),
    [
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
        (".html", "text/html"),
    ],
)
def test_doc_extensions_fix_the_format_whatever_the_accept_header(
    pages_client, extension, media_type
) -> None:
    response = pages_client.get("/doc/edition/2021" + extension, headers={"Accept": "application/rdf+xml"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)


def test_browsers_get_html_and_documents_are_deterministic(pages_client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert pages_client.get("/doc/agency/bo-tttt", headers={"Accept": browser}).mimetype == "text/html"
    first = pages_client.get("/doc/edition/2021.nt").data
    # Another URL for the same document, so the second answer is written again, not the kept first one.
    again = pages_client.get("/doc/edition/2021", headers={"Accept": "application/n-triples"})
    assert again.headers.get("X-DTI-Cache") is None and again.data == first
    assert first.decode().splitlines() == sorted(first.decode().splitlines())


def test_parts_minted_under_a_resource_are_included(pages_client) -> None:
    graph = Graph().parse(
        data=pages_client.get("/doc/edition/2021.ttl").get_data(as_text=True), format="turtle"
    )
    framework = URIRef(BASE + "id/edition/2021/framework")
    assert (framework, DTI.mainIndexCount, Literal(9)) in graph


def test_unknown_iris_are_404_in_the_error_shape(pages_client) -> None:
    response = pages_client.get("/doc/province/atlantis", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
    assert pages_client.get("/doc/province/atlantis.ttl").status_code == 404
    assert pages_client.get("/doc/claim/a000000000000001.csv").status_code == 404, "claims have no table"


def test_unacceptable_media_type_is_406(pages_client) -> None:
    response = pages_client.get("/doc/province/thai-nguyen", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_vocabulary_is_served_at_def(pages_client) -> None:
    turtle = pages_client.get("/def", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert (DTI.mergedInto, None, None) in graph
    page = pages_client.get("/def", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="mergedInto"' in page
    assert pages_client.get("/def.nt").mimetype == "application/n-triples"


def test_void_counts_the_triples_of_every_named_graph(pages_client) -> None:
    response = pages_client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    counts: dict[str, int] = {}
    for quad in _sample_quads():
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    dataset = URIRef(BASE + "id/dataset")
    assert len(counts) == 6  # reference, official, two articles, reconciliation, review
    for name, count in counts.items():
        assert (dataset, VOID.subset, URIRef(name)) in void
        assert (URIRef(name), VOID.triples, Literal(count)) in void
    assert (dataset, VOID.triples, Literal(sum(counts.values()))) in void
    assert (dataset, VOID.sparqlEndpoint, URIRef("http://localhost/sparql")) in void
    assert (dataset, VOID.dataDump, URIRef("http://localhost/dump.nq")) in void


def _fetch(client, path: str, **headers: str):
    """GET a file response and close it (a static file is streamed; an unclosed one warns)."""
    response = client.get(path, headers=headers)
    response.get_data()
    response.close()
    return response


def test_dump_is_the_sorted_nquads_of_the_store(pages_client) -> None:
    response = _fetch(pages_client, "/dump.nq")
    assert response.status_code == 200
    assert response.mimetype == "application/n-quads"
    assert response.data.decode("utf-8") == dump_nquads(_sample_quads())
    again = _fetch(pages_client, "/dump.nq", **{"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_dump_is_a_static_file_with_ranges_gzip_and_trig(pages_client) -> None:
    whole = _fetch(pages_client, "/dump.nq").data
    part = _fetch(pages_client, "/dump.nq", Range="bytes=10-99")
    assert part.status_code == 206 and part.data == whole[10:100]
    assert part.headers["Content-Range"] == f"bytes 10-99/{len(whole)}"
    zipped = _fetch(pages_client, "/dump.nq", **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == whole
    assert zipped.headers["ETag"] != _fetch(pages_client, "/dump.nq").headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(_fetch(pages_client, "/dump.nq.gz").data) == whole
    trig = _fetch(pages_client, "/dump.trig")
    assert trig.mimetype == "application/trig"
    assert trig.data.decode("utf-8") == dump_trig(_sample_quads())


def test_dumps_are_written_once_at_build_time_byte_identical(tmp_path: Path) -> None:
    first = create_servable_build(store.paths(tmp_path / "a"), _sample_quads(), {})
    second = create_servable_build(store.paths(tmp_path / "b"), list(reversed(_sample_quads())), {})
    for name in ("dump.nq", "dump.nq.gz", "dump.trig", "dump.trig.gz"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.integration
def test_dereferencing_over_a_real_server_process(sample_store: Path, tmp_path: Path) -> None:
    with dti_serve(sample_store, {"QUERY_WORKERS": "1"}, tmp_path / "serve.log") as (url, _process):
        thing = requests.get(url + "/id/province/thai-nguyen", allow_redirects=False, timeout=30)
        assert thing.status_code == 303
        doc_url = requests.compat.urljoin(url, thing.headers["Location"])
        assert doc_url == url + "/doc/province/thai-nguyen"
        doc = requests.get(doc_url, headers={"Accept": "text/turtle"}, timeout=30)
        assert doc.status_code == 200 and doc.headers["Content-Type"].startswith("text/turtle")
        graph = Graph().parse(data=doc.text, format="turtle")
        assert (THAI_NGUYEN, DTI.mergedInto, SUCCESSOR) in graph
        assert (THAI_NGUYEN, DTI.gsoCode, Literal("19")) in graph
        # following the redirect with requests itself, as a linked-data client would
        followed = requests.get(
            url + "/id/province/thai-nguyen", headers={"Accept": "application/ld+json"}, timeout=30
        )
        assert followed.history[0].status_code == 303
        assert any(node.get("@id") == str(THAI_NGUYEN) for node in _jsonld_nodes(json.loads(followed.text)))
        # a canned query names the province by the local server's IRI: mapped onto the base
        local = requests.get(
            url + "/queries/claims-about",
            params={"province": url + "/id/province/thai-nguyen", "year": "2021", "format": "json"},
            timeout=30,
        )
        claims = {r["claim"].rsplit("/", 1)[-1] for r in local.json()}
        assert claims == {"a000000000000001", "a000000000000002", "a000000000000004", "b000000000000001"}


def _jsonld_nodes(data: object) -> list[dict]:
    if isinstance(data, list):
        return [n for item in data for n in _jsonld_nodes(item)]
    if isinstance(data, dict):
        return [data, *(n for item in data.get("@graph", []) for n in _jsonld_nodes(item))]
    return []


def test_descriptions_are_sorted_by_their_terms_without_duplicates(pages_app, sample_store: Path) -> None:
    """description_triples sorts the worker's N-Triples lines as bytes (C speed); the order must be that
    of the terms, (subject, predicate, object), for every resource, Vietnamese labels and all."""
    quads = store.open_read_only(sample_store).quads_for_pattern(None, None, None, None)
    things = sorted({q.subject.value for q in quads if isinstance(q.subject, pyoxigraph.NamedNode)})
    things = [t for t in things if t.startswith(BASE + "id/")]
    assert len(things) > 20
    non_ascii = 0
    with pages_app.test_request_context("/"):
        for thing in things:
            triples, _ = resources.description_triples(thing)
            assert triples == sorted(set(triples), key=resources.triple_key), thing
            non_ascii += any(not str(t.object).isascii() for t in triples)
    assert non_ascii, "the sample must have descriptions with non-ASCII literals to check the byte order"
