"""Compare article claims with the official tables: confirmed, contradicted or unverifiable.

Claims are JSON claim records (docs/data-model.md) plus ``iri``, the claim's IRI in its article graph
(needed only for the RDF). A claim without a cohort is compared with every cohort of its edition;
for the 34-unit cohort a 63-era province stands for its successor only when that successor is the
same place by name (Thái Nguyên -> Thái Nguyên 2025) or by territory (Thừa Thiên Huế -> Huế, its
only predecessor). A shared GSO code alone is not enough: Lào Cai 2025 carries Yên Bái's code.

Whether two claims about one slot (province, edition, indicator, measure, compared edition) disagree
depends on each only through its :class:`StatedKey` (the value as printed and the cohorts it can be
about), so claims are compared key by key: linear in the claims, quadratic only in the distinct values
of a slot. The graph records the same thing linearly: a shared ``dti:StatedValue`` node per conflicting
key, ``dti:statedBy`` each claim stating it, and each reconciliation ``dti:conflictsWithValue`` the nodes
it disagrees with (a ``dti:conflictsWith`` per pair of claims grew with the square of the sources).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal, NamedTuple

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from dti_kg.errors import InputError
from dti_kg.gazetteer import POST_MERGER, PRE_MERGER, Unit, gazetteer, same_place
from dti_kg.iri import Minter
from dti_kg.loaders.official import Observation, OfficialData, observation_iri, value_literal
from dti_kg.namespaces import DTI, MEASURE_TERMS, PREFIXES, QB, RDF, XSD
from dti_kg.reference import indicators
from dti_kg.text import parse_score

Status = Literal["confirmed", "contradicted", "unverifiable"]
STATUS_TERMS = {
    "confirmed": DTI.Confirmed,
    "contradicted": DTI.Contradicted,
    "unverifiable": DTI.Unverifiable,
}
MEASURES = ("rank", "score", "rank_change")
NODE_SUFFIX = "/reconciliation"  # a claim's reconciliation node is ``<claim IRI>/reconciliation``
_SCORE_TOKEN = re.compile(r"(?<![\d.,])[01][.,]\d{1,4}(?![\d])")


@dataclass(frozen=True)
class Comparison:
    """The claim set against one cohort's official value."""

    cohort: int
    observations: tuple[Observation, ...]  # one; two for a rank change (edition, compared edition)
    official_value: int | Decimal
    agrees: bool


@dataclass(frozen=True, eq=False)
class Result:
    """The reconciliation of one claim (``claims[index]``)."""

    index: int
    claim: Mapping[str, Any]
    status: Status
    comparisons: tuple[Comparison, ...]  # every cohort compared
    matched: tuple[Comparison, ...]  # what the status rests on: agreeing cohorts, else all compared
    corroborating_sources: tuple[str, ...]  # distinct sources stating the same value (this one included)
    slot: Slot | None  # None: a claim whose province is not in the gazetteer (compared with nothing)
    stated: StatedKey  # what others' conflicts with this claim depend on, besides the slot
    conflicting: tuple[StatedKey, ...]  # the stated values of the slot this claim disagrees with
    # The slot's claims by stated key (shared by the slot's results): the claims behind ``conflicting``.
    stating: Mapping[StatedKey, tuple[int, ...]]
    note: str

    @property
    def corroboration_count(self) -> int:
        return len(self.corroborating_sources)

    @property
    def conflicts(self) -> tuple[int, ...]:
        """Indices of the claims stating another value for the same thing, in claim order."""
        return tuple(sorted(j for key in self.conflicting for j in self.stating[key]))

    @property
    def matched_cohorts(self) -> tuple[int, ...]:
        return tuple(c.cohort for c in self.matched)


class Slot(NamedTuple):
    """What two claims about the same thing share, cohorts aside (province, edition, indicator, measure
    and the edition a rank change is compared to)."""

    province: str  # slug
    edition: int
    indicator: str
    measure: str
    compared_to: int | None


@dataclass(frozen=True)
class StatedKey:
    """A value as a slot's claims state it: two claims with the same key disagree with exactly the same
    claims (``_same_value`` reads the value at its printed places, ``like_with_like`` the cohorts)."""

    printed: str  # the value as printed: a score with its printed decimal places ("0.3200")
    cohorts: tuple[int, ...] | None  # the cohorts it can be about, sorted; None: nothing narrows it down


