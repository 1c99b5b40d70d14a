"""The five seed articles: exactly the 27 claims a careful reader finds, with honest evidence."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from dti_kg.evaluation import comparable
from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.records import claim_record
from dti_kg.model import Extraction

EXPECTED_FIELDS = ("source", "province", "edition", "indicator", "measure", "value", "out_of", "derived")


def _comparable(record: dict) -> str:
    return comparable(record, EXPECTED_FIELDS)


@pytest.fixture(scope="module")
def extractions(seed_files: list[Path]) -> dict[str, Extraction]:
    return {path.name: extract_path(path) for path in seed_files}


def test_seed_claims_are_exactly_the_expected_ones(extractions, expected_claims):
    got = Counter(_comparable(claim_record(c, e.source)) for e in extractions.values() for c in e.claims)
    want = Counter(_comparable(r) for r in expected_claims)
    assert len(expected_claims) == 27
    assert got - want == Counter(), "claims that should not be there"
    assert want - got == Counter(), "claims that were missed"


def test_every_span_quotes_its_slice_of_the_normalised_text(extractions):
    for e in extractions.values():
        spans = [s for c in e.claims for s in c.evidence] + [s for f in e.facts for s in f.evidence]
        assert spans
        for span in spans:
            assert e.source.text[span.start : span.end] == span.quote
            assert span.quote.strip() == span.quote and len(span.quote) < 300


def test_repeated_paragraph_is_one_claim_with_two_spans(extractions):
    e = extractions["000_2115fb3839d4d7c3.txt"]
    pillar = [c for c in e.claims if c.indicator == "digital_economy"]
    assert len(pillar) == 1
    first, second = pillar[0].evidence
    assert first.quote == second.quote and first.start < second.start


def test_previous_rank_is_derived_from_the_rank_change(extractions):
    e = extractions["000_2115fb3839d4d7c3.txt"]
    derived = [c for c in e.claims if c.derived]
    assert len(derived) == 1
    claim = derived[0]
    assert (claim.edition, claim.value, claim.cohort) == (2020, 12, 63)
    assert claim.derived_from is not None and claim.derived_from.measure == "rank_change"
    assert claim.rule.startswith("derived.")


def test_implied_province_and_edition_are_recorded_as_such(extractions):
    e = extractions["002_84a8a56c268c4ddd.txt"]
    assert e.source.outlet == "bao-dong-khoi"
    assert {(c.province, c.edition, c.province_basis, c.edition_basis) for c in e.claims} == {
        ("ben-tre", 2020, "outlet", "inferred_from_date")
    }


def test_dti_2024_rank_has_no_cohort_and_maximum_score_is_one(extractions):
    e = extractions["001_85e375d9b78ab4b3.txt"]
    rank = next(c for c in e.claims if c.measure == "rank")
    assert rank.cohort is None and rank.edition == 2024
    scores = {c.indicator: c.value for c in e.claims if c.measure == "score"}
    assert scores == {"digital_awareness": 1, "digital_institutions": 1}


def test_seed_metadata(extractions):
    meta = {
        n: (e.source.outlet, e.source.published and e.source.published.isoformat())
        for n, e in extractions.items()
    }
    assert meta == {
        "000_2115fb3839d4d7c3.txt": ("bao-thai-nguyen", "2022-08-08"),
        "001_85e375d9b78ab4b3.txt": ("vov5", None),  # not baothainguyen.vn: that is a photo credit
        "002_84a8a56c268c4ddd.txt": ("bao-dong-khoi", "2021-09-09"),
        "003_46c34877ebc259b5.txt": ("dien-dan-doanh-nghiep", "2022-08-11"),
        "004_a227b877d161f5a7.txt": ("ubnd-tp-vi-thanh", "2021-10-20"),
    }
    assert extractions["000_2115fb3839d4d7c3.txt"].source.url.startswith("https://baothainguyen.vn/")
    assert extractions["004_a227b877d161f5a7.txt"].source.title.startswith("Hậu Giang xếp thứ 28/63")


def test_edition_facts_are_checked_against_the_reference(extractions):
    facts = {
        (name, f.edition, f.fact, f.value): f.consistent
        for name, e in extractions.items()
        for f in e.facts
        if f.fact != "main_index"
    }
    assert facts[("000_2115fb3839d4d7c3.txt", 2021, "main_indices_count", 9)] is True
    assert facts[("000_2115fb3839d4d7c3.txt", 2021, "component_indices_count", 98)] is True
    assert facts[("001_85e375d9b78ab4b3.txt", 2024, "publisher", "bo-khcn")] is True
    assert facts[("001_85e375d9b78ab4b3.txt", 2024, "main_indices_count", 8)] is True
    assert facts[("004_a227b877d161f5a7.txt", 2020, "criteria_count", 306)] is True
    assert facts[("004_a227b877d161f5a7.txt", 2020, "component_indices_count", 108)] is True
    main = {f.value for f in extractions["000_2115fb3839d4d7c3.txt"].facts if f.fact == "main_index"}
    assert "smart_city" in main and "digital_economy_activity" in main and len(main) == 9


def test_wrong_decision_date_is_reported(extractions):
    notes = extractions["004_a227b877d161f5a7.txt"].notes
    assert any("1726/QĐ-BTTTT" in n and "2021-10-12" in n and "2020-10-12" in n for n in notes)


def test_extraction_is_deterministic(seed_files):
    def dump(path: Path) -> list[str]:
        e = extract_path(path)
        return [json.dumps(claim_record(c, e.source), ensure_ascii=False) for c in e.claims]

    for path in seed_files:
        assert dump(path) == dump(path)
