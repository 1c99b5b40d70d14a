"""Quotes are the source's own characters after NFC only (issue 7).

Regression: "Thanh Hoá" in an article came back as "Thanh Hóa" in the quote (the rules' tone-mark
normalisation leaked into the evidence), so an auditor's text search of the article found nothing.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib.namespace import Namespace

from dti_kg.graph import extraction_graph
from dti_kg.iri import Minter
from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.records import claim_record
from dti_kg.text import normalise_text, origin_map

OA = Namespace("http://www.w3.org/ns/oa#")
BASE = "https://w3id.org/dti-kg/"

ARTICLE = (
    "Thanh Hoá  tăng hạng chuyển đổi số\r\n\r\n\r\n"
    "Theo kết quả công bố Chỉ số chuyển đổi số (DTI) năm 2022 của Bộ TT&TT, "
    "tỉnh Thanh Hoá xếp thứ\u00a015/63 "
    "tỉnh, thành phố, tăng 5 bậc so với năm 2021.\r\n"
)


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_every_quote_is_found_verbatim_in_the_nfc_source(tmp_path: Path, form: str) -> None:
    path = tmp_path / "thanh_hoa.txt"
    path.write_bytes(unicodedata.normalize(form, ARTICLE).encode("utf-8"))
    source = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8"))
    extraction = extract_path(path)
    records = [claim_record(c, extraction.source) for c in extraction.claims]
    assert any(r["measure"] == "rank" and r["value"] == 15 for r in records), records
    for record in records:
        for ev in record["evidence"]:
            assert source[ev["start"] : ev["end"]] == ev["quote"]
    assert any("Thanh Hoá" in r["quote"] for r in records), [r["quote"] for r in records]

    graph = extraction_graph(extraction, Minter(BASE), "test", datetime(2026, 1, 1, tzinfo=UTC))
    exacts = [str(o) for o in graph.objects(None, OA.exact)]
    assert exacts and all(e in source for e in exacts)
    assert not any("Thanh Hóa" in e for e in exacts)


def test_origin_map_skips_only_spacing() -> None:
    original = "Tỉnh  Thanh Hoá\r\n\r\n\r\n\u200b xếp thứ\u00a08/63 "
    normalised = normalise_text(original)
    where = origin_map(normalised, original)
    start = normalised.index("Thanh Hóa")
    assert original[where[start] : where[start + len("Thanh Hóa") - 1] + 1] == "Thanh Hoá"
    start = normalised.index("thứ 8/63")
    assert original[where[start] : where[start + len("thứ 8/63") - 1] + 1] == "thứ\u00a08/63"


def test_origin_map_refuses_an_unrelated_text() -> None:
    with pytest.raises(ValueError):
        origin_map("xyz", "abc")