@dataclass(frozen=True)
class _Claim:
    """A validated claim record: province resolved, value typed, printed precision known."""

    source: str
    unit: Unit | None
    edition: int
    indicator: str
    measure: str
    value: int | Decimal
    places: int | None  # decimal places as printed (scores)
    cohort: int | None
    compared_to: int | None


def _field(claim: Mapping[str, Any], name: str, where: str) -> Any:
    if claim.get(name) is None:
        raise InputError(f"{where}: missing {name!r}")
    return claim[name]


def _score_places(raw: Any, value: Decimal, quote: str | None) -> int:
    """Decimal places the score was printed with.

    A JSON number has lost trailing zeros ("1.000" -> 1.0), so the quoted text is consulted first.
    """
    if isinstance(raw, str):
        return max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    for token in _SCORE_TOKEN.findall(quote or ""):
        printed = parse_score(token)
        if printed is not None and printed == value:
            return len(token) - 2
    return max(0, -value.as_tuple().exponent)  # type: ignore[operator]


def _unit(claim: Mapping[str, Any], cohort: int | None) -> Unit | None:
    gaz = gazetteer()
    name = str(claim.get("province") or "")
    first, second = (POST_MERGER, PRE_MERGER) if cohort == 34 else (PRE_MERGER, POST_MERGER)
    unit = gaz.by_slug.get(name) or gaz.lookup(name, first) or gaz.lookup(name, second)
    code = claim.get("province_code")
    if unit is None and code:
        unit = next((u for u in gaz.units(first) if u.gso_code == str(code)), None)
    return unit


