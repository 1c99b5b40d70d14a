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
from decimal import Decimal

import regex

from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.rules import Lexicon, dti_sentences, known_year, sentence_edition
from dti_kg.model import Span

_I = regex.IGNORECASE

# "for three consecutive years from 2020 to 2022", "from 2020 to 2022", "(2020-2022)", "in 2020-2022"
_RUN = regex.compile(
    r"(?:for\s+(?:the\s+)?(?:[\p{L}\d]+\s+)?(?:consecutive|straight|successive)\s+years?\s*,?\s*)?"
    r"(?:(?:from|between)\s+(?P<a>20\d\d)\s+(?:to|through|until|and)\s+(?P<b>20\d\d)"
    r"|\(\s*(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)\s*\)"
    r"|(?:in|during)\s+(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d))(?!\d)",
    _I,
)
_ASIDE = regex.compile(r",\s+(?:which|who|where|that|having)\b[^,;.]*,", _I)
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
        if run is not None and any(
            a.start() <= run.start() < a.end()
            for a in _ASIDE.finditer(text, f.sentence.start, f.sentence.end)
        ):
            run = None  # "Đà Nẵng, which topped the index from 2020 to 2023, placed 17th": the aside's run
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
            if (not chain and p.start != pos) or (chain and not _ITEM_GAP.fullmatch(text[pos : p.start])):
                break
            chain.append(p)
            pos = p.end
        for i, p in enumerate(chain, start=1):
            rank = int(f.value) + i
            if rank > (f.cohort or f.cohort_hint or 63):
                break
            out.append(_ranked_beside(f, p, rank, span_of(text, p.start, p.end), "en.rank.then"))
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


def _pattern(lex: Lexicon, template: str) -> regex.Pattern[str]:
    """``template`` with ``ORD`` standing for the lexicon's ordinal (a named group ``n…``)."""
    ordinal = lex.ordinal.pattern.replace("(?P<n>", "(?:").replace("(?![\\p{L}\\d])", "")
    return regex.compile(template.replace("ORD", ordinal), _I)


def _ordinals(text: str, lex: Lexicon, start: int, end: int) -> list[int]:
    return [n for m in lex.ordinal.finditer(text, start, end) if (n := lex.number(m.group("n")))]


