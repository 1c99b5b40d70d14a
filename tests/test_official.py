"""The official tables: packaged copy, source kinds, observations, derived ranks, the official graph."""

from __future__ import annotations

import csv
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from dti_kg.errors import InputError
from dti_kg.iri import Minter
from dti_kg.loaders.official import (
    DATA_FILE,
    OfficialData,
    load_official,
    official_graph,
    source_kind_of,
)
from dti_kg.namespaces import DCTERMS, DTI, PROV, XSD
from dti_kg.ranking import competition_ranks, derive_missing_ranks
from dti_kg.resources import data_file, read_text

BASE = "https://example.org/kg/"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


@pytest.fixture(scope="module")
def official() -> OfficialData:
    return load_official()


@pytest.fixture(scope="module")
def from_reference(reference_dir: Path) -> OfficialData:
    return load_official(reference_dir / "dti_provincial.csv")


def _coverage_table(sources_md: str) -> dict[tuple[int, int], list[int]]:
    """The "Coverage" table of SOURCES.md: (edition, cohort) -> [rows, rank, score, ...]."""
    table = {}
    for line in sources_md.splitlines():
        m = re.match(r"\| (\d{4}) \((\d+)\) \| (\d+)/\d+ \|(.*)\|$", line)
        if m:
            table[(int(m[1]), int(m[2]))] = [int(m[3]), *(int(c) for c in m[4].split("|"))]
    return table


COVERAGE_COLUMNS = [
    "rank",
    "score",
    "rank_digital_government",
    "rank_digital_economy",
    "rank_digital_society",
    "score_digital_government",
    "score_digital_economy",
    "score_digital_society",
    "idx_digital_awareness",
    "idx_digital_institutions",
    "idx_digital_infrastructure",
    "idx_digital_human_resources",
    "idx_cybersecurity",
    "idx_smart_city",
    "idx_digital_government_activity",
    "idx_digital_economy_activity",
    "idx_digital_society_activity",
]


def test_packaged_table_copies_the_reference_figures(reference_dir: Path) -> None:
    reference = _rows((reference_dir / "dti_provincial.csv").read_text(encoding="utf-8"))
    packaged = _rows(read_text(data_file(DATA_FILE)))
    assert [{k: v for k, v in r.items() if k != "source_kind"} for r in packaged] == reference


def test_source_kinds_follow_the_documented_rule() -> None:
    for row in _rows(read_text(data_file(DATA_FILE))):
        assert row["source_kind"] == source_kind_of(row["source_url"].split("|")), row


def test_source_kind_rule() -> None:
    scrape = "https://github.com/Tuan04-D/opendx/blob/x/frontend/public/dti_2023_map.json"
    assert source_kind_of(["https://dti.gov.vn/xep-hang-2022", scrape]) == "official_site"
    assert source_kind_of([scrape, " https://vneconomy.vn/a.htm"]) == "third_party_scrape"
    assert source_kind_of(["https://stttt.bacninh.gov.vn/news/1"]) == "press_report"
    assert source_kind_of(["https://github.com/someone/else"]) == "press_report"
    assert source_kind_of(["https://notdti.gov.vn/"]) == "press_report"


def test_row_counts_and_coverage_match_sources_md(reference_dir: Path, official: OfficialData) -> None:
    coverage = _coverage_table((reference_dir / "SOURCES.md").read_text(encoding="utf-8"))
    assert set(coverage) == {(2020, 63), (2021, 63), (2022, 63), (2023, 63), (2024, 63), (2024, 34)}
    assert official.rows == {key: counts[0] for key, counts in coverage.items()}
    cells: Counter[tuple[int, int, str]] = Counter()
    for row in _rows(read_text(data_file(DATA_FILE))):
        for column in COVERAGE_COLUMNS:
            if row[column]:
                cells[(int(row["edition"]), int(row["cohort"]), column)] += 1
    for (edition, cohort), counts in coverage.items():
        assert [cells[(edition, cohort, c)] for c in COVERAGE_COLUMNS] == counts[1:], (edition, cohort)


