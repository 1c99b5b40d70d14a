"""Ranks read off the order provinces are named in, on what the sentence engine read (``rules.find_all``):
"Vị trí thứ 2 là X" (``position_first``); "đứng thứ 5, sau A, B, C và D": A to D are 1st to 4th
(``ranked_behind``); "X dẫn đầu, tiếp theo là A, B": the ranks after X's (``sequence``).
"""

from __future__ import annotations

from decimal import Decimal

import regex

from dti_kg.loaders.discourse import Context, sentence_cohort
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.segments import Piece
from dti_kg.loaders.stated_editions import sentence_edition
from dti_kg.model import Span
from dti_kg.text import parse_score

# "Ở vị trí thứ 2 là TP.Hồ Chí Minh", "Vị trí thứ 3 trong bảng xếp hạng thuộc về TP.Huế": the
# position comes first and the province after it.
_POSITION_FIRST = regex.compile(
    r"(?:^|(?<=[\s,;:(]))(?:[ỞởTt]ại\s+|[Ởở]\s+)?(?:[Vv]ị\s+trí|[Hh]ạng)\s+(?:thứ\s+)?"
    r"(?P<n>\d{1,2}|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)(?![\d/.,%\p{L}])"
    r"(?:\s+trong\s+bảng\s+xếp\s+hạng(?:\s+DTI)?|\s+(?:cả\s+nước|toàn\s+quốc))?"
    r"\s+(?:là|thuộc\s+về)\s+(?P<name>)(?:tỉnh\s+|thành\s+phố\s+|TP\.?\s*)?(?=\p{Lu})"
)


def position_first(
    text: str, sentence: Piece, lex: Lexicon, found: list[Finding], context: Context
) -> list[Finding]:
    """The overall rank of a province named after its position, in a sentence about no one indicator,
    no other index and no region, ministry or group (whose ranks these could be)."""
    if lex.language != "vi" or (context.continued and not context.overall):
        return []
    if lex.other_index.search(sentence.text) or lex.narrow_scope.search(sentence.text):
        return []
    out = []
    for m in _POSITION_FIRST.finditer(text, sentence.start, sentence.end):
        since = max(text.rfind(".", sentence.start, m.start()), text.rfind(";", sentence.start, m.start()))
        if clause_indicators(text[max(since, sentence.start) : m.end()], lex):
            continue  # "về kinh tế số, ở vị trí thứ 2 là …": that indicator's rank
        n = lex.number(m.group("n"))
        named = places_in(text, m.start("name"), sentence.end, lex.language).places
        if not n or not named or not m.start("name") <= named[0].start <= m.end():
            continue
        place = named[0]
        if any(f.place == place and f.measure == "rank" and f.indicator == "overall" for f in found):
            continue
        hint = sentence_cohort(text, sentence, lex, named) or context.cohort
        out.append(
            Finding(
                "overall",
                "rank",
                n,
                span_of(text, m.start(), place.end),
                f"{lex.rule_prefix}.rank.position-first",
                sentence,
                edition=sentence_edition(text, sentence, lex),
                place=place,
                cohort_hint=hint,
            )
        )
    return out


def _ranked_like(
    anchor: Finding, place: PlaceMention, rank: int, span: Span, rule: str, sentence: Piece
) -> Finding:
    """Another province's rank read off ``anchor``'s: same index, edition and cohort."""
    return Finding(
        anchor.indicator,
        "rank",
        rank,
        span,
        rule,
        sentence,
        edition=anchor.edition,
        cohort=anchor.cohort,
        place=place,
        cohort_hint=anchor.cohort or anchor.cohort_hint,
    )


# "đứng vị trí thứ 5, sau TP. Hồ Chí Minh, Đà Nẵng, Hải Phòng và Hà Nội", "đứng thứ hai sau Hà Nội":
# the names after "sau" are the places ahead, in order, when they are exactly as many.
_BEHIND = regex.compile(
    r"(?<![\p{L}])(?:đứng|xếp)\s+(?:ở\s+)?(?:vị\s+trí\s+|hạng\s+)?thứ\s+"
    r"(?P<n>\d{1,2}|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)(?![\p{L}\d/])\s*,?\s+(?:ngay\s+)?sau\s+",
    regex.IGNORECASE,
)


