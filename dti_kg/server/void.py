"""``/.well-known/void`` (VoID + DCAT description of the served dataset) and ``/dump.nq`` (full dump).

The description is computed through the executor (triple counts per named graph by one SELECT). The
dumps (``/dump.nq``, ``/dump.trig``, and their ``.gz``) are files the build wrote once
(``dti_kg.dumps``), sent as they are: Range requests, ETag and Last-Modified of the build, and the
gzipped file with ``Content-Encoding: gzip`` to clients that accept it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from dti_kg.dumps import DUMPS, GZIP_SUFFIX
from dti_kg.namespaces import DTI
from dti_kg.server.caching import current_stamp, etag_for, not_modified
from dti_kg.server.errors import StoreUnavailable
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
from dti_kg.server.results import construct, iri, select

N_QUADS = DUMPS["dump.nq"][0]
GZIP = "application/gzip"

GRAPH_COUNTS = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?g ORDER BY ?g
"""

DATASET_DESCRIPTION = "CONSTRUCT { ?dataset ?p ?o } WHERE { ?dataset ?p ?o }"

bp = Blueprint("void", __name__)


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


def _dump_file(name: str, compressed: bool) -> Response:
    stamp = current_stamp(current_app.config["STORE"])
    media_type, _writer = DUMPS[name]
    # A range of the gzipped bytes is valid HTTP but no client resumes a download that way.
    gzipped = compressed or (request.accept_encodings.quality("gzip") > 0 and "Range" not in request.headers)
    path = Path(stamp.build_dir) / (name + GZIP_SUFFIX if gzipped else name)
    if not path.is_file():
        raise StoreUnavailable(
            f"build {stamp.build_id} has no {path.name} (built by an older version); run `dti build`",
            retry_after=30,
        )
    etag = etag_for(stamp.build_id, path.name)
    if not_modified(request, etag, stamp):  # answered before the file is opened (a 304 would leak it)
        response = Response(status=304)
        response.set_etag(etag)
        response.last_modified = stamp.last_modified
    else:
        response = send_file(
            path,
            mimetype=GZIP if compressed else media_type,
            as_attachment=True,
            download_name="dti-kg" + path.name.removeprefix("dump"),
            conditional=True,  # Range and If-Range
            etag=etag,
            last_modified=stamp.last_modified,
        )
    if gzipped and not compressed:
        response.content_encoding = "gzip"
    if not compressed:
        response.vary.add("Accept-Encoding")
    return response


@bp.get("/dump.<any(nq, trig):kind>")
@bp.get("/dump.<any(nq, trig):kind>.gz", defaults={"compressed": True})
def dump(kind: str, compressed: bool = False) -> Response:
    return _dump_file(f"dump.{kind}", compressed)
