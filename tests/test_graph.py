"""The graph of one source, built from a hand-made Extraction, and the claims read back from it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Graph, Literal

from dti_kg.errors import DtiError, InputError
from dti_kg.gazetteer import gazetteer
from dti_kg.graph import (
    CONTEXT_CHARS,
    RELEASE_TIMESTAMP,
    activity_time_from_env,
    claims_from_graph,
    extraction_graph,
)
from dti_kg.iri import Minter
from dti_kg.model import Claim, EditionFact, Extraction, SourceDocument, Span
from dti_kg.namespaces import DCTERMS, DTI, OA, PROV, QB, RDF, SCHEMA, XSD
from dti_kg.serialize import dump_nquads
from dti_kg.text import sha256_hex

# A small article of our own (the seed articles are not copied into the repository).
TEXT = (
    "Thái Nguyên tăng 4 bậc về chuyển đổi số\n"
    "Theo kết quả DTI năm 2021, tỉnh Thái Nguyên xếp thứ 8/63 tỉnh, thành phố, tăng 4 bậc so với năm 2020.\n"
    "Chỉ số chính quyền số của tỉnh đạt 0,3215 điểm.\n"
    "Bộ chỉ số năm 2021 gồm 9 chỉ số chính.\n"
    "Nhắc lại: Thái Nguyên xếp thứ 8/63.\n"
)
BASE = "https://example.org/kg/"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def span_of(text: str, quote: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return Span(start, start + len(quote), quote)


def sample_extraction() -> Extraction:
    source = SourceDocument(
        file_name="sample.txt",
        text=TEXT,
        sha256=sha256_hex(TEXT),
        media_type="text/plain",
        title="Thái Nguyên tăng 4 bậc về chuyển đổi số",
        url="https://baothainguyen.vn/sample.html",
        outlet="bao-thai-nguyen",
        published=date(2022, 8, 8),
    )
    rank = Claim(
        province="thai-nguyen",
        edition=2021,
        indicator="overall",
        measure="rank",
        value=8,
        cohort=63,
        rule="vi.rank.ordinal-of-cohort",
        evidence=[span_of(TEXT, "xếp thứ 8/63")],
    )
    repeated = Claim(**{**rank.__dict__, "evidence": [span_of(TEXT, "xếp thứ 8/63", 1)]})
    change = Claim(
        province="thai-nguyen",
        edition=2021,
        indicator="overall",
        measure="rank_change",
        value=4,
        cohort=None,
        rule="vi.rank-change.up",
        evidence=[span_of(TEXT, "tăng 4 bậc so với năm 2020")],
        compared_to=2020,
    )
    previous = Claim(
        province="thai-nguyen",
        edition=2020,
        indicator="overall",
        measure="rank",
        value=12,
        cohort=63,
        rule="derive.previous-rank",
        evidence=[span_of(TEXT, "xếp thứ 8/63"), span_of(TEXT, "tăng 4 bậc so với năm 2020")],
        derived=True,
        derived_from=change,
    )
    score = Claim(
        province="thai-nguyen",
        edition=2021,
        indicator="digital_government",
        measure="score",
        value=Decimal("0.3215"),
        cohort=None,
        rule="vi.score.decimal-comma",
        evidence=[span_of(TEXT, "Chỉ số chính quyền số của tỉnh đạt 0,3215")],
        edition_basis="inferred_from_date",
        province_basis="title",
    )
    fact = EditionFact(
        edition=2021,
        fact="main_indices_count",
        value=9,
        rule="vi.fact.main-indices",
        evidence=[span_of(TEXT, "gồm 9 chỉ số chính")],
        consistent=True,
        reference_value=9,
    )
    return Extraction(source=source, claims=[rank, change, previous, score, repeated], facts=[fact])


@pytest.fixture(scope="module")
def minter() -> Minter:
    return Minter(BASE)


@pytest.fixture(scope="module")
def graph(minter: Minter) -> Graph:
    return extraction_graph(sample_extraction(), minter, "1.2.3", WHEN)


def claim_iri(minter: Minter, claim: Claim):
    return minter.claim(sha256_hex(TEXT)[:16], *claim.key())


def test_source_activity_and_agent(graph: Graph, minter: Minter) -> None:
    sid = sha256_hex(TEXT)[:16]
    source, activity = minter.source(sid), minter.activity(sid)
    software = minter.software("1.2.3")
    assert graph.identifier == minter.graph(sid)
    for triple in [
        (source, RDF.type, SCHEMA.NewsArticle),
        (source, RDF.type, PROV.Entity),
        (source, DCTERMS.title, Literal("Thái Nguyên tăng 4 bậc về chuyển đổi số")),
        (source, SCHEMA.publisher, minter.outlet("bao-thai-nguyen")),
        (source, DCTERMS.issued, Literal("2022-08-08", datatype=XSD.date)),
        (source, DTI.sha256, Literal(sha256_hex(TEXT))),
        (source, DTI.fileName, Literal("sample.txt")),
        (source, DCTERMS["format"], Literal("text/plain")),
        (source, DCTERMS.language, Literal("vi")),
        (source, DTI.textLength, Literal(str(len(TEXT)), datatype=XSD.integer)),
        (activity, RDF.type, PROV.Activity),
        (activity, PROV.used, source),
        (activity, PROV.wasAssociatedWith, software),
        (activity, PROV.endedAtTime, Literal("2026-01-02T03:04:05Z", datatype=XSD.dateTime)),
        (software, RDF.type, PROV.SoftwareAgent),
        (software, DTI.version, Literal("1.2.3")),
        (minter.graph(sid), RDF.type, QB.DataSet),
    ]:
        assert triple in graph, triple
    assert all(
        str(t).startswith(BASE) or not str(t).startswith("https://w3id.org/dti-kg/id/")
        for t in graph.all_nodes()
    )


def test_claims_follow_the_contract(graph: Graph, minter: Minter) -> None:
    extraction = sample_extraction()
    rank, change, previous, score, _ = extraction.claims
    sid = extraction.source.source_id
    node = claim_iri(minter, rank)
    for triple in [
        (node, RDF.type, DTI.Claim),
        (node, RDF.type, QB.Observation),
        (node, QB.dataSet, minter.graph(sid)),
        (node, DTI.province, minter.province("thai-nguyen")),
        (node, DTI.edition, minter.edition(2021)),
        (node, DTI.indicator, minter.indicator("overall")),
        (node, QB.measureType, DTI.rank),
        (node, DTI.rank, Literal("8", datatype=XSD.integer)),
        (node, DTI.cohort, minter.cohort(2021, 63)),
        (node, DTI.derivation, DTI.Stated),
        (node, DTI.editionBasis, DTI.EditionStated),
        (node, DTI.provinceBasis, DTI.ProvinceNamedInText),
        (node, DCTERMS.source, minter.source(sid)),
        (node, PROV.wasGeneratedBy, minter.activity(sid)),
        (node, DTI.extractionRule, Literal("vi.rank.ordinal-of-cohort")),
    ]:
        assert triple in graph, triple
    # The repeated paragraph merged into the same claim: two evidence spans.
    assert len(set(graph.objects(node, DTI.evidence))) == 2

    changed = claim_iri(minter, change)
    assert (changed, DTI.rankChange, Literal("4", datatype=XSD.integer)) in graph
    assert (changed, DTI.comparedTo, minter.edition(2020)) in graph
    assert graph.value(changed, DTI.cohort) is None

    derived = claim_iri(minter, previous)
    assert (derived, DTI.derivation, DTI.Derived) in graph
    assert (derived, PROV.wasDerivedFrom, changed) in graph
    assert graph.value(derived, DTI.comparedTo) is None

    scored = claim_iri(minter, score)
    assert (scored, DTI.score, Literal("0.3215", datatype=XSD.decimal)) in graph
    assert (scored, DTI.editionBasis, DTI.EditionInferredFromDate) in graph
    assert (scored, DTI.provinceBasis, DTI.ProvinceNamedInTitle) in graph
    assert len(set(graph.subjects(RDF.type, DTI.Claim))) == 4


def test_spans_have_both_selectors(graph: Graph, minter: Minter) -> None:
    sid = sha256_hex(TEXT)[:16]
    quote = "tăng 4 bậc so với năm 2020"
    span = span_of(TEXT, quote)
    node = minter.span(sid, span.start, span.end)
    q = minter.selector(sid, span.start, span.end, "quote")
    p = minter.selector(sid, span.start, span.end, "position")
    assert (node, RDF.type, OA.SpecificResource) in graph
    assert (node, OA.hasSource, minter.source(sid)) in graph
    assert set(graph.objects(node, OA.hasSelector)) == {q, p}
    assert (q, RDF.type, OA.TextQuoteSelector) in graph
    assert (q, OA.exact, Literal(quote)) in graph
    assert str(graph.value(q, OA.prefix)) == TEXT[span.start - CONTEXT_CHARS : span.start]
    assert str(graph.value(q, OA.suffix)) == TEXT[span.end : span.end + CONTEXT_CHARS]
    assert (p, OA.start, Literal(str(span.start), datatype=XSD.integer)) in graph
    assert (p, OA.end, Literal(str(span.end), datatype=XSD.integer)) in graph
    for selector in graph.subjects(RDF.type, OA.TextQuoteSelector):
        for prop in (OA.prefix, OA.suffix):
            assert len(str(graph.value(selector, prop) or "")) <= CONTEXT_CHARS


def test_edition_fact(graph: Graph, minter: Minter) -> None:
    sid = sha256_hex(TEXT)[:16]
    node = minter.edition_fact(sid, 2021, "main_indices_count", 9)
    assert (node, RDF.type, DTI.EditionFact) in graph
    assert (node, DTI.edition, minter.edition(2021)) in graph
    assert (node, DTI.factKind, Literal("main_indices_count")) in graph
    assert (node, DTI.factValue, Literal("9", datatype=XSD.integer)) in graph
    assert (node, DTI.consistentWithReference, Literal("true", datatype=XSD.boolean)) in graph
    assert (node, DCTERMS.source, minter.source(sid)) in graph
    assert graph.value(node, DTI.evidence) is not None


def test_no_blank_nodes_and_deterministic(graph: Graph, minter: Minter) -> None:
    assert not [t for triple in graph for t in triple if isinstance(t, BNode)]
    again = extraction_graph(sample_extraction(), minter, "1.2.3", WHEN)
    assert dump_nquads(again).encode() == dump_nquads(graph).encode()


def test_claims_round_trip(graph: Graph) -> None:
    records = claims_from_graph(graph)
    start = TEXT.index("xếp thứ 8/63")
    first = next(r for r in records if r["edition"] == 2021 and r["measure"] == "rank")
    assert first == {
        "source": "sample.txt",
        "province": "Thái Nguyên",
        "edition": 2021,
        "indicator": "overall",
        "measure": "rank",
        "value": 8,
        "out_of": 63,
        "derived": False,
        "province_code": "19",
        "quote": "xếp thứ 8/63",
        "start": start,
        "end": start + len("xếp thứ 8/63"),
        "rule": "vi.rank.ordinal-of-cohort",
        "evidence": [
            {"start": start, "end": start + 12, "quote": "xếp thứ 8/63"},
            {
                "start": TEXT.rindex("xếp thứ 8/63"),
                "end": TEXT.rindex("xếp thứ 8/63") + 12,
                "quote": "xếp thứ 8/63",
            },
        ],
        "edition_basis": "stated",
        "province_basis": "text",
        "iri": str(claim_iri(Minter(BASE), sample_extraction().claims[0])),
    }
    by_measure = {(r["edition"], r["indicator"], r["measure"]): r for r in records}
    assert len(records) == 4
    change = by_measure[(2021, "overall", "rank_change")]
    assert (change["value"], change["compared_to_edition"], change["out_of"]) == (4, 2020, None)
    derived = by_measure[(2020, "overall", "rank")]
    assert (derived["value"], derived["derived"], derived["out_of"]) == (12, True, 63)
    assert "compared_to_edition" not in derived
    score = by_measure[(2021, "digital_government", "score")]
    assert score["value"] == 0.3215 and isinstance(score["value"], float)
    assert (score["edition_basis"], score["province_basis"]) == ("inferred_from_date", "title")

    # A Dataset is read as the union of its graphs.
    dataset = Dataset()
    named = dataset.graph(graph.identifier)
    for triple in graph:
        named.add(triple)
    assert claims_from_graph(dataset) == records


def test_round_trip_of_the_expected_claims_file(expected_claims: list[dict]) -> None:
    """Each expected record, written as a claim and read back, gives the record's fields unchanged."""
    by_source: dict[str, list[dict]] = {}
    for record in expected_claims:
        by_source.setdefault(record["source"], []).append(record)
    minter = Minter(BASE)
    dataset_records = []
    for name, records in sorted(by_source.items()):
        text = "".join(f"claim {i}: {r['value']}\n" for i, r in enumerate(records))
        claims = []
        for i, r in enumerate(records):
            quote = f"claim {i}: {r['value']}"
            unit = gazetteer().lookup(r["province"])
            assert unit is not None, r
            value = Decimal(str(r["value"])) if r["measure"] == "score" else int(r["value"])
            claims.append(
                Claim(
                    province=unit.slug,
                    edition=r["edition"],
                    indicator=r["indicator"],
                    measure=r["measure"],
                    value=value,
                    cohort=r["out_of"],
                    rule="test",
                    evidence=[span_of(text, quote)],
                    derived=r["derived"],
                    compared_to=r.get("compared_to_edition"),
                )
            )
        doc = SourceDocument(file_name=name, text=text, sha256=sha256_hex(text), media_type="text/plain")
        dataset_records += claims_from_graph(extraction_graph(Extraction(doc, claims), minter, "t", WHEN))
    fields = ("source", "province", "edition", "indicator", "measure", "value", "out_of", "derived")
    got = sorted((tuple(r[f] for f in fields), r.get("compared_to_edition")) for r in dataset_records)
    want = sorted((tuple(r[f] for f in fields), r.get("compared_to_edition")) for r in expected_claims)
    assert got == want
    assert len(got) == len(expected_claims) == 27


