"""The graph of one source (``id/graph/{source_id}``) and the way back to JSON claim records.

:func:`extraction_graph` writes what a loader got out of one article exactly as docs/data-model.md
("Article graphs") describes: the source document, the extraction activity and its software agent, the
evidence spans (a quote and a position selector each), the claims and the edition facts.
:func:`claims_from_graph` reads claims back as the JSON records of the contract, so a built graph can be
compared with ``expected_claims.jsonl``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from dti_kg import config
from dti_kg.errors import DtiError, InputError
from dti_kg.gazetteer import gazetteer
from dti_kg.iri import Minter
from dti_kg.model import Candidate, Claim, EditionFact, Extraction, SourceDocument, Span
from dti_kg.namespaces import DCTERMS, DTI, MEASURE_TERMS, OA, PROV, QB, RDF, RDFS, SCHEMA, XSD
from dti_kg.reference import indicators, outlets
from dti_kg.text import sha256_hex

# prov:endedAtTime of every extraction when SOURCE_DATE_EPOCH is unset. A constant rather than "now" so
# that building twice from the same inputs gives byte-identical output (reproducible builds).
RELEASE_TIMESTAMP = datetime(2026, 11, 23, 0, 0, 0, tzinfo=UTC)
# Length of the oa:prefix / oa:suffix context around a quote: enough to re-anchor it, short enough to read.
CONTEXT_CHARS = 32

_EDITION_BASES = {"stated": DTI.EditionStated, "inferred_from_date": DTI.EditionInferredFromDate}
_PROVINCE_BASES = {
    "text": DTI.ProvinceNamedInText,
    "title": DTI.ProvinceNamedInTitle,
    "outlet": DTI.ProvinceImpliedByOutlet,
    "review": DTI.ProvinceChosenByReviewer,
}


def activity_time_from_env() -> datetime:
    """The extraction time to record: ``SOURCE_DATE_EPOCH`` (seconds, UTC) if set, else RELEASE_TIMESTAMP."""
    epoch = config.read("SOURCE_DATE_EPOCH")
    if epoch is None:
        return RELEASE_TIMESTAMP
    return datetime.fromtimestamp(float(epoch), tz=UTC)


# --- literals in the forms the store keeps (so graph and store agree) ---------------------------


def _integer(value: int) -> Literal:
    # Offsets too are xsd:integer, not xsd:nonNegativeInteger: Oxigraph stores derived integer types as
    # xsd:integer, so anything read back from a store or the snapshot would differ from what was written.
    return Literal(str(value), datatype=XSD.integer)


def canonical_decimal(value: Decimal | int) -> str:
    """xsd:decimal canonical form as the store keeps it: no exponent, no trailing zeros ("1.000" -> "1")."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _decimal(value: Decimal | int) -> Literal:
    return Literal(canonical_decimal(value), datatype=XSD.decimal)


def _date_time(moment: datetime) -> Literal:
    offset = moment.utcoffset()
    if offset is None:
        raise InputError("activity_time must be timezone-aware (use activity_time_from_env())")
    text = moment.isoformat()
    return Literal(text[:-6] + "Z" if offset.total_seconds() == 0 else text, datatype=XSD.dateTime)


# --- writing -----------------------------------------------------------------------------------


def extraction_graph(
    extraction: Extraction, minter: Minter, loader_version: str, activity_time: datetime
) -> Graph:
    """The triples of one source, as a graph named ``id/graph/{source_id}``."""
    doc = extraction.source
    _check_source(doc)
    sid = doc.source_id
    graph = Graph(identifier=minter.graph(sid))
    source = minter.source(sid)
    activity = minter.activity(sid)

    _add_source(graph, minter, doc, source)

    software = minter.software(loader_version)
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, PROV.used, source))
    graph.add((activity, PROV.wasAssociatedWith, software))
    graph.add((activity, PROV.endedAtTime, _date_time(activity_time)))
    graph.add((software, RDF.type, PROV.SoftwareAgent))
    graph.add((software, RDFS.label, Literal(f"dti-kg {loader_version}")))
    graph.add((software, DTI.version, Literal(loader_version)))

    # The source graph doubles as the Data Cube dataset its claims are observations of.
    dataset = minter.graph(sid)
    graph.add((dataset, RDF.type, QB.DataSet))
    graph.add((dataset, QB.structure, DTI.claimStructure))
    graph.add((dataset, RDFS.label, Literal(f"DTI claims in {doc.file_name}")))

    claims = _merge_repeated(extraction.claims, doc.file_name)
    written = {claim.key() for claim in claims}
    for claim in claims:
        _add_claim(graph, minter, doc, claim, written)
    for fact in extraction.facts:
        _add_fact(graph, minter, doc, fact)
    for candidate in extraction.candidates:
        _add_candidate(graph, minter, doc, candidate)
    return graph


