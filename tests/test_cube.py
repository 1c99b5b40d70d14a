"""The Data Cube on the bundled build: data sets with their structure, the vocabulary and the structure in
their own named graphs, and the W3C integrity constraints (IC-1 … IC-21) run as the specification's ASKs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from dti_kg import store
from dti_kg.cube_integrity import check, not_applicable
from dti_kg.query import run_query

ID = "https://w3id.org/dti-kg/id/"
# Sparse by nature: DTI 2020 has ranks without scores, and no official observation is a rank change.
EXPECTED_TO_FAIL = {
    "IC-17 all measures present (claimStructure)",
    "IC-17 all measures present (officialObservationStructure)",
}


@pytest.fixture(scope="module")
def built(bundled_store: Path) -> pyoxigraph.Store:
    return store.open_read_only(bundled_store)


def rows(built: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(t.value if t is not None else "" for t in row) for row in run_query(built, query)]


def test_the_bundled_cube_is_well_formed(built: pyoxigraph.Store) -> None:
    results = check(built)
    assert {n.split()[0] for n in results} >= {f"IC-{i}" for i in range(1, 20)}
    assert {name for name, violated in results.items() if violated} == EXPECTED_TO_FAIL
    assert not any(not_applicable(built).values()), "a hierarchical code list appeared: write IC-20/21"


def test_the_official_observations_point_to_a_data_set_with_a_structure(built: pyoxigraph.Store) -> None:
    found = rows(
        built,
        f"""SELECT ?structure ?dimensions ?measures ?attributes WHERE {{
          <{ID}graph/official> a qb:DataSet ; qb:structure ?structure .
          {{ SELECT ?structure (COUNT(DISTINCT ?d) AS ?dimensions) (COUNT(DISTINCT ?m) AS ?measures)
                    (COUNT(DISTINCT ?a) AS ?attributes) WHERE {{
             GRAPH <{ID}graph/structure> {{
               ?structure a qb:DataStructureDefinition ; qb:component ?c .
               OPTIONAL {{ ?c qb:dimension ?d }} OPTIONAL {{ ?c qb:measure ?m }}
               OPTIONAL {{ ?c qb:attribute ?a }}
             }} }} GROUP BY ?structure }}
        }}""",
    )
    assert found == [("https://w3id.org/dti-kg/def#officialObservationStructure", "5", "3", "2")]
    datasets = rows(
        built, "SELECT DISTINCT ?d WHERE { ?o a qb:Observation ; qb:dataSet ?d . ?d a qb:DataSet }"
    )
    untyped = rows(
        built,
        "SELECT DISTINCT ?d WHERE { ?o a qb:Observation ; qb:dataSet ?d "
        "FILTER NOT EXISTS { ?d a qb:DataSet } }",
    )
    assert len(datasets) == 6 and untyped == []  # the official tables and the five articles


def test_labels_of_measures_statuses_and_properties_are_in_the_vocabulary_graph(
    built: pyoxigraph.Store,
) -> None:
    labels = rows(
        built,
        f"""SELECT ?term ?en ?vi WHERE {{ GRAPH <{ID}graph/vocabulary> {{
          VALUES ?term {{ dti:rank dti:Confirmed dti:province }}
          ?term rdfs:label ?en, ?vi FILTER(LANG(?en) = "en" && LANG(?vi) = "vi") }} }} ORDER BY ?term""",
    )
    assert [t[0].rsplit("#", 1)[1] for t in labels] == ["Confirmed", "province", "rank"]
    assert all(en and vi for _, en, vi in labels)
    # each triple of the ontology is in exactly one of the two graphs
    shared = rows(
        built,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ID}graph/vocabulary> {{ ?s ?p ?o }}
          GRAPH <{ID}graph/structure> {{ ?s ?p ?o }} }}""",
    )
    assert shared == [("0",)]


def test_a_broken_cube_is_caught() -> None:
    broken = pyoxigraph.Store()
    broken.extend(
        pyoxigraph.parse(
            """
            @prefix qb: <http://purl.org/linked-data/cube#> .
            @prefix ex: <https://example.org/> .
            @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            ex:dsd a qb:DataStructureDefinition ; qb:component ex:c1, ex:c2 .
            ex:c1 qb:dimension ex:area . ex:c2 qb:measure ex:count .
            ex:area rdfs:range ex:Area .
            ex:ds a qb:DataSet ; qb:structure ex:dsd .
            ex:o1 qb:dataSet ex:ds ; ex:area ex:north ; ex:count 1 .
            ex:o2 qb:dataSet ex:ds ; ex:area ex:north ; ex:count 2 .
            ex:o3 qb:dataSet ex:ds ; ex:count 3 .
            ex:lost a qb:Observation ; ex:count 4 .
            """,
            format=pyoxigraph.RdfFormat.TURTLE,
        )
    )
    violated = {name.split()[0] for name, bad in check(broken).items() if bad}
    assert violated == {"IC-1", "IC-11", "IC-12"}