def test_reference_csv_without_source_kind_loads_the_same(
    official: OfficialData, from_reference: OfficialData
) -> None:
    assert from_reference.observations == official.observations


def test_units_are_resolved_per_era(official: OfficialData) -> None:
    tn34 = official.get(2024, 34, "thai-nguyen-2025", "overall", "rank")
    assert tn34 is not None and tn34.value == 8 and tn34.derivation == "stated"
    assert official.get(2024, 34, "thai-nguyen", "overall", "rank") is None
    hue = official.get(2023, 63, "thua-thien-hue", "overall", "rank")
    assert hue is not None and hue.published_name == "TP. Huế" and hue.value == 3
    for obs in official.observations:
        assert obs.province.endswith("-2025") == (obs.cohort == 34), obs


def test_stated_figures_keep_their_printed_digits(official: OfficialData) -> None:
    awareness = official.get(2024, 34, "thai-nguyen-2025", "digital_awareness", "score")
    institutions = official.get(2023, 63, "ho-chi-minh", "digital_institutions", "score")
    assert awareness is not None and str(awareness.value) == "1.0000"
    assert institutions is not None and str(institutions.value) == "0.9"  # as the scrape printed it
    tn = official.get(2021, 63, "thai-nguyen", "digital_economy", "rank")
    assert tn is not None and tn.value == 5 and tn.source_kind == "official_site"


def test_derived_2023_ranks_agree_with_the_19_stated(official: OfficialData) -> None:
    ranking = official.rankings[(2023, 63, "overall")]
    assert ranking.complete and ranking.checked == 19 and ranking.disagreements == ()
    ranks = official.select(2023, 63, "overall", "rank")
    assert Counter(o.derivation for o in ranks) == {"stated": 19, "derived": 44}
    # every rank, stated or derived, is the competition rank of the 63 printed totals
    scores = {o.province: Decimal(o.value) for o in official.select(2023, 63, "overall", "score")}
    assert {o.province: o.value for o in ranks} == competition_ranks(scores)


def test_ties_share_a_rank(official: OfficialData) -> None:
    an_giang = official.get(2023, 63, "an-giang", "overall", "rank")
    phu_yen = official.get(2023, 63, "phu-yen", "overall", "rank")
    assert an_giang is not None and phu_yen is not None
    assert an_giang.value == phu_yen.value == 59
    assert official.get(2021, 63, "thanh-hoa", "overall", "rank").value == 12  # type: ignore[union-attr]
    assert official.get(2021, 63, "vinh-phuc", "overall", "rank").value == 12  # type: ignore[union-attr]


def test_derived_ranks_only_where_all_scores_are_known(official: OfficialData) -> None:
    derived = Counter((o.edition, o.cohort) for o in official.observations if o.derivation == "derived")
    assert derived == {(2023, 63): 44, (2024, 63): 58}
    for key in [(2020, 63, "overall"), (2021, 63, "overall"), (2021, 63, "digital_government")]:
        assert not official.rankings[key].complete
    tn = official.get(2024, 63, "thai-nguyen", "overall", "rank")
    assert tn is not None and tn.derivation == "derived" and tn.value == 6
    assert tn.derived_from == ((2024, 63, "thai-nguyen", "overall", "score"),)
    assert tn.source_kind == "third_party_scrape"


def test_competition_ranking() -> None:
    scores = {"a": Decimal("0.9"), "b": Decimal("0.8"), "c": Decimal("0.80"), "d": Decimal("0.7")}
    assert competition_ranks(scores) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert competition_ranks({}) == {}