def _check_source(doc: SourceDocument) -> None:
    if sha256_hex(doc.text) != doc.sha256:
        raise InputError(f"{doc.file_name}: sha256 does not match the normalised text")
    if doc.outlet is not None and doc.outlet not in outlets():
        raise InputError(f"{doc.file_name}: outlet {doc.outlet!r} is not in the outlet registry")


def _add_source(graph: Graph, minter: Minter, doc: SourceDocument, source: URIRef) -> None:
    graph.add((source, RDF.type, SCHEMA.NewsArticle))
    graph.add((source, RDF.type, PROV.Entity))
    if doc.title:
        graph.add((source, DCTERMS.title, Literal(doc.title)))
    if doc.url:
        graph.add((source, SCHEMA.url, URIRef(doc.url)))
    if doc.outlet:
        graph.add((source, SCHEMA.publisher, minter.outlet(doc.outlet)))
    elif doc.outlet_name:
        graph.add((source, DTI.outletName, Literal(doc.outlet_name)))
    if doc.published:
        graph.add((source, DCTERMS.issued, Literal(doc.published.isoformat(), datatype=XSD.date)))
    graph.add((source, DTI.sha256, Literal(doc.sha256)))
    graph.add((source, DTI.fileName, Literal(doc.file_name)))
    graph.add((source, DCTERMS["format"], Literal(doc.media_type)))
    graph.add((source, DCTERMS.language, Literal(doc.language)))
    graph.add((source, DTI.textLength, _integer(len(doc.text))))


def _merge_repeated(claims: list[Claim], file_name: str) -> list[Claim]:
    """One claim per key (repeated paragraphs repeat claims): evidence is pooled, all else must agree."""
    merged: dict[tuple[object, ...], Claim] = {}
    for claim in claims:
        first = merged.get(claim.key())
        if first is None:
            merged[claim.key()] = claim
            continue
        mine = (claim.cohort, claim.rule, claim.derived, claim.edition_basis, claim.province_basis)
        theirs = (first.cohort, first.rule, first.derived, first.edition_basis, first.province_basis)
        if mine != theirs:
            raise DtiError(f"{file_name}: two claims with key {claim.key()} disagree: {theirs} vs {mine}")
        evidence = sorted(set(first.evidence) | set(claim.evidence))
        merged[claim.key()] = replace(first, evidence=evidence)
    return list(merged.values())


def _add_span(graph: Graph, minter: Minter, doc: SourceDocument, found: Span) -> URIRef:
    sid = doc.source_id
    if not 0 <= found.start < found.end <= len(doc.text) or doc.text[found.start : found.end] != found.quote:
        raise DtiError(
            f"{doc.file_name}: span {found.start}-{found.end} does not match the text ({found.quote!r})"
        )
    # Published offsets and quotes are the source's own characters (after NFC only), so that an
    # auditor's text search finds them; the rules matched on the normalised text.
    span = doc.cite(found)
    text = doc.cited_text
    node = minter.span(sid, span.start, span.end)
    quote = minter.selector(sid, span.start, span.end, "quote")
    position = minter.selector(sid, span.start, span.end, "position")
    graph.add((node, RDF.type, OA.SpecificResource))
    graph.add((node, OA.hasSource, minter.source(sid)))
    graph.add((node, OA.hasSelector, quote))
    graph.add((node, OA.hasSelector, position))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(span.quote)))
    prefix = text[max(0, span.start - CONTEXT_CHARS) : span.start]
    suffix = text[span.end : span.end + CONTEXT_CHARS]
    if prefix:
        graph.add((quote, OA.prefix, Literal(prefix)))
    if suffix:
        graph.add((quote, OA.suffix, Literal(suffix)))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, _integer(span.start)))
    graph.add((position, OA.end, _integer(span.end)))
    return node


