"""The ontology parses, describes itself, and declares every dti: term the contract and the writers use."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL
from test_graph import sample_extraction  # the hand-made extraction of the graph tests

from dti_kg.graph import extraction_graph
from dti_kg.iri import Minter
from dti_kg.namespaces import DCTERMS, DTI, QB, RDF, RDFS
from dti_kg.reference_graph import ONTOLOGY_IRI, reference_graph
from dti_kg.resources import ontology_file, read_text

DATA_MODEL = Path(__file__).resolve().parent.parent / "docs" / "data-model.md"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(data=read_text(ontology_file()), format="turtle")


def _declared(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(DTI))}


def _dti_terms(graph: Graph) -> set[URIRef]:
    """Every dti: IRI used as a predicate, a class or any other object in ``graph``."""
    return {t for s, p, o in graph for t in (p, o) if isinstance(t, URIRef) and t.startswith(str(DTI))}


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionInfo, OWL.versionIRI, DCTERMS.license, DCTERMS.creator, DCTERMS.description):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    titles = {t.language for t in ontology.objects(ONTOLOGY_IRI, DCTERMS.title)}
    assert titles == {"vi", "en"}
    assert "Why these vocabularies" in str(ontology.value(ONTOLOGY_IRI, DCTERMS.description))


def test_every_dti_term_has_bilingual_labels_and_a_comment(ontology: Graph) -> None:
    used = _dti_terms(ontology) | _declared(ontology)
    assert len(used) > 80
    for term in sorted(used):
        labels = {label.language for label in ontology.objects(term, RDFS.label)}
        assert labels == {"vi", "en"}, f"{term} labels: {labels}"
        comments = [c for c in ontology.objects(term, RDFS.comment) if c.language == "en"]
        assert comments, f"{term} has no English rdfs:comment"


def test_no_blank_nodes_in_ontology(ontology: Graph) -> None:
    assert not [t for triple in ontology for t in triple if isinstance(t, BNode)]


def test_every_term_of_the_data_model_is_declared(ontology: Graph) -> None:
    names = set(re.findall(r"\bdti:([A-Za-z][A-Za-z0-9]*)", DATA_MODEL.read_text(encoding="utf-8")))
    assert {"Claim", "rank", "cohort", "EditionInferredFromDate"} <= names
    missing = sorted(n for n in names if DTI[n] not in _declared(ontology))
    assert not missing


def test_data_cube_roles(ontology: Graph) -> None:
    for term in (DTI.rank, DTI.score, DTI.rankChange):
        assert (term, RDF.type, QB.MeasureProperty) in ontology
    for term in (DTI.province, DTI.edition, DTI.indicator, DTI.cohort):
        assert (term, RDF.type, QB.DimensionProperty) in ontology
    assert (DTI.Claim, RDFS.subClassOf, QB.Observation) in ontology
    assert (DTI.OfficialObservation, RDFS.subClassOf, QB.Observation) in ontology
    for dsd in (DTI.claimStructure, DTI.officialObservationStructure):
        assert (dsd, RDF.type, QB.DataStructureDefinition) in ontology
        components = set(ontology.objects(dsd, QB.component))
        measures = {ontology.value(c, QB.measure) for c in components} - {None}
        assert measures == {DTI.rank, DTI.score, DTI.rankChange}
    official_dims = {ontology.value(c, QB.dimension) for c in ontology.objects(dsd, QB.component)}
    assert {DTI.province, DTI.edition, DTI.indicator, DTI.cohort, QB.measureType} <= official_dims


def test_every_dti_term_the_writers_produce_is_declared(ontology: Graph) -> None:
    minter = Minter()
    produced = reference_graph(minter)
    produced += extraction_graph(sample_extraction(), minter, "0.0.1", datetime(2026, 1, 1, tzinfo=UTC))
    used = _dti_terms(produced)
    # The writers use the whole data model, so this walk is not vacuous.
    assert {DTI.rank, DTI.score, DTI.rankChange, DTI.Derived, DTI.EditionFact, DTI.mergedFrom} <= used
    undeclared = sorted(used - _declared(ontology))
    assert not undeclared
    for term in used:
        assert Literal in {type(x) for x in ontology.objects(term, RDFS.label)}
