"""The real loaders' extractions of the seed corpus, written as graphs and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from dti_kg.graph import RELEASE_TIMESTAMP, claims_from_graph, extraction_graph
from dti_kg.iri import Minter
from dti_kg.loaders import LOADER_VERSION
from dti_kg.loaders.documents import load_document
from dti_kg.loaders.extract import extract_document
from dti_kg.reference_graph import reference_graph
from dti_kg.serialize import dump_nquads
from dti_kg.validate import ShapeGate

FIELDS = ("source", "province", "edition", "indicator", "measure", "value", "out_of", "derived")


def seed_graphs(seed_files: list[Path], minter: Minter) -> dict[str, Graph]:
    graphs = {}
    for path in seed_files:
        graph = extraction_graph(
            extract_document(load_document(path)), minter, LOADER_VERSION, RELEASE_TIMESTAMP
        )
        graphs[str(graph.identifier)] = graph
    return graphs


@pytest.fixture(scope="module")
def graphs(seed_files: list[Path]) -> dict[str, Graph]:
    return seed_graphs(seed_files, Minter())


def _key(record: dict) -> tuple[object, ...]:
    return (*(record[f] for f in FIELDS), record.get("compared_to_edition"))


def test_graphs_give_back_the_expected_claims(graphs: dict[str, Graph], expected_claims: list[dict]) -> None:
    records = [r for g in graphs.values() for r in claims_from_graph(g)]
    assert sorted(map(_key, records)) == sorted(map(_key, expected_claims))
    for record in records:
        assert record["quote"] == record["evidence"][0]["quote"]
        assert record["iri"].startswith(Minter().base + "id/claim/")


def test_seed_graphs_are_deterministic(graphs: dict[str, Graph], seed_files: list[Path]) -> None:
    again = seed_graphs(seed_files, Minter())
    for name, graph in graphs.items():
        assert dump_nquads(again[name]) == dump_nquads(graph)


def test_seed_and_reference_graphs_conform_to_the_shapes(graphs: dict[str, Graph]) -> None:
    reference = reference_graph(Minter())
    gate = ShapeGate(reference)
    reports = gate.validate({str(reference.identifier): reference, **graphs})  # one pyshacl run
    assert len(reports) == len(graphs) + 1
    for report in reports.values():
        assert report.conforms, report.as_text()
