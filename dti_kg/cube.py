"""The vocabulary and the Data Cube structure as named graphs of the store.

The ontology (``ontology/dti.ttl``) is loaded into ``id/graph/vocabulary`` so the labels and comments of
classes, properties, measures and statuses can be queried beside the data, and its data structure
definitions (the DSDs and their component specifications) go to ``id/graph/structure``, the graph a Data
Cube client reads the cube's shape from. The structure graph also says which code list the indicator
dimension draws from (the indicator scheme, an instance IRI that moves with the base) and repeats the
Data Cube vocabulary's range of ``qb:measureType`` so the cube is checkable on its own (integrity
constraint IC-4).
"""

from __future__ import annotations

from rdflib import Graph

from dti_kg.iri import Minter
from dti_kg.namespaces import DTI, PREFIXES, QB, RDF, RDFS
from dti_kg.resources import ontology_file, read_text

VOCABULARY = "vocabulary"
STRUCTURE = "structure"
_STRUCTURE_TYPES = (QB.DataStructureDefinition, QB.ComponentSpecification)


def _bound(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def vocabulary_graphs(minter: Minter) -> dict[str, Graph]:
    """``{graph IRI: graph}`` for the vocabulary and the cube structure (no triple in both)."""
    ontology = Graph().parse(data=read_text(ontology_file()), format="turtle")
    vocabulary = _bound(Graph(identifier=minter.graph(VOCABULARY)))
    structure = _bound(Graph(identifier=minter.graph(STRUCTURE)))
    parts = {s for t in _STRUCTURE_TYPES for s in ontology.subjects(RDF.type, t)}
    for triple in ontology:
        (structure if triple[0] in parts else vocabulary).add(triple)
    structure.add((DTI.indicator, QB.codeList, minter.indicator_scheme()))
    structure.add((QB.measureType, RDFS.range, QB.MeasureProperty))
    return {str(vocabulary.identifier): vocabulary, str(structure.identifier): structure}
