"""Data-quality checks on the official tables, published as ``dti:QualityCheck`` resources.

Per edition, cohort and indicator:

- ``cohort-completeness`` — rows, ranks (stated / derived) and scores present out of the cohort size;
  passes when every unit has a score and, for ranked indicators, a rank.
- ``rank-ties`` — stated ranks lie in 1..size and ties follow competition ranking: a rank shared by
  k units leaves the next k-1 places empty, and tied units have equal printed scores.
- ``rank-contiguity`` — when every unit has a rank, the sorted ranks are a competition sequence
  (1, 2, 2, 4, …): gaps only after ties.
- ``score-rank-monotonicity`` — over units with a stated rank and a score, a higher score never has a
  worse or equal rank. Equal printed scores may have different ranks (unrounded scores break ties).
- ``stated-rank-agreement`` — stated ranks equal the competition ranking of a complete score table.

Main indices are published as scores only, so they get the completeness check alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Literal

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral

from dti_kg.iri import Minter
from dti_kg.loaders.official import RANKED_INDICATORS, OfficialData
from dti_kg.namespaces import DTI, PREFIXES, RDF, XSD
from dti_kg.reference import editions

Outcome = Literal["passed", "failed", "not_applicable"]
OUTCOME_TERMS = {"passed": DTI.Passed, "failed": DTI.Failed, "not_applicable": DTI.NotApplicable}
COUNT_TERMS = {
    "cohort_size": DTI.expectedCount,
    "rows": DTI.rowCount,
    "stated_ranks": DTI.statedRankCount,
    "derived_ranks": DTI.derivedRankCount,
    "scores": DTI.scoreCount,
    "checked": DTI.checkedCount,
    "violations": DTI.violationCount,
}


@dataclass(frozen=True)
class QualityCheck:
    edition: int
    cohort: int
    indicator: str
    check: str  # "cohort-completeness", "rank-ties", ...
    outcome: Outcome
    counts: tuple[tuple[str, int], ...]  # (name in COUNT_TERMS, value), in a fixed order
    details: tuple[str, ...] = ()  # one line per violation

    def count(self, name: str) -> int:
        return dict(self.counts)[name]


def _outcome(checked: int, violations: int) -> Outcome:
    if checked == 0:
        return "not_applicable"
    return "failed" if violations else "passed"


def _tie_violations(ranks: dict[str, int], scores: dict[str, Decimal], size: int) -> list[str]:
    found = [
        f"{unit}: rank {rank} outside 1..{size}" for unit, rank in ranks.items() if not 1 <= rank <= size
    ]
    holders = Counter(ranks.values())
    for rank, count in sorted(holders.items()):
        blocked = [r for r in range(rank + 1, rank + count) if r in holders]
        if blocked:
            found.append(f"rank {rank} shared by {count} units but rank(s) {blocked} also used")
        tied = sorted({scores[u] for u, r in ranks.items() if r == rank and u in scores})
        if len(tied) > 1:
            found.append(f"rank {rank} shared by units with different scores {[str(s) for s in tied]}")
    return found


def _contiguity_violations(ranks: Sequence[int]) -> list[str]:
    ordered = sorted(ranks)
    return [
        f"place {place}: rank {rank}, expected {place}" + (f" or {ordered[place - 2]}" if place > 1 else "")
        for place, rank in enumerate(ordered, start=1)
        if rank != place and (place == 1 or rank != ordered[place - 2])
    ]


def _monotonicity_violations(ranks: dict[str, int], scores: dict[str, Decimal]) -> tuple[int, list[str]]:
    units = sorted(u for u in ranks if u in scores)
    pairs = list(combinations(units, 2))
    found = []
    for a, b in pairs:
        hi, lo = (a, b) if scores[a] >= scores[b] else (b, a)
        if scores[hi] > scores[lo] and ranks[hi] >= ranks[lo]:
            found.append(f"{hi} ({scores[hi]}, rank {ranks[hi]}) vs {lo} ({scores[lo]}, rank {ranks[lo]})")
    return len(pairs), found


def _checks_for(data: OfficialData, edition: int, cohort: int, indicator: str) -> list[QualityCheck]:
    rank_obs = data.select(edition, cohort, indicator, "rank")
    stated = {o.province: int(o.value) for o in rank_obs if o.derivation == "stated"}
    every_rank = {o.province: int(o.value) for o in rank_obs}
    scores = {o.province: Decimal(o.value) for o in data.select(edition, cohort, indicator, "score")}
    ranked = indicator in RANKED_INDICATORS
    base = {
        "cohort_size": cohort,
        "rows": data.rows.get((edition, cohort), 0),
        "stated_ranks": len(stated),
        "derived_ranks": len(every_rank) - len(stated),
        "scores": len(scores),
    }

    def make(
        check: str, outcome: Outcome, extra: dict[str, int], details: Sequence[str] = ()
    ) -> QualityCheck:
        counts = tuple((k, v) for k, v in {**base, **extra}.items())
        return QualityCheck(edition, cohort, indicator, check, outcome, counts, tuple(details))

    complete = len(scores) == cohort and (not ranked or len(every_rank) == cohort)
    checks = [make("cohort-completeness", "passed" if complete else "failed", {})]
    if not ranked:
        return checks

    ties = _tie_violations(stated, scores, cohort)
    checks.append(make("rank-ties", _outcome(len(stated), len(ties)), _counts(len(stated), ties), ties))

    if len(every_rank) == cohort:
        gaps = _contiguity_violations(list(every_rank.values()))
        checks.append(make("rank-contiguity", _outcome(cohort, len(gaps)), _counts(cohort, gaps), gaps))
    else:
        checks.append(make("rank-contiguity", "not_applicable", _counts(0, [])))

    pairs, order = _monotonicity_violations(stated, scores)
    checks.append(make("score-rank-monotonicity", _outcome(pairs, len(order)), _counts(pairs, order), order))

    ranking = data.rankings.get((edition, cohort, indicator))
    if ranking is not None and ranking.complete:
        disagree = [f"{d.unit}: stated {d.stated}, derived {d.derived}" for d in ranking.disagreements]
        checks.append(
            make(
                "stated-rank-agreement",
                _outcome(ranking.checked, len(disagree)),
                _counts(ranking.checked, disagree),
                disagree,
            )
        )
    else:
        checks.append(make("stated-rank-agreement", "not_applicable", _counts(0, [])))
    return checks


def _counts(checked: int, violations: Sequence[str]) -> dict[str, int]:
    return {"checked": checked, "violations": len(violations)}


def quality_checks(data: OfficialData) -> list[QualityCheck]:
    """Every check for every edition, cohort and indicator of the edition's framework (or with data)."""
    checks = []
    for edition, cohort in sorted(data.rows):
        with_data = {o.indicator for o in data.observations if (o.edition, o.cohort) == (edition, cohort)}
        framework = editions()[edition].indicators
        for indicator in (*framework, *sorted(with_data - set(framework))):
            checks.extend(_checks_for(data, edition, cohort, indicator))
    return checks


