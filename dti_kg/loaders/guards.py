"""Why a number in a DTI sentence is no province's DTI value, and when its owner must be named.

The sentence engine (``rules``) finds numbers with a rank, score or change shape; these guards
refuse the ones a careful reader would not credit to a province: a target or plan, last year's
rank, the value of another index or of a rate, the leftovers of a "respectively" list that does
not pair up. ``other_subject`` is weaker: the sentence may be about the nation, a ministry, a
district or "the leading province", so a value whose province is not named there must not fall
back to the title's or the outlet's province.

Each guard looks at the value's own clause and what comes before it in the sentence: words after
a value ("…, xếp thứ 9. Mục tiêu …") do not undo it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from dti_kg.loaders.segments import Piece


@dataclass(frozen=True)
class Guards:
    """A language's patterns for the guards (see ``claims_vi`` and ``claims_en``)."""

    plan: regex.Pattern[str]  # "phấn đấu", "mục tiêu", "aims to", "by 2025"
    relative_year: regex.Pattern[str]  # "năm ngoái", "last year" (not "so với năm trước")
    foreign_topic: regex.Pattern[str]  # "dịch vụ công", "e-government", "tỷ lệ", "rate of"
    # "chỉ số dịch vụ công", "the online services index": (text, start, end) -> another index named
    foreign_index: Callable[[str, int, int], bool]
    other_subject: regex.Pattern[str]  # the nation, a ministry, a district, a firm, "the leading province"
    respectively: regex.Pattern[str]  # "lần lượt", "respectively"


YEAR_BEFORE = "a value of the year before ('năm ngoái', 'last year'): the edition is unclear"

# (text, start, end) -> whether text[start:end] states an edition / names the DTI or an indicator
Probe = Callable[[str, int, int], bool]


def refusal(
    text: str,
    sentence: Piece,
    clause: Piece,
    value: tuple[int, str, bool],
    g: Guards,
    states_edition: Probe,
    names_dti: Probe,
) -> str | None:
    """Why a number in ``clause`` is no province's DTI value, or None; ``value`` is its start, its
    measure and whether a "respectively" list paired it with its province."""
    value_start, measure, listed = value
    upto = clause.end
    if g.plan.search(text, sentence.start, upto):
        return "a target or plan, not a result"
    if measure != "rank_change":
        for m in g.relative_year.finditer(text, sentence.start, upto):
            in_clause = m.start() >= clause.start
            if in_clause or not states_edition(text, m.end(), value_start):
                return YEAR_BEFORE
    for m in g.foreign_topic.finditer(text, sentence.start, upto):
        if m.start() >= clause.start or not names_dti(text, m.end(), value_start):
            return f"the value of {m.group(0)!r}, not of a DTI index"
    if g.foreign_index(text, sentence.start, upto):
        return "the value of another index named in the sentence"
    if not listed and g.respectively.search(sentence.text):
        return "a 'respectively' list whose names and values do not pair up"
    return None


def other_subject(text: str, sentence: Piece, clause: Piece, g: Guards) -> str | None:
    """What else than a province the value's clause or the sentence before it may be about."""
    m = g.other_subject.search(text, sentence.start, clause.end)
    return None if m is None else m.group(0)
