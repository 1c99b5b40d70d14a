"""The sentence engine shared by both languages: find ranks, scores and rank changes in DTI
sentences and tie each to an indicator, a province mention and (when stated) an edition.

A language supplies a :class:`Lexicon` of patterns (``claims_vi``, ``claims_en``). The engine is
deliberately strict: a value is kept only when its clause says which indicator it is about, so a
missed claim is preferred over a wrong one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from dti_kg.loaders.findings import EditionMention, Finding, span_of
from dti_kg.loaders.places import PlaceMention, find_places, is_known
from dti_kg.loaders.segments import Piece, clauses, sentences
from dti_kg.reference import editions

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
    rule_prefix: str
    extra_rules: tuple[Callable[[str, Piece, Lexicon], list[Finding]], ...] = field(default=())


@dataclass(frozen=True)
class _Value:
    measure: str
    value: int | Decimal
    start: int  # absolute offsets of the number
    end: int
    rule: str
    cohort: int | None = None
    compared_to: int | None = None


def known_year(year: int) -> bool:
    return year in editions()


def edition_mentions(text: str, lex: Lexicon) -> list[EditionMention]:
    """Every edition the text names in DTI context, in text order."""
    found: dict[int, EditionMention] = {}
    for pattern in lex.edition_anchored:
        for m in pattern.finditer(text):
            year = int(m.group("year"))
            if known_year(year) and not lex.not_edition_before.search(text[: m.start("year")]):
                found.setdefault(m.start("year"), EditionMention(m.start("year"), year))
    return sorted(found.values(), key=lambda e: e.start)


def sentence_edition(text: str, sentence: Piece, lex: Lexicon) -> int | None:
    """The edition the sentence itself states: anchored mentions first, else one loose "năm 2021"."""
    anchored = {e.year for e in edition_mentions(text, lex) if sentence.start <= e.start < sentence.end}
    if len(anchored) == 1:
        return anchored.pop()
    if anchored:
        return None
    loose = {
        int(m.group("year"))
        for m in lex.edition_loose.finditer(text, sentence.start, sentence.end)
        if not lex.not_edition_before.search(text[: m.start("year")])
    }
    loose = {y for y in loose if known_year(y)}
    return loose.pop() if len(loose) == 1 else None


def clause_indicators(clause: str, lex: Lexicon) -> list[tuple[int, int, str]]:
    """Indicator names in a clause, longest first, without overlaps: (start, end, key)."""
    taken: list[tuple[int, int, str]] = []
    for pattern, key in lex.indicators:
        for m in pattern.finditer(clause):
            if all(m.end() <= s or m.start() >= e for s, e, _ in taken):
                taken.append((m.start(), m.end(), key))
    return sorted(taken)


def _ranks(text: str, clause: Piece, lex: Lexicon) -> list[_Value]:
    out = []
    for m in lex.rank.finditer(text, clause.start, clause.end):
        n = lex.number(m.group("n"))
        if n is None or lex.rank_reject_after.match(text, m.end(), clause.end):
            continue
        if lex.rank_from.search(text, clause.start, m.start()):
            continue  # "tăng 21 bậc, từ vị trí 45 lên vị trí 24": 45 was the previous edition's
        of = int(m.group("of")) if m.groupdict().get("of") else None
        if of is None:
            c = lex.cohort.search(text, m.end(), clause.end)
            of = int(c.group("of")) if c else None
        if of is not None and of not in (63, 34):
            continue  # "2/8 chỉ số": a count of indices, not a rank among provinces
        out.append(_Value("rank", n, m.start("n"), m.end("n"), f"{lex.rule_prefix}.rank", cohort=of))
    return out


def _list_ranks(text: str, clause: Piece, lex: Lexicon) -> list[_Value]:
    out = []
    for m in lex.rank_list_item.finditer(text, clause.start, clause.end):
        out.append(
            _Value(
                "rank",
                int(m.group("n")),
                m.start("n"),
                m.end("n"),
                f"{lex.rule_prefix}.rank.list-item",
                cohort=int(m.group("of")),
            )
        )
    return out


def _scores(text: str, clause: Piece, lex: Lexicon) -> list[_Value]:
    if lex.score_reject.search(clause.text):
        return []
    out = []
    for m in lex.score.finditer(text, clause.start, clause.end):
        value = lex.score_ok(text, m)
        if value is not None:
            out.append(_Value("score", value, m.start("x"), m.end("x"), f"{lex.rule_prefix}.score"))
    return out


def _changes(text: str, clause: Piece, lex: Lexicon) -> list[_Value]:
    out = []
    for m in lex.change.finditer(text, clause.start, clause.end):
        n = lex.number(m.group("n"))
        if not n:
            continue
        sign = 1 if m.group("up") else -1
        c = lex.compared.search(text, m.end(), clause.end)
        compared = int(c.group("year")) if c and c.group("year") else None
        out.append(
            _Value(
                "rank_change",
                sign * n,
                m.start(),
                m.end(),
                f"{lex.rule_prefix}.rank-change",
                compared_to=compared,
            )
        )
    return out


def _values(text: str, clause: Piece, lex: Lexicon) -> list[_Value]:
    return _ranks(text, clause, lex) + _scores(text, clause, lex) + _changes(text, clause, lex)


def choose_place(places: list[PlaceMention], clause: Piece, sentence: Piece) -> PlaceMention | None:
    """The province a clause's value belongs to: named in the clause (exactly one), else the
    nearest one named before it in the sentence, else the only one named in the sentence."""
    inside = [p for p in places if clause.start <= p.start < clause.end]
    if len({p.name for p in inside}) == 1:
        return inside[0]
    if inside:
        return None
    before = [p for p in places if p.start < clause.start]
    if before:
        return before[-1]
    if len({p.name for p in places}) == 1:
        return places[0]
    return None


def quote_span(text: str, clause: Piece, place: PlaceMention | None, sentence: Piece) -> tuple[int, int]:
    """The clause, reaching back to the province it is about when that is close by."""
    start = clause.start
    if (
        place is not None
        and sentence.start <= place.start < clause.start
        and clause.start - place.start <= 80
    ):
        start = place.start
    return start, clause.end


def unknown_place(text: str, sentence: Piece, places: list[PlaceMention], lex: Lexicon) -> str | None:
    for m in lex.unknown_place.finditer(text, sentence.start, sentence.end):
        name = m.group("name").strip()
        if any(p.start <= m.start("name") < p.end for p in places) or is_known(name):
            continue
        return name
    return None


def dti_sentences(text: str, lex: Lexicon) -> Iterator[Piece]:
    for sentence in sentences(text):
        if lex.dti_mark.search(sentence.text) or clause_indicators(sentence.text, lex):
            yield sentence


def find_in_sentence(text: str, sentence: Piece, lex: Lexicon) -> list[Finding]:
    """Every DTI value the sentence states, with the indicator, province and edition it names."""
    places = [
        PlaceMention(p.start + sentence.start, p.end + sentence.start, p.name)
        for p in find_places(sentence.text, lex.language)
    ]
    parts = clauses(text, sentence)
    sentence_has_indicator = bool(clause_indicators(sentence.text, lex))
    sentence_overall = bool(lex.overall.search(sentence.text))
    other_in_sentence = bool(lex.other_index.search(sentence.text))
    edition = sentence_edition(text, sentence, lex)
    unknown = unknown_place(text, sentence, places, lex)
    bare = bool(lex.bare_province.search(sentence.text))

    # "Về trụ cột kinh tế số, tỉnh đạt 0,4512 điểm, xếp hạng 15/63": a leading clause naming one
    # indicator and no value is the topic of the clauses after it that name none themselves.
    topic = None
    lead = clause_indicators(parts[0].text, lex) if parts else []
    if len({k for _, _, k in lead}) == 1 and not _values(text, parts[0], lex):
        topic = lead[0][2]

    narrow = bool(lex.narrow_scope.search(sentence.text))

    findings: list[Finding] = []
    pending_changes: list[tuple[Piece, _Value, PlaceMention | None]] = []
    seen_rank_verb = False
    for clause in parts:
        if lex.other_index.search(clause.text):
            continue
        keys = sorted({k for _, _, k in clause_indicators(clause.text, lex)})
        overall_here = bool(lex.overall.search(clause.text))
        if other_in_sentence and not (keys or overall_here):
            continue
        values = _ranks(text, clause, lex)
        if values:
            seen_rank_verb = True
        elif seen_rank_verb and keys:
            values = _list_ranks(text, clause, lex)
        if narrow:
            values = [v for v in values if v.cohort is not None]
        values += _scores(text, clause, lex) + _changes(text, clause, lex)
        if not values:
            continue
        if len(keys) == 1:
            indicator: str | None = keys[0]
        elif keys:
            continue  # two indicators in one clause: which value belongs to which is a guess
        elif overall_here or (sentence_overall and not sentence_has_indicator):
            indicator = "overall"
        elif topic:
            indicator = topic
        else:
            indicator = None
        place = choose_place(places, clause, sentence)
        for v in values:
            if indicator is None:
                if v.measure == "rank_change":
                    pending_changes.append((clause, v, place))
                continue
            findings.append(_finding(text, clause, sentence, v, indicator, place, edition, unknown, bare))
    # A rank change with no indicator of its own ("tăng 4 bậc, đứng thứ 8 về …") shares the rank's.
    rank_indicators = {f.indicator for f in findings if f.measure == "rank"}
    if len(rank_indicators) == 1:
        indicator = rank_indicators.pop()
        for clause, v, place in pending_changes:
            findings.append(_finding(text, clause, sentence, v, indicator, place, edition, unknown, bare))
    for rule in lex.extra_rules:
        findings.extend(rule(text, sentence, lex))
    return findings


def _finding(
    text: str,
    clause: Piece,
    sentence: Piece,
    v: _Value,
    indicator: str,
    place: PlaceMention | None,
    edition: int | None,
    unknown: str | None,
    bare: bool,
) -> Finding:
    start, end = quote_span(text, clause, place, sentence)
    return Finding(
        indicator=indicator,
        measure=v.measure,  # type: ignore[arg-type]
        value=v.value,
        span=span_of(text, start, end),
        rule=v.rule,
        sentence=sentence,
        edition=edition,
        cohort=v.cohort,
        compared_to=v.compared_to,
        place=place,
        unknown_place=unknown if place is None else None,
        bare_province=bare,
    )


def find_all(text: str, lex: Lexicon) -> list[Finding]:
    out: list[Finding] = []
    for sentence in dti_sentences(text, lex):
        out.extend(find_in_sentence(text, sentence, lex))
    return out
