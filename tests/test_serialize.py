"""Deterministic dumps: sorted canonical N-Quads, TriG and Turtle from rdflib objects or a Store."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from dti_kg.errors import InputError
from dti_kg.namespaces import DTI, RDF, RDFS, XSD
from dti_kg.serialize import dump_nquads, dump_trig, dump_turtle

G1 = URIRef("https://example.org/kg/id/graph/one")
G2 = URIRef("https://example.org/kg/id/graph/two")
S = URIRef("https://example.org/kg/id/claim/abc")
T = URIRef("https://example.org/kg/id/claim/def")

TRIPLES_G1 = [
    (S, RDF.type, DTI.Claim),
    (S, DTI.rank, Literal("8", datatype=XSD.integer)),
    (S, DTI.score, Literal("0.3215", datatype=XSD.decimal)),
    (S, RDFS.label, Literal("Thái Nguyên", lang="vi")),
    (S, RDFS.comment, Literal('a "quoted"\nline\twith tab\\ and \u0001 control')),
    (S, DTI.fileName, Literal("x.txt")),
    (T, DTI.consistentWithReference, Literal("true", datatype=XSD.boolean)),
    (T, RDFS.seeAlso, URIRef("https://example.org/huế?q=1#x")),
]
TRIPLES_G2 = [(S, DTI.rank, Literal("8", datatype=XSD.integer)), (T, DTI.version, Literal("1.0"))]


def rdflib_dataset() -> Dataset:
    ds = Dataset()
    for graph_name, triples in ((G1, TRIPLES_G1), (G2, TRIPLES_G2)):
        g = ds.graph(graph_name)
        for triple in triples:
            g.add(triple)
    ds.default_graph.add((T, RDFS.label, Literal("in the default graph")))
    return ds


def ox_store() -> ox.Store:
    """The same content loaded into pyoxigraph in a different order and with non-canonical literals."""
    store = ox.Store()
    data = dump_nquads(rdflib_dataset()).splitlines(keepends=True)
    random.Random(7).shuffle(data)
    store.load("".join(data), format=ox.RdfFormat.N_QUADS)
    x = "http://www.w3.org/2001/XMLSchema#"
    s, rank = ox.NamedNode(str(S)), ox.NamedNode(str(DTI.rank))
    # "+08" is the integer 8; the store keeps one canonical form, so this adds nothing new.
    store.add(
        ox.Quad(s, rank, ox.Literal("+08", datatype=ox.NamedNode(x + "integer")), ox.NamedNode(str(G2)))
    )
    return store


def test_nquads_are_sorted_canonical_and_stable() -> None:
    first = dump_nquads(rdflib_dataset())
    assert first == dump_nquads(rdflib_dataset())
    lines = first.splitlines()
    assert lines == sorted(lines) and len(lines) == len(TRIPLES_G1) + len(TRIPLES_G2) + 1
    assert all(line.endswith(" .") for line in lines)
    assert '"a \\"quoted\\"\\nline\\twith tab\\\\ and \\u0001 control"' in first
    assert "<https://example.org/kg/id/graph/one> ." in first
    assert any(line.count("<") == 2 and "default graph" in line for line in lines)  # no graph term


def test_store_and_rdflib_give_identical_bytes() -> None:
    assert dump_nquads(ox_store()).encode() == dump_nquads(rdflib_dataset()).encode()
    assert dump_trig(ox_store()).encode() == dump_trig(rdflib_dataset()).encode()
    assert dump_turtle(ox_store()).encode() == dump_turtle(rdflib_dataset()).encode()


def test_literals_are_canonicalised() -> None:
    g = Graph(identifier=G1)
    g.add((S, DTI.score, Literal("1.000", datatype=XSD.decimal)))
    g.add((S, DTI.rank, Literal("+08", datatype=XSD.integer)))
    g.add((S, RDFS.label, Literal("Huế", lang="VI")))
    out = dump_nquads(g)
    assert f'"1"^^<{XSD.decimal}>' in out
    assert f'"8"^^<{XSD.integer}>' in out
    assert '"Huế"@vi' in out


def test_accepted_inputs_agree() -> None:
    expected = dump_nquads(rdflib_dataset())
    store_quads = list(ox_store().quads_for_pattern(None, None, None, None))
    random.Random(3).shuffle(store_quads)
    assert dump_nquads(store_quads) == expected
    tuples = [(s, p, o, g) for s, p, o, g in rdflib_dataset().quads((None, None, None, None))]
    assert dump_nquads(tuples) == expected
    # A plain Graph lands in the graph its identifier names.
    g = Graph(identifier=G2)
    for triple in TRIPLES_G2:
        g.add(triple)
    assert dump_nquads(g).splitlines() == [
        line for line in expected.splitlines() if line.endswith(f"<{G2}> .")
    ]
    # Triples without a graph go to the default graph.
    assert dump_nquads([(S, DTI.rank, Literal(8))]) == f'<{S}> <{DTI.rank}> "8"^^<{XSD.integer}> .\n'


def test_trig_and_turtle_parse_back_to_the_same_content() -> None:
    ds = rdflib_dataset()
    trig = dump_trig(ds)
    assert trig.startswith("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n")
    assert "dti:rank 8 ;" in trig and "dti:score 0.3215 .\n" in trig and "a dti:Claim ;" in trig
    back = ox.Store()
    back.load(trig, format=ox.RdfFormat.TRIG)
    assert dump_nquads(back) == dump_nquads(ds)

    turtle = dump_turtle(ds)
    merged = ox.Store()
    merged.load(turtle, format=ox.RdfFormat.TURTLE)
    union = {(q.subject, q.predicate, q.object) for q in ox_store()}
    assert len(merged) == len(union)  # the duplicate triple of the two graphs appears once
    # The store holds the default graph only, so its dump is N-Triples.
    as_ntriples = Graph().parse(data=dump_nquads(merged), format="nt")
    assert Graph().parse(data=turtle, format="turtle").isomorphic(as_ntriples)


def test_bad_input_is_named() -> None:
    with pytest.raises(InputError, match="expected a quad or a triple"):
        dump_nquads(["not a quad"])
    with pytest.raises(InputError, match="cannot serialise"):
        dump_nquads([(S, DTI.rank, object())])
    with pytest.raises(InputError, match="odd path"):
        dump_nquads([(S, RDFS.seeAlso, URIRef("https://example.org/odd path"))])
