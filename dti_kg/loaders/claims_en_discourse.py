"""English rules that read past one value: editions across a sentence or two, earlier ranks, idioms,
and refusals.

They work on the findings ``rules.find_all`` has made for a text (the mention sequence of a sentence:
places, ordinals, years, cue words) and only add, split or refuse findings; lists and coordination are
``claims_en_lists``:

- "has ranked first … for three consecutive years from 2020 to 2022": one rank for each edition of
  the stated run (a run needs both ends; "for three years" alone names no edition) (``_runs``);
- "In … 2020, …. The following year, the province … ranking second": the year after the one the
  sentence before names (``_next_year``);
- "climbed from 40th to 15th", "up from 29th in 2021": the earlier rank (``_from_to``);
- "The 2022 DTI ranked Quang Ngai 21st" (``_ranked_object``); "was runner-up", "rounded out the top
  five" (``_idioms``);
- "ranked 6th nationwide in exports": another ranking's, refused (``_ranked_in_something_else``);
- "Dong Nai ranked 14th nationwide in the digital econo" at the very end of an excerpt: what the
  rank is of was cut off, so it is refused rather than read as the overall rank (``_cut_off``).
"""

from __future__ import annotations

from dataclasses import replace

import regex

from dti_kg.loaders.claims_en_lists import pair_lists
from dti_kg.loaders.claims_en_mentions import (
    ORDINAL_WORD,
    OTHER_VALUE,
    dti_sentence_list,
    ordinal_pattern,
    overall_rank,
    place_at,
)
from dti_kg.loaders.claims_en_sequences import line_start, read_sequences
from dti_kg.loaders.findings import Finding, over_run, span_of
from dti_kg.loaders.guards import YEAR_BEFORE
from dti_kg.loaders.lexicon import Lexicon
from dti_kg.loaders.places import PlaceMention
from dti_kg.loaders.segments import Piece
from dti_kg.loaders.stated_editions import known_year, sentence_edition, sentence_years
from dti_kg.reference import editions

_I = regex.IGNORECASE

# "for three consecutive years from 2020 to 2022", "from 2020 to 2022", "(2020-2022)", "in 2020-2022"
_RUN = regex.compile(
    r"(?:for\s+(?:the\s+)?(?:[\p{L}\d]+\s+)?(?:consecutive|straight|successive)\s+years?\s*,?\s*)?"
    r"(?:(?:from|between)\s+(?P<a>20\d\d)\s+(?:to|through|until|and)\s+(?P<b>20\d\d)"
    r"|\(\s*(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)\s*\)"
    r"|(?:in|during)\s+(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d))(?!\d)",
    _I,
)


# ", which topped the index from 2020 to 2023,": a run inside it is the aside's.
_ASIDE = regex.compile(r",\s+(?:which|who|where|that|having)\b[^,;.]*,", _I)
# The excerpt ends inside the clause: no closing punctuation after the value, and what follows the
# rank's ordinal is the start of the phrase saying what it is of ("in the digital econo").
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
        if run is not None and OTHER_VALUE.search(text, f.span.start, run.start()):
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
        out.extend(over_run(text, f, a, b, run.end(), known_year) or [f])
    return out


def _cut_off(text: str, findings: list[Finding]) -> list[Finding]:
    end = len(text.rstrip())
    out = []
    for f in findings:
        # What follows the rank's ordinal (the quote may run to the cut already).
        ordinals = list(ORDINAL_WORD.finditer(text, f.span.start, end))
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


# Any other time in the sentence ("this year", "in 2023", "now") makes "last year" one of two times.
_OTHER_TIME = regex.compile(
    r"(?<!\d)20\d\d(?!\d)|\b(?:this|current|following|next)\s+year\b|\b(?:now|currently|so\s+far|at\s+present"
    r"|previously|earlier|before|since|respectively)\b",
    _I,
)


_LAST_YEAR = regex.compile(r"last\s+year|(?:the\s+)?previous\s+year|(?:the\s+)?prior\s+year", _I)


