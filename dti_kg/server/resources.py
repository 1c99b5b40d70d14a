"""Dereferenceable IRIs: ``/id/...`` answers 303 to ``/doc/...``, which negotiates HTML and RDF.

``{BASE}id/x`` is the thing, ``{BASE}doc/x`` its description. When the server runs on another host
than the base (e.g. 127.0.0.1:8000), request paths are mapped onto the base, so that
``http://127.0.0.1:8000/id/province/thai-nguyen`` means ``{BASE}id/province/thai-nguyen``.
The vocabulary ``https://w3id.org/dti-kg/def#`` is served from the packaged ontology at ``/def``.
"""

from __future__ import annotations

import pyoxigraph
from flask import Blueprint, Response, abort, redirect, request
from rdflib import Graph, URIRef
from werkzeug.wrappers import Response as BaseResponse

from dti_kg.namespaces import PREFIXES
from dti_kg.resources import ontology_file, read_text
from dti_kg.server import pages
from dti_kg.server.bindings import inline
from dti_kg.server.conneg import HTML, JSON_LD, N_TRIPLES, TURTLE, negotiate
from dti_kg.server.errors import NotAcceptable
from dti_kg.server.links import base
from dti_kg.server.results import construct, executor, iri, pinned_build

# Extensions of /doc and /def documents and the media type each fixes.
EXTENSIONS = {".html": HTML, ".ttl": TURTLE, ".jsonld": JSON_LD, ".nt": N_TRIPLES}
DOC_OFFERS = (HTML, TURTLE, JSON_LD, N_TRIPLES)

# The description of one resource: its outgoing triples, those of the resources minted under its
# IRI (an edition's framework and cohorts, a span's selectors), and the labels and types of every
# neighbour, in and out, so a browser can show names instead of bare IRIs. The label predicates are a
# VALUES list, not a FILTER: an index lookup per neighbour instead of a scan of all its triples (the
# description of an edition took half the time, 163 -> 75 ms, at 100 articles).
DESCRIBE = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT {
  ?this ?p ?o . ?o ?lp ?ol .
  ?part ?pp ?po . ?po ?plp ?pol .
  ?in ?ip ?this . ?in ?ilp ?il .
} WHERE {
  {
    ?this ?p ?o .
    OPTIONAL { VALUES ?lp { rdfs:label skos:prefLabel rdf:type } ?o ?lp ?ol }
  } UNION {
    ?this ?p0 ?part .
    FILTER(ISIRI(?part) && STRSTARTS(STR(?part), CONCAT(STR(?this), "/")))
    ?part ?pp ?po .
    OPTIONAL { VALUES ?plp { rdfs:label skos:prefLabel } ?po ?plp ?pol }
  } UNION {
    ?in ?ip ?this .
    OPTIONAL { VALUES ?ilp { rdfs:label skos:prefLabel rdf:type } ?in ?ilp ?il }
  }
}
"""


def split_extension(path: str) -> tuple[str, str | None]:
    for ext in (*EXTENSIONS, ".json", ".csv"):
        if path.endswith(ext):
            return path[: -len(ext)], ext
    return path, None


def describe(thing: str) -> tuple[Graph, bool]:
    """The description graph of one IRI (sorted, deterministic) and whether it was truncated."""
    graph, truncated, _ = construct(DESCRIBE, {"this": iri(thing)})
    return sorted_graph(graph), truncated


def description_triples(thing: str) -> tuple[list[pyoxigraph.Triple], bool]:
    """The description of one IRI as pyoxigraph triples, sorted and without duplicates, and whether it
    was truncated. For Turtle and N-Triples: parsing, sorting and writing them in Rust costs a fraction
    of the rdflib round trip the HTML pages need (benchmarks/README.md)."""
    result = executor().run(inline(DESCRIBE, {"this": iri(thing)}), accept=N_TRIPLES, build=pinned_build())
    # Sorting the N-Triples lines as bytes orders the triples as (subject, predicate, object) in their
    # N-Triples form would: a term's text never contains the space that ends it, and UTF-8 keeps code
    # point order. Deduplicating and sorting lines in C instead of Triple objects by a Python key took
    # the description of an edition from 10.7 to 6.2 ms in the web process (tests/test_linked_data.py
    # checks the order against the key sort).
    lines = b"\n".join(sorted(set(result.body.splitlines())))
    found = pyoxigraph.parse(lines, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return [t.triple if isinstance(t, pyoxigraph.Quad) else t for t in found], result.truncated


def triple_key(t: pyoxigraph.Triple) -> tuple[str, str, str]:
    """The order of a description's triples: by their N-Triples terms."""
    return (str(t.subject), str(t.predicate), str(t.object))


