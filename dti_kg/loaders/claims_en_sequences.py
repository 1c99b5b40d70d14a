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

from dataclasses import replace

import regex

from dti_kg.loaders.claims_en_mentions import (
    dti_sentence_list,
    indicator_items,
    ordinal_pattern,
    overall_rank,
)
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.rules import CONTINUED_SUBJECT, Lexicon, known_year, sentence_edition, sentence_years
from dti_kg.loaders.segments import Piece, sentences

_I = regex.IGNORECASE

_ITEM_GAP = regex.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", _I)


def _dti_only(text: str, lex: Lexicon) -> list[Piece]:
    """The DTI sentences that name no other index (PCI, ICT Index …)."""
    return [s for s in dti_sentence_list(text, lex) if not lex.other_index.search(s.text)]


def _chain_before(text: str, places: list[PlaceMention], end: int) -> list[PlaceMention]:
    """The names that form one list ending right before ``end`` ("A, B and C ranked …")."""
    chain: list[PlaceMention] = []
    pos = end
    for p in reversed(places):
        gap = text[p.end : pos]
        if chain and not _ITEM_GAP.fullmatch(gap):
            break
        if not chain and not regex.fullmatch(r"\s*(?:city|province)?\s*", gap, _I):
            break
        chain.insert(0, p)
        pos = p.start
    return chain


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
            chain = _chain_before(text, named, m.start())
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


def _ordinal_years(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    item = ordinal_pattern(
        lex,
        r"(?P<o>ORD)(?:\s+(?:place|position))?(?:\s+(?:out\s+of|among)\s+(?:the\s+)?(?P<of>63)\s+[\p{L}\s,]{0,30}?)?"
        r"\s+in\s+(?P<y>20\d\d)(?!\d)",
    )
    link = regex.compile(r"\s*,?\s*(?:(?:and\s+)?to|and|,)\s+(?:the\s+)?", _I)
    out = list(findings)
    for sentence in dti_sentence_list(text, lex):
        names = {p.name for p in places_in(text, sentence.start, sentence.end, "en").places}
        chains: list[list[regex.Match[str]]] = []
        for m in item.finditer(text, sentence.start, sentence.end):
            if chains and link.fullmatch(text, chains[-1][-1].end(), m.start()):
                chains[-1].append(m)
            else:
                chains.append([m])
        for chain in chains:
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
            for m in chain:
                n = lex.number(m.group("o"))
                if n:
                    out.append(
                        replace(
                            base,
                            value=n,
                            edition=int(m.group("y")),
                            cohort=63 if int(m.group("y")) < 2024 else None,
                            cohort_hint=63 if int(m.group("y")) < 2024 else None,
                            span=span_of(text, m.start(), m.end()),
                            rule="en.rank.ordinal-years",
                            previous_edition=False,
                        )
                    )
    return out


_LIST_GAP = regex.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+", _I)


def _indicator_ordinal_list(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    tail = ordinal_pattern(
        lex,
        r"(?:\s+(?:pillar|index|indicator))?\s*(?::\s*|\s+(?:ranked|was|at|in)\s+)?(?:the\s+)?(?P<o>ORD)"
        r"(?:\s+(?:place|position))?(?=\s*[,;.)]|\s+and\s|\s*$)",
    )
    out: list[Finding] = []
    for sentence in _dti_only(text, lex):
        items = []
        for pattern, key in lex.indicators:
            for x in pattern.finditer(text, sentence.start, sentence.end):
                t = tail.match(text, x.end(), sentence.end)
                if t is not None and (n := lex.number(t.group("o"))):
                    items.append((x.start(), t.end(), key, n))
        items.sort()
        chain: list[tuple[int, int, str, int]] = []
        chains = []
        for it in items:
            if chain and _LIST_GAP.fullmatch(text, chain[-1][1], it[0]):
                chain.append(it)
            else:
                chain = [it]
                chains.append(chain)
        names = {p.name for p in places_in(text, sentence.start, sentence.end, "en").places}
        done = {(f.indicator, f.sentence.start) for f in findings if f.measure == "rank"}
        for c in chains:
            if len(c) < 2 or len({k for _, _, k, _ in c}) != len(c) or len(names) > 1:
                continue
            place = places_in(text, sentence.start, sentence.end, "en").places[0] if names else None
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
            named = places_in(text, m.end(), sentence.end, "en").places
            n = lex.number(m.group("o"))
            if not named or named[0].start != m.end() or not n:
                continue
            p = named[0]
            if any(f.place == p and f.measure == "rank" for f in findings):
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


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


# A sentence that opens on the province just named: "It …", "The city …", "The central city …"
_REFERS_BACK = regex.compile(
    r"\s*(?:It|(?:The|This)\s+(?:\p{Ll}+\s+){0,2}(?:city|province|locality))\b(?!\s+of\b)"
)


_OTHER_ACTOR = regex.compile(
    r"\b(?:Ministry|Ministries|Academy|Bank|Agency|Security|Television|(?:Vietnam|Viet\s+Nam|nation|country)['’]s"
    r"|national)\b"
)


def _carry_subject(text: str, findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        if (
            f.place is None
            and f.other_subject == CONTINUED_SUBJECT
            and _REFERS_BACK.match(text, f.sentence.start)
        ):
            # The province the sentence right before names, when it names one. "The city", "the province"
            # can mean nothing else; "It" may be a ministry, an agency or the nation that sentence also
            # names ("The Ministry of Finance led …. It scored 0.63" is not Da Nang's), so there it may not.
            refers = _REFERS_BACK.match(text, f.sentence.start)
            before = [s for s in sentences(text) if s.end <= f.sentence.start]
            names = (
                {p.name for p in places_in(text, before[-1].start, before[-1].end, "en").places}
                if before
                else set()
            )
            it = refers is not None and refers.group(0).strip() == "It"
            if len(names) == 1 and not (it and _OTHER_ACTOR.search(before[-1].text)):
                f = replace(f, other_subject=None, antecedent=names.pop())
        if (
            f.place is None
            and f.antecedent is None
            and f.unknown_place is None
            and not f.ambiguous_place
            and f.other_subject is None
            and f.refusal is None
        ):
            start = f.sentence.start
            line = _line_start(text, start)
            # The sentences before in the same line; at a line's start, the last line before with text.
            window = line
            if not text[line:start].strip():
                prev = text[:line].rstrip()
                window = _line_start(text, len(prev)) if prev else line
            names = {p.name for p in places_in(text, window, start, "en").places}
            if len(names) == 1:
                f = replace(f, antecedent=names.pop())
        out.append(f)
    return out


def read_sequences(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """The findings with ranges paired and unnamed values given the province just named."""
    found = _ordinal_years(text, lex, findings)
    found += _range_respectively(text, lex, found) + _elliptical_indicators(text, lex, found)
    found += _place_went_to(text, lex, found) + _indicator_ordinal_list(text, lex, found)
    return _carry_subject(text, _previous_in_year(text, lex, found))
