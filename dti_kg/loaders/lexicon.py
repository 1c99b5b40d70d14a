"""What a language supplies to the sentence engine (``rules``): the :class:`Lexicon` of patterns, and
the indicator names they find in a clause (shared by the engine, the list rules and the table readers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import regex

from dti_kg.loaders.findings import Finding
from dti_kg.loaders.guards import Guards
from dti_kg.loaders.segments import Piece
from dti_kg.reference import PILLARS

# Group names the lexicon patterns use: rank "n" (and "of" for "8/63"); score "x"; change "up" or
# "down" and "n"; cohort "of"; edition and comparison "year"; unknown province "name".


@dataclass(frozen=True)
class Lexicon:
    language: str
    dti_mark: regex.Pattern[str]  # the sentence is about the DTI
    other_index: regex.Pattern[str]  # another index (PCI, PAPI…): its numbers are not DTI claims
    indicators: tuple[tuple[regex.Pattern[str], str], ...]  # longest first
    overall: regex.Pattern[str]  # the value is the overall index ("về chuyển đổi số", "nationwide")
    rank: regex.Pattern[str]
    rank_reject_after: regex.Pattern[str]  # "10-15", "2 năm liên tiếp": not a rank
    rank_list_item: regex.Pattern[str]  # "5/63 tỉnh" after a rank verb earlier in the sentence
    rank_after_name: regex.Pattern[str]  # "Cần Thơ (thứ 5)": group "n"
    # A relative clause whose provinces own none of the sentence's values: ", which merged with
    # Bình Dương and Bà Rịa-Vũng Tàu on July 1,".
    aside: regex.Pattern[str]
    # A region, a district or a ministry in the sentence: a rank there may be regional ("xếp thứ 2
    # vùng ĐBSCL") or a district's ("huyện X đứng thứ 3 trong tỉnh"); only "N/63"-style ranks stay.
    narrow_scope: regex.Pattern[str]
    rank_from: regex.Pattern[str]  # "từ", "from" right before a rank: the old rank of a change
    cohort: regex.Pattern[str]  # "gồm 63 tỉnh", "out of 63"
    score: regex.Pattern[str]
    score_ok: Callable[[str, regex.Match[str]], Decimal | None]
    score_reject: regex.Pattern[str]  # national average etc. in the clause
    change: regex.Pattern[str]
    number: Callable[[str], int | None]
    compared: regex.Pattern[str]  # "so với năm 2020": group "year" (absent = the previous edition)
    edition_anchored: tuple[regex.Pattern[str], ...]  # group "year"
    edition_loose: regex.Pattern[str]  # "năm 2021" in the claim's own sentence; group "year"
    not_edition_before: regex.Pattern[str]  # "so với", "giai đoạn": the year that follows is not the edition
    unknown_place: regex.Pattern[str]  # group "name": a province-like name
    bare_province: regex.Pattern[str]
    # "Đà Nẵng dẫn đầu", "HCM City led": rank 1 when a province is the subject.
    leader: regex.Pattern[str]
    # "nhiều năm liền", "for four consecutive years", "from 2020 to 2023": which edition is unclear.
    several_years: regex.Pattern[str]
    respectively_verb: regex.Pattern[str]  # "lần lượt xếp thứ", "ranked"
    ordinal: regex.Pattern[str]  # one rank of a list, group "n": "nhất", "nhì", "3", "third"
    list_separator: regex.Pattern[str]  # ", ", " và ", " and "
    respectively_tail: regex.Pattern[str]  # what must follow the ranks: "" (vi), "respectively" (en)
    # In a sentence that does not name the DTI: another ranking's topic ("về quy mô dân số").
    other_topic: regex.Pattern[str]
    rule_prefix: str
    guards: Guards  # targets, last year's values, other indices, other subjects
    extra_rules: tuple[Callable[[str, Piece, Lexicon], list[Finding]], ...] = field(default=())
    # Between a province and its leader verb: an era mark, and for English auxiliaries ("has topped",
    # "continued to lead"); None: the era mark only.
    leader_gap: regex.Pattern[str] | None = None
    # "all three pillars", "cả ba trụ cột": the three pillars at once.
    all_pillars: regex.Pattern[str] | None = None
    # What may stand between indicators of one coordinated list ("Digital Economy and Digital Society
    # both ranked 8th", "first position in digital institutions and digital infrastructure"): then
    # the clause's one value is each listed indicator's. None: a clause naming two indicators is skipped.
    coordination: regex.Pattern[str] | None = None
    # An indicator named after a value for a reason ("6th … with good growth in the Digital Economy")
    # is not the value's indicator.
    reason: regex.Pattern[str] | None = None
    # Read "from fifth place" after a change as the previous edition's rank (else it is skipped).
    previous_rank: bool = False
    # After a list of provinces, before one rank they share: "both ranked", "tied for" (ties).
    tie: regex.Pattern[str] | None = None


def clause_indicators(clause: str, lex: Lexicon) -> list[tuple[int, int, str]]:
    """Indicator names in a clause, longest first, without overlaps: (start, end, key); "all three
    pillars" stands for the three at its own position."""
    return list(_clause_indicators(clause, lex))


# The same clause is asked about by several rules of its sentence.
@lru_cache(maxsize=4096)
def _clause_indicators(clause: str, lex: Lexicon) -> tuple[tuple[int, int, str], ...]:
    taken: list[tuple[int, int, str]] = []
    for pattern, key in lex.indicators:
        for m in pattern.finditer(clause):
            if all(m.end() <= s or m.start() >= e for s, e, _ in taken):
                taken.append((m.start(), m.end(), key))
    if lex.all_pillars is not None:
        for m in lex.all_pillars.finditer(clause):
            if all(m.end() <= s or m.start() >= e for s, e, _ in taken):
                taken.extend((m.start(), m.end(), key) for key in PILLARS)
    return tuple(sorted(taken))


def clause_mentions(text: str, clause: Piece, lex: Lexicon) -> list[tuple[int, int, str]]:
    """A clause's indicator mentions (absolute offsets) that can be its values' own: not one named
    for a reason ("ranking 6th … with good growth in the Digital Economy")."""
    named = [(clause.start + a, clause.start + b, k) for a, b, k in clause_indicators(clause.text, lex)]
    if lex.reason is None:
        return named
    return [m for m in named if not lex.reason.search(text, clause.start, m[0])]
