"""What a language's claim rules find in one sentence, before edition, province and cohort are resolved.

Rules in ``claims_vi`` / ``claims_en`` only read sentences; ``extract`` decides, for the whole
document, which edition and which province each finding belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from dti_kg.loaders.places import PlaceMention
from dti_kg.loaders.segments import Piece
from dti_kg.model import Measure, Span


@dataclass(frozen=True)
class Finding:
    indicator: str
    measure: Measure
    value: int | Decimal
    span: Span
    rule: str
    sentence: Piece
    edition: int | None = None  # stated in the sentence itself
    cohort: int | None = None  # stated in the clause ("8/63", "gồm 63 tỉnh", "out of 63")
    compared_to: int | None = None  # rank changes: the edition stated as the comparison
    place: PlaceMention | None = None  # the province the sentence names for this value
    unknown_place: str | None = None  # a province-like name the gazetteer does not know
    bare_province: bool = False  # "tỉnh"/"the province" without a name (a provincial paper's own)
    # The cohort the sentence speaks of, for choosing between a 63-era and a 34-era unit of one
    # name; unlike ``cohort`` it is also set for scores and changes ("8/34, đạt 0,7521 điểm").
    cohort_hint: int | None = None
    ambiguous_place: bool = False  # the sentence names provinces but none is this value's
    # Why the value is no province's DTI value (a target, another index, last year's rank …): the
    # finding is kept only to say so in a note.
    refusal: str | None = None
    # What else the sentence may be about (the nation, a ministry, a district, "the leading
    # province" …): then an unnamed subject is not the title's or the outlet's province.
    other_subject: str | None = None
    # "rose four ranks from fifth place": the rank is of the edition compared with (``compared_to``,
    # else the one before the finding's own), not of the article's edition.
    previous_edition: bool = False
    # "The city earned …": the one province the last sentence naming provinces named.
    antecedent: str | None = None
    # "Last year, it ranked 12th": the edition is the publication year less this many years, when
    # that edition had been announced by then (``extract``); 0: not a relative year.
    years_before_publication: int = 0
    # The last year the passage before names ("In 2022, Bac Kan …. The index group on … reached …"): the
    # edition only when the document names none in DTI context and has no publication date (``extract``).
    passage_year: int | None = None


@dataclass(frozen=True)
class EditionMention:
    """An edition year the text names in DTI context ("DTI 2021", "Chỉ số … năm 2024")."""

    start: int
    year: int


def span_of(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def over_run(text: str, f: Finding, a: int, b: int, end: int, known: Callable[[int], bool]) -> list[Finding]:
    """A rank held over a stated run of editions ``a``..``b`` (both published, at most five): the
    rank once for each, quoting up to ``end``; [] when the run is no run of editions."""
    years = list(range(a, b + 1))
    if not 0 < b - a <= 4 or not all(known(y) for y in years):
        return []
    span = span_of(text, f.span.start, end)
    return [replace(f, edition=y, span=span, rule=f"{f.rule}.run") for y in years]
