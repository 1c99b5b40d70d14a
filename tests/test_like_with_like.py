"""Claims true of different cohorts do not disagree: rank 6 of 63 provinces and rank 8 of 34 units.

The sample store plus two articles on Thái Nguyên's DTI 2024 rank that state no cohort, each confirmed
in another cohort (as the reconciliation writes it); served by the real app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from conftest import SERVER_SAMPLE
from flask import Flask
from server_helpers import app_over, make_store

BASE = "https://w3id.org/dti-kg/"

CROSS_COHORT = """
@prefix dti: <https://w3id.org/dti-kg/def#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@base <https://w3id.org/dti-kg/> .
<id/graph/c0c0c0c0c0c0c0c0> {
  <id/claim/c000000000000063> a dti:Claim, qb:Observation ; dti:province <id/province/thai-nguyen> ;
    dti:edition <id/edition/2024> ; dti:indicator <id/indicator/overall> ;
    qb:measureType dti:rank ; dti:rank 6 ;
    dcterms:source <id/source/c0c0c0c0c0c0c0c0> .
  <id/claim/c000000000000034> a dti:Claim, qb:Observation ; dti:province <id/province/thai-nguyen> ;
    dti:edition <id/edition/2024> ; dti:indicator <id/indicator/overall> ;
    qb:measureType dti:rank ; dti:rank 8 ;
    dcterms:source <id/source/c0c0c0c0c0c0c0c1> .
}
<id/graph/reconciliation> {
  <id/claim/c000000000000063/reconciliation> a dti:Reconciliation ; dti:claim <id/claim/c000000000000063> ;
    dti:status dti:Confirmed ; dti:matchedCohort <id/edition/2024/cohort/63> ; dti:officialValue 6 .
  <id/claim/c000000000000034/reconciliation> a dti:Reconciliation ; dti:claim <id/claim/c000000000000034> ;
    dti:status dti:Confirmed ; dti:matchedCohort <id/edition/2024/cohort/34> ; dti:officialValue 8 .
}
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    quads = [
        *pyoxigraph.parse(path=str(SERVER_SAMPLE), format=pyoxigraph.RdfFormat.TRIG),
        *pyoxigraph.parse(CROSS_COHORT, format=pyoxigraph.RdfFormat.TRIG),
    ]
    link = make_store(Path(tmp_path_factory.mktemp("cohorts")) / "store", quads)
    with app_over(link) as app:
        yield app


def test_a_pair_confirmed_in_different_cohorts_is_not_a_disagreement(app: Flask) -> None:
    rows = app.test_client().get("/queries/disagreeing-claims.json").get_json()
    pairs = {(r["claim_a"].removeprefix(BASE), r["claim_b"].removeprefix(BASE), r["cohort"]) for r in rows}
    assert pairs == {("id/claim/a000000000000001", "id/claim/b000000000000001", 63)}, "8 vs 9 of 63 stays"


def test_nor_a_conflict(app: Flask) -> None:
    rows = app.test_client().get("/queries/conflicts.json").get_json()
    assert {r["claim"].removeprefix(BASE) for r in rows} == {"id/claim/b000000000000001"}
