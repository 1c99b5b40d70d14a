"""English rules that read past one value: a run of years, an ordered list that goes on after "then",
and a clause the excerpt cuts off.

They work on the findings ``rules.find_all`` has made for a text (the mention sequence of a sentence:
places, ranks, years, cue words) and only add, split or refuse findings:

- "has ranked first … for three consecutive years from 2020 to 2022": one rank for each edition of
  the stated run (a run needs both ends; "for three years" alone names no edition);
- "Hanoi leads, followed by Hue City in second place, and then Hai Phong and Ho Chi Minh City":
  the names after "then" take the ranks after the last ranked name, in order;
- "Dong Nai ranked 14th nationwide in the digital econo" at the very end of an excerpt: what the
  rank is of was cut off, so it is refused rather than read as the overall rank.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.rules import known_year

_I = regex.IGNORECASE

# "for three consecutive years from 2020 to 2022", "from 2020 to 2022", "(2020-2022)", "in 2020-2022"
_RUN = regex.compile(
    r"(?:for\s+(?:the\s+)?(?:[\p{L}\d]+\s+)?(?:consecutive|straight|successive)\s+years?\s*,?\s*)?"
    r"(?:(?:from|between)\s+(?P<a>20\d\d)\s+(?:to|through|until|and)\s+(?P<b>20\d\d)"
    r"|\(\s*(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)\s*\)"
    r"|(?:in|during)\s+(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d))(?!\d)",
    _I,
)
# What may not stand between a rank and its run: another year, a score, another clause.
_OTHER_VALUE = regex.compile(r"20\d\d|\d[.,]\d|[;:]")

# ", and then A and B", "; then A, B and C"
_THEN = regex.compile(
    r"\s*(?:place|position|spot)?\s*[,;]?\s*(?:and\s+)?then\s+(?:(?:came|come|comes|by)\s+)?", _I
)
_ITEM_GAP = regex.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", _I)

# The excerpt ends inside the clause: no closing punctuation after the value, and what follows the
# value is the start of the phrase saying what it is of ("in the digital econo").
_CLOSED = regex.compile(r"[.!?;:\"”’)\]]\s*$")
_OF_WHAT = regex.compile(r"\s*(?:nationwide\s+|overall\s+)?(?:in|for|on|of)\s+(?:the\s+)?[\p{L}\s-]*", _I)


def _runs(text: str, findings: list[Finding]) -> list[Finding]:
    out: list[Finding] = []
    for f in findings:
        if f.measure != "rank" or f.edition is not None or f.refusal is not None or f.previous_edition:
            out.append(f)
            continue
        # The run may be inside the rank's quote already; no other year or value may come between.
        run = _RUN.search(text, f.span.start, min(f.sentence.end, f.span.end + 160))
        if run is not None and _OTHER_VALUE.search(text, f.span.start, run.start()):
            run = None
        if run is None:
            out.append(f)
            continue
        a, b = int(run.group("a")), int(run.group("b"))
        years = list(range(a, b + 1))
        if not 0 < b - a <= 4 or not all(known_year(y) for y in years):
            out.append(f)
            continue
        span = span_of(text, f.span.start, run.end())
        out.extend(replace(f, edition=y, span=span, rule=f"{f.rule}.run") for y in years)
    return out


def _then_lists(text: str, findings: list[Finding]) -> list[Finding]:
    ranked = [
        f
        for f in findings
        if f.measure == "rank"
        and f.indicator == "overall"
        and f.place is not None
        and f.refusal is None
        and not f.previous_edition
    ]
    out: list[Finding] = []
    for f in ranked:
        assert f.place is not None
        after = max(f.span.end, f.place.end)
        m = _THEN.match(text, after, f.sentence.end)
        if m is None:
            continue
        places = places_in(text, m.end(), f.sentence.end, "en").places
        chain: list[PlaceMention] = []
        pos = m.end()
        for p in places:
            if (not chain and p.start != pos) or (chain and not _ITEM_GAP.fullmatch(text[pos : p.start])):
                break
            chain.append(p)
            pos = p.end
        for i, p in enumerate(chain, start=1):
            rank = int(f.value) + i
            if rank > (f.cohort or f.cohort_hint or 63):
                break
            out.append(
                Finding(
                    "overall",
                    "rank",
                    rank,
                    span_of(text, p.start, p.end),
                    "en.rank.then",
                    f.sentence,
                    edition=f.edition,
                    cohort=f.cohort,
                    place=p,
                    cohort_hint=f.cohort or f.cohort_hint,
                )
            )
    return out


def _cut_off(text: str, findings: list[Finding]) -> list[Finding]:
    end = len(text.rstrip())
    out = []
    for f in findings:
        tail = text[f.span.end : end]
        if (
            f.indicator == "overall"
            and f.refusal is None
            and f.sentence.end >= end
            and not _CLOSED.search(text[:end])
            and len(tail) < 60
            and _OF_WHAT.fullmatch(tail)
        ):
            f = replace(f, refusal="the excerpt ends inside this clause: what the value is of may be cut off")
        out.append(f)
    return out


def read_on(text: str, findings: list[Finding]) -> list[Finding]:
    """The findings with runs of years split into editions, lists after "then" ranked, and values in a
    clause the excerpt cuts off refused."""
    found = _runs(text, findings)
    found += _then_lists(text, found)
    return _cut_off(text, found)