def test_derive_missing_ranks_reports_disagreements_and_needs_every_score() -> None:
    scores = {"a": Decimal("0.9"), "b": Decimal("0.8"), "c": Decimal("0.7")}
    result = derive_missing_ranks({"a": 1, "b": 3}, scores, cohort_size=3)
    assert result.ranks == {"c": 3} and result.checked == 2
    assert [(d.unit, d.stated, d.derived) for d in result.disagreements] == [("b", 3, 2)]
    partial = derive_missing_ranks({"a": 1}, scores, cohort_size=4)
    assert not partial.complete and partial.ranks == {}


def test_official_graph(official: OfficialData) -> None:
    minter = Minter(BASE)
    graph = official_graph(minter, official)
    assert graph.identifier == URIRef(BASE + "id/graph/official")
    obs = URIRef(BASE + "id/observation/2024/34/thai-nguyen-2025/digital-awareness/score")
    assert (obs, DTI.score, Literal("1.0000", datatype=XSD.decimal)) in graph
    assert (obs, DTI.cohort, URIRef(BASE + "id/edition/2024/cohort/34")) in graph
    assert (obs, DTI.derivation, DTI.Stated) in graph
    assert (obs, DTI.sourceKind, DTI.ThirdPartyScrape) in graph
    derived = URIRef(BASE + "id/observation/2024/63/thai-nguyen/overall/rank")
    assert (derived, DTI.derivation, DTI.Derived) in graph
    assert (derived, DTI.rank, Literal("6", datatype=XSD.integer)) in graph
    assert (
        derived,
        PROV.wasDerivedFrom,
        URIRef(BASE + "id/observation/2024/63/thai-nguyen/overall/score"),
    ) in graph
    stated = URIRef(BASE + "id/observation/2021/63/thai-nguyen/overall/rank")
    assert (stated, DCTERMS.source, URIRef("https://dti.gov.vn/")) in graph
    assert (stated, DTI.sourceKind, DTI.OfficialSite) in graph
    assert len(set(graph.subjects(DTI.derivation, None))) == len(official.observations)
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_official_graph_is_deterministic(official: OfficialData) -> None:
    one = official_graph(Minter(BASE), official).serialize(format="nt")
    two = official_graph(Minter(BASE), load_official()).serialize(format="nt")
    packaged = official_graph(Minter(BASE)).serialize(format="nt")  # default: the packaged table
    assert sorted(one.splitlines()) == sorted(two.splitlines()) == sorted(packaged.splitlines())


def _write(tmp_path: Path, rows: list[str]) -> Path:
    header = read_text(data_file(DATA_FILE)).splitlines()[0]
    path = tmp_path / "table.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _row(**cells: str) -> str:
    header = read_text(data_file(DATA_FILE)).splitlines()[0].split(",")
    values = {"edition": "2021", "cohort": "63", "source_url": "https://dti.gov.vn/", **cells}
    return ",".join(values.get(column, "") for column in header)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"province_as_published": "Atlantis", "rank": "1"}, "unknown province 'Atlantis'"),
        ({"province_as_published": "Hà Nội", "rank": "first"}, "column rank"),
        ({"province_as_published": "Hà Nội", "score": "1.5"}, "outside 0..1"),
        ({"province_as_published": "Hà Nội", "cohort": "34"}, "no cohort 34 in edition 2021"),
        ({"province_as_published": "Hà Nội", "source_kind": "rumour"}, "unknown source_kind"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, cells: dict[str, str], message: str) -> None:
    path = _write(tmp_path, [_row(**cells)])
    with pytest.raises(InputError, match=re.escape(message)) as err:
        load_official(path)
    assert f"{path}, line 2" in str(err.value)


def test_duplicate_rows_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [_row(province_as_published="Hà Nội"), _row(province_as_published="TP. Hà Nội")])
    with pytest.raises(InputError, match="second row for Hà Nội"):
        load_official(path)


def test_missing_file_and_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read official table"):
        load_official(tmp_path / "absent.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("edition,cohort\n2021,63\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing columns"):
        load_official(bad)