def mentions(triples: list[pyoxigraph.Triple], thing: str) -> bool:
    node = pyoxigraph.NamedNode(thing)
    return any(t.subject == node or t.object == node for t in triples)


def write_description(triples: list[pyoxigraph.Triple], media_type: str) -> bytes:
    """Sorted N-Triples lines, or Turtle with the common prefixes and ``id:``."""
    if media_type == N_TRIPLES:
        return "".join(f"{t} .\n" for t in triples).encode("utf-8")
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    prefixes["id"] = base() + "id/"
    out = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)
    return out or b""


def sorted_graph(graph: Graph) -> Graph:
    """A copy with prefixes bound and triples inserted in sorted order, so serialisations are stable."""
    out = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, str(namespace))
    out.bind("id", base() + "id/")
    for triple in sorted(graph):
        out.add(triple)
    return out


def serialise(graph: Graph, media_type: str) -> bytes:
    if media_type == N_TRIPLES:
        lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
    if media_type == JSON_LD:
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, sort_keys=True, indent=2).encode("utf-8")
    return graph.serialize(format="turtle", encoding="utf-8")


def choose_media_type(ext: str | None, offers: tuple[str, ...] = DOC_OFFERS) -> str:
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    media_type = negotiate(request.headers.get("Accept"), offers)
    if media_type is None:
        raise NotAcceptable(f"this document is available as {', '.join(offers)}")
    return media_type


def rdf_response(graph: Graph, media_type: str) -> Response:
    response = Response(serialise(graph, media_type), content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


bp = Blueprint("resources", __name__)


@bp.get("/id/<path:rest>")
def thing(rest: str) -> BaseResponse:  # flask's redirect() is typed as werkzeug's Response
    """The IRI names a thing, not a document: 303 See Other to its description (httpRange-14)."""
    response = redirect("/doc/" + rest, code=303)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response | str:
    path, ext = split_extension(rest)
    thing_iri = base() + "id/" + path
    if ext in {".json", ".csv"}:  # tabular alternates of pages that have a table
        return pages.table_alternate(path, ext) or abort(404)
    if ext in FAST_EXTENSIONS or (ext is None and _accepts_fast()):
        return _fast_document(thing_iri, choose_media_type(ext))
    graph, truncated = describe(thing_iri)
    if not any(True for _ in graph.triples((URIRef(thing_iri), None, None))) and not any(
        True for _ in graph.triples((None, None, URIRef(thing_iri)))
    ):
        abort(404, f"nothing is known about {thing_iri}")
    media_type = choose_media_type(ext)
    if media_type == HTML:
        response = Response(
            pages.render_document(path, thing_iri, graph), content_type="text/html; charset=utf-8"
        )
        response.headers["Vary"] = "Accept"
    else:
        response = rdf_response(graph, media_type)
    if truncated:
        response.headers["X-DTI-Truncated"] = "true"
    response.headers["Link"] = f'<{thing_iri}>; rel="describes"'
    return response


FAST_TYPES = (TURTLE, N_TRIPLES)
FAST_EXTENSIONS = {ext for ext, media_type in EXTENSIONS.items() if media_type in FAST_TYPES}


def _accepts_fast() -> bool:
    """The negotiated type of a document without extension is Turtle or N-Triples."""
    return negotiate(request.headers.get("Accept"), DOC_OFFERS) in FAST_TYPES


def _fast_document(thing_iri: str, media_type: str) -> Response:
    triples, truncated = description_triples(thing_iri)
    if not mentions(triples, thing_iri):
        abort(404, f"nothing is known about {thing_iri}")
    response = Response(write_description(triples, media_type), content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    if truncated:
        response.headers["X-DTI-Truncated"] = "true"
    response.headers["Link"] = f'<{thing_iri}>; rel="describes"'
    return response


@bp.get("/def")
@bp.get("/def<any('.ttl', '.nt', '.jsonld', '.html'):ext>")
def vocabulary(ext: str | None = None) -> Response | str:
    """The ontology, from the packaged ``ontology/dti.ttl`` (a static file, not the store)."""
    media_type = choose_media_type(ext)
    text = read_text(ontology_file())
    if media_type == TURTLE:
        response = Response(text, content_type="text/turtle; charset=utf-8")
        response.headers["Vary"] = "Accept"
        return response
    graph = Graph()
    graph.parse(data=text, format="turtle")
    if media_type == HTML:
        response = Response(pages.render_vocabulary(graph), content_type="text/html; charset=utf-8")
        response.headers["Vary"] = "Accept"
        return response
    return rdf_response(sorted_graph(graph), media_type)
