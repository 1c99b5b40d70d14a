"""Data-quality checks on the official tables, on the real data and on small broken tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from dti_kg.gazetteer import gazetteer
from dti_kg.iri import Minter
from dti_kg.loaders.official import DATA_FILE, OfficialData, load_official
from dti_kg.namespaces import DTI, XSD
from dti_kg.quality import QualityCheck, quality_checks, quality_graph
from dti_kg.resources import data_file, read_text

BASE = "https://example.org/kg/"


@pytest.fixture(scope="module")
def checks() -> list[QualityCheck]:
    return quality_checks(load_official())


def _find(checks: list[QualityCheck], edition: int, cohort: int, indicator: str, check: str) -> QualityCheck:
    [found] = [
        c
        for c in checks
        if (c.edition, c.cohort, c.indicator, c.check) == (edition, cohort, indicator, check)
    ]
    return found


def test_every_edition_cohort_and_indicator_is_checked(checks: list[QualityCheck]) -> None:
    cohorts = {(c.edition, c.cohort) for c in checks}
    assert cohorts == {(2020, 63), (2021, 63), (2022, 63), (2023, 63), (2024, 63), (2024, 34)}
    # 2021's framework lists 9 main indices (smart city included), later ones 8, 2020 none
    assert len({c.indicator for c in checks if c.edition == 2021}) == 13
    assert len({c.indicator for c in checks if c.edition == 2020}) == 4
    smart_city = _find(checks, 2021, 63, "smart_city", "cohort-completeness")
    assert smart_city.outcome == "failed" and smart_city.count("scores") == 0
    assert not [c for c in checks if c.indicator == "smart_city" and c.check != "cohort-completeness"]


def test_real_tables_have_no_rank_faults(checks: list[QualityCheck]) -> None:
    assert [c for c in checks if c.check != "cohort-completeness" and c.outcome == "failed"] == []


@pytest.mark.parametrize(
    ("edition", "cohort", "rows", "stated", "derived", "scores", "outcome"),
    [
        (2020, 63, 17, 16, 0, 3, "failed"),
        (2021, 63, 21, 21, 0, 19, "failed"),
        (2022, 63, 63, 63, 0, 63, "passed"),
        (2023, 63, 63, 19, 44, 63, "passed"),
        (2024, 63, 63, 5, 58, 63, "passed"),
        (2024, 34, 34, 34, 0, 34, "passed"),
    ],
)
def test_overall_completeness(
    checks: list[QualityCheck],
    edition: int,
    cohort: int,
    rows: int,
    stated: int,
    derived: int,
    scores: int,
    outcome: str,
) -> None:
    check = _find(checks, edition, cohort, "overall", "cohort-completeness")
    assert (check.count("rows"), check.count("stated_ranks"), check.count("derived_ranks")) == (
        rows,
        stated,
        derived,
    )
    assert (check.count("scores"), check.count("cohort_size"), check.outcome) == (scores, cohort, outcome)


def test_rank_checks_on_real_tables(checks: list[QualityCheck]) -> None:
    agreement = _find(checks, 2023, 63, "overall", "stated-rank-agreement")
    assert (agreement.outcome, agreement.count("checked"), agreement.count("violations")) == ("passed", 19, 0)
    assert _find(checks, 2021, 63, "overall", "stated-rank-agreement").outcome == "not_applicable"
    assert _find(checks, 2021, 63, "overall", "rank-contiguity").outcome == "not_applicable"
    contiguity = _find(checks, 2023, 63, "overall", "rank-contiguity")
    assert (contiguity.outcome, contiguity.count("checked")) == ("passed", 63)  # 59, 59, 61: a tie's gap
    monotonic = _find(checks, 2021, 63, "overall", "score-rank-monotonicity")
    assert (monotonic.outcome, monotonic.count("checked")) == ("passed", 19 * 18 // 2)
    ties = _find(checks, 2021, 63, "overall", "rank-ties")  # 12, 12, 14
    assert (ties.outcome, ties.count("checked")) == ("passed", 21)


def _table(tmp_path: Path, rows: list[tuple[str, str, str]]) -> OfficialData:
    """A 2024/34 table with (province, rank, score) rows."""
    header = read_text(data_file(DATA_FILE)).splitlines()[0]
    columns = header.split(",")
    lines = [header]
    for province, rank, score in rows:
        cells = {
            "edition": "2024",
            "cohort": "34",
            "province_as_published": province,
            "rank": rank,
            "score": score,
        }
        cells["source_url"] = "https://example.org/table"
        lines.append(",".join(cells.get(c, "") for c in columns))
    path = tmp_path / "table.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_official(path)


def test_broken_ranks_are_caught(tmp_path: Path) -> None:
    data = _table(
        tmp_path,
        [
            ("Hà Nội", "1", "0.90"),
            ("Huế", "2", "0.80"),
            ("Hải Phòng", "2", "0.70"),  # tie with a different score
            ("Cần Thơ", "3", "0.60"),  # rank 3 should be empty after a two-way tie at 2
            ("Đà Nẵng", "40", "0.95"),  # out of range and out of score order
        ],
    )
    checks = quality_checks(data)
    ties = _find(checks, 2024, 34, "overall", "rank-ties")
    assert ties.outcome == "failed" and ties.count("violations") == 3
    assert any("outside 1..34" in d for d in ties.details)
    assert any("rank 2 shared by 2 units but rank(s) [3] also used" in d for d in ties.details)
    monotonic = _find(checks, 2024, 34, "overall", "score-rank-monotonicity")
    # Đà Nẵng beats all four on score but ranks below them; Huế beats Hải Phòng with the same rank
    assert (
        monotonic.outcome == "failed"
        and monotonic.count("violations") == 5
        and monotonic.count("checked") == 10
    )
    completeness = _find(checks, 2024, 34, "overall", "cohort-completeness")
    assert completeness.outcome == "failed" and completeness.count("rows") == 5
    assert _find(checks, 2024, 34, "overall", "rank-contiguity").outcome == "not_applicable"


def test_contiguity_and_agreement_on_a_complete_table(tmp_path: Path) -> None:
    units = gazetteer().units("34")
    scores = [Decimal(900 - i) / 1000 for i in range(34)]
    ranks = list(range(1, 35))
    ranks[33] = 35  # a gap no tie explains
    ranks[10] = 12  # 12 twice, no 11: contiguous for a tie but disagrees with the score order
    rows = [(u.name_vi, str(r), str(s)) for u, r, s in zip(units, ranks, scores, strict=True)]
    checks = quality_checks(_table(tmp_path, rows))
    contiguity = _find(checks, 2024, 34, "overall", "rank-contiguity")
    assert contiguity.outcome == "failed" and contiguity.count("violations") == 2  # 12 at place 11, 35 at 34
    agreement = _find(checks, 2024, 34, "overall", "stated-rank-agreement")
    assert agreement.outcome == "failed" and agreement.count("checked") == 34
    assert agreement.count("violations") == 2


def test_quality_graph(checks: list[QualityCheck]) -> None:
    graph = quality_graph(load_official(), Minter(BASE))
    assert graph.identifier == URIRef(BASE + "id/graph/reconciliation")
    node = URIRef(BASE + "id/quality/2023/63/overall/stated-rank-agreement")
    assert (node, DTI.result, DTI.Passed) in graph
    assert (node, DTI.checkedCount, Literal("19", datatype=XSD.integer)) in graph
    assert (node, DTI.cohort, URIRef(BASE + "id/edition/2023/cohort/63")) in graph
    assert (node, DTI.indicator, URIRef(BASE + "id/indicator/overall")) in graph
    completeness = URIRef(BASE + "id/quality/2020/63/overall/cohort-completeness")
    assert (completeness, DTI.result, DTI.Failed) in graph
    assert (completeness, DTI.rowCount, Literal("17", datatype=XSD.integer)) in graph
    assert len(set(graph.subjects(DTI.result, None))) == len(checks)
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
