"""English lists and coordination: reading several values from one sequence of mentions.

On the findings the sentence engine (``rules.find_all``) made, each rule reads one shape of a sentence's
mention sequence — province names, ordinals, numbers, indicator names and cue words — and pairs them only
when the counts match; what it cannot pair exactly it leaves to the sentence engine (or to review):

- "… followed by Hue City in second place, and then Hai Phong and Ho Chi Minh City" (``_then_lists``);
- "ranking second …, just behind Da Nang" (``_behind``);
- "Quang Tri ranked 40th, Quang Binh 41st and Ha Tinh 42nd", "A ranked 28th; B, 33rd" (``_elliptical``);
- "both Lao Cai and Yen Bai ranked 30th" (``_both``);
- "ranked second and third in digital economy and digital society respectively"
  (``_indicator_respectively``), "Digital Human Resources Index and … ranked 3 and 4, respectively"
  (``_indicators_first``), "A and B scored 0.61 and 0.59 points, respectively" (``_scores_respectively``);
- "8th among the 34 units and 6th among the 63" (``_other_cohort``);
- "in digital government, X ranked 9th; in digital economy, 12th" (``_topic_semicolons``);
- "Da Nang, the Ministry of Finance and … lead in 3 groups" (``_group_leaders``).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import regex

from dti_kg.loaders.claims_en_mentions import (
    NAME_GAP,
    OTHER_VALUE,
    chain_before,
    dti_sentence_list,
    indicator_items,
    ordinal_pattern,
    ordinals,
    overall_rank,
    place_at,
)
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.lexicon import Lexicon
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.segments import Piece
from dti_kg.loaders.stated_editions import sentence_edition
from dti_kg.model import Span

_I = regex.IGNORECASE


# ", and then A and B", "; then A, B and C"
_THEN = regex.compile(
    r"\s*(?:place|position|spot)?\s*[,;]?\s*(?:and\s+)?then\s+(?:(?:came|come|comes|by)\s+)?", _I
)


_ITEM_END = regex.compile(r"\s*(?:[,;)]|\s+and\s|$)|\s*$", _I)


def _ranked_beside(f: Finding, place: PlaceMention, rank: int, span: Span, rule: str) -> Finding:
    """The overall rank of another province that ``f``'s sentence places next to ``f``'s: same
    sentence, edition and cohort."""
    return Finding(
        "overall",
        "rank",
        rank,
        span,
        rule,
        f.sentence,
        edition=f.edition,
        cohort=f.cohort,
        place=place,
        cohort_hint=f.cohort or f.cohort_hint,
    )


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
            if (not chain and p.start != pos) or (chain and not NAME_GAP.fullmatch(text[pos : p.start])):
                break
            chain.append(p)
            pos = p.end
        for i, p in enumerate(chain, start=1):
            rank = int(f.value) + i
            if rank > (f.cohort or f.cohort_hint or 63):
                break
            out.append(_ranked_beside(f, p, rank, span_of(text, p.start, p.end), "en.rank.then"))
    return out


# ", just behind Da Nang", "only behind Da Nang", "second only to Da Nang", "second in the country after
# Da Nang": the rank before this one
_BEHIND = regex.compile(
    r"\s*,?\s*(?:(?:just|only|right|narrowly)\s+behind|only\s+to|(?:in\s+the\s+country\s+|nationwide\s+)?after)\s+",
    _I,
)


def _behind(text: str, findings: list[Finding]) -> list[Finding]:
    """The findings, with the province ahead of each "just behind X" rank added."""
    out = []
    for f in findings:
        out.append(f)
        if f.measure != "rank" or f.indicator != "overall" or f.refusal or int(f.value) < 2:
            continue
        m = _BEHIND.search(text, f.span.start, min(f.sentence.end, f.span.end + 80))
        if m is None or OTHER_VALUE.search(text, f.span.start, m.start()):
            continue
        named = places_in(text, m.end(), f.sentence.end, "en").places
        if not named or named[0].start != m.end():
            continue
        if len(named) > 1 and NAME_GAP.fullmatch(text[named[0].end : named[1].start]):
            continue  # "behind A and B": two ranks before, in an order the words do not give
        p = named[0]
        others = places_in(text, f.sentence.start, f.sentence.end, "en").places
        if f.place is None and f.ambiguous_place and [q.name for q in others] == [p.name]:
            # The one province the sentence names is the one ahead: the rank is the subject's.
            out[-1] = replace(f, ambiguous_place=False)
        out.append(_ranked_beside(f, p, int(f.value) - 1, span_of(text, m.start(), p.end), "en.rank.behind"))
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
    for sentence in dti_sentence_list(text, lex):
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
            out.append(overall_rank(text, lex, sentence, p, 1, m.end(), "en.rank.group-leaders"))
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


# "… came first with 0.6419 points; Hue second with 0.5872 points": an item's score after its ordinal
_SCORE_TAIL = regex.compile(
    r"\s+with\s+(?:a\s+score\s+of\s+)?(?:0\.\d{1,4}|1\.0{1,4})(?:\s+points?)?(?![\d.])", _I
)


def _elliptical(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "Quang Tri ranked 40th, Quang Binh 41st and Ha Tinh 42nd": each name and ordinal after a
    rank is that indicator's rank of the name."""
    pair = ordinal_pattern(lex, r"\s*(?:[,;]\s*(?:and\s+)?|\s+and\s+)(?P<name>)(?=\p{Lu})")
    # "Quang Binh 41st", "Kien Giang, 33rd" (a semicolon list: "A ranked 28th; B, 33rd; and C, 41st")
    gap_before_ordinal = regex.compile(r"\s+|\s*,\s+")
    out = []
    for f in findings:
        if f.measure != "rank" or f.place is None or f.refusal or "respectively" in f.rule:
            continue
        # The list starts after the rank's own ordinal (the quote may run on over the list).
        own = lex.ordinal.search(text, f.place.end, f.span.end)
        pos = own.end() if own else f.span.end
        pos = t.end() if (t := _SCORE_TAIL.match(text, pos, f.sentence.end)) else pos
        while True:
            m = pair.match(text, pos, f.sentence.end)
            if m is None:
                break
            p = place_at(text, m.end(), f.sentence.end)
            if p is None:
                break
            g = gap_before_ordinal.match(text, p.end, f.sentence.end)
            o = lex.ordinal.match(text, g.end()) if g else None
            if o is None:
                break
            # Nothing may follow the item's ordinal but the list's next separator or the sentence's
            # end: "…; Quang Nam, 5th in the PCI" ranks something else.
            after = t.end() if (t := _SCORE_TAIL.match(text, o.end(), f.sentence.end)) else o.end()
            if not _ITEM_END.match(text, after, f.sentence.end):
                break
            n = lex.number(o.group("n"))
            if not n:
                break
            out.append(
                replace(
                    f,
                    value=n,
                    span=span_of(text, p.start, o.end()),
                    rule="en.rank.elliptical",
                    place=p,
                    ambiguous_place=False,
                )
            )
            pos = after
    return out