def _elliptical(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "Quang Tri ranked 40th, Quang Binh 41st and Ha Tinh 42nd": each name and ordinal after a
    rank is that indicator's rank of the name."""
    pair = _pattern(lex, r"\s*(?:[,;]\s*(?:and\s+)?|\s+and\s+)(?P<name>)(?=\p{Lu})")
    # "Quang Binh 41st", "Kien Giang, 33rd" (a semicolon list: "A ranked 28th; B, 33rd; and C, 41st")
    gap_before_ordinal = regex.compile(r"\s+|\s*,\s+")
    out = []
    for f in findings:
        if f.measure != "rank" or f.place is None or f.refusal or "respectively" in f.rule:
            continue
        # The list starts after the rank's own ordinal (the quote may run on over the list).
        own = lex.ordinal.search(text, f.place.end, f.span.end)
        pos = own.end() if own else f.span.end
        while True:
            m = pair.match(text, pos, f.sentence.end)
            if m is None:
                break
            named = places_in(text, m.end(), f.sentence.end, "en").places
            if not named or named[0].start != m.end():
                break
            g = gap_before_ordinal.match(text, named[0].end, f.sentence.end)
            o = lex.ordinal.match(text, g.end()) if g else None
            if o is None:
                break
            after = text[o.end() : o.end() + 1]
            if after and not regex.match(r"[\s,.;)]", after):
                break
            n = lex.number(o.group("n"))
            if not n:
                break
            p = named[0]
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
            pos = o.end()
    return out


def _both(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "both Lao Cai and Yen Bai ranked 30th": one rank for each (a tie)."""
    both = _pattern(
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
    shape = _pattern(
        lex,
        r"(?:ranked|came|placed|finished)\s+(?:in\s+)?(?:the\s+)?ORD(?:\s*,\s*ORD)*\s*,?\s+and\s+ORD"
        r"(?:\s+(?:place|position)s?)?\s+(?:in|for|on)\s+(?:the\s+)?(?P<list>[^.;]{5,200}?)\s*,?\s*respectively",
    )
    out = list(findings)
    done: set[int] = set()
    for f in findings:
        if f.place is None or f.sentence.start in done:
            continue
        m = shape.search(text, f.sentence.start, f.sentence.end)
        if m is None:
            continue
        done.add(f.sentence.start)
        ranks = _ordinals(text, lex, m.start(), m.start("list"))
        keys = []
        for pattern, key in lex.indicators:
            keys += [(x.start(), key) for x in pattern.finditer(text, m.start("list"), m.end("list"))]
        keys = [k for _, k in sorted(keys)]
        named = places_in(text, f.sentence.start, m.start(), "en").places
        if len(ranks) != len(keys) or len({p.name for p in named}) != 1:
            continue
        out = [g for g in out if not (g.sentence == f.sentence and m.start() <= g.span.start < m.end())]
        out = [g for g in out if not (g.sentence == f.sentence and g.span.start <= m.start() < g.span.end)]
        span = span_of(text, named[-1].start, m.end())
        out += [
            replace(
                f,
                indicator=k,
                measure="rank",
                value=n,
                span=span,
                rule="en.rank.respectively-indicators",
                place=named[-1],
                refusal=None,
                ambiguous_place=False,
            )
            for n, k in zip(ranks, keys, strict=True)
        ]
    return out


_MOVE = (
    r"\b(?:climbed|rose|risen|jumped|moved\s+up|improved|advanced|fell|dropped|slipped|moved\s+down|declined)"
)


def _from_to(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "climbed from 40th to 15th place": 40th is the rank of the edition compared with."""
    move = _pattern(
        lex,
        _MOVE
        + r"\s+from\s+(?:the\s+)?(?P<o>ORD)(?:\s+(?:place|position|spot))?\s+to\s+(?:the\s+)?(?P<p>ORD)",
    )
    move_to = _pattern(
        lex,
        _MOVE
        + r"\s+to\s+(?:the\s+)?(?P<p>ORD)(?:\s+(?:place|position|spot))?\s+from\s+(?:the\s+)?(?P<o>ORD)",
    )
    # "ranked 24th, up from 29th in 2021": right after the rank's own ordinal
    up_from = _pattern(
        lex, r"\s*,?\s*(?:up|down)\s+from\s+(?:the\s+)?(?P<o>ORD)(?:\s+(?:place|position|spot))?"
    )
    out = []
    for f in findings:
        if f.measure != "rank" or f.place is None or f.refusal or f.previous_edition:
            continue
        own = lex.ordinal.search(text, f.place.end, f.span.end)
        u = up_from.match(text, own.end(), f.sentence.end) if own is not None else None
        if u is not None and lex.number(own.group("n")) == int(f.value) and (n := lex.number(u.group("o"))):
            year = regex.match(r"\s+in\s+(20\d\d)(?!\d)", text[u.end() : f.sentence.end])
            out.append(
                replace(
                    f,
                    value=n,
                    span=span_of(text, u.start("o"), u.end()),
                    rule="en.rank.up-from",
                    previous_edition=True,
                    compared_to=int(year.group(1)) if year else None,
                )
            )
            continue
        m = move.search(text, f.span.start, f.sentence.end) or move_to.search(
            text, f.span.start, f.sentence.end
        )
        if m is None or lex.number(m.group("p")) != int(f.value):
            continue
        n = lex.number(m.group("o"))
        if n and not any(g.previous_edition and g.place == f.place for g in findings):
            out.append(
                replace(
                    f,
                    value=n,
                    span=span_of(text, m.start(), m.end("o")),
                    rule="en.rank.from-to",
                    previous_edition=True,
                )
            )
    return out


def _ranked_object(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "The 2022 DTI ranked Quang Ngai 21st": the name is the object, the ordinal its rank."""
    shape = _pattern(lex, r"\branked\s+(?P<name>)(?=\p{Lu})")
    out = []
    for sentence, _ in dti_sentences(text, lex):
        for m in shape.finditer(text, sentence.start, sentence.end):
            named = places_in(text, m.end(), sentence.end, "en").places
            if not named or named[0].start != m.end():
                continue
            p = named[0]
            o = lex.ordinal.match(text, p.end + 1) if text[p.end : p.end + 1] == " " else None
            if o is None or any(f.place == p and f.measure == "rank" for f in findings):
                continue
            n = lex.number(o.group("n"))
            if n:
                out.append(
                    Finding(
                        "overall",
                        "rank",
                        n,
                        span_of(text, m.start(), o.end()),
                        "en.rank.object",
                        sentence,
                        edition=sentence_edition(text, sentence, lex),
                        place=p,
                    )
                )
    return out


def _indicators_first(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "Digital Human Resources Index and Cyberinformation Security Index ranked as high as 3 and
    4, respectively": the indicators named first pair with the numbers in order; the province is
    the one the sentence names, else the last one named before it in the paragraph."""
    number = r"(?:ORD|\d{1,2}(?!\d|[.,]\d))"
    shape = _pattern(
        lex,
        r"(?P<list>[^.;:]{5,200}?)\s+(?:were\s+|are\s+)?(?:ranked|came|placed|stood)\s+(?:as\s+high\s+as\s+|at\s+)?"
        r"(?P<nums>N(?:\s*,\s*N)*\s*,?\s+and\s+N)\s*,?\s*respectively".replace("N", number),
    )
    out = list(findings)
    for sentence, _ in dti_sentences(text, lex):
        m = shape.search(text, sentence.start, sentence.end)
        if m is None:
            continue
        keys = sorted(
            (x.start(), key)
            for pattern, key in lex.indicators
            for x in pattern.finditer(text, m.start("list"), m.end("list"))
        )
        nums = [
            lex.number(x.group(0)) or 0
            for x in regex.finditer(r"\d{1,2}(?:st|nd|rd|th)?|[\p{L}-]+", m.group("nums"))
            if x.group(0).lower() != "and"
        ]
        if len(keys) < 2 or len(keys) != len(nums) or not all(nums):
            continue
        # Only indicator names and list words before the verb: nothing else is listed.
        rest = text[m.start("list") : m.end("list")]
        for pattern, _ in lex.indicators:
            rest = pattern.sub(" ", rest)
        if not regex.fullmatch(r"[\s,]*(?:(?:the|and|index|indices|pillars?|indicators?|,)\s*)*", rest, _I):
            continue
        named = places_in(text, sentence.start, sentence.end, "en").places
        before = places_in(text, max(0, text.rfind("\n\n", 0, sentence.start)), sentence.start, "en").places
        place = named[0] if len({p.name for p in named}) == 1 else None
        antecedent = before[-1].name if not named and before else None
        out = [
            g for g in out if not (g.sentence.start == sentence.start and m.start() <= g.span.start < m.end())
        ]
        span = span_of(text, m.start("list"), m.end())
        out += [
            Finding(
                k,
                "rank",
                n,
                span,
                "en.rank.respectively-indicators",
                sentence,
                edition=sentence_edition(text, sentence, lex),
                place=place,
                antecedent=antecedent,
            )
            for (_, k), n in zip(keys, nums, strict=True)
        ]
    return out


# "ranked 6th nationwide in e-commerce transactions": what follows "in" names what the rank is of;
# when it names nothing of the DTI (no indicator, no DTI word, no cohort or edition), it is another
# ranking's.
_RANKED_IN = regex.compile(
    r"\s*(?:place|position|spot)?\s*(?:nationwide\s+|overall\s+|in\s+the\s+country\s+)?(?:in|for|on)\s+"
    r"(?:terms\s+of\s+)?(?P<what>[^,.;:()]{3,80})",
    _I,
)
_DTI_WORDS = regex.compile(
    r"digital|DTI|transformation|index|indices|indicators?|pillars?|rank|list|table|country|nation|province"
    r"|localit|cit(?:y|ies)|units?|63|34|20\d\d|group|cohort|categor|terms|overall|total|general"
    r"|Vietnam|Viet\s+Nam|whole|entire|nationwide",
    _I,
)


def _ranked_in_something_else(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        if f.measure == "rank" and f.indicator == "overall" and f.refusal is None and f.rule == "en.rank":
            ordinals = list(_ORDINAL_WORD.finditer(text, f.span.start, f.span.end))
            at = ordinals[-1].end() if ordinals else None
            m = _RANKED_IN.match(text, at, f.sentence.end) if at is not None else None
            if (
                m is not None
                and not _DTI_WORDS.search(m.group("what"))
                and not any(p.search(m.group("what")) for p, _ in lex.indicators)
            ):
                f = replace(f, refusal=f"the rank is of {m.group('what').strip()!r}, not of the DTI")
        out.append(f)
    return out


_SCORE = r"(?:0\.\d{1,4}|1\.0{1,4})(?![\d.])"


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
    for sentence, _ in dti_sentences(text, lex):
        m = shape.search(text, sentence.start, sentence.end)
        if m is None:
            continue
        xs = [Decimal(x) for x in regex.findall(_SCORE, m.group("xs"))]
        named = [p for p in places_in(text, sentence.start, m.start(), "en").places]
        # The names must be one list right before the verb: "A, B and C scored …".
        chain: list[PlaceMention] = []
        pos = m.start()
        for p in reversed(named):
            gap = text[p.end : pos]
            if chain and not _ITEM_GAP.fullmatch(gap):
                break
            if not chain and not regex.fullmatch(r"\s*(?:(?:have|has|had|respectively|both)\s+)*", gap):
                break
            chain.insert(0, p)
            pos = p.start
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
    shape = _pattern(
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
    item = _pattern(
        lex,
        r"\s*;\s*(?:and\s+)?(?:in|for)\s+(?:the\s+)?(?P<what>[^,;.]{4,60}?)\s*,\s*(?P<o>ORD)(?=\s*[;.,]|\s*$)",
    )
    out = []
    for f in findings:
        if f.measure != "rank" or f.indicator == "overall" or f.place is None or f.refusal:
            continue
        pos = f.span.end
        while (m := item.match(text, pos, f.sentence.end)) is not None:
            keys = {k for pattern, k in lex.indicators if pattern.fullmatch(m.group("what").strip())}
            n = lex.number(m.group("o"))
            if len(keys) != 1 or not n:
                break
            out.append(
                replace(
                    f,
                    indicator=keys.pop(),
                    value=n,
                    span=span_of(text, m.start("what"), m.end()),
                    rule="en.rank.topic-list",
                )
            )
            pos = m.end()
    return out


_IDIOM = regex.compile(
    r"(?P<name>)(?=\p{Lu})[^,;.]{2,40}?\s+(?:"
    # "HCMC was runner-up", "came in as the runner-up": second
    r"(?:was|is|came\s+in\s+as|finished|emerged\s+as)\s+(?:the\s+)?(?P<second>runner-?up)"
    # "Lang Son rounded out the top five": the last of the top N
    r"|rounded\s+out\s+the\s+top\s+(?P<n>three|five|ten|\d{1,2}))\b",
    _I,
)
_TOP = {"three": 3, "five": 5, "ten": 10}


def _idioms(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "X was runner-up" (rank 2), "X rounded out the top five" (rank 5), with X a province named
    right before the verb, in a DTI sentence."""
    out = []
    for sentence, _ in dti_sentences(text, lex):
        if lex.other_index.search(sentence.text):
            continue
        for m in _IDIOM.finditer(text, sentence.start, sentence.end):
            named = places_in(text, m.start("name"), m.end(), "en").places
            if not named or named[0].start != m.start("name"):
                continue
            p = named[0]
            gap = text[p.end : (m.start("second") if m.group("second") else m.start("n"))]
            if not regex.fullmatch(
                r"\s*(?:city|province)?\s*(?:has\s+|had\s+)?(?:again\s+|also\s+)?"
                r"(?:was|is|came\s+in\s+as|finished|emerged\s+as|rounded\s+out)\s+(?:the\s+)?(?:top\s+)?",
                gap,
                _I,
            ):
                continue
            n = 2 if m.group("second") else (_TOP.get(m.group("n").lower()) or int(m.group("n")))
            if any(f.place == p and f.measure == "rank" and f.indicator == "overall" for f in findings):
                continue
            out.append(
                Finding(
                    "overall",
                    "rank",
                    n,
                    span_of(text, p.start, m.end()),
                    "en.rank.idiom",
                    sentence,
                    edition=sentence_edition(text, sentence, lex),
                    place=p,
                )
            )
    return out


def read_on(text: str, findings: list[Finding], lex: Lexicon) -> list[Finding]:
    """The findings with runs of years split into editions, relative years resolved, lists
    ("then", verbless, "respectively", ties) paired, names after "just behind" ranked, group leaders
    and idioms read, and values of another ranking or in a clause the excerpt cuts off refused."""
    found = _next_year(text, _runs(text, findings))
    found = _indicator_respectively(text, lex, _both(text, lex, _behind(text, found)))
    found = _scores_respectively(text, lex, _indicators_first(text, lex, found))
    found += _then_lists(text, found) + _elliptical(text, lex, found) + _from_to(text, lex, found)
    found += (
        _ranked_object(text, lex, found)
        + _other_cohort(text, lex, found)
        + _topic_semicolons(text, lex, found)
    )
    found += _group_leaders(text, lex, found) + _idioms(text, lex, found)
    return _cut_off(text, _ranked_in_something_else(text, lex, found))
