"""Reconciling article claims with the official tables (seed claims and hand-made ones)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef

from dti_kg.errors import InputError
from dti_kg.gazetteer import gazetteer
from dti_kg.iri import Minter
from dti_kg.loaders.official import OfficialData, load_official
from dti_kg.namespaces import DTI, RDF, XSD
from dti_kg.reconcile import Result, conflicts, reconcile, reconciliation_graph, unit_in_cohort

BASE = "https://example.org/kg/"
MINTER = Minter(BASE)


@pytest.fixture(scope="module")
def official() -> OfficialData:
    return load_official()


def _with_iri(claim: dict[str, Any]) -> dict[str, Any]:
    key = [claim[k] for k in ("province", "edition", "indicator", "measure", "value")]
    return {**claim, "iri": str(MINTER.claim(claim["source"], *key, claim.get("compared_to_edition")))}


@pytest.fixture(scope="module")
def seed(expected_claims: list[dict], official: OfficialData) -> tuple[list[dict], list[Result]]:
    claims = [_with_iri(c) for c in expected_claims]
    return claims, reconcile(claims, official)


def _claim(**fields: Any) -> dict[str, Any]:
    base = {"source": "test.txt", "province": "Thái Nguyên", "indicator": "overall", "out_of": None}
    return _with_iri({**base, **fields})


def _pick(results: list[Result], source: str, edition: int, indicator: str, measure: str) -> Result:
    [found] = [
        r
        for r in results
        if r.claim["source"].startswith(source)
        and (r.claim["edition"], r.claim["indicator"], r.claim["measure"]) == (edition, indicator, measure)
    ]
    return found


def test_every_seed_claim_gets_one_result(seed: tuple[list[dict], list[Result]]) -> None:
    claims, results = seed
    assert len(claims) == 27 and [r.index for r in results] == list(range(27))
    statuses = [r.status for r in results]
    assert statuses.count("confirmed") == 11
    assert statuses.count("contradicted") == 0
    assert statuses.count("unverifiable") == 16


@pytest.mark.parametrize(
    ("indicator", "value"),
    [("overall", 8), ("digital_government", 9), ("digital_economy", 5), ("digital_society", 8)],
)
@pytest.mark.parametrize("source", ["000", "003"])
def test_thai_nguyen_2021_confirmed_and_corroborated(
    seed: tuple[list[dict], list[Result]], source: str, indicator: str, value: int
) -> None:
    result = _pick(seed[1], source, 2021, indicator, "rank")
    assert result.claim["value"] == value
    assert result.status == "confirmed" and result.matched_cohorts == (63,)
    assert result.matched[0].observations[0].derivation == "stated"
    assert result.corroboration_count == 2
    assert [s[:3] for s in result.corroborating_sources] == ["000", "003"]
    assert result.conflicts == ()


def test_rank_8_of_2024_matches_the_34_cohort(seed: tuple[list[dict], list[Result]]) -> None:
    result = _pick(seed[1], "001", 2024, "overall", "rank")
    assert result.status == "confirmed" and result.matched_cohorts == (34,)
    assert result.matched[0].observations[0].province == "thai-nguyen-2025"
    # the 63-unit table was compared too: there Thái Nguyên is 6th (derived from the scores)
    by_cohort = {c.cohort: c for c in result.comparisons}
    assert by_cohort[63].official_value == 6 and not by_cohort[63].agrees
    assert by_cohort[63].observations[0].derivation == "derived"


@pytest.mark.parametrize("indicator", ["digital_awareness", "digital_institutions"])
def test_the_two_maximum_scores_are_confirmed(seed: tuple[list[dict], list[Result]], indicator: str) -> None:
    result = _pick(seed[1], "001", 2024, indicator, "score")
    assert result.status == "confirmed" and result.matched_cohorts == (34,)
    assert str(result.matched[0].official_value) == "1.0000"


def test_2020_claims_without_official_rows_are_unverifiable(
    seed: tuple[list[dict], list[Result]], official: OfficialData
) -> None:
    # The 2020 table has 17 rows; Bến Tre, Hậu Giang and Thái Nguyên are not among them.
    assert official.rows[(2020, 63)] == 17
    for slug in ("ben-tre", "hau-giang", "thai-nguyen"):
        assert not [o for o in official.observations if o.edition == 2020 and o.province == slug]
    results = seed[1]
    for result in results:
        if result.claim["edition"] == 2020:
            assert result.status == "unverifiable", result.claim
            assert result.comparisons == () and result.matched == ()
    # the rank change 2020 -> 2021 needs both ranks; 2020's is missing
    assert _pick(results, "000", 2021, "overall", "rank_change").status == "unverifiable"
    derived_2020 = _pick(results, "003", 2020, "overall", "rank")
    assert derived_2020.claim["derived"] and derived_2020.corroboration_count == 2


def test_wrong_claim_is_contradicted_with_both_values(official: OfficialData) -> None:
    [result] = reconcile([_claim(edition=2021, measure="rank", value=3, out_of=63)], official)
    assert result.status == "contradicted"
    assert result.claim["value"] == 3 and result.matched[0].official_value == 8
    assert result.matched_cohorts == (63,)
    graph = reconciliation_graph([result], MINTER)
    node = URIRef(result.claim["iri"] + "/reconciliation")
    assert (node, DTI.status, DTI.Contradicted) in graph
    assert (node, DTI.officialValue, Literal("8", datatype=XSD.integer)) in graph
    assert (node, DTI.claim, URIRef(result.claim["iri"])) in graph  # the claim keeps its own value


def test_claim_without_cohort_contradicting_every_cohort(official: OfficialData) -> None:
    [result] = reconcile([_claim(edition=2024, measure="rank", value=1)], official)
    assert result.status == "contradicted"
    assert result.matched_cohorts == (63, 34)
    assert sorted(c.official_value for c in result.matched) == [6, 8]


@pytest.mark.parametrize(
    ("value", "quote", "status"),
    [
        ("0.49600", None, "confirmed"),  # trailing zeros do not matter
        (0.496, None, "confirmed"),
        ("0,50", None, "confirmed"),  # printed with 2 decimals: 0.4960 rounds to 0.50
        (0.4961, None, "contradicted"),
        ("0.4959", None, "contradicted"),
    ],
)
def test_scores_compare_at_printed_precision(
    official: OfficialData, value: object, quote: str | None, status: str
) -> None:
    claim = _claim(edition=2021, measure="score", value=value, quote=quote)
    assert reconcile([claim], official)[0].status == status


def test_json_number_takes_its_precision_from_the_quote(official: OfficialData) -> None:
    # HCMC's 2023 awareness score is 0.9857: "1" at one decimal, not "1.000" at three.
    loose = _claim(
        province="TP Hồ Chí Minh", edition=2023, indicator="digital_awareness", measure="score", value=1.0
    )
    quoted = {**loose, "quote": "nhận thức số đạt 1.000 điểm"}
    assert reconcile([loose], official)[0].status == "confirmed"
    [result] = reconcile([quoted], official)
    assert result.status == "contradicted" and str(result.matched[0].official_value) == "0.9857"


def test_rank_change_checked_against_both_editions(official: OfficialData) -> None:
    # Thái Nguyên: 8th in 2022 (stated), 6th of 63 in 2024 (derived) -> +2; 2022 has no 34 cohort.
    right = _claim(edition=2024, measure="rank_change", value=2, compared_to_edition=2022)
    wrong = _claim(
        edition=2024, measure="rank_change", value=-2, compared_to_edition=2022, source="other.txt"
    )
    good, bad = reconcile([right, wrong], official)
    assert good.status == "confirmed" and good.matched_cohorts == (63,)
    assert [o.edition for o in good.matched[0].observations] == [2024, 2022]
    assert bad.status == "contradicted" and bad.matched[0].official_value == 2
    assert good.conflicts == (1,) and bad.conflicts == (0,)


def test_successor_only_for_the_same_place(official: OfficialData) -> None:
    gaz = gazetteer()
    assert unit_in_cohort(gaz.by_slug["thai-nguyen"], 34).slug == "thai-nguyen-2025"  # type: ignore[union-attr]
    assert unit_in_cohort(gaz.by_slug["thua-thien-hue"], 34).slug == "hue-2025"  # type: ignore[union-attr]
    assert unit_in_cohort(gaz.by_slug["bac-kan"], 34) is None
    assert unit_in_cohort(gaz.by_slug["yen-bai"], 34) is None  # Lào Cai 2025 took its code, not its name
    assert unit_in_cohort(gaz.by_slug["hue-2025"], 63).slug == "thua-thien-hue"  # type: ignore[union-attr]
    hue, yen_bai = reconcile(
        [
            _claim(province="Thừa Thiên Huế", edition=2024, measure="rank", value=2),
            _claim(province="Yên Bái", edition=2024, measure="rank", value=14),  # Lào Cai 2025 is 14th
        ],
        official,
    )
    assert hue.status == "confirmed" and hue.matched_cohorts == (34,)
    assert yen_bai.status == "contradicted" and yen_bai.matched_cohorts == (63,)


def test_conflicting_articles_are_listed(official: OfficialData) -> None:
    claims = [
        _claim(edition=2021, measure="rank", value=8, source="a.txt"),
        _claim(edition=2021, measure="rank", value=9, source="b.txt"),
        _claim(edition=2021, measure="rank", value=8, source="c.txt"),
        _claim(edition=2024, measure="rank", value=8, out_of=34, source="d.txt"),
        _claim(edition=2024, measure="rank", value=6, out_of=63, source="e.txt"),
    ]
    results = reconcile(claims, official)
    assert [r.status for r in results] == ["confirmed", "contradicted", "confirmed", "confirmed", "confirmed"]
    assert results[0].corroborating_sources == ("a.txt", "c.txt") and results[1].corroboration_count == 1
    assert conflicts(results) == [(0, 1), (1, 2)]  # different cohorts (d, e) do not conflict


def test_claims_confirmed_in_different_cohorts_do_not_conflict(official: OfficialData) -> None:
    # Thái Nguyên in DTI 2024: 6th of the 63 provinces and (as Thái Nguyên 2025) 8th of the 34 units.
    # Neither article states the cohort; each value is confirmed in one of them: like is not like.
    sixth, eighth, tenth = reconcile(
        [
            _claim(edition=2024, measure="rank", value=6, source="a.txt"),
            _claim(edition=2024, measure="rank", value=8, source="b.txt"),
            _claim(edition=2024, measure="rank", value=10, source="c.txt"),  # true of no cohort
        ],
        official,
    )
    assert (sixth.status, sixth.matched_cohorts) == ("confirmed", (63,))
    assert (eighth.status, eighth.matched_cohorts) == ("confirmed", (34,))
    assert sixth.conflicts == (2,) and eighth.conflicts == (2,)
    assert tenth.status == "contradicted" and tenth.conflicts == (0, 1)


def test_unknown_province_and_edition_are_unverifiable(official: OfficialData) -> None:
    atlantis, future = reconcile(
        [
            _claim(province="Atlantis", edition=2021, measure="rank", value=1),
            _claim(edition=2030, measure="rank", value=1),
        ],
        official,
    )
    assert atlantis.status == future.status == "unverifiable"
    assert "gazetteer" in atlantis.note and "2030" in future.note


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"indicator": "happiness"}, "unknown indicator 'happiness'"),
        ({"measure": "mood"}, "measure must be one of"),
        ({"value": "eight"}, "bad number"),
        ({"edition": None}, "missing 'edition'"),
        ({"measure": "rank_change"}, "needs 'compared_to_edition'"),
    ],
)
def test_bad_claims_are_named(official: OfficialData, changes: dict[str, Any], message: str) -> None:
    claim = {**_claim(edition=2021, measure="rank", value=8), **changes}
    with pytest.raises(InputError, match=re.escape(message)) as err:
        reconcile([_claim(edition=2021, measure="rank", value=8), claim], official)
    assert "claim #1 (test.txt)" in str(err.value)


def test_reconciliation_graph(seed: tuple[list[dict], list[Result]]) -> None:
    claims, results = seed
    graph = reconciliation_graph(results, MINTER)
    assert graph.identifier == URIRef(BASE + "id/graph/reconciliation")
    assert len(set(graph.subjects(RDF.type, DTI.Reconciliation))) == 27
    tn = _pick(results, "001", 2024, "overall", "rank")
    node = URIRef(tn.claim["iri"] + "/reconciliation")
    assert (node, DTI.status, DTI.Confirmed) in graph
    assert (node, DTI.matchedCohort, URIRef(BASE + "id/edition/2024/cohort/34")) in graph
    assert (node, DTI.officialValue, Literal("8", datatype=XSD.integer)) in graph
    assert (
        node,
        DTI.officialObservation,
        URIRef(BASE + "id/observation/2024/34/thai-nguyen-2025/overall/rank"),
    ) in graph
    assert (node, DTI.corroborationCount, Literal("1", datatype=XSD.integer)) in graph
    rank_2021 = URIRef(_pick(results, "000", 2021, "overall", "rank").claim["iri"] + "/reconciliation")
    assert (rank_2021, DTI.corroborationCount, Literal("2", datatype=XSD.integer)) in graph
    unverifiable = URIRef(_pick(results, "004", 2020, "overall", "score").claim["iri"] + "/reconciliation")
    assert (unverifiable, DTI.status, DTI.Unverifiable) in graph
    assert not list(graph.objects(unverifiable, DTI.officialObservation))
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    again = reconciliation_graph(reconcile(claims, load_official()), MINTER)
    assert sorted(graph.serialize(format="nt").splitlines()) == sorted(
        again.serialize(format="nt").splitlines()
    )


def test_graph_needs_claim_iris(official: OfficialData) -> None:
    claim = {k: v for k, v in _claim(edition=2021, measure="rank", value=8).items() if k != "iri"}
    with pytest.raises(InputError, match="no 'iri'"):
        reconciliation_graph(reconcile([claim], official), MINTER)


def test_decimal_values_are_accepted(official: OfficialData) -> None:
    [result] = reconcile([_claim(edition=2021, measure="score", value=Decimal("0.4960"))], official)
    assert result.status == "confirmed"