def _last_year(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "Last year, it ranked 12th": the year before publication (``extract`` checks that edition had
    been announced by then), when "last year" is the one time the sentence names, before the value."""
    out = []
    for f in findings:
        if f.refusal != YEAR_BEFORE:  # only a value refused for its relative year is worth the search
            out.append(f)
            continue
        s = f.sentence
        times = list(lex.guards.relative_year.finditer(text, s.start, s.end))
        if (
            len(times) == 1
            and times[0].end() <= f.span.start
            and _LAST_YEAR.fullmatch(times[0].group(0))
            and not _OTHER_TIME.search(text, s.start, s.end)
        ):
            f = replace(f, refusal=None, years_before_publication=1, rule=f"{f.rule}.last-year")
        out.append(f)
    return out


# "the DTI rankings announced in 2023": a year of announcement, not the year assessed
_ANNOUNCED_IN = regex.compile(
    r"\b(?:announced|published|released|unveiled)\s+(?:(?:on|in)\s+(?:\p{L}+\s+)?(?:\d{1,2}\s*,?\s*)?)?(?P<y>20\d\d)(?!\d)",
    _I,
)


def _announced_in(text: str, findings: list[Finding]) -> list[Finding]:
    """A value whose edition is the year its ranking was announced in, when that is the one year the
    sentence names: the edition announced that year (DTI 2022 was announced in 2023)."""
    out = []
    for f in findings:
        m = _ANNOUNCED_IN.search(text, f.sentence.start, f.sentence.end)
        if m is not None and f.edition == int(m.group("y")) and len(_YEAR.findall(f.sentence.text)) == 1:
            announced = [e.year for e in editions().values() if e.announced_by.year == f.edition]
            edition = announced[0] if len(announced) == 1 else None
            f = replace(f, edition=edition, refusal=f.refusal or _no_edition(edition, f.edition))
        out.append(f)
    return out


def _no_edition(edition: int | None, year: int) -> str | None:
    return None if edition is not None else f"ranking announced in {year}: no edition announced that year"


_PASSAGE_LINES = 3  # the sentence's own line and the two before it


def _passage_year(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """A value in a sentence without a year or another time: the last edition year named before it in
    its line or the two lines before (``extract`` uses it only when nothing else gives the edition)."""
    out = []
    for f in findings:
        s = f.sentence
        if f.edition is None and f.refusal is None and not _OTHER_TIME.search(text, s.start, s.end):
            start = s.start
            for _ in range(_PASSAGE_LINES):
                start = line_start(text, max(0, start - 1))
            years = sentence_years(text, Piece(start, s.start, text[start : s.start]), lex)
            if years:
                f = replace(f, passage_year=years[-1][1])
        out.append(f)
    return out


_MOVE = (
    r"\b(?:climbed|rose|risen|jumped|moved\s+up|improved|advanced|fell|dropped|slipped|moved\s+down|declined)"
)


def _from_to(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "climbed from 40th to 15th place": 40th is the rank of the edition compared with."""
    move = ordinal_pattern(
        lex,
        _MOVE
        + r"\s+from\s+(?:the\s+)?(?P<o>ORD)(?:\s+(?:place|position|spot))?\s+to\s+(?:the\s+)?(?P<p>ORD)",
    )
    move_to = ordinal_pattern(
        lex,
        _MOVE
        + r"\s+to\s+(?:the\s+)?(?P<p>ORD)(?:\s+(?:place|position|spot))?\s+from\s+(?:the\s+)?(?P<o>ORD)",
    )
    # "ranked 24th, up from 29th in 2021": right after the rank's own ordinal
    # … or "compared to 2022's 8th place" (the year first)
    up_from = ordinal_pattern(
        lex,
        r"\s*,?\s*(?:(?:up|down)\s+from\s+(?:the\s+)?(?P<o>ORD)"
        r"|(?:compared\s+(?:to|with)|(?:up|down)\s+from|from|than)\s+(?:the\s+)?(?P<y>20\d\d)['’]s\s+(?P<o>ORD))"
        r"(?:\s+(?:place|position|spot))?",
    )
    out = []
    for f in findings:
        if f.measure != "rank" or f.place is None or f.refusal or f.previous_edition:
            continue
        own = lex.ordinal.search(text, f.place.end, f.span.end)
        u = up_from.match(text, own.end(), f.sentence.end) if own is not None else None
        same_rank = own is not None and lex.number(own.group("n")) == int(f.value)
        if u is not None and same_rank and (n := lex.number(u.group("o"))):
            year = (
                u
                if u.group("y")
                else regex.match(r"\s+in\s+(?P<y>20\d\d)(?!\d)", text[u.end() : f.sentence.end])
            )
            out.append(
                replace(
                    f,
                    value=n,
                    span=span_of(text, u.start("o"), u.end()),
                    rule="en.rank.up-from",
                    previous_edition=True,
                    compared_to=int(year.group("y")) if year else None,
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
    """ "The 2022 DTI ranked (placed) Quang Ngai 21st": the name is the object, the ordinal its rank."""
    shape = ordinal_pattern(lex, r"\b(?:ranked|placed)\s+(?P<name>)(?=\p{Lu})")
    out = []
    for sentence in dti_sentence_list(text, lex):
        for m in shape.finditer(text, sentence.start, sentence.end):
            p = place_at(text, m.end(), sentence.end)
            if p is None:
                continue
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


# "ranked 6th nationwide in e-commerce transactions": what follows "in" names what the rank is of;
# when it names nothing of the DTI (no indicator, no DTI word, no cohort or edition), it is another
# ranking's.
_RANKED_IN = regex.compile(
    r"\s*(?:place|position|spot)?\s*(?:nationwide\s+|nationally\s+|overall\s+|in\s+the\s+country\s+)?(?:in|for|on)\s+"
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
            ordinals = list(ORDINAL_WORD.finditer(text, f.span.start, f.span.end))
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


_IDIOM = regex.compile(
    r"(?P<name>)(?=\p{Lu})[^,;.]{2,40}?\s+(?:"
    # "HCMC was runner-up", "came in as the runner-up": second
    r"(?:was|is|came\s+in\s+as|finished|emerged\s+as)\s+(?:the\s+)?(?P<second>runner-?up)"
    # "Lang Son rounded out the top five": the last of the top N
    r"|rounded\s+out\s+the\s+top\s+(?P<n>three|five|ten|\d{1,2})"
    # "Bac Kan ranked last (among the 63 provinces)": the last of the cohort
    r"|(?:ranked|came(?:\s+in)?|finished|placed|was)\s+(?:in\s+)?(?:the\s+)?(?P<last>last)"
    r"(?:\s+(?:place|position|spot))?(?!\s+(?:year|edition|time|three|five|ten|\d|in\s|for\s|on\s)))\b",
    _I,
)
# Between the name and an idiom's verb: "HCMC city has again …"
_SUBJECT_GAP = r"\s*(?:city|province)?\s*(?:has\s+|had\s+)?(?:again\s+|also\s+)?"
_IDIOM_GAP = regex.compile(
    _SUBJECT_GAP + r"(?:was|is|came\s+in\s+as|finished|emerged\s+as|rounded\s+out)\s+(?:the\s+)?(?:top\s+)?",
    _I,
)
_LAST_GAP = regex.compile(
    _SUBJECT_GAP + r"(?:ranked|came(?:\s+in)?|finished|placed|was)\s+(?:in\s+)?(?:the\s+)?",
    _I,
)


_TOP = {"three": 3, "five": 5, "ten": 10}


def _idioms(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """ "X was runner-up" (rank 2), "X rounded out the top five" (rank 5), with X a province named
    right before the verb, in a DTI sentence."""
    out = []
    for sentence in dti_sentence_list(text, lex):
        if lex.other_index.search(sentence.text):
            continue
        for m in _IDIOM.finditer(text, sentence.start, sentence.end):
            p = place_at(text, m.start("name"), m.end())
            if p is None:
                continue
            if m.group("last"):
                last = _cohort_size(text, lex, sentence)
                if last and _LAST_GAP.fullmatch(text, p.end, m.start("last")) and not _has_rank(findings, p):
                    f = overall_rank(text, lex, sentence, p, last, m.end(), "en.rank.last")
                    out.append(replace(f, cohort=last))
                continue
            gap = text[p.end : (m.start("second") if m.group("second") else m.start("n"))]
            if not _IDIOM_GAP.fullmatch(gap):
                continue
            n = 2 if m.group("second") else (_TOP.get(m.group("n").lower()) or int(m.group("n")))
            if _has_rank(findings, p):
                continue
            out.append(overall_rank(text, lex, sentence, p, n, m.end(), "en.rank.idiom"))
    return out


def _has_rank(findings: list[Finding], p: PlaceMention) -> bool:
    return any(f.place == p and f.measure == "rank" and f.indicator == "overall" for f in findings)


def _cohort_size(text: str, lex: Lexicon, sentence: Piece) -> int | None:
    """How many units a "last" place is: the cohort the sentence states, else 63 for the editions that
    ranked only the 63 provinces; None in a sentence about a region or a district."""
    if lex.narrow_scope.search(sentence.text):
        return None
    c = lex.cohort.search(text, sentence.start, sentence.end)
    if c is not None:
        return int(c.group("of"))
    edition = sentence_edition(text, sentence, lex)
    return 63 if edition is not None and edition <= 2023 else None


def read_on(text: str, findings: list[Finding], lex: Lexicon) -> list[Finding]:
    """The findings with runs of years split into editions, relative years resolved, lists paired
    (``claims_en_lists``), earlier ranks and idioms read, and values of another ranking or in a clause
    the excerpt cuts off refused."""
    found = _announced_in(text, _last_year(text, lex, _next_year(text, _runs(text, findings))))
    found = pair_lists(text, lex, _passage_year(text, lex, found))
    found += _from_to(text, lex, found) + _ranked_object(text, lex, found) + _idioms(text, lex, found)
    return _cut_off(text, _ranked_in_something_else(text, lex, read_sequences(text, lex, found)))
