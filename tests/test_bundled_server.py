"""The README's first command, end to end: `dti serve` on a fresh path builds the bundled graph and serves it.

Real server process on loopback; real clients (SPARQLWrapper, rdflib's SPARQLStore, requests).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_helpers import dti_serve
from SPARQLWrapper import CSV, JSON, SPARQLWrapper

from dti_kg.server.canned import canned_queries

BASE = "https://w3id.org/dti-kg/"
DTI = rdflib.Namespace(BASE + "def#")

# Parameters that have rows in the bundled graph (seed articles + official tables).
BUNDLED_ARGS: dict[str, dict[str, str]] = {
    "province-trajectory": {"province": "province/thai-nguyen"},
    "edition-top": {"year": "2024", "cohort": "34", "limit": "5"},
    "pillar-comparison": {"year": "2021", "a": "province/thai-nguyen", "b": "province/da-nang"},
    "claims-about": {"province": "province/thai-nguyen", "year": "2021"},
    "disagreeing-claims": {},
    "agency-editions": {},
    "unit-history": {"unit": "province/can-tho-2025"},
    "audit-trail": {"province": "province/hau-giang", "year": "2020"},
    "conflicts": {},
    "unverifiable-claims": {},
    "unit-predecessors-scores": {"unit": "province/can-tho-2025", "year": "2024"},
    "review-candidates": {},
}
# The seed corpus agrees with itself and with the official tables, and every value in it has a clear
# subject: these rightly return nothing here (tests/test_review.py lists candidates of another corpus).
MAY_BE_EMPTY = {"disagreeing-claims", "conflicts", "review-candidates"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("bundled")
    store = root / "store"
    assert not store.exists()
    with dti_serve(store, {"QUERY_TIMEOUT": "30"}, root / "serve.log") as (url, _process):
        yield url


def test_first_start_builds_the_bundled_graph(server: str) -> None:
    health = requests.get(server + "/healthz", timeout=30).json()
    assert health["status"] == "ok" and health["quads"] > 15000


@pytest.mark.parametrize("name", sorted(BUNDLED_ARGS))
def test_sparqlwrapper_gets_json_and_csv_for_every_canned_query(server: str, name: str) -> None:
    query = canned_queries()[name]
    assert set(BUNDLED_ARGS) == set(canned_queries()), "every canned query needs bundled-graph arguments"
    text = requests.get(f"{server}/queries/{name}.rq", timeout=30).text
    results = {}
    for fmt in (JSON, CSV):
        client = SPARQLWrapper(f"{server}/queries/{name}")
        client.setQuery(text)  # informative only: the server runs its own copy, parameters bound by name
        for key, value in BUNDLED_ARGS[name].items():
            client.addParameter(key, value)
        client.setReturnFormat(fmt)
        results[fmt] = client.query().convert()
    data = results[JSON]  # SPARQLWrapper asks for SPARQL JSON by name: it gets it, not records
    assert data["head"]["vars"] == list(query.columns)
    rows = list(csv.reader(io.StringIO(results[CSV].decode("utf-8"))))
    assert rows[0] == list(query.columns)
    assert len(rows) - 1 == len(data["results"]["bindings"])
    records = requests.get(f"{server}/queries/{name}.json", params=BUNDLED_ARGS[name], timeout=30).json()
    assert len(records) == len(rows) - 1 and all(list(r) == list(query.columns) for r in records)
    if name not in MAY_BE_EMPTY:
        assert records, f"{name} has no rows on the bundled graph"


def test_rdflib_sparqlstore_reads_the_endpoint(server: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(server + "/sparql", returnFormat="json"))
    rows = list(
        graph.query(
            "SELECT ?year ?rank WHERE { ?o a <https://w3id.org/dti-kg/def#OfficialObservation> ;"
            " <https://w3id.org/dti-kg/def#province> <https://w3id.org/dti-kg/id/province/thai-nguyen> ;"
            " <https://w3id.org/dti-kg/def#indicator> <https://w3id.org/dti-kg/id/indicator/overall> ;"
            " <https://w3id.org/dti-kg/def#cohort>/<https://w3id.org/dti-kg/def#cohortSize> 63 ;"
            " <https://w3id.org/dti-kg/def#edition>/<https://w3id.org/dti-kg/def#yearAssessed> ?year ;"
            " <https://w3id.org/dti-kg/def#rank> ?rank } ORDER BY ?year"
        )
    )
    assert [(str(y), int(r)) for y, r in rows] == [("2021", 8), ("2022", 8), ("2023", 16), ("2024", 6)]


def test_dereferencing_thai_nguyen_gives_its_triples_in_turtle(server: str) -> None:
    """`curl -H 'Accept: text/turtle' …/id/province/thai-nguyen -L`."""
    response = requests.get(
        server + "/id/province/thai-nguyen", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert response.history and response.history[0].status_code == 303
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    province = rdflib.URIRef(BASE + "id/province/thai-nguyen")
    assert (province, DTI.gsoCode, rdflib.Literal("19")) in graph
    assert (province, DTI.mergedInto, rdflib.URIRef(BASE + "id/province/thai-nguyen-2025")) in graph


def test_province_page_has_chart_and_quotes(server: str) -> None:
    page = requests.get(server + "/doc/province/thai-nguyen", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "đứng thứ 8/63 tỉnh, thành phố" in page.text  # an evidence quote from a seed article


def test_audit_trail_reaches_the_validation_report(server: str) -> None:
    rows = requests.get(
        f"{server}/queries/audit-trail.json", params=BUNDLED_ARGS["audit-trail"], timeout=30
    ).json()
    assert rows
    assert all(r["conforms"] is True for r in rows if r["conforms"] is not None)
    assert any(r["validation"] for r in rows), "the audit trail links each claim to its validation report"


def test_derived_ranks_are_flagged_in_canned_results(server: str) -> None:
    """DTI 2023 published ranks 1–12 (and a few more); the rest are derived from scores and must say so."""
    rows = requests.get(
        f"{server}/queries/edition-top.json",
        params={"year": "2023", "cohort": "63", "limit": "20"},
        timeout=30,
    ).json()
    derived = {r["rank"]: r["derived"] for r in rows}
    assert derived[1] is False and derived[12] is False
    assert derived[16] is True  # Thái Nguyên, ranked from its score
    trajectory = requests.get(
        f"{server}/queries/province-trajectory.json", params={"province": "province/thai-nguyen"}, timeout=30
    ).json()
    flags = {
        (r["year"], r["origin"], r["rank"]): r["derived"]
        for r in trajectory
        if r["indicator"] == "overall" and r["measure"] == "rank"
    }
    assert flags[(2023, "official", 16)] is True
    assert flags[(2021, "official", 8)] is False
    assert flags[(2020, "claim", 12)] is True  # derived from "+4 places since 2020"


@pytest.mark.parametrize(
    "path",
    [
        "id/graph/reference",
        "id/graph/official",
        "id/graph/reconciliation",
        "id/graph/validation",
        "id/dataset",
        "id/edition/2024/cohort/34",
        "id/agency/bo-khcn",
        "id/event/ministry-merger-2025",
        "id/observation/2024/34/thai-nguyen-2025/overall/rank",
    ],
)
def test_minted_iris_dereference(server: str, path: str) -> None:
    response = requests.get(f"{server}/{path}", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200, path
    assert response.history[0].status_code == 303
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (rdflib.URIRef(BASE + path), None, None) in graph


def test_every_claim_span_and_source_dereferences(server: str) -> None:
    """Every IRI the article graphs mint (claims, spans, selectors, sources, activities) has a document."""
    data = requests.get(
        f"{server}/sparql",
        params={
            # article graphs are named by their 16-hex-digit source id
            "query": "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o }"
            ' FILTER(REGEX(STR(?g), "/id/graph/[0-9a-f]{16}$")) }'
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    subjects = [b["s"]["value"] for b in data["results"]["bindings"]]
    assert len(subjects) > 100
    for iri in subjects:
        path = iri.removeprefix(BASE)
        response = requests.get(f"{server}/{path}", headers={"Accept": "application/n-triples"}, timeout=30)
        assert response.status_code == 200, iri
