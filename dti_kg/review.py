"""Candidate claims and people's decisions on them.

The extractor keeps a value whose province it cannot attribute as a ``dti:CandidateClaim`` in the
source's graph (see ``graph._add_candidate``). A build then

- moves every candidate out of the source graphs into one review graph (``id/graph/review``), so
  nothing that serves claims sees it, and lists it (``dti review``, ``/queries/review-candidates``);
- reads a decisions file (``dti build --decisions FILE``, CSV, one row per decision) and writes the
  decisions graph (``id/graph/review-decisions``): each decision a ``dti:ReviewDecision`` activity
  with its author and date in PROV (``dti:decidedOn``, a sub-property of ``prov:used``, names the
  candidate); each accepted candidate a ``dti:Claim`` of the province the
  decision names, ``prov:wasGeneratedBy`` the decision. That graph goes through the SHACL gate
  like any source.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from dti_kg.errors import InputError
from dti_kg.gazetteer import POST_MERGER, gazetteer
from dti_kg.iri import Minter
from dti_kg.namespaces import DCTERMS, DTI, PROV, QB, RDF, RDFS, XSD

DECISION_COLUMNS = ("candidate", "decision", "province", "author", "date", "comment")
VERDICTS = {"accept": DTI.Accepted, "reject": DTI.Rejected}
REVIEW_GRAPH = "review"
DECISIONS_GRAPH = "review-decisions"
_DECISION_RULE = "review.accepted"


@dataclass(frozen=True)
class Decision:
    """One row of a decisions file."""

    candidate: str  # the candidate's IRI
    verdict: str  # "accept" or "reject"
    province: str | None  # unit slug, for "accept"
    author: str
    day: date
    comment: str
    where: str  # "file:line", for messages


def read_decisions(path: Path) -> tuple[list[Decision], list[str]]:
    """The decisions in a CSV file and one error line per row that cannot be used (the rest is kept).

    Raises ``InputError`` when the file itself cannot be read or has the wrong header.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the decisions file ({exc})") from exc
    rows = csv.DictReader(io.StringIO(text))
    if tuple(rows.fieldnames or ()) != DECISION_COLUMNS:
        raise InputError(f"{path}: the header must be {','.join(DECISION_COLUMNS)}")
    decisions: list[Decision] = []
    errors: list[str] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        where = f"{path}:{line}"
        try:
            decision = _decision(row, where)
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        if decision.candidate in seen:
            errors.append(f"{where}: a second decision on {decision.candidate} (the first one stands)")
            continue
        seen.add(decision.candidate)
        decisions.append(decision)
    return decisions, errors


def _decision(row: Mapping[str, str | None], where: str) -> Decision:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    candidate, verdict, province, author = (
        cell("candidate"),
        cell("decision").lower(),
        cell("province"),
        cell("author"),
    )
    if "/id/candidate/" not in candidate:
        raise ValueError(f"candidate {candidate!r} is not a candidate IRI (see dti review)")
    if verdict not in VERDICTS:
        raise ValueError(f"decision {verdict!r} must be accept or reject")
    if verdict == "accept" and province not in gazetteer().by_slug:
        raise ValueError(f"province {province!r} is not a unit slug (e.g. thai-nguyen, ha-noi-2025)")
    if not author:
        raise ValueError("author is empty: a decision needs the person who took it")
    try:
        day = date.fromisoformat(cell("date"))
    except ValueError as exc:
        raise ValueError(f"date {cell('date')!r} is not YYYY-MM-DD") from exc
    return Decision(
        candidate, verdict, province if verdict == "accept" else None, author, day, cell("comment"), where
    )


def split_review(graphs: Mapping[str, Graph], minter: Minter) -> tuple[dict[str, Graph], Graph]:
    """Source graphs without their candidates, and the review graph that holds the candidates.

    Evidence spans stay in the source graph: claims may share them, and they are the source's.
    """
    review = Graph(identifier=minter.graph(REVIEW_GRAPH))
    out: dict[str, Graph] = {}
    for iri, graph in graphs.items():
        candidates = set(graph.subjects(RDF.type, DTI.CandidateClaim))
        if not candidates:
            out[iri] = graph
            continue
        kept = Graph(identifier=graph.identifier)
        for triple in graph:
            (review if triple[0] in candidates else kept).add(triple)
        out[iri] = kept
    return out, review