def test_bad_inputs_are_named(minter: Minter) -> None:
    extraction = sample_extraction()
    extraction.source.sha256 = "0" * 64
    with pytest.raises(InputError, match=r"sample\.txt: sha256"):
        extraction_graph(extraction, minter, "1", WHEN)

    extraction = sample_extraction()
    extraction.claims[0].evidence[0] = Span(0, 5, "wrong")
    with pytest.raises(DtiError, match=r"sample\.txt: span 0-5"):
        extraction_graph(extraction, minter, "1", WHEN)

    extraction = sample_extraction()
    extraction.claims[3].province = "atlantis"
    with pytest.raises(DtiError, match="atlantis"):
        extraction_graph(extraction, minter, "1", WHEN)

    extraction = sample_extraction()
    extraction.claims[4].rule = "another-rule"
    with pytest.raises(DtiError, match="disagree"):
        extraction_graph(extraction, minter, "1", WHEN)

    with pytest.raises(InputError, match="timezone"):
        extraction_graph(sample_extraction(), minter, "1", datetime(2026, 1, 1))


def test_activity_time(monkeypatch: pytest.MonkeyPatch, minter: Minter) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert activity_time_from_env() == RELEASE_TIMESTAMP
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    moment = activity_time_from_env()
    assert moment == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    graph = extraction_graph(sample_extraction(), minter, "1", moment)
    assert Literal("2023-11-14T22:13:20Z", datatype=XSD.dateTime) in set(
        graph.objects(None, PROV.endedAtTime)
    )
    ict = extraction_graph(sample_extraction(), minter, "1", moment.astimezone(timezone(timedelta(hours=7))))
    assert Literal("2023-11-15T05:13:20+07:00", datatype=XSD.dateTime) in set(
        ict.objects(None, PROV.endedAtTime)
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        activity_time_from_env()
