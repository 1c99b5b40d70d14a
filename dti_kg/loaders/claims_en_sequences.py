"""English mention sequences that span a range or a sentence boundary (issue 7, branch extract-en).

Like ``claims_en_lists``, each rule reads one shape of a sentence's mentions and only adds findings
or fills in whose they are; what it cannot pair exactly it leaves alone:

- "Hanoi, Hue and Hai Phong ranked first through third respectively": a range of ordinals paired
  with the names listed before the verb, in order, when the counts match (``_range_respectively``);
- "digital economy ranked 14th and digital society 25th": an indicator named after a ranked one, with
  its own ordinal and no verb, takes that ordinal (``_elliptical_indicators``);
- "from 50th out of 63 in 2020 to 41st in 2021 and 30th in 2022": each ordinal with the year right
  after it, never the year of a neighbouring item (``_ordinal_years``);
- "Pillar rankings: digital government 20th, digital economy 25th, digital society 31st": a list of
  indicators each followed by its own ordinal (two items at least) (``_indicator_ordinal_list``);
- "Second place went to Ho Chi Minh City": the ordinal is the named province's (``_place_went_to``);
- "rose to 5th from 8th place in 2022": the earlier rank is of the year stated right after it, and
  the rank stated is of the sentence's edition (``_previous_in_year``);
- "Lang Son was named in the 2022 DTI rankings. It ranked fifth nationwide.": a sentence that goes on
  about "it"/"the city"/"the province" without a DTI word is about the one province just named;
- "Phu Tho ranked 30th. Digital Awareness ranked third; …": a value whose sentence names no
  province, no nation and no average belongs to the one province the sentences just before it (in
  the same or the previous line) name (``_carry_subject``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import regex

from dti_kg.loaders.claims_en_mentions import (
    chain_before,
    dti_sentence_list,
    indicator_items,
    ordinal_pattern,
    overall_rank,
    place_at,
)
from dti_kg.loaders.discourse import CONTINUED_SUBJECT
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import places_in
from dti_kg.loaders.segments import Piece, sentences
from dti_kg.loaders.stated_editions import known_year, sentence_edition, sentence_years

_I = regex.IGNORECASE

# Between the last name of a list and its verb: "Hanoi, Hue and Hai Phong city ranked …"
_BEFORE_RANKED = regex.compile(r"\s*(?:city|province)?\s*", _I)


def _dti_only(text: str, lex: Lexicon) -> list[Piece]:
    """The DTI sentences that name no other index (PCI, ICT Index …)."""
    return [s for s in dti_sentence_list(text, lex) if not lex.other_index.search(s.text)]


def _range_respectively(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    shape = ordinal_pattern(
        lex,
        r"\s+(?:were\s+|are\s+)?(?:ranked|came|placed|finished|stood)\s+(?:in\s+)?(?:the\s+)?"
        r"(?P<a>ORD)\s*(?:through|to|[-–])\s*(?:the\s+)?(?P<b>ORD)(?:\s+(?:places?|positions?|spots?))?"
        r"\s*,?\s*respectively",
    )
    out: list[Finding] = []
    for sentence in _dti_only(text, lex):
        for m in shape.finditer(text, sentence.start, sentence.end):
            a, b = lex.number(m.group("a")), lex.number(m.group("b"))
            named = places_in(text, sentence.start, m.start(), "en").places
            chain = chain_before(text, named, m.start(), _BEFORE_RANKED)
            if not a or not b or len(chain) < 2 or b - a + 1 != len(chain):
                continue
            if any(f.place in chain and f.measure == "rank" for f in findings):
                continue
            out += [
                replace(
                    overall_rank(text, lex, sentence, p, a + i, m.end(), "en.rank.range-respectively"),
                    span=span_of(text, chain[0].start, m.end()),
                )
                for i, p in enumerate(chain)
            ]
    return out


def _elliptical_indicators(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    item = ordinal_pattern(
        lex,
        r"\s*(?:,|;)?\s*(?:and\s+)?(?:the\s+)?(?P<what>[^,;.\d]{4,60}?)\s*,?\s+(?P<o>ORD)(?=\s*[;.,)]|\s+and\s|\s*$)",
    )
    out = []
    for f in findings:
        if f.measure != "rank" or f.indicator == "overall" or f.refusal:
            continue
        out += [
            g
            for g in indicator_items(text, lex, f, item, "en.rank.elliptical-indicator")
            if not any(h.indicator == g.indicator and h.sentence.start == f.sentence.start for h in findings)
        ]
    return out


_Item = TypeVar("_Item")

# Between two "<ordinal> in <year>" items of one run: "50th in 2020 to 41st in 2021 and 30th in 2022"
_NEXT_YEAR_ITEM = regex.compile(r"\s*,?\s*(?:(?:and\s+)?to|and|,)\s+(?:the\s+)?", _I)


def _ordinal_years(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    item = ordinal_pattern(
        lex,
        r"(?P<o>ORD)(?:\s+(?:place|position))?(?:\s+(?:out\s+of|among)\s+(?:the\s+)?(?P<of>63)\s+[\p{L}\s,]{0,30}?)?"
        r"\s+in\s+(?P<y>20\d\d)(?!\d)",
    )
    out = list(findings)
    for sentence in dti_sentence_list(text, lex):
        names = {p.name for p in places_in(text, sentence.start, sentence.end, "en").places}
        matches = list(item.finditer(text, sentence.start, sentence.end))
        for chain in _chains(text, matches, _NEXT_YEAR_ITEM, lambda m: m.start(), lambda m: m.end()):
            years = [int(m.group("y")) for m in chain]
            if len(chain) < 2 or len(set(years)) != len(years) or len(names) > 1:
                continue
            start, end = chain[0].start(), chain[-1].end()
            inside = [
                g
                for g in out
                if g.sentence.start == sentence.start
                and g.measure == "rank"
                and start <= g.span.end
                and g.span.start < end
            ]
            base = next((g for g in inside if g.place is not None), inside[0] if inside else None)
            if base is None:
                continue
            out = [g for g in out if g not in inside]
            for m, year in zip(chain, years, strict=True):
                n = lex.number(m.group("o"))
                if n:
                    out.append(
                        replace(
                            base,
                            value=n,
                            edition=year,
                            cohort=_only_cohort(year),
                            cohort_hint=_only_cohort(year),
                            span=span_of(text, m.start(), m.end()),
                            rule="en.rank.ordinal-years",
                            previous_edition=False,
                        )
                    )
    return out


def _chains(
    text: str,
    items: list[_Item],
    gap: regex.Pattern[str],
    start: Callable[[_Item], int],
    end: Callable[[_Item], int],
) -> list[list[_Item]]:
    """Items in text order, grouped into runs whose neighbours are parted by nothing but ``gap``."""
    chains: list[list[_Item]] = []
    for it in items:
        if chains and gap.fullmatch(text, end(chains[-1][-1]), start(it)):
            chains[-1].append(it)
        else:
            chains.append([it])
    return chains


def _only_cohort(edition: int) -> int | None:
    """63 for an edition ranked before the 2025 merger alone; the 2024 edition was ranked both ways."""
    return 63 if edition < 2024 else None


# Between two items of a list of indicators: unlike a list of names (NAME_GAP), a semicolon may part
# them ("digital government 20th; digital economy 25th").
_LIST_GAP = regex.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+", _I)


def _indicator_ordinal_list(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    tail = ordinal_pattern(
        lex,
        # "digital government 20th", "digital institutions (1st)"
        r"(?:\s+(?:pillar|index|indicator))?\s*(?::\s*|\s+(?:ranked|was|at|in)\s+|\(\s*)?(?:the\s+)?(?P<o>ORD)"
        r"(?:\s+(?:place|position))?(?:\s*\))?(?=\s*[,;.)]|\s+and\s|\s*$)",
    )
    out: list[Finding] = []
    for sentence in _dti_only(text, lex):
        items = []
        # names without overlaps, longest first: "Activities of Digital Society (4th)" is no
        # "Digital Society (4th)"
        for a, b, key in clause_indicators(sentence.text, lex):
            t = tail.match(text, sentence.start + b, sentence.end)
            if t is not None and (n := lex.number(t.group("o"))):
                items.append((sentence.start + a, t.end(), key, n))
        items.sort()
        chains = _chains(text, items, _LIST_GAP, lambda it: it[0], lambda it: it[1])
        named = places_in(text, sentence.start, sentence.end, "en").places
        done = {(f.indicator, f.sentence.start) for f in findings if f.measure == "rank"}
        for c in chains:
            if len(c) < 2 or len({k for _, _, k, _ in c}) != len(c) or len({p.name for p in named}) > 1:
                continue
            place = named[0] if named else None
            for start, end, key, n in c:
                if (key, sentence.start) in done:
                    continue
                out.append(
                    Finding(
                        key,
                        "rank",
                        n,
                        span_of(text, start, end),
                        "en.rank.indicator-list",
                        sentence,
                        edition=sentence_edition(text, sentence, lex),
                        place=place,
                    )
                )
    return out


def _place_went_to(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    shape = ordinal_pattern(
        lex,
        r"(?<![\p{L}\d])(?:the\s+)?(?P<o>ORD)\s+(?:place|position|spot)\s+(?:in\s+the\s+rankings?\s+)?"
        r"(?:went\s+to|belonged\s+to|belongs\s+to|was\s+taken\s+by|was\s+claimed\s+by)\s+(?:the\s+)?",
    )
    out: list[Finding] = []
    for sentence in _dti_only(text, lex):
        for m in shape.finditer(text, sentence.start, sentence.end):
            p = place_at(text, m.end(), sentence.end)
            n = lex.number(m.group("o"))
            if p is None or not n or any(f.place == p and f.measure == "rank" for f in findings):
                continue
            out.append(
                replace(
                    overall_rank(text, lex, sentence, p, n, p.end, "en.rank.place-went-to"),
                    span=span_of(text, m.start(), p.end),
                )
            )
    return out


_IN_YEAR = regex.compile(r"(?:\s+(?:place|position|spot))?\s+in\s+(?P<y>20\d\d)(?!\d)", _I)


def _previous_in_year(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    fixes: dict[int, tuple[int, int, int]] = {}  # sentence start -> (stated edition, earlier year, "from" at)
    out = []
    for f in findings:
        if f.measure == "rank" and f.previous_edition and f.compared_to is None and f.refusal is None:
            own = [
                o
                for o in lex.ordinal.finditer(text, f.span.start, f.span.end)
                if lex.number(o.group("n")) == f.value
            ]
            y = _IN_YEAR.match(text, own[-1].end(), f.sentence.end) if own else None
            year = int(y.group("y")) if y is not None else 0
            # The sentence's own edition: the one year it names other than the earlier rank's.
            others = {e for _, e in sentence_years(text, f.sentence, lex) if e != year}
            stated = others.pop() if len(others) == 1 else None
            if y is not None and stated is not None and known_year(year) and stated > year:
                f = replace(f, edition=stated, compared_to=year)
                fixes[f.sentence.start] = (stated, year, own[-1].start())
        out.append(f)
    # The rank stated before "from" is of the sentence's own edition, not of the year after the earlier rank.
    return [
        replace(f, edition=fixes[f.sentence.start][0])
        if f.sentence.start in fixes
        and not f.previous_edition
        and f.edition == fixes[f.sentence.start][1]
        and f.span.start < fixes[f.sentence.start][2]
        else f
        for f in out
    ]


def line_start(text: str, at: int) -> int:
    """Where the line holding ``at`` (or ending right before it) starts."""
    return text.rfind("\n", 0, at) + 1


# A sentence that opens on the province just named: "It …", "The city …", "The central city …"
# also after a leading phrase of time or linking: "In 2021, the province …", "Meanwhile, it …"
_REFERS_BACK = regex.compile(
    r"\s*(?:(?:In\s+20\d\d|Meanwhile|However|Also|Similarly|Specifically|In\s+particular|Particularly|Notably"
    r"|Moreover|Furthermore|Besides|By\s+contrast)\s*,\s*)?"
    r"(?P<who>[Ii]t|(?:[Tt]he|[Tt]his)\s+(?:\p{Ll}+\s+){0,2}(?:city|province|locality))\b(?!\s+of\b)"
)


_OTHER_ACTOR = regex.compile(
    r"\b(?:Ministry|Ministries|Academy|Bank|Agency|Security|Television|(?:Vietnam|Viet\s+Nam|nation|country)['’]s"
    r"|national)\b"
)


def _refers_back(text: str, f: Finding) -> Finding:
    """A value in a sentence opening on "It"/"the city"/"the province" (and no DTI word) is the province's
    that the sentence right before names, when it names one."""
    refers = _REFERS_BACK.match(text, f.sentence.start)
    if f.place is not None or f.other_subject != CONTINUED_SUBJECT or refers is None:
        return f
    before = [s for s in sentences(text) if s.end <= f.sentence.start]
    if not before:
        return f
    names = {p.name for p in places_in(text, before[-1].start, before[-1].end, "en").places}
    # "The city", "the province" can mean nothing else; "It" may be a ministry, an agency or the nation
    # that sentence also names ("The Ministry of Finance led …. It scored 0.63" is not Da Nang's).
    it = refers.group("who").lower() == "it"
    if len(names) == 1 and not (it and _OTHER_ACTOR.search(before[-1].text)):
        return replace(f, other_subject=None, antecedent=names.pop())
    return f


def _named_just_before(text: str, f: Finding) -> Finding:
    """A value whose sentence names no one is the province's that the sentences before it in the same
    line name (at a line's start: the last line before with text), when they name one."""
    if (
        f.place is not None
        or f.antecedent is not None
        or f.unknown_place is not None
        or f.ambiguous_place
        or f.other_subject is not None
        or f.refusal is not None
    ):
        return f
    # The nearest of the value's own line (before it) and the two lines with text before that which
    # names a province: "In 2022, Bac Kan reached …\nThe results by index group: … reached 69.66/100 …"
    end = f.sentence.start
    window = line_start(text, end)
    for _ in range(_LINES_BACK + 1):
        names = {p.name for p in places_in(text, window, end, "en").places}
        prev = text[:window].rstrip()
        if names or not prev:
            break
        end, window = window, line_start(text, len(prev))
    return replace(f, antecedent=names.pop()) if len(names) == 1 else f


_LINES_BACK = 2


# A province named only inside a body of it: "the Binh Phuoc People's Committee", "Lang Son Department of …"
_ITS_BODY = regex.compile(
    r"(?:\s+(?:City|Province))?(?:['’]s)?\s+(?:Provincial\s+|City\s+)?(?:People['’]s\s+(?:Committee|Council)|Party\s+Committee|Department\b"
    r"|Steering\s+Committee|Information\s+and\s+Communications?\b|authorities\b|leaders?\b)"
)


def _its_bodys_province(text: str, f: Finding) -> Finding:
    """ "X of the Binh Phuoc People's Committee said that the province ranked 12th", "The city rose …, HCM
    City's Department of … said": "the province" ("the city") is the one province the sentence names, when
    it names it only as the seat of a body (so with no value of its own)."""
    if f.place is not None or not (f.ambiguous_place and f.bare_province):
        return f
    places = places_in(text, f.sentence.start, f.sentence.end, "en").places
    if len({p.name for p in places}) != 1 or not all(_ITS_BODY.match(text, p.end) for p in places):
        return f
    return replace(f, place=places[-1], ambiguous_place=False, rule=f"{f.rule}.body")


def _carry_subject(text: str, findings: list[Finding]) -> list[Finding]:
    return [_named_just_before(text, _refers_back(text, _its_bodys_province(text, f))) for f in findings]


def read_sequences(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """The findings with ranges paired and unnamed values given the province just named."""
    found = _ordinal_years(text, lex, findings)
    found += _range_respectively(text, lex, found) + _elliptical_indicators(text, lex, found)
    found += _place_went_to(text, lex, found) + _indicator_ordinal_list(text, lex, found)
    return _carry_subject(text, _previous_in_year(text, lex, found))