def _parse_claim(claim: Mapping[str, Any], index: int) -> _Claim:
    if not isinstance(claim, Mapping):
        raise InputError(f"claim #{index}: expected a JSON object, got {type(claim).__name__}")
    where = f"claim #{index} ({claim.get('source', 'no source')})"
    indicator = _field(claim, "indicator", where)
    if indicator not in indicators():
        raise InputError(f"{where}: unknown indicator {indicator!r}")
    measure = _field(claim, "measure", where)
    if measure not in MEASURES:
        raise InputError(f"{where}: measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    raw = _field(claim, "value", where)
    try:
        edition = int(_field(claim, "edition", where))
        cohort = int(claim["out_of"]) if claim.get("out_of") is not None else None
        compared_to = (
            int(claim["compared_to_edition"]) if claim.get("compared_to_edition") is not None else None
        )
        value: int | Decimal = Decimal(str(raw).replace(",", ".")) if measure == "score" else int(raw)
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise InputError(f"{where}: bad number ({exc})") from exc
    if measure == "rank_change" and compared_to is None:
        raise InputError(f"{where}: a rank_change needs 'compared_to_edition'")
    places = None
    if isinstance(value, Decimal):
        places = _score_places(raw, value, claim.get("quote"))
    return _Claim(
        source=str(_field(claim, "source", where)),
        unit=_unit(claim, cohort),
        edition=edition,
        indicator=indicator,
        measure=measure,
        value=value,
        places=places,
        cohort=cohort,
        compared_to=compared_to,
    )


def unit_in_cohort(unit: Unit, cohort: int) -> Unit | None:
    """The unit standing for ``unit`` in a cohort of the other era, when it is the same place."""
    gaz = gazetteer()
    era = POST_MERGER if cohort == 34 else PRE_MERGER
    if unit.era == era:
        return unit
    if era == POST_MERGER:
        new = gaz.successor(unit)
        return new if new is not None and same_place(unit, new) else None
    return next((old for old in gaz.predecessors(unit) if same_place(old, unit)), None)


def _scores_agree(claimed: Decimal, places: int | None, official: Decimal) -> bool:
    """Equal at the coarser of the two printed precisions (0.3215 = 0.32150, 1.000 = 1.0000)."""
    official_places = max(0, -official.as_tuple().exponent)  # type: ignore[operator]
    digits = min(official_places, places if places is not None else official_places)
    return _equal_at(claimed, official, digits)


def _equal_at(a: Decimal, b: Decimal, places: int) -> bool:
    """Equal once both are rounded (half up) to ``places`` decimal places."""
    quantum = Decimal(1).scaleb(-places)
    return a.quantize(quantum, ROUND_HALF_UP) == b.quantize(quantum, ROUND_HALF_UP)


def _compare(claim: _Claim, data: OfficialData, cohort: int) -> Comparison | None:
    if claim.unit is None:
        return None
    unit = unit_in_cohort(claim.unit, cohort)
    if unit is None:
        return None
    if claim.measure == "rank_change":
        assert claim.compared_to is not None  # checked in _parse_claim
        now = data.get(claim.edition, cohort, unit.slug, claim.indicator, "rank")
        before = data.get(claim.compared_to, cohort, unit.slug, claim.indicator, "rank")
        if now is None or before is None:
            return None
        change = int(before.value) - int(now.value)  # + = places gained
        return Comparison(cohort, (now, before), change, change == claim.value)
    obs = data.get(claim.edition, cohort, unit.slug, claim.indicator, claim.measure)
    if obs is None:
        return None
    if claim.measure == "score":
        agrees = _scores_agree(Decimal(claim.value), claim.places, Decimal(obs.value))
    else:
        agrees = obs.value == claim.value
    return Comparison(cohort, (obs,), obs.value, agrees)


def _candidate_cohorts(claim: _Claim, data: OfficialData) -> tuple[int, ...]:
    cohorts = data.cohorts(claim.edition)
    if claim.compared_to is not None:  # both editions must rank the same cohort
        cohorts = tuple(c for c in cohorts if c in data.cohorts(claim.compared_to))
    if claim.cohort is not None:
        cohorts = tuple(c for c in cohorts if c == claim.cohort)
    return cohorts


def _printed(claim: _Claim) -> str:
    """The value as printed: a score at its printed places (a JSON number lost "0.3200"'s zeros)."""
    if claim.measure == "score":
        quantum = Decimal(1).scaleb(-(claim.places or 0))
        return format(Decimal(claim.value).quantize(quantum, ROUND_HALF_UP), "f")
    return str(claim.value)


def _same_value(a: _Claim, b: _Claim) -> bool:
    """Equal at the coarser of the two printed precisions (0.32 = 0.3215 = 0.32, 0.3215 != 0.3249).

    Symmetric: both sides are read at their printed places. (It compared ``a`` at the places ``b``'s
    JSON number kept, so a claim printed "0.3200" disagreed with 0.3249 but 0.3249 not with it.)"""
    if a.measure == "score":
        return _equal_at(Decimal(a.value), Decimal(b.value), min(a.places or 0, b.places or 0))
    return a.value == b.value


def _slot(claim: _Claim) -> Slot | None:
    """The claim's slot; None when its province is unknown (it is compared with no other claim)."""
    if claim.unit is None:
        return None
    return Slot(claim.unit.slug, claim.edition, claim.indicator, claim.measure, claim.compared_to)


def _note(claim: _Claim, status: Status, comparisons: Sequence[Comparison], cohorts: Sequence[int]) -> str:
    if claim.unit is None:
        return "province not in the gazetteer"
    if not cohorts:
        return f"no official table for DTI {claim.edition} in a matching cohort"
    if status == "unverifiable":
        return f"no official value for this province in cohort(s) {', '.join(map(str, cohorts))}"
    parts = []
    for c in comparisons:
        derived = any(o.derivation == "derived" for o in c.observations)
        verdict = "agrees" if c.agrees else "differs"
        parts.append(
            f"cohort {c.cohort}: official {c.official_value}{' (derived)' if derived else ''} {verdict}"
        )
    return "; ".join(parts)


def _possible_cohorts(claim: _Claim, agreeing: Sequence[Comparison]) -> frozenset[int] | None:
    """The cohorts a claim can be about: the one it states, else those the official tables confirmed it
    in; None when nothing narrows it down."""
    if claim.cohort is not None:
        return frozenset({claim.cohort})
    return frozenset(c.cohort for c in agreeing) or None


def reconcile(claims: Sequence[Mapping[str, Any]], observations: OfficialData) -> list[Result]:
    """One result per claim, in the order given."""
    parsed = [_parse_claim(c, i) for i, c in enumerate(claims)]
    compared = []
    for claim in parsed:
        cohorts = _candidate_cohorts(claim, observations)
        comparisons = tuple(c for c in (_compare(claim, observations, k) for k in cohorts) if c is not None)
        compared.append((cohorts, comparisons, tuple(c for c in comparisons if c.agrees)))
    possible = [
        _possible_cohorts(claim, agreeing) for claim, (_, _, agreeing) in zip(parsed, compared, strict=True)
    ]

    keys = [
        StatedKey(_printed(claim), tuple(sorted(cohorts)) if cohorts is not None else None)
        for claim, cohorts in zip(parsed, possible, strict=True)
    ]
    # Peers can only share a subject key, and within it two claims with one stated key disagree with
    # the same claims: grouping by slot, then key, keeps this linear in the claims (comparing every
    # pair of a slot took minutes at 10,000 articles). Members stay in claim order, so results do too.
    slots: dict[Slot, dict[StatedKey, list[int]]] = {}
    for i, claim in enumerate(parsed):
        if (slot := _slot(claim)) is not None:
            slots.setdefault(slot, {}).setdefault(keys[i], []).append(i)
    outcome: dict[Slot, _SlotOutcome] = {
        slot: _slot_outcome(parsed, by_key) for slot, by_key in slots.items()
    }
    results = []
    for i, claim in enumerate(parsed):
        cohorts, comparisons, agreeing = compared[i]
        status: Status = "confirmed" if agreeing else "contradicted" if comparisons else "unverifiable"
        slot = _slot(claim)
        found = outcome[slot] if slot is not None else None
        results.append(
            Result(
                index=i,
                claim=claims[i],
                status=status,
                comparisons=comparisons,
                matched=agreeing or comparisons,
                corroborating_sources=found.same[keys[i]] if found else (claim.source,),
                slot=slot,
                stated=keys[i],
                conflicting=found.conflicting[keys[i]] if found else (),
                stating=found.stating if found else {},
                note=_note(claim, status, comparisons, cohorts),
            )
        )
    return results


@dataclass(frozen=True)
class _SlotOutcome:
    stating: dict[StatedKey, tuple[int, ...]]  # the slot's claims by stated key
    same: dict[StatedKey, tuple[str, ...]]  # sources stating the same value, by key
    conflicting: dict[StatedKey, tuple[StatedKey, ...]]  # the keys each key disagrees with


def _key_order(key: StatedKey) -> tuple[str, bool, tuple[int, ...]]:
    return (key.printed, key.cohorts is not None, key.cohorts or ())


def _like_with_like(a: StatedKey, b: StatedKey) -> bool:
    # rank 6 of 63 provinces and rank 8 of 34 units, both confirmed, are two true facts, not a conflict
    return a.cohorts is None or b.cohorts is None or bool(set(a.cohorts) & set(b.cohorts))


def _slot_outcome(parsed: Sequence[_Claim], by_key: Mapping[StatedKey, list[int]]) -> _SlotOutcome:
    """Corroboration and conflicts of one slot's claims, key by key: claims with one key share the
    value at its printed places and the cohorts, all ``_same_value`` and ``like_with_like`` read."""
    keys = sorted(by_key, key=_key_order)
    same: dict[StatedKey, tuple[str, ...]] = {}
    conflicting: dict[StatedKey, tuple[StatedKey, ...]] = {}
    for key in keys:
        claim = parsed[by_key[key][0]]
        peers = [other for other in keys if _like_with_like(key, other)]
        agree = {other for other in peers if _same_value(claim, parsed[by_key[other][0]])}
        same[key] = tuple(sorted({parsed[j].source for other in agree for j in by_key[other]}))
        conflicting[key] = tuple(other for other in peers if other not in agree)
    return _SlotOutcome({k: tuple(v) for k, v in by_key.items()}, same, conflicting)


def group_keys(claims: Sequence[Mapping[str, Any]]) -> list[Slot | None]:
    """Each claim's group in :func:`reconcile` (None: a claim with no known province, alone): a claim's
    result depends only on the claims of its group, so reconciling whole groups gives the results
    that reconciling every claim gives them."""
    return [_slot(_parse_claim(c, i)) for i, c in enumerate(claims)]


def conflicts(results: Sequence[Result]) -> list[tuple[int, int]]:
    """Pairs of claims (indices, lower first) that state different values for the same thing."""
    return sorted({(min(r.index, j), max(r.index, j)) for r in results for j in r.conflicts})


def _claim_iri(result: Result) -> URIRef:
    iri = result.claim.get("iri")
    if not iri:
        raise InputError(
            f"claim #{result.index} ({result.claim.get('source')}): no 'iri' to attach its reconciliation to"
        )
    return URIRef(str(iri))


def reconciliation_graph(results: Sequence[Result], minter: Minter) -> Graph:
    """The reconciliation part of ``id/graph/reconciliation`` (quality checks are added by quality.py)."""
    graph = Graph(identifier=minter.graph("reconciliation"))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in reconciliation_triples(results, minter):
        graph.add(triple)
    return graph


def reconciliation_triples(results: Sequence[Result], minter: Minter) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of :func:`reconciliation_graph`, one at a time: a build streams them into its store
    (an rdflib graph of 10,000 articles' reconciliation would take ~0.5 GB).

    Then the stated values some reconciliation conflicts with, each with every claim stating it: claim
    i disagrees with claim j exactly when i's reconciliation ``dti:conflictsWithValue`` a node that
    ``dti:statedBy`` j. Values no claim disagrees with get no node."""
    iris = [_claim_iri(r) for r in results]
    linked: dict[tuple[Slot, StatedKey], tuple[int, ...]] = {}  # -> the claims stating it
    for result, claim_iri in zip(results, iris, strict=True):
        node = URIRef(f"{claim_iri}{NODE_SUFFIX}")
        yield (node, RDF.type, DTI.Reconciliation)
        yield (node, DTI.claim, claim_iri)
        yield (node, DTI.status, STATUS_TERMS[result.status])
        for comparison in result.matched:
            yield (
                node,
                DTI.matchedCohort,
                minter.cohort(comparison.observations[0].edition, comparison.cohort),
            )
            yield (node, DTI.officialValue, value_literal(comparison.official_value))
            for obs in comparison.observations:
                yield (node, DTI.officialObservation, observation_iri(minter, obs.key))
        yield (
            node,
            DTI.corroborationCount,
            RdfLiteral(str(result.corroboration_count), datatype=XSD.integer),
        )
        if result.slot is not None:
            for key in result.conflicting:
                linked[result.slot, key] = result.stating[key]
                yield (node, DTI.conflictsWithValue, stated_value_iri(minter, result.slot, key))
        yield (node, DTI.reconciliationNote, RdfLiteral(result.note, lang="en"))
    for (slot, key), stating in linked.items():
        yield from _stated_value_triples(minter, slot, key, [results[j] for j in stating], iris)


def stated_values(results: Sequence[Result], minter: Minter) -> set[URIRef]:
    """The stated-value nodes :func:`reconciliation_triples` writes for ``results``."""
    return {
        stated_value_iri(minter, r.slot, key) for r in results if r.slot is not None for key in r.conflicting
    }


def stated_value_iri(minter: Minter, slot: Slot, key: StatedKey) -> URIRef:
    return minter.stated_value(
        slot.edition, slot.province, slot.indicator, slot.measure, slot.compared_to, key.printed, key.cohorts
    )


def _stated_value_triples(
    minter: Minter,
    slot: Slot,
    key: StatedKey,
    claims: Sequence[Result],
    iris: Sequence[URIRef],
) -> Iterator[tuple[Node, Node, Node]]:
    node = stated_value_iri(minter, slot, key)
    measure = MEASURE_TERMS[slot.measure]
    datatype = XSD.decimal if slot.measure == "score" else XSD.integer
    yield (node, RDF.type, DTI.StatedValue)
    yield (node, DTI.province, minter.province(slot.province))
    yield (node, DTI.edition, minter.edition(slot.edition))
    yield (node, DTI.indicator, minter.indicator(slot.indicator))
    yield (node, QB.measureType, measure)
    yield (node, measure, RdfLiteral(key.printed, datatype=datatype))
    if slot.compared_to is not None:
        yield (node, DTI.comparedTo, minter.edition(slot.compared_to))
    for cohort in key.cohorts or ():
        yield (node, DTI.aboutCohort, minter.cohort(slot.edition, cohort))
    for result in claims:
        yield (node, DTI.statedBy, iris[result.index])
    sources = {str(result.claim.get("source")) for result in claims}
    yield (node, DTI.sourceCount, RdfLiteral(str(len(sources)), datatype=XSD.integer))
