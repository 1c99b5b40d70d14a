"""Vietnamese rules that read past one value, on the findings ``rules.find_all`` made for a text;
they only add or split findings, and leave alone what they cannot pair exactly.

- Runs of editions (``split_runs``): "Đà Nẵng xếp hạng nhất, tiếp tục giữ vững vị trí 3 năm liên
  tiếp (2020-2022)" is rank 1 in DTI 2020, 2021 and 2022. A run needs both ends stated, in the rank's
  sentence after it, with no other value or year between ("3 năm liên tiếp" alone names no edition;
  "xếp thứ 5, năm 2021 thứ 8 (2020-2022)" is not a run of the first rank). Only a rank whose
  sentence names no edition of its own is split.
- An earlier year's ranks by reference (``earlier_ranks``): "Chính quyền số xếp thứ 24/63, Kinh tế
  số xếp 27/63, Xã hội số xếp 29/63 trong khi năm 2020 thì các thứ tự này là 47, 39, 29" gives the
  2020 ranks of the same indices in the same order — only when the numbers are as many as the ranks
  stated before them in the sentence, all of one province.
- The three pillars as the subject (``pillar_ranks``): "cả ba trụ cột đều xếp thứ 4/63" is rank 4 in
  each pillar (not the overall rank); "ba trụ cột … lần lượt xếp thứ 30, 41 và 38" (or "lần lượt đạt
  0,6683; 0,6647 và 0,5991 điểm") pairs the pillars, named in that order or not named (then in their
  usual order), with the ranks (scores).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import regex

from dti_kg.loaders.findings import Finding, over_run, span_of
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import PlaceMention, find_places
from dti_kg.loaders.segments import Piece, sentences
from dti_kg.loaders.stated_editions import known_year, sentence_edition
from dti_kg.model import Measure
from dti_kg.reference import PILLARS
from dti_kg.text import parse_score

_I = regex.IGNORECASE
# "(2020-2022)", "(2020 – 2022)", "từ năm 2020 đến năm 2022", "giai đoạn 2020-2022", "trong các năm 2020-2022"
_RUN = regex.compile(
    r"\(\s*(?:giai\s+đoạn\s+|năm\s+)?(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)\s*\)"
    r"|từ\s+(?:năm\s+)?(?P<a>20\d\d)\s+(?:đến|tới)\s+(?:năm\s+)?(?P<b>20\d\d)"
    r"|(?:giai\s+đoạn|các\s+năm)\s+(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)",
    _I,
)
# What may not stand between the rank and the run: another value, a year, a clause of its own
_BETWEEN = regex.compile(
    r"20\d\d|\d[.,]\d|\d+\s*/\s*\d+|[;:]|(?<![\p{L}])(?:còn|trong\s+khi|nhưng)(?![\p{L}])", _I
)
_REACH = 120  # characters after the rank's quote


def split_runs(text: str, findings: list[Finding]) -> list[Finding]:
    """Each rank followed by a stated run of editions, once for every edition of the run."""
    out: list[Finding] = []
    for f in findings:
        if f.measure != "rank" or f.edition is not None or f.refusal is not None or f.previous_edition:
            out.append(f)
            continue
        run = _RUN.search(text, f.span.end, min(f.sentence.end, f.span.end + _REACH))
        if run is None or _BETWEEN.search(text, f.span.end, run.start()):
            out.append(f)
            continue
        a, b = int(run.group("a")), int(run.group("b"))
        out.extend(over_run(text, f, a, b, run.end(), known_year) or [f])
    return out


# "trong khi năm 2020 thì các thứ tự này là 47, 39, 29", "còn năm 2021 các vị trí tương ứng lần lượt là …"
_EARLIER = regex.compile(
    r"(?:trong\s+khi|còn|so\s+với)\s+(?:năm\s+|DTI\s+)(?P<year>20\d\d)\s*,?\s*(?:thì\s+)?"
    r"(?:các|những)\s+(?:thứ\s+tự|thứ\s+hạng|vị\s+trí|thứ\s+bậc)\s+(?:này|trên|tương\s+ứng)\s+"
    r"(?:lần\s+lượt\s+)?(?:là|ở)\s+(?P<list>\d{1,2}(?:\s*(?:,|và)\s*\d{1,2})+)(?!\s*[/\d])",
    _I,
)
_NUMBER = regex.compile(r"\d{1,2}")


def earlier_ranks(text: str, findings: list[Finding]) -> list[Finding]:
    """The ranks an earlier edition gave the indices a sentence has just ranked, named by reference."""
    out = list(findings)
    by_sentence: dict[int, list[Finding]] = {}
    for f in findings:
        by_sentence.setdefault(f.sentence.start, []).append(f)
    for group in by_sentence.values():
        sentence = group[0].sentence
        m = _EARLIER.search(text, sentence.start, sentence.end)
        if m is None or not known_year(year := int(m.group("year"))):
            continue
        ranks = sorted(
            (f for f in group if f.measure == "rank" and f.refusal is None and f.span.start < m.start()),
            key=lambda f: f.span.start,
        )
        numbers = list(_NUMBER.finditer(m.group("list")))
        places = {f.place.name if f.place else None for f in ranks}
        if len(ranks) != len(numbers) or len({f.indicator for f in ranks}) != len(ranks) or len(places) != 1:
            continue
        span = span_of(text, m.start(), m.end())
        out.extend(
            replace(f, value=int(n.group(0)), edition=year, span=span, rule="vi.rank.earlier-respectively")
            for f, n in zip(ranks, numbers, strict=True)
        )
    return out


# "cả ba trụ cột đều xếp thứ 4/63", "cả 3 trụ cột cùng đứng thứ 12"
_ALL_PILLARS = regex.compile(
    r"(?:cả|tất\s+cả)\s+(?:3|ba)\s+trụ\s+cột(?:\s+chính)?\s+(?:đều|cùng)\s+"
    r"(?:xếp|đứng|ở|giữ)[\p{L}\s]{0,20}?(?P<n>\d{1,2})(?:\s*/\s*(?:63|34))?(?![\d/])",
    _I,
)
# "ba trụ cột (A, B, C) … lần lượt xếp thứ 30, 41 và 38"
_PILLARS_RESPECTIVELY = regex.compile(
    r"(?:cả\s+)?(?:3|ba)\s+trụ\s+cột(?P<names>[^.;]{0,120}?)\s+lần\s+lượt\s+(?:xếp|đứng|ở|đạt)?\s*"
    r"(?:thứ\s+|hạng\s+|vị\s+trí\s+(?:thứ\s+)?)?"
    r"(?P<list>\d{1,2}(?:\s*/\s*63)?(?:\s*(?:,|và)\s*(?:thứ\s+)?\d{1,2}(?:\s*/\s*63)?){2})(?![\d/])",
    _I,
)
# "ba trụ cột … lần lượt đạt 0,6683; 0,6647 và 0,5991 điểm"
_PILLAR_SCORES_RESPECTIVELY = regex.compile(
    r"(?:cả\s+)?(?:3|ba)\s+trụ\s+cột(?P<names>[^.;]{0,120}?)\s+lần\s+lượt\s+(?:đạt|là|được)?\s*"
    r"(?P<list>[01][.,]\d{1,4}(?:\s*(?:điểm\s*)?(?:,|;|và)\s*[01][.,]\d{1,4}){2})(?![\d.,]*\d)",
    _I,
)
_SCORE_IN_LIST = regex.compile(r"[01][.,]\d{1,4}")
_RANK_IN_LIST = regex.compile(r"(?P<n>\d{1,2})(?:\s*/\s*\d{2})?")  # "30/63": the rank is 30


def pillar_ranks(text: str, findings: list[Finding], lex: Lexicon) -> list[Finding]:
    """Ranks whose subject is the three pillars together."""
    out = list(findings)
    by_sentence: dict[int, list[Finding]] = {}
    for f in findings:
        by_sentence.setdefault(f.sentence.start, []).append(f)
    for sentence in _sentences_of(findings):
        group = by_sentence[sentence.start]
        places = {f.place.name for f in group if f.place is not None}
        if len(places) > 1:
            continue
        for m in _ALL_PILLARS.finditer(text, sentence.start, sentence.end):
            n = int(m.group("n"))
            at = m.start("n")
            mine = [
                f for f in group if f.measure == "rank" and f.value == n and f.span.start <= at < f.span.end
            ]
            if not mine or any(f.indicator != "overall" for f in mine):
                continue
            out = [f for f in out if f not in mine]
            span = span_of(text, m.start(), m.end())
            out.extend(replace(mine[0], indicator=k, span=span, rule="vi.rank.all-pillars") for k in PILLARS)
    for sentence in sentences(text):
        matches = [
            *_PILLARS_RESPECTIVELY.finditer(text, sentence.start, sentence.end),
            *_PILLAR_SCORES_RESPECTIVELY.finditer(text, sentence.start, sentence.end),
        ]
        for m in matches:
            found = _pillars_respectively(text, sentence, m, lex)
            if found:
                out = [
                    f
                    for f in out
                    if not (f.sentence.start == sentence.start and m.start() <= f.span.start < m.end())
                ]
                out.extend(found)
    return out


def _pillars_respectively(text: str, sentence: Piece, m: regex.Match[str], lex: Lexicon) -> list[Finding]:
    keys = list(dict.fromkeys(k for _, _, k in clause_indicators(m.group("names"), lex))) or list(PILLARS)
    scores = m.re is _PILLAR_SCORES_RESPECTIVELY
    numbers: list[int | Decimal | None] = (
        [
            (v.normalize() if (v := parse_score(x.group(0))) else None)
            for x in _SCORE_IN_LIST.finditer(m.group("list"))
        ]
        if scores
        else [int(x.group("n")) for x in _RANK_IN_LIST.finditer(m.group("list"))]
    )
    places = {p.name: p for p in find_places(sentence.text, "vi")}
    if len(numbers) != 3 or None in numbers or sorted(keys) != sorted(PILLARS) or len(places) != 1:
        return []
    if lex.other_index.search(sentence.text) or not lex.dti_mark.search(text, 0, sentence.end):
        return []
    p = next(iter(places.values()))
    place = PlaceMention(sentence.start + p.start, sentence.start + p.end, p.name, p.era)
    span = span_of(text, m.start(), m.end())
    cohort = 63 if "/63" in m.group("list") else None
    edition = sentence_edition(text, sentence, lex)
    measure: Measure = "score" if scores else "rank"
    rule = f"vi.{measure}.pillars-respectively"
    return [
        Finding(k, measure, v, span, rule, sentence, edition, None if scores else cohort, place=place)
        for k, v in zip(keys, numbers, strict=True)
        if v is not None
    ]


def _sentences_of(findings: list[Finding]) -> list[Piece]:
    return list({f.sentence.start: f.sentence for f in findings}.values())


__all__ = ["earlier_ranks", "pillar_ranks", "split_runs"]