def check_iri(minter: Minter, check: QualityCheck) -> URIRef:
    slug = check.indicator.replace("_", "-")
    return URIRef(f"{minter.base}id/quality/{check.edition}/{check.cohort}/{slug}/{check.check}")


def quality_graph(data: OfficialData, minter: Minter) -> Graph:
    """The quality checks of ``data``, for the graph ``id/graph/reconciliation``."""
    return checks_graph(quality_checks(data), minter)


def checks_graph(checks: Sequence[QualityCheck], minter: Minter) -> Graph:
    graph = Graph(identifier=minter.graph("reconciliation"))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for check in checks:
        node = check_iri(minter, check)
        graph.add((node, RDF.type, DTI.QualityCheck))
        graph.add((node, DTI.checkKind, RdfLiteral(check.check)))
        graph.add((node, DTI.edition, minter.edition(check.edition)))
        graph.add((node, DTI.cohort, minter.cohort(check.edition, check.cohort)))
        graph.add((node, DTI.indicator, minter.indicator(check.indicator)))
        graph.add((node, DTI.result, OUTCOME_TERMS[check.outcome]))
        for name, value in check.counts:
            graph.add((node, COUNT_TERMS[name], RdfLiteral(str(value), datatype=XSD.integer)))
        for detail in check.details:
            graph.add((node, DTI.violation, RdfLiteral(detail, lang="en")))
    return graph