def decisions_graph(decisions: Iterable[Decision], review: Graph, minter: Minter) -> tuple[Graph, list[str]]:
    """The decisions that name a candidate of this build, as PROV activities and accepted claims.

    Returns the graph and one line per decision that names no candidate here (it is kept out).
    The accepted claims' evidence spans and sources stay in their sources' graphs (see
    :func:`with_sources`).
    """
    graph = Graph(identifier=minter.graph(DECISIONS_GRAPH))
    unknown: list[str] = []
    for decision in sorted(decisions, key=lambda d: d.candidate):
        candidate = URIRef(decision.candidate)
        if (candidate, RDF.type, DTI.CandidateClaim) not in review:
            unknown.append(f"{decision.where}: no candidate {decision.candidate} in this build")
            continue
        activity = minter.decision(candidate)
        person = minter.person(decision.author)
        graph.add((activity, RDF.type, DTI.ReviewDecision))
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((activity, DTI.decidedOn, candidate))  # a prov:used (sub-property)
        graph.add((activity, PROV.wasAssociatedWith, person))
        graph.add(
            (
                activity,
                PROV.endedAtTime,
                Literal(f"{decision.day.isoformat()}T00:00:00+00:00", datatype=XSD.dateTime),
            )
        )
        graph.add((activity, DTI.verdict, VERDICTS[decision.verdict]))
        if decision.comment:
            graph.add((activity, RDFS.comment, Literal(decision.comment)))
        graph.add((person, RDF.type, PROV.Person))
        graph.add((person, RDFS.label, Literal(decision.author)))
        graph.add((candidate, DTI.reviewDecision, activity))
        if decision.verdict == "accept" and decision.province:
            _accepted_claim(graph, review, candidate, activity, decision.province, minter)
    return graph, unknown


def _accepted_claim(
    graph: Graph,
    review: Graph,
    candidate: URIRef,
    activity: URIRef,
    province: str,
    minter: Minter,
) -> None:
    claim = minter.claim(str(candidate), "accepted", province)
    source = review.value(candidate, DCTERMS.source)
    graph.add((claim, RDF.type, DTI.Claim))
    graph.add((claim, RDF.type, QB.Observation))
    graph.add((claim, QB.dataSet, minter.graph(str(source).rsplit("/", 1)[-1])))
    graph.add((claim, DTI.province, minter.province(province)))
    for prop in (
        DTI.edition,
        DTI.indicator,
        QB.measureType,
        DTI.comparedTo,
        DTI.editionBasis,
        DCTERMS.source,
    ):
        for value in review.objects(candidate, prop):
            graph.add((claim, prop, value))
    measure = review.value(candidate, QB.measureType)
    if measure is not None:  # the gate made sure every candidate has one
        for value in review.objects(candidate, measure):
            graph.add((claim, measure, value))
    edition, cohort = review.value(candidate, DTI.edition), review.value(candidate, DTI.cohort)
    if cohort is not None:
        graph.add((claim, DTI.cohort, cohort))
    elif edition is not None and gazetteer().by_slug[province].era == POST_MERGER:
        # Only the ranking of the 34 ranks a post-merger unit: its cohort is not in doubt.
        graph.add((claim, DTI.cohort, minter.cohort(int(str(edition).rsplit("/", 1)[-1]), int(POST_MERGER))))
    graph.add((claim, DTI.derivation, DTI.Stated))
    graph.add((claim, DTI.provinceBasis, DTI.ProvinceChosenByReviewer))
    graph.add((claim, DTI.extractionRule, Literal(_DECISION_RULE)))
    graph.add((claim, PROV.wasGeneratedBy, activity))  # which dti:decidedOn the candidate
    for span in review.objects(candidate, DTI.evidence):
        graph.add((claim, DTI.evidence, span))


def with_sources(decided: Graph, sources: Mapping[str, Graph]) -> Graph:
    """The decisions graph together with the graphs of the sources its claims cite (their articles
    and evidence spans live there): what its claims are validated and read against."""
    cited = {str(s).rsplit("/", 1)[-1] for s in decided.objects(None, DCTERMS.source)}
    merged = Graph()
    merged += decided
    for iri, graph in sources.items():
        if iri.rsplit("/", 1)[-1] in cited:
            merged += graph
    return merged
