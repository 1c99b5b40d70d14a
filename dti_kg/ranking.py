"""Competition ranking ("1224": tied units share a rank, the next rank skips) and its use on DTI tables.

The ministry ranks provinces by total score with ties sharing a place (2021: Thanh Hóa and Vĩnh Phúc
both 12th, no 13th). Ranks are derived only from a complete score table: with one score missing, any
unit's place could shift, so nothing is derived.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


def competition_ranks(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Rank by descending score: 1 + the number of units with a strictly higher score."""
    ordered = sorted(scores.values(), reverse=True)
    first_place: dict[Decimal, int] = {}
    for place, score in enumerate(ordered, start=1):
        first_place.setdefault(score, place)
    return {unit: first_place[score] for unit, score in scores.items()}


@dataclass(frozen=True)
class Disagreement(Generic[K]):
    """A stated rank that differs from the competition rank of the complete score table."""

    unit: K
    stated: int
    derived: int


@dataclass(frozen=True)
class DerivedRanks(Generic[K]):
    """Result of :func:`derive_missing_ranks` for one edition, cohort and indicator."""

    ranks: dict[K, int]  # only units without a stated rank
    checked: int  # stated ranks compared with the derived order
    disagreements: tuple[Disagreement[K], ...]
    complete: bool  # every unit of the cohort had a score (otherwise nothing is derived)


def derive_missing_ranks(
    stated: Mapping[K, int], scores: Mapping[K, Decimal], cohort_size: int
) -> DerivedRanks[K]:
    """Ranks for units with a score but no stated rank, when ``scores`` covers the whole cohort.

    Stated ranks are never replaced; each is compared with the derived order and differences are
    returned as disagreements.
    """
    if len(scores) != cohort_size:
        return DerivedRanks(ranks={}, checked=0, disagreements=(), complete=False)
    order = competition_ranks(scores)
    missing = {unit: rank for unit, rank in order.items() if unit not in stated}
    compared = [unit for unit in stated if unit in order]
    disagreements = tuple(
        Disagreement(unit, stated[unit], order[unit]) for unit in compared if stated[unit] != order[unit]
    )
    return DerivedRanks(ranks=missing, checked=len(compared), disagreements=disagreements, complete=True)