def _measure_value(claim: Claim | Candidate, file_name: str) -> Literal:
    value = claim.value
    whose = claim.province if isinstance(claim, Claim) else "a candidate"
    if claim.measure == "score":
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise DtiError(f"{file_name}: score of {whose} must be a Decimal, got {value!r}")
        return _decimal(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DtiError(f"{file_name}: {claim.measure} of {whose} must be an int, got {value!r}")
    return _integer(value)


def _add_claim(
    graph: Graph, minter: Minter, doc: SourceDocument, claim: Claim, written: set[tuple[object, ...]]
) -> None:
    sid = doc.source_id
    if claim.province not in gazetteer().by_slug:
        raise DtiError(f"{doc.file_name}: claim names unknown province slug {claim.province!r}")
    if claim.indicator not in indicators():
        raise DtiError(f"{doc.file_name}: claim names unknown indicator {claim.indicator!r}")
    if claim.measure not in MEASURE_TERMS:
        raise DtiError(f"{doc.file_name}: claim has unknown measure {claim.measure!r}")
    if not claim.evidence:
        raise DtiError(f"{doc.file_name}: claim {claim.key()} has no evidence span")
    node = minter.claim(sid, *claim.key())
    measure = MEASURE_TERMS[claim.measure]
    graph.add((node, RDF.type, DTI.Claim))
    graph.add((node, RDF.type, QB.Observation))
    graph.add((node, QB.dataSet, minter.graph(sid)))
    graph.add((node, DTI.province, minter.province(claim.province)))
    graph.add((node, DTI.edition, minter.edition(claim.edition)))
    graph.add((node, DTI.indicator, minter.indicator(claim.indicator)))
    graph.add((node, QB.measureType, measure))
    graph.add((node, measure, _measure_value(claim, doc.file_name)))
    if claim.measure == "rank_change" and claim.compared_to is not None:
        graph.add((node, DTI.comparedTo, minter.edition(claim.compared_to)))
    if claim.cohort is not None:
        graph.add((node, DTI.cohort, minter.cohort(claim.edition, claim.cohort)))
    graph.add((node, DTI.derivation, DTI.Derived if claim.derived else DTI.Stated))
    if claim.derived_from is not None:
        if claim.derived_from.key() not in written:
            raise DtiError(f"{doc.file_name}: claim {claim.key()} is derived from a claim not in the source")
        graph.add((node, PROV.wasDerivedFrom, minter.claim(sid, *claim.derived_from.key())))
    graph.add((node, DTI.editionBasis, _EDITION_BASES[claim.edition_basis]))
    graph.add((node, DTI.provinceBasis, _PROVINCE_BASES[claim.province_basis]))
    for span in claim.evidence:
        graph.add((node, DTI.evidence, _add_span(graph, minter, doc, span)))
    graph.add((node, DCTERMS.source, minter.source(sid)))
    graph.add((node, PROV.wasGeneratedBy, minter.activity(sid)))
    graph.add((node, DTI.extractionRule, Literal(claim.rule)))


def _add_candidate(graph: Graph, minter: Minter, doc: SourceDocument, candidate: Candidate) -> None:
    """An uncertain attribution: what the value is, why its subject is unclear, who it could be.
    A dti:CandidateClaim is no dti:Claim, so no claim query sees it until a person accepts it."""
    sid = doc.source_id
    node = minter.candidate(sid, *candidate.key())
    measure = MEASURE_TERMS[candidate.measure]
    graph.add((node, RDF.type, DTI.CandidateClaim))
    graph.add((node, DTI.edition, minter.edition(candidate.edition)))
    graph.add((node, DTI.indicator, minter.indicator(candidate.indicator)))
    graph.add((node, QB.measureType, measure))
    graph.add((node, measure, _measure_value(candidate, doc.file_name)))
    if candidate.compared_to is not None:
        graph.add((node, DTI.comparedTo, minter.edition(candidate.compared_to)))
    if candidate.cohort is not None:
        graph.add((node, DTI.cohort, minter.cohort(candidate.edition, candidate.cohort)))
    graph.add((node, DTI.editionBasis, _EDITION_BASES[candidate.edition_basis]))
    graph.add((node, DTI.reviewReason, Literal(candidate.reason)))
    for slug in candidate.rivals:
        graph.add((node, DTI.rivalProvince, minter.province(slug)))
    for span in candidate.evidence:
        graph.add((node, DTI.evidence, _add_span(graph, minter, doc, span)))
    graph.add((node, DCTERMS.source, minter.source(sid)))
    graph.add((node, PROV.wasGeneratedBy, minter.activity(sid)))
    graph.add((node, DTI.extractionRule, Literal(candidate.rule)))


def _add_fact(graph: Graph, minter: Minter, doc: SourceDocument, fact: EditionFact) -> None:
    sid = doc.source_id
    if not fact.evidence:
        raise DtiError(f"{doc.file_name}: edition fact {fact.fact} has no evidence span")
    node = minter.edition_fact(sid, fact.edition, fact.fact, fact.value)
    graph.add((node, RDF.type, DTI.EditionFact))
    graph.add((node, DTI.edition, minter.edition(fact.edition)))
    graph.add((node, DTI.factKind, Literal(fact.fact)))
    value = _integer(fact.value) if isinstance(fact.value, int) else Literal(fact.value)
    graph.add((node, DTI.factValue, value))
    for span in fact.evidence:
        graph.add((node, DTI.evidence, _add_span(graph, minter, doc, span)))
    graph.add((node, DCTERMS.source, minter.source(sid)))
    graph.add((node, PROV.wasGeneratedBy, minter.activity(sid)))
    graph.add((node, DTI.extractionRule, Literal(fact.rule)))
    if fact.consistent is not None:
        graph.add(
            (
                node,
                DTI.consistentWithReference,
                Literal("true" if fact.consistent else "false", datatype=XSD.boolean),
            )
        )


# --- reading back ------------------------------------------------------------------------------

# Keyed by Node: they look up whatever the graph holds, which may be no key at all.
_MEASURE_KEYS: dict[Node, str] = {iri: key for key, iri in MEASURE_TERMS.items()}
_EDITION_BASIS_KEYS: dict[Node, str] = {iri: key for key, iri in _EDITION_BASES.items()}
_PROVINCE_BASIS_KEYS: dict[Node, str] = {iri: key for key, iri in _PROVINCE_BASES.items()}


def _tail(iri: Node) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _one(graph: Graph, subject: Node, prop: URIRef) -> Node:
    value = graph.value(subject, prop)
    if value is None:
        raise InputError(f"claim {subject} has no {graph.namespace_manager.normalizeUri(prop)}")
    return value


def _spans(graph: Graph, claim: Node) -> list[dict[str, object]]:
    spans = []
    for span in graph.objects(claim, DTI.evidence):
        start = end = quote = None
        for selector in graph.objects(span, OA.hasSelector):
            if (selector, RDF.type, OA.TextPositionSelector) in graph:
                start = int(str(_one(graph, selector, OA.start)))
                end = int(str(_one(graph, selector, OA.end)))
            elif (selector, RDF.type, OA.TextQuoteSelector) in graph:
                quote = str(_one(graph, selector, OA.exact))
        if start is None or end is None or quote is None:
            raise InputError(f"evidence span {span} of claim {claim} lacks a position or quote selector")
        spans.append({"start": start, "end": end, "quote": quote})
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def _claim_record(graph: Graph, claim: Node) -> dict[str, object]:
    slug = _tail(_one(graph, claim, DTI.province))
    unit = gazetteer().by_slug.get(slug)
    if unit is None:
        raise InputError(f"claim {claim} names a province not in the gazetteer: {slug!r}")
    measure = _MEASURE_KEYS.get(_one(graph, claim, QB.measureType))
    if measure is None:
        raise InputError(f"claim {claim} has an unknown qb:measureType")
    raw = _one(graph, claim, MEASURE_TERMS[measure])
    value: int | float = float(Decimal(str(raw))) if measure == "score" else int(str(raw))
    cohort = graph.value(claim, DTI.cohort)
    spans = _spans(graph, claim)
    if not spans:
        raise InputError(f"claim {claim} has no dti:evidence")
    record: dict[str, object] = {
        "source": str(_one(graph, _one(graph, claim, DCTERMS.source), DTI.fileName)),
        "province": unit.name_vi,
        "edition": int(_tail(_one(graph, claim, DTI.edition))),
        "indicator": _tail(_one(graph, claim, DTI.indicator)).replace("-", "_"),
        "measure": measure,
        "value": value,
        "out_of": int(_tail(cohort)) if cohort is not None else None,
        "derived": graph.value(claim, DTI.derivation) == DTI.Derived,
    }
    compared = graph.value(claim, DTI.comparedTo)
    if measure == "rank_change" and compared is not None:
        record["compared_to_edition"] = int(_tail(compared))
    record.update(
        province_code=unit.gso_code,
        quote=spans[0]["quote"],
        start=spans[0]["start"],
        end=spans[0]["end"],
        rule=str(_one(graph, claim, DTI.extractionRule)),
        evidence=spans,
        edition_basis=_EDITION_BASIS_KEYS.get(_one(graph, claim, DTI.editionBasis)),
        province_basis=_PROVINCE_BASIS_KEYS.get(_one(graph, claim, DTI.provinceBasis)),
        iri=str(claim),
    )
    return record


def _union(graph: Graph | Dataset) -> Graph:
    if not isinstance(graph, Dataset):
        return graph
    union = Graph()
    for s, p, o, _ in graph.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def claims_from_graph(graph: Graph | Dataset) -> list[dict[str, object]]:
    """The JSON claim records (docs/data-model.md) of every dti:Claim in ``graph``.

    Each record also carries ``iri``, the claim's IRI, which reconciliation attaches its results to.
    A Dataset is read as the union of its graphs. Records are sorted by source file, first evidence
    offset, then edition, indicator and measure.
    """
    union = _union(graph)
    records = [_claim_record(union, claim) for claim in set(union.subjects(RDF.type, DTI.Claim))]
    return sorted(records, key=_record_order)


def _record_order(record: dict[str, object]) -> tuple[object, ...]:
    return tuple(record[k] for k in ("source", "start", "end", "edition", "indicator", "measure"))
