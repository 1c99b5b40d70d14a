"""``/.well-known/void`` (VoID + DCAT description of the served dataset) and ``/dump.nq`` (full dump).

Both are computed through the executor: triple counts per named graph by one SELECT, the dump by
paging through every quad in a stable order and writing sorted N-Quads with
``dti_kg.serialize.dump_nquads``. The dump is kept in memory per build, so it is computed once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pyoxigraph
from flask import Blueprint, Response, current_app, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from dti_kg.namespaces import DTI
from dti_kg.serialize import dump_nquads
from dti_kg.server.caching import current_stamp, etag_for, not_modified
from dti_kg.server.errors import ServiceUnavailable
from dti_kg.server.pages_resource import generic_page
from dti_kg.server.resources import (
    HTML,
    JSON_LD,
    N_TRIPLES,
    TURTLE,
    choose_media_type,
    rdf_response,
    sorted_graph,
)
from dti_kg.server.results import Term, construct, iri, select

N_QUADS = "application/n-quads"

GRAPH_COUNTS = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?g ORDER BY ?g
"""

DATASET_DESCRIPTION = "CONSTRUCT { ?dataset ?p ?o } WHERE { ?dataset ?p ?o }"

# Quads in a fixed order so that LIMIT/OFFSET pages neither skip nor repeat any.
QUADS_PAGE = """
SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }
ORDER BY ?g ?s ?p ?o
LIMIT {limit} OFFSET {offset}
"""
PAGE_SIZE = 50_000  # at most; always below the executor's MAX_ROWS

bp = Blueprint("void", __name__)
_dump_lock = threading.Lock()


def void_graph(base: str, host_root: str) -> Graph:
    """The VoID/DCAT description: the dataset, one subset per named graph with its triple count."""
    dataset = URIRef(base + "id/dataset")
    graph, _, _ = construct(DATASET_DESCRIPTION, {"dataset": iri(str(dataset))})
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("dti", DTI)
    counts = select(GRAPH_COUNTS)
    total = 0
    for row in counts.rows:
        subset = URIRef(str(row["g"]))
        triples = int(str(row["triples"]))
        total += triples
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, VOID.triples, Literal(triples, datatype=XSD.integer)))
        graph.add((subset, VOID.distinctSubjects, Literal(int(str(row["subjects"])), datatype=XSD.integer)))
    dump = URIRef(host_root + "dump.nq")
    endpoint = URIRef(host_root + "sparql")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, VOID.triples, Literal(total, datatype=XSD.integer)))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, VOID.dataDump, dump))
    graph.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    graph.add((dataset, VOID.vocabulary, URIRef(str(DTI))))
    graph.add((dataset, VOID.rootResource, URIRef(base + "id/indicator")))
    distribution = URIRef(base + "id/dataset/dump")
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.downloadURL, dump))
    graph.add(
        (distribution, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + N_QUADS))
    )
    service = URIRef(base + "id/dataset/sparql")
    graph.add((dataset, DCAT.distribution, service))
    graph.add((service, RDF.type, DCAT.Distribution))
    graph.add((service, DCAT.accessURL, endpoint))
    return graph


@bp.get("/.well-known/void")
@bp.get("/.well-known/void<any('.ttl', '.nt', '.jsonld'):ext>")
def void(ext: str | None = None) -> Response:
    media_type = choose_media_type(ext, offers=(TURTLE, HTML, JSON_LD, N_TRIPLES))
    base = current_app.config["BASE_IRI"]
    graph = sorted_graph(void_graph(base, request.host_url))
    if media_type == HTML:
        response = Response(generic_page(base + "id/dataset", graph), content_type="text/html; charset=utf-8")
        response.headers["Vary"] = "Accept"
        return response
    return rdf_response(graph, media_type)


def _resource(t: Term) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode:
    """A subject or graph name: the store holds no literals there."""
    return pyoxigraph.BlankNode(t.value) if t.kind == "bnode" else pyoxigraph.NamedNode(t.value)


def _term(t: Term) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal:
    if t.kind in ("uri", "bnode"):
        return _resource(t)
    if t.lang:
        return pyoxigraph.Literal(t.value, language=t.lang)
    if t.datatype:
        return pyoxigraph.Literal(t.value, datatype=pyoxigraph.NamedNode(t.datatype))
    return pyoxigraph.Literal(t.value)


def all_quads(max_rows: int) -> tuple[list[pyoxigraph.Quad], str]:
    """Every quad of the named graphs, paged through the executor; and the build they came from."""
    size = max(1, min(PAGE_SIZE, max_rows - 1))  # below the cap, so a full page is never truncated
    quads: list[pyoxigraph.Quad] = []
    build_id = None
    offset = 0
    while True:
        table = select(QUADS_PAGE.replace("{limit}", str(size)).replace("{offset}", str(offset)))
        if build_id is not None and table.build_id != build_id:
            raise ServiceUnavailable(
                "the store switched to a new build during the dump; retry", retry_after=1
            )
        build_id = table.build_id
        quads.extend(
            pyoxigraph.Quad(
                _resource(r["s"]), pyoxigraph.NamedNode(r["p"].value), _term(r["o"]), _resource(r["g"])
            )
            for r in table.rows
        )
        if len(table.rows) < size:
            return quads, build_id
        offset += size


def _chunks(data: bytes, size: int = 1 << 16) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@bp.get("/dump.nq")
def dump() -> Response:
    config = current_app.config
    stamp = current_stamp(config["STORE"])
    etag = etag_for(stamp.build_id, "dump.nq")
    if not_modified(request, etag, stamp):
        response = Response(status=304)
    else:
        cache = current_app.extensions.setdefault("dti_dump", {})
        with _dump_lock:
            if stamp.build_id not in cache:
                quads, build_id = all_quads(int(config["MAX_ROWS"]))
                cache.clear()  # keep one build's dump only
                cache[build_id] = dump_nquads(quads).encode("utf-8")
            body = cache.get(stamp.build_id) or next(iter(cache.values()))
        response = Response(_chunks(body), content_type=f"{N_QUADS}; charset=utf-8")
        response.headers["Content-Length"] = str(len(body))
        response.headers["Content-Disposition"] = 'attachment; filename="dti-kg.nq"'
    response.set_etag(etag)
    response.last_modified = stamp.last_modified
    return response
