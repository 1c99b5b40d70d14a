"""Content negotiation as a table: Accept header (or format parameter) -> media type."""

from __future__ import annotations

import pytest

from dti_kg.server import conneg
from dti_kg.server.conneg import (
    CSV,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TSV,
    TURTLE,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        (None, "solutions", SPARQL_JSON),
        ("", "solutions", SPARQL_JSON),
        ("*/*", "solutions", SPARQL_JSON),
        ("*/*", "graph", TURTLE),
        ("application/sparql-results+xml", "solutions", SPARQL_XML),
        ("text/csv", "solutions", CSV),
        ("text/*", "solutions", CSV),
        ("text/tab-separated-values", "boolean", TSV),
        ("text/csv;q=0.5, text/tab-separated-values", "solutions", TSV),
        ("application/json", "solutions", SPARQL_JSON),
        ("application/json", "graph", JSON_LD),
        ("application/xml", "solutions", SPARQL_XML),
        ("application/xml", "graph", RDF_XML),
        ("text/turtle;q=0.2, application/ld+json", "graph", JSON_LD),
        ("application/n-triples", "graph", N_TRIPLES),
        ("application/trig", "graph", TRIG),
        ("application/n-quads", "graph", N_QUADS),
        ("text/plain", "graph", N_TRIPLES),
        ("TEXT/TURTLE", "graph", TURTLE),
        ("text/turtle; charset=utf-8; q=0.9", "graph", TURTLE),
        ("image/png", "solutions", None),
        ("text/csv", "graph", None),  # a table of a graph: asked by name, refused
        # roqet and rdflib's SPARQLStore send result-set types for CONSTRUCT/DESCRIBE too: the default RDF
        ("application/sparql-results+xml", "graph", TURTLE),
        ("application/sparql-results+json", "graph", TURTLE),
        ("application/sparql-results+xml, text/csv;q=0.5", "graph", TURTLE),
        ("application/sparql-results+xml;q=0.9, application/rdf+xml;q=0.5", "graph", RDF_XML),
        ("application/sparql-results+json", "solutions", SPARQL_JSON),
        ("application/sparql-results+xml", "boolean", SPARQL_XML),
        ("text/turtle", "solutions", None),
        ("*/*;q=0", "solutions", None),
        ("text/csv;q=0, */*", "solutions", SPARQL_JSON),
        ("text/*;q=0.1, text/csv;q=0, application/*;q=0.05", "solutions", TSV),
        ("garbage", "solutions", SPARQL_JSON),
        ("text/csv;q=abc, application/sparql-results+xml", "solutions", SPARQL_XML),
        (BROWSER, "solutions", SPARQL_XML),
        (BROWSER, "graph", RDF_XML),
        # SPARQLWrapper's JSON Accept header
        (
            "application/sparql-results+json,application/json,text/javascript,application/javascript",
            "solutions",
            SPARQL_JSON,
        ),
    ],
)
def test_choose(accept: str | None, kind: str, expected: str | None) -> None:
    assert conneg.choose(accept, kind) == expected


@pytest.mark.parametrize(
    ("formats", "kind", "expected"),
    [
        (["json"], "solutions", SPARQL_JSON),
        (["json"], "graph", JSON_LD),
        (["xml"], "solutions", SPARQL_XML),
        (["xml"], "graph", RDF_XML),
        (["csv"], "solutions", CSV),
        (["tsv", "text/tab-separated-values"], "solutions", TSV),
        (["ttl"], "graph", TURTLE),
        (["nt"], "graph", N_TRIPLES),
        (["jsonld"], "graph", JSON_LD),
        (["rdfxml"], "graph", RDF_XML),
        (["rdf+xml", "application/rdf+xml"], "graph", RDF_XML),
        (["turtle"], "graph", TURTLE),
        (["application/n-quads"], "graph", N_QUADS),
        (["csv"], "graph", None),
        (["ttl"], "solutions", None),
    ],
)
def test_format_parameter(formats: list[str], kind: str, expected: str | None) -> None:
    assert conneg.choose(conneg.accept_from_format(formats), kind) == expected


def test_unknown_format_names_give_no_accept_header() -> None:
    assert conneg.accept_from_format(["pdf", "docx"]) is None


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("text/turtle, text/html;q=0.9", False),
        ("*/*", False),
        (None, False),
        ("application/sparql-results+json", False),
    ],
)
def test_prefers_html(accept: str | None, expected: bool) -> None:
    assert conneg.prefers_html(accept, conneg.GRAPH_TYPES) is expected


def test_the_most_specific_range_sets_the_quality() -> None:
    ranges = conneg.parse_accept("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1")
    assert conneg.quality(ranges, CSV) == 0.7
    assert conneg.quality(ranges, TSV) == 0.3
    assert conneg.quality(ranges, SPARQL_JSON) == 0.1
