"""English rules that read past one value: a run of years, an ordered list that goes on after "then",
and a clause the excerpt cuts off.

They work on the findings ``rules.find_all`` has made for a text (the mention sequence of a sentence:
places, ranks, years, cue words) and only add, split or refuse findings:

- "has ranked first … for three consecutive years from 2020 to 2022": one rank for each edition of
  the stated run (a run needs both ends; "for three years" alone names no edition);
- "Hanoi leads, followed by Hue City in second place, and then Hai Phong and Ho Chi Minh City":
  the names after "then" take the ranks after the last ranked name, in order;
- "Dong Nai ranked 14th nationwide in the digital econo" at the very end of an excerpt: what the
  rank is of was cut off, so it is refused rather than read as the overall rank;
- "In … 2020, …. The following year, the province … ranking second": the year after the one the
  sentence before names;
- "ranking second overall …, just behind Da Nang": the one province named takes the rank before;
- "Da Nang, the Ministry of Finance and the Vietnam Academy … lead in 3 groups of agencies": each
  of the coordinated subjects leads one group, so the one province among them is first.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.rules import Lexicon, dti_sentences, known_year, sentence_edition

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
_ORDINAL_WORD = regex.compile(r"(?<![\p{L}\d])[\p{L}\d]+(?:st|nd|rd|th)(?![\p{L}\d])", _I)
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
        # What follows the rank's ordinal (the quote may run to the cut already).
        ordinals = list(_ORDINAL_WORD.finditer(text, f.span.start, end))
        tail = text[ordinals[-1].end() : end] if ordinals else text[f.span.end : end]
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


# "The following year, …": the year after the last one the sentence before names.
_NEXT_YEAR = regex.compile(
    r"(?:The|A|One)\s+(?:following|next|subsequent)\s+year\b|(?:A|One)\s+year\s+later\b"
)
_YEAR = regex.compile(r"(?<!\d)20\d\d(?!\d)")


def _next_year(text: str, findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        start = f.sentence.start
        if f.edition is None and _NEXT_YEAR.match(text, start, f.sentence.end):
            before = text[max(0, start - 400) : start]
            cut = max(before.rfind("\n\n"), 0)
            years = [int(y) for y in _YEAR.findall(before[cut:])]
            if years and known_year(years[-1] + 1):
                f = replace(f, edition=years[-1] + 1, rule=f"{f.rule}.next-year")
        out.append(f)
    return out


# ", just behind Da Nang", "only behind Da Nang": the rank before this one
_BEHIND = regex.compile(r"\s*,?\s*(?:just|only|right|narrowly)\s+behind\s+", _I)


def _behind(text: str, findings: list[Finding]) -> list[Finding]:
    """The findings, with the province ahead of each "just behind X" rank added."""
    out = []
    for f in findings:
        out.append(f)
        if f.measure != "rank" or f.indicator != "overall" or f.refusal or int(f.value) < 2:
            continue
        m = _BEHIND.search(text, f.span.start, min(f.sentence.end, f.span.end + 80))
        if m is None or _OTHER_VALUE.search(text, f.span.start, m.start()):
            continue
        named = places_in(text, m.end(), f.sentence.end, "en").places
        if not named or named[0].start != m.end():
            continue
        if len(named) > 1 and _ITEM_GAP.fullmatch(text[named[0].end : named[1].start]):
            continue  # "behind A and B": two ranks before, in an order the words do not give
        p = named[0]
        others = places_in(text, f.sentence.start, f.sentence.end, "en").places
        if f.place is None and f.ambiguous_place and [q.name for q in others] == [p.name]:
            # The one province the sentence names is the one ahead: the rank is the subject's.
            out[-1] = replace(f, ambiguous_place=False)
        out.append(
            Finding(
                "overall",
                "rank",
                int(f.value) - 1,
                span_of(text, m.start(), p.end),
                "en.rank.behind",
                f.sentence,
                edition=f.edition,
                cohort=f.cohort,
                place=p,
                cohort_hint=f.cohort or f.cohort_hint,
            )
        )
    return out


# "A, B and C lead in 3 groups of agencies", "… topped their respective groups"
_GROUP_LEADERS = regex.compile(
    r"\s+(?:lead|led|leads|top|topped|tops|head|headed)\s+(?:in\s+)?(?:the\s+|their\s+)?(?:respective\s+)?"
    r"(?P<n>\d|two|three|four)?\s*(?:respective\s+)?(?:groups|categories|blocks)\b",
    _I,
)
_NUMBERS = {"two": 2, "three": 3, "four": 4}
_SUBJECT_COMMA = regex.compile(r"\s*,\s*(?:and\s+)?")
_SUBJECT_AND = regex.compile(r"\s+and\s+(?=the\s+\p{Lu})")


def _group_leaders(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    out = []
    for sentence, _ in dti_sentences(text, lex):
        for m in _GROUP_LEADERS.finditer(text, sentence.start, sentence.end):
            # The subjects: the clause before the verb, after the last comma that ends an opening
            # phrase ("According to …, A, B and C lead …" keeps "A, B and C").
            head = text[sentence.start : m.start()]
            items = _subjects(head)
            n = m.group("n")
            count = int(n) if n and n.isdigit() else _NUMBERS.get((n or "").lower())
            if len(items) < 2 or (count is not None and count != len(items)):
                continue
            provinces = []
            for a, b in items:
                named = places_in(text, sentence.start + a, sentence.start + b, "en").places
                if named and named[0].start == sentence.start + a and named[0].end == sentence.start + b:
                    provinces.append(named[0])
            if len(provinces) != 1:
                continue
            p = provinces[0]
            if any(f.place == p and f.measure == "rank" for f in findings):
                continue
            out.append(
                Finding(
                    "overall",
                    "rank",
                    1,
                    span_of(text, p.start, m.end()),
                    "en.rank.group-leaders",
                    sentence,
                    edition=sentence_edition(text, sentence, lex),
                    place=p,
                )
            )
    return out


def _subjects(head: str) -> list[tuple[int, int]]:
    """The coordinated noun phrases that end ``head`` ("A, the B and the C"), as offsets: items
    split at commas, and at "and" only before "the" + a name ("Science and Technology" stays)."""
    cuts = sorted(
        [(m.start(), m.end()) for m in _SUBJECT_COMMA.finditer(head)]
        + [(m.start(), m.end()) for m in _SUBJECT_AND.finditer(head)]
    )
    bounds = [0] + [x for c in cuts for x in c] + [len(head.rstrip())]
    parts = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    items: list[tuple[int, int]] = []
    for a, b in reversed(parts):
        word = head[a:b].strip()
        # An opening phrase ("According to …, ") is no subject: long, or not a name.
        if not word or len(word) > 60 or not (word[0].isupper() or word.startswith("the ")):
            break
        if word.lower().startswith(("according", "in ", "at ", "accordingly")):
            break
        lead = len(head[a:b]) - len(head[a:b].lstrip())
        items.append((a + lead, a + lead + len(word)))
    items.reverse()
    return items


def read_on(text: str, findings: list[Finding], lex: Lexicon) -> list[Finding]:
    """The findings with runs of years split into editions, relative years resolved, lists after
    "then" and names after "just behind" ranked, group leaders found, and values in a clause the
    excerpt cuts off refused."""
    found = _next_year(text, _runs(text, findings))
    found = _behind(text, found)
    found += _then_lists(text, found)
    found += _group_leaders(text, lex, found)
    return _cut_off(text, found)