def ranked_behind(text: str, sentence: Piece, lex: Lexicon, found: list[Finding]) -> list[Finding]:
    """The ranks of the provinces a Vietnamese rank is said to come after, in the order named: only
    when they are one fewer than the rank, and the rank itself was read (its index, edition, cohort)."""
    if lex.language != "vi":
        return []
    out: list[Finding] = []
    for m in _BEHIND.finditer(text, sentence.start, sentence.end):
        token = m.group("n").lower()
        n = int(token) if token.isdigit() else 5 if token == "năm" else lex.number(token)
        anchors = [
            f
            for f in found
            if f.measure == "rank"
            and f.value == n
            and f.refusal is None
            and f.span.start <= m.start("n") < f.span.end
        ]
        if not n or n < 2 or len({f.indicator for f in anchors}) != 1:
            continue
        anchor = anchors[0]
        chain: list[PlaceMention] = []
        pos = m.end()
        for p in places_in(text, m.end(), sentence.end, lex.language).places:
            gap = text[pos : p.start]
            if not (regex.fullmatch(_ITEM_PREFIX, gap) if not chain else _ITEM_GAP.fullmatch(gap)):
                break
            chain.append(p)
            pos = p.end
        if len(chain) != n - 1:
            continue  # "xếp thứ 10, sau Đà Nẵng": not the list of those ahead
        after = {k for _, _, k in clause_indicators(text[chain[-1].end : sentence.end], lex)}
        if after - {anchor.indicator}:
            continue  # "xếp thứ 2, sau Hà Giang về kinh tế số": which ranking is meant is unclear
        rule = f"{lex.rule_prefix}.rank.behind"
        out.extend(
            _ranked_like(anchor, p, rank, span_of(text, m.start(), p.end), rule, sentence)
            for rank, p in enumerate(chain, start=1)
        )
    return out


# "X dẫn đầu, tiếp theo là A, B và C", "thứ 2 là A, tiếp đó là B", "Sau X là A, B, C": the names
# that follow take the ranks after X's, in order.
_SEQUENCE = regex.compile(
    r"(?<![\p{L}])(?:(?:tiếp\s+theo|tiếp\s+đó|theo\s+sau|kế\s+đến|kế\s+tiếp|(?:xếp|đứng)\s+(?:ngay\s+)?sau)"
    r"(?:\s+(?:đó|lần\s+lượt))*\s+(?:là|có|thuộc\s+về)"
    r"|[Ss]au\s+(?P<after>\p{Lu}[\p{L}.\s-]{1,30}?)\s+là|followed\s+by"
    r"|[Ff]ollowing\s+(?P<after>\p{Lu}[\p{L}.\s-]{1,30}?)\s+(?:is|was|were|are|came|comes))(?![\p{L}])\s*:?\s*",
    regex.IGNORECASE,
)
_ITEM_PREFIX = r"(?:(?:tỉnh|thành\s+phố|TP\.?)\s*)?"
_ITEM_GAP = regex.compile(r"\s*,\s*(?:và\s+|and\s+)?" + _ITEM_PREFIX + r"|\s+(?:và|and)\s+" + _ITEM_PREFIX)
_ITEM_SCORE = regex.compile(r"\s*\(\s*(?P<x>[01][.,]\d{2,4})(?:\s*điểm|\s*points?)?\s*\)")


def sequence(
    text: str,
    sentence: Piece,
    lex: Lexicon,
    found: list[Finding],
    known: dict[str, Finding],
    last: Finding | None = None,
) -> list[Finding]:
    m = _SEQUENCE.search(text, sentence.start, sentence.end)
    if m is None:
        return []
    # "Ở trụ cột chính quyền số, Đà Nẵng dẫn đầu, tiếp theo là A và B": a list after an index's rank
    # in its own sentence goes on with that index
    anchors = [
        f
        for f in found
        if f.measure == "rank"
        and (f.indicator == "overall" or f.sentence.start == sentence.start)
        and f.place
        and f.refusal is None
        and f.span.start < m.start()
    ]
    if len({f.indicator for f in anchors if f.sentence.start == sentence.start}) > 1:
        anchors = [f for f in anchors if f.indicator == "overall"]
    if m.group("after"):
        named = [p for p in places_in(text, m.start("after"), m.end("after"), lex.language).places]
        anchor = known.get(named[0].name) if len(named) == 1 else None
        anchor = next(
            (f for f in reversed(anchors) if named and f.place and f.place.name == named[0].name), anchor
        )
    else:
        # "… Đứng thứ hai là TP Huế. Các tỉnh, thành xếp sau đó lần lượt là A và B": with no rank in
        # its own sentence, the list follows the last overall rank of the paragraph.
        anchor = anchors[-1] if anchors else last
    if anchor is None:
        return []
    places = places_in(text, m.end(), sentence.end, lex.language).places
    chain: list[tuple[PlaceMention, Decimal | None, int]] = []
    pos = m.end()
    prefix = regex.compile(_ITEM_PREFIX)
    for p in places:
        gap = text[pos : p.start]
        if not (prefix.fullmatch(gap) if not chain else _ITEM_GAP.fullmatch(gap)):
            break
        bracket = _ITEM_SCORE.match(text, p.end, sentence.end)
        value = parse_score(bracket.group("x")) if bracket else None
        pos = bracket.end() if bracket else p.end
        chain.append((p, value, pos))
    out = []
    for i, (p, score, end) in enumerate(chain, start=1):
        rank = int(anchor.value) + i
        cohort = anchor.cohort or anchor.cohort_hint
        if not 1 < rank <= (cohort or 63):
            break
        span = span_of(text, p.start, end)
        out.append(_ranked_like(anchor, p, rank, span, f"{lex.rule_prefix}.rank.sequence", sentence))
        if score is not None:
            rule = f"{lex.rule_prefix}.score.sequence"
            key, x = anchor.indicator, score.normalize()
            out.append(Finding(key, "score", x, span, rule, sentence, anchor.edition, place=p))
    return out