def _both(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "both Lao Cai and Yen Bai ranked 30th": one rank for each (a tie)."""
    both = ordinal_pattern(
        lex,
        r"\bboth\s+(?P<a>)(?=\p{Lu})[^,;.]{2,40}?\s+and\s+(?P<b>)(?=\p{Lu})[^,;.]{2,40}?"
        r"\s+(?:were\s+)?(?:ranked|came|placed|finished|stood)\s+(?:in\s+|at\s+)?(?:the\s+)?(?P<o>ORD)",
    )
    out = list(findings)
    for f in findings:
        if f.measure != "rank" or f.place is not None or not f.ambiguous_place:
            continue
        m = both.search(text, f.sentence.start, f.sentence.end)
        if m is None or lex.number(m.group("o")) != int(f.value):
            continue
        names = places_in(text, m.start("a"), m.start("o"), "en").places
        if len(names) != 2 or names[0].start != m.start("a") or names[1].start != m.start("b"):
            continue
        out.remove(f)
        out += [replace(f, place=p, ambiguous_place=False, rule="en.rank.tie") for p in names]
    return out


def _indicator_respectively(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "Long An ranked second and third in digital economy and digital society respectively":
    the ordinals pair with the indicators in order; the findings made of that stretch give way."""
    shape = ordinal_pattern(
        lex,
        r"(?:ranked|came|placed|finished)\s+(?:in\s+)?(?:the\s+)?ORD(?:\s*,\s*ORD)*\s*,?\s+and\s+ORD"
        r"(?:\s+(?:place|position)s?)?\s+(?:in|for|on)\s+(?:the\s+)?(?P<list>[^.;]{5,200}?)\s*,?\s*respectively",
    )
    out = list(findings)
    for sentence in dti_sentence_list(text, lex):
        m = shape.search(text, sentence.start, sentence.end)
        if m is None:
            continue
        ranks = ordinals(text, lex, m.start(), m.start("list"))
        located: list[tuple[int, str]] = []
        for pattern, key in lex.indicators:
            located += [(x.start(), key) for x in pattern.finditer(text, m.start("list"), m.end("list"))]
        keys = [k for _, k in sorted(located)]
        named = places_in(text, sentence.start, m.start(), "en").places
        if len(ranks) != len(keys) or len({p.name for p in named}) != 1:
            continue
        # What the sentence rules made of the stretch, or across its start, gives way (a wrong overall
        # rank, a refusal).
        out = [
            g
            for g in out
            if g.sentence.start != sentence.start
            or not (m.start() <= g.span.start < m.end() or g.span.start <= m.start() < g.span.end)
        ]
        span = span_of(text, named[-1].start, m.end())
        edition = sentence_edition(text, sentence, lex)
        rule = "en.rank.respectively-indicators"
        out += [
            Finding(k, "rank", n, span, rule, sentence, edition=edition, place=named[-1])
            for n, k in zip(ranks, keys, strict=True)
        ]
    return out


_CLAUSE_CUT = regex.compile(r",\s*(?:while|whereas|but|and|with)\s+", _I)


def _indicators_first(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "Digital Human Resources Index and Cyberinformation Security Index ranked as high as 3 and
    4, respectively", "its digital government, digital economy and digital society scores were 0.61,
    0.45 and 0.52 respectively": the indicators named first pair with the numbers in order; the
    province is the one the sentence names, else the last one named before it in the paragraph."""
    number = r"(?:ORD|\d{1,2}(?!\d|[.,]\d))"
    ranks = ordinal_pattern(
        lex,
        # "…, with its digital government, … pillars at 25th, 35th and 40th respectively": "at" alone
        r"(?P<list>[^.;:]{5,200}?)\s+(?:(?:were\s+|are\s+)?(?:ranked|came|placed|stood)\s+(?:as\s+high\s+as\s+|at\s+)?"
        r"|at\s+)"
        r"(?P<nums>N(?:\s*,\s*N)*\s*,?\s+and\s+N)\s*,?\s*respectively".replace("N", number),
    )
    out = list(findings)
    for sentence in dti_sentence_list(text, lex):
        for shape, measure in ((ranks, "rank"), (_SCORES_FIRST, "score")):
            out = _pair_indicators_first(
                text, lex, sentence, shape.search(text, sentence.start, sentence.end), measure, out
            )
    return out


_SCORES_FIRST = regex.compile(
    r"(?P<list>[^.;:]{5,200}?)\s+(?:were|was|are|is|reached|stood\s+at|scored)\s+(?:at\s+)?"
    r"(?P<nums>S(?:\s*(?:points?)?\s*,\s*S)*\s*(?:points?)?\s*,?\s+and\s+S)\s*(?:points?)?\s*,?\s*respectively".replace(
        "S", r"(?:0\.\d{1,4}|1\.0{1,4})(?![\d.])"
    ),
    _I,
)


def _pair_indicators_first(
    text: str, lex: Lexicon, sentence: Piece, m: regex.Match[str] | None, measure: str, out: list[Finding]
) -> list[Finding]:
    if m is None:
        return out
    # "…, while its digital economy and digital society pillars ranked 7th and 9th, respectively":
    # the list starts after the last clause boundary before the verb.
    cuts = list(_CLAUSE_CUT.finditer(text, m.start("list"), m.end("list")))
    list_start = cuts[-1].end() if cuts else m.start("list")
    # "In the 2022 DTI, Nghe An's digital government, … pillars ranked …": nor does a leading phrase
    # before the comma that precedes the first indicator belong to the list.
    firsts = [
        x.start() for pattern, _ in lex.indicators if (x := pattern.search(text, list_start, m.end("list")))
    ]
    if firsts and (lead := list(regex.finditer(r",\s*", text[list_start : min(firsts)]))):
        list_start += lead[-1].end()
    keys = sorted(
        (x.start(), key)
        for pattern, key in lex.indicators
        for x in pattern.finditer(text, list_start, m.end("list"))
    )
    nums: list[int | Decimal] = (
        [Decimal(x) for x in regex.findall(r"\d\.\d+", m.group("nums"))]
        if measure == "score"
        else [
            lex.number(x.group(0)) or 0
            for x in regex.finditer(r"\d{1,2}(?:st|nd|rd|th)?|[\p{L}-]+", m.group("nums"))
            if x.group(0).lower() not in ("and", "points", "point")
        ]
    )
    if len(keys) < 2 or len(keys) != len(nums) or not all(nums):
        return out
    # Only indicator names and list words before the verb: nothing else is listed.
    rest = text[list_start : m.end("list")]
    for pattern, _ in lex.indicators:
        rest = pattern.sub(" ", rest)
    if not regex.fullmatch(
        r"[\s,]*(?:(?:the|and|index|indices|pillars?|indicators?|scores?|its|their|[\p{L}\s-]+?['’]s|,)\s*)*",
        rest,
        _I,
    ):
        return out
    named = places_in(text, sentence.start, sentence.end, "en").places
    before = places_in(text, max(0, text.rfind("\n\n", 0, sentence.start)), sentence.start, "en").places
    place = named[0] if len({p.name for p in named}) == 1 else None
    antecedent = before[-1].name if not named and before else None
    out = [
        g
        for g in out
        if not (
            g.sentence.start == sentence.start
            and (list_start <= g.span.start < m.end() or m.start("nums") < g.span.end <= m.end())
        )
    ]
    span = span_of(text, m.start("list"), m.end())
    out += [
        Finding(
            k,
            measure,  # type: ignore[arg-type]
            n,
            span,
            f"en.{measure}.respectively-indicators",
            sentence,
            edition=sentence_edition(text, sentence, lex),
            place=place,
            antecedent=antecedent,
        )
        for (_, k), n in zip(keys, nums, strict=True)
    ]
    return out


_SCORE = r"(?:0\.\d{1,4}|1\.0{1,4})(?![\d.])"
# Between the last name of a list and its verb: "A, B and C have both scored …"
_BEFORE_SCORED = regex.compile(r"\s*(?:(?:have|has|had|respectively|both)\s+)*")


def _scores_respectively(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "Bac Ninh and Bac Giang scored 0.61 and 0.59 points, respectively": names and scores pair
    in order when there are as many of each; what the sentence rules made of it gives way."""
    shape = regex.compile(
        r"(?:scored|scoring|achieved|reached|gained|earned|with)\s+(?:scores\s+of\s+)?"
        rf"(?P<xs>{_SCORE}(?:\s*,\s*{_SCORE})*\s*,?\s+and\s+{_SCORE})"
        r"(?:\s+points?)?\s*,?\s*respectively",
        _I,
    )
    out = list(findings)
    for sentence in dti_sentence_list(text, lex):
        m = shape.search(text, sentence.start, sentence.end)
        if m is None:
            continue
        xs = [Decimal(x) for x in regex.findall(_SCORE, m.group("xs"))]
        named = [p for p in places_in(text, sentence.start, m.start(), "en").places]
        # The names must be one list right before the verb: "A, B and C scored …".
        chain = chain_before(text, named, m.start(), _BEFORE_SCORED)
        if len(chain) < 2 or len(chain) != len(xs):
            continue
        out = [
            g
            for g in out
            if not (g.sentence.start == sentence.start and chain[0].start <= g.span.start < m.end())
        ]
        out = [
            g
            for g in out
            if not (g.sentence.start == sentence.start and g.measure == "score" and g.place is None)
        ]
        edition = sentence_edition(text, sentence, lex)
        span = span_of(text, chain[0].start, m.end())
        out += [
            Finding(
                "overall",
                "score",
                x.normalize(),
                span,
                "en.score.respectively",
                sentence,
                edition=edition,
                place=p,
            )
            for p, x in zip(chain, xs, strict=True)
        ]
    return out


def _other_cohort(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "was ranked 8th among the 34 units and 6th among the 63 former provinces": the second
    ordinal is the rank in the other cohort."""
    shape = ordinal_pattern(
        lex,
        r"\s*,?\s+(?:and|while|but)\s+(?:was\s+|ranked\s+|came\s+)?(?P<o>ORD)\s+(?:among|out\s+of|of|in)\s+(?:the\s+)?"
        r"(?:all\s+)?(?P<of>63|34)(?!\d)",
    )
    out = []
    for f in findings:
        if f.measure != "rank" or f.cohort is None or f.place is None or f.refusal:
            continue
        m = shape.match(text, f.span.end, f.sentence.end)
        if m is None or int(m.group("of")) == f.cohort:
            continue
        n = lex.number(m.group("o"))
        if n:
            out.append(
                replace(
                    f,
                    value=n,
                    cohort=int(m.group("of")),
                    cohort_hint=int(m.group("of")),
                    span=span_of(text, f.place.start, m.end()),
                    rule="en.rank.other-cohort",
                )
            )
    return out


def _topic_semicolons(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "in digital government, Lao Cai ranked 9th; in digital economy, 12th; and in digital society,
    20th": each "in <indicator>, <ordinal>" after a ranked indicator is that indicator's rank."""
    item = ordinal_pattern(
        lex,
        r"\s*;\s*(?:and\s+)?(?:in|for)\s+(?:the\s+)?(?P<what>[^,;.]{4,60}?)\s*,\s*(?P<o>ORD)(?=\s*[;.,]|\s*$)",
    )
    out = []
    for f in findings:
        if f.measure != "rank" or f.indicator == "overall" or f.place is None or f.refusal:
            continue
        out += indicator_items(text, lex, f, item, "en.rank.topic-list")
    return out


def pair_lists(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """The findings with every list, tie and "respectively" the rules above read paired."""
    found = _indicator_respectively(text, lex, _both(text, lex, _behind(text, findings)))
    found = _scores_respectively(text, lex, _indicators_first(text, lex, found))
    found += _then_lists(text, found) + _elliptical(text, lex, found)
    found += _other_cohort(text, lex, found) + _topic_semicolons(text, lex, found)
    return found + _group_leaders(text, lex, found)
