"""The JSON record of a claim (``dti extract --format jsonl``; fields of expected_claims.jsonl)."""

from __future__ import annotations

from typing import Any

from dti_kg.gazetteer import gazetteer
from dti_kg.model import Claim, SourceDocument


def claim_record(claim: Claim, source: SourceDocument) -> dict[str, Any]:
    unit = gazetteer().by_slug[claim.province]
    evidence = [source.cite(span) for span in claim.evidence]  # the source's own characters
    first = evidence[0]
    record: dict[str, Any] = {
        "source": source.file_name,
        "province": unit.name_vi,
        "edition": claim.edition,
        "indicator": claim.indicator,
        "measure": claim.measure,
        "value": float(claim.value) if claim.measure == "score" else int(claim.value),
        "out_of": claim.cohort,
        "derived": claim.derived,
    }
    if claim.measure == "rank_change":
        record["compared_to_edition"] = claim.compared_to
    record.update(
        {
            "province_code": unit.gso_code,
            "quote": first.quote,
            "start": first.start,
            "end": first.end,
            "rule": claim.rule,
            "evidence": [{"start": s.start, "end": s.end, "quote": s.quote} for s in evidence],
            "edition_basis": claim.edition_basis,
            "province_basis": claim.province_basis,
        }
    )
    return record


def record_sort_key(record: dict[str, Any]) -> tuple[Any, ...]:
    return (
        record["source"],
        record["province"],
        record["edition"],
        record["indicator"],
        record["measure"],
        record.get("compared_to_edition") or 0,
        record["derived"],
        record["value"],
        record["start"],
    )
