"""Lists in one sentence: provinces or indicators and the values they share or pair with, in order.

"Đà Nẵng, TP.HCM và Quảng Ninh lần lượt xếp thứ nhất, nhì, ba" (``respectively``), an index list and
its "lần lượt" values (``respectively_indices``), ties ("cùng xếp thứ 17", ``ties``), indicators
coordinated around one value (``coordinated``, ``list_tail``, ``listed_after``), indices and values
alternating (``alternating``), one rank shared by a counted list ("ở cả 3 trụ cột",
``shared_indicators``). Each pairs only when the counts match; the sentence engine (``rules``) calls them.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

import regex

from dti_kg.loaders.clause_values import Value
from dti_kg.loaders.findings import Finding
from dti_kg.loaders.lexicon import Lexicon, clause_indicators, clause_mentions
from dti_kg.loaders.places import PlaceMention
from dti_kg.loaders.segments import Piece
from dti_kg.reference import PILLARS
from dti_kg.text import parse_score


def respectively(
    text: str, sentence: Piece, lex: Lexicon, places: list[PlaceMention]
) -> list[tuple[PlaceMention, int, int, int]]:
    """ "Đà Nẵng, TP.HCM và Quảng Ninh lần lượt xếp thứ nhất, nhì, ba", "Da Nang, Hue and HCM City
    ranked first, second and third respectively": (place, rank, span start, span end) for each
    name, only when the names form one list and there are as many ranks as names."""
    for m in lex.respectively_verb.finditer(text, sentence.start, sentence.end):
        chain = _names_before(text, m.start(), lex, places)
        ranks, end = _listed_ranks(text, m.end(), sentence, lex)
        tail = lex.respectively_tail.match(text, end, sentence.end)
        if len(chain) >= 2 and len(chain) == len(ranks) and tail:
            return [(p, n, chain[0].start, tail.end()) for p, n in zip(chain, ranks, strict=True)]
    return []


# Between an index list and its "lần lượt": words only ("…, xã hội số, thứ hạng của tỉnh so với cả
# nước lần lượt là 22, 9, 13"), never the end of a part of the sentence.
_INDEX_LIST_GAP = regex.compile(r"[^;:.()\n]{0,60}")
_SCORE_LIST_GAP = regex.compile(r"\s*(?:điểm\s*)?(?:,|;|và|and)\s*", regex.IGNORECASE)
_RANK_WORD = regex.compile(r"(?<![\p{L}])(?:thứ\s+hạng|xếp|hạng|vị\s+trí|rank)", regex.IGNORECASE)


def respectively_indices(
    text: str, sentence: Piece, lex: Lexicon
) -> tuple[list[tuple[str, Value]], tuple[int, int] | None]:
    """ "chính quyền số, kinh tế số và xã hội số lần lượt xếp thứ 20, 12 và 15", "Kinh tế số và Xã
    hội số …, đạt giá trị lần lượt là 0,1931 và 0,2021": (indicator, value) for each index of the
    list before the verb, only when there are as many ranks (or scores) as indices. A few words may
    stand between the list and the verb; they must not hold a value of the list's kind, and a rank
    list after them needs a rank word before the verb. Also the span from the first index to the last
    value."""
    for m in lex.respectively_verb.finditer(text, sentence.start, sentence.end):
        named = [
            (sentence.start + a, sentence.start + b, k)
            for a, b, k in clause_indicators(text[sentence.start : m.start()], lex)
        ]
        chain: list[tuple[int, int, str]] = []
        pos = m.start()
        for a, b, k in reversed(named):
            gap = text[b:pos]
            if not (_INDEX_LIST_GAP.fullmatch(gap) if not chain else lex.list_separator.fullmatch(gap)):
                break
            chain.insert(0, (a, b, k))
            pos = a
        if len(chain) < 2:
            continue
        gap = text[chain[-1][1] : m.start()]
        keys = [k for _, _, k in chain]
        values = _listed_scores(text, m.end(), sentence, lex)
        if values and len(values) == len(keys) and not lex.score.search(gap):
            rule = f"{lex.rule_prefix}.score.respectively-index"
            found = [Value("score", x, a, b, rule) for x, a, b in values]
            where = (chain[0][0], values[-1][2])
        else:
            ranks, end = _listed_ranks(text, m.end(), sentence, lex)
            ranked = _RANK_WORD.search(text, sentence.start, m.end())
            if gap.strip() and (regex.search(r"\d", gap) or not ranked):
                continue
            rule = f"{lex.rule_prefix}.rank.respectively-index"
            found = [Value("rank", n, chain[0][0], end, rule) for n in ranks]
            where = (chain[0][0], end)
        if len(set(keys)) == len(keys) == len(found):
            return list(zip(keys, found, strict=True)), where
    return [], None


def _listed_ranks(text: str, at: int, sentence: Piece, lex: Lexicon) -> tuple[list[int], int]:
    """The ranks listed from ``at`` ("thứ 20, 12 và 15", "first, second and third") and where the
    last one ends (``at`` when there is none)."""
    ranks: list[int] = []
    end = at
    while (o := lex.ordinal.match(text, end, sentence.end)) and (n := lex.number(o.group("n"))):
        ranks.append(n)
        end = o.end()
        sep = lex.list_separator.match(text, end, sentence.end)
        if sep is None or not lex.ordinal.match(text, sep.end(), sentence.end):
            break
        end = sep.end()
    return ranks, end


def _listed_scores(text: str, at: int, sentence: Piece, lex: Lexicon) -> list[tuple[Decimal, int, int]]:
    """The scores listed from ``at`` ("0,1931 và 0,2021", "0,6683; 0,6647 và 0,5991 điểm")."""
    out: list[tuple[Decimal, int, int]] = []
    end = at
    while (m := lex.score.match(text, end, sentence.end)) and (x := parse_score(m.group("x"))) is not None:
        out.append((x.normalize(), m.start("x"), m.end("x")))
        end = m.end()
        sep = _SCORE_LIST_GAP.match(text, end, sentence.end)
        if sep is None:
            break
        end = sep.end()
    return out


def respectively_numbers(text: str, sentence: Piece, lex: Lexicon) -> tuple[int, int] | None:
    """Where a list of two or more ranks after "lần lượt"/"respectively" verbs lies."""
    for m in lex.respectively_verb.finditer(text, sentence.start, sentence.end):
        ranks, end = _listed_ranks(text, m.end(), sentence, lex)
        if len(ranks) >= 2:
            return m.start(), end
    return None


def _names_before(text: str, at: int, lex: Lexicon, places: list[PlaceMention]) -> list[PlaceMention]:
    """The list of province names that ends right before ``at`` ("Đà Nẵng, TP.HCM và Quảng Ninh")."""
    chain: list[PlaceMention] = []
    pos = at
    for p in reversed([p for p in places if p.end <= at]):
        gap = _drop_era(text[p.end : pos])
        if not (gap.strip() == "" if not chain else lex.list_separator.fullmatch(gap)):
            break
        chain.insert(0, p)
        pos = p.start
    return chain


def tie_list(
    text: str, sentence: Piece, lex: Lexicon, places: list[PlaceMention]
) -> list[tuple[PlaceMention, int, int, int]]:
    """ "Lang Son and Can Tho both ranked 5th", "… tied for fifth place": one rank for each province
    of the list right before the words of a tie (the shape of ``respectively``'s result)."""
    if lex.tie is None:
        return []
    for m in lex.tie.finditer(text, sentence.start, sentence.end):
        chain = _names_before(text, m.start(), lex, places)
        o = lex.ordinal.match(text, m.end(), sentence.end)
        n = lex.number(o.group("n")) if o else None
        if len(chain) >= 2 and o is not None and n:
            return [(p, n, chain[0].start, o.end()) for p in chain]
    return []


def _drop_era(gap: str) -> str:
    return regex.sub(r"\s*\((?:mới|cũ|new|former|old)\)", "", gap, flags=regex.IGNORECASE)


def listed_after(text: str, clause: Piece, sentence: Piece, values: list[Value], lex: Lexicon) -> list[str]:
    """The indicators a clause without one of its own lists after it, up to the sentence's end
    ("led in four key indicators: A, B, C and D", "topped 5 of the 8 indices, including A, B …")."""
    if lex.coordination is None or len({v.measure for v in values}) != len(values):
        return []
    named = [
        (clause.end + a, clause.end + b, k)
        for a, b, k in clause_indicators(text[clause.end : sentence.end], lex)
    ]
    if not named or not _LIST_INTRO.search(text, clause.end, named[0][0]):
        return []
    spans = sorted({(a, b) for a, b, _ in named})
    bounds = [clause.end, *(x for a, b in spans for x in (a, b)), sentence.end]
    gaps = list(zip(bounds[::2], bounds[1::2], strict=True))
    if not all(lex.coordination.fullmatch(text, a, b) for a, b in gaps):
        return []
    return list(dict.fromkeys(k for _, _, k in named))


_LIST_INTRO = regex.compile(r":|\b(?:including|namely|gồm)\b", regex.IGNORECASE)


def list_tail(text: str, clause: Piece, after: list[Piece], lex: Lexicon) -> list[tuple[int, int, str]]:
    """The indicators of a list that the clause splitter cut off after the clause's last indicator
    ("first position in digital institutions | and digital infrastructure"): the clauses right after
    it that hold nothing but indicator names and list words."""
    own = clause_mentions(text, clause, lex)
    if lex.coordination is None or not own or text[own[-1][1] : clause.end].strip():
        return []
    out: list[tuple[int, int, str]] = []
    pos = own[-1][1]
    for piece in after:
        named = clause_mentions(text, piece, lex)
        if not named or not lex.coordination.fullmatch(text, pos, named[0][0]):
            break
        spans = sorted({(a, b) for a, b, _ in named})
        if not all(lex.coordination.fullmatch(text, b1, a2) for (_, b1), (a2, _) in pairwise(spans)):
            break
        if text[spans[-1][1] : piece.end].strip():
            break
        out.extend(named)
        pos = piece.end
    return out


def coordinated(text: str, mentions: list[tuple[int, int, str]], values: list[Value], lex: Lexicon) -> bool:
    """Whether a clause's indicators form one list that shares its values: nothing but list words
    between them, every value before or every value after the list, one value per measure."""
    if lex.coordination is None or not mentions:
        return False
    ordered = sorted({(a, b) for a, b, _ in mentions})
    if not all(lex.coordination.fullmatch(text, b1, a2) for (_, b1), (a2, _) in pairwise(ordered)):
        return False
    first, last = ordered[0][0], ordered[-1][1]
    measures = [v.measure for v in values]
    if len(measures) != len(set(measures)):
        return False
    return all(v.end <= first for v in values) or all(v.start >= last for v in values)


def alternating(mentions: list[tuple[int, int, str]], values: list[Value]) -> list[tuple[str, Value]]:
    """ "A xếp thứ 31 và B xếp thứ 11": when a clause's indices and values alternate, one value after
    each index, (index, value) for each; else []."""
    named = sorted({(a, b, k) for a, b, k in mentions})
    if len(named) < 2 or len(named) != len(values) or len({k for _, _, k in named}) != len(named):
        return []
    bounds = [a for a, _, _ in named[1:]] + [None]
    for (_, b, _), v, limit in zip(named, values, bounds, strict=True):
        if v.start < b or (limit is not None and v.end > limit):
            return []
    return [(k, v) for (_, _, k), v in zip(named, values, strict=True)]


# One value for several indicators: "đều"/"cùng" (each named one has it), "dẫn đầu … ở/với (cả) 3
# trụ cột", "đứng đầu về 4 chỉ số chính gồm …", "leads all three pillars".
SHARED = regex.compile(
    r"(?<![\p{L}])(?:đều|cùng|đồng(?=\s+(?:xếp|đứng|hạng|ở|giữ))"  # "A và B đồng xếp hạng 58/63"
    # "dẫn đầu ở cả 3 trụ cột", "đứng đầu về 4 chỉ số chính", "đứng đầu 4/8 chỉ số chính"
    r"|(?:(?:ở|với|về|trên|tại|trong)\s+|(?<=(?:dẫn|đứng)\s+đầu\s+))(?:cả\s+)?"
    r"(?P<count>\d|hai|ba|bốn|năm|sáu|bảy|tám)\s*(?:/\s*\d\s*)?"
    r"(?P<kind>trụ\s+cột|chỉ\s+số(?:\s+chính)?)"
    r"|in\s+all\s+(?P<count_en>three|3)\s+(?P<kind_en>pillars))(?![\p{L}])",
    regex.IGNORECASE,
)
_COUNT_WORDS = {"hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "three": 3}


# "Phú Thọ và Yên Bái cùng xếp thứ 17", "A, B và C đồng hạng 30": one rank for every listed name.
_TIE_VERB = regex.compile(
    r"\s*(?:cùng|đồng)\s+(?:xếp|đứng|hạng|ở|giữ)|\s*(?:were\s+)?(?:tied|jointly)", regex.IGNORECASE
)


def ties(
    text: str, sentence: Piece, lex: Lexicon, places: list[PlaceMention], findings: list[Finding]
) -> list[Finding]:
    out: list[Finding] = []
    for f in findings:
        if f.measure != "rank" or f.refusal is not None:
            continue
        for p in places:
            verb = _TIE_VERB.match(text, p.end)
            if verb is None or not f.span.start <= p.start < verb.end() <= f.span.end:
                continue
            chain = [p]
            for q in reversed([q for q in places if q.end <= p.start]):
                if not lex.list_separator.fullmatch(text, q.end, chain[0].start):
                    break
                chain.insert(0, q)
            if len(chain) > 1:
                rule = f"{lex.rule_prefix}.rank.tie"
                out.extend(
                    replace(f, place=q, ambiguous_place=False, rule=rule) for q in chain if q != f.place
                )
            break
    return out


def _each_listed(
    text: str, sentence: Piece, lex: Lexicon, shared: regex.Match[str], findings: list[Finding]
) -> list[Finding]:
    """ "cả 3 trụ cột, gồm: Chính quyền số, kinh tế số và xã hội số đều xếp vị trí thứ 2/63": the
    rank the "đều"/"cùng" clause states is also each index listed before it (back to a ";")."""
    at = sentence.start + shared.start()
    start = max(sentence.start, text.rfind(";", sentence.start, at) + 1)
    # "Nhận thức số của X đứng đầu cả nước, hai chỉ số A và B cùng xếp thứ 9": not back past a value
    start = max([start, *(f.span.end for f in findings if start <= f.span.end <= at)])
    keys = list(dict.fromkeys(k for _, _, k in clause_indicators(text[start:at], lex)))
    out: list[Finding] = []
    for f in findings:
        # the rank after "đều" in the same part of the sentence ("…; “Xã hội số” xếp thứ 4" is not)
        same_part = ";" not in text[at : f.span.end]
        if (
            f.measure == "rank"
            and f.span.start <= at < f.span.end
            and same_part
            and f.refusal is None
            and len(keys) > 1
        ):
            rule = f"{lex.rule_prefix}.rank.shared"
            out.extend(replace(f, indicator=k, rule=rule) for k in keys if k != f.indicator)
    return out


def listing_in(shared: regex.Match[str] | None, sentence: Piece, clause: Piece) -> int | None:
    """Where a counted list ("ở cả 3 trụ cột …") starts, when it starts inside ``clause``."""
    if shared is None or not (shared.group("count") or shared.group("count_en")):
        return None
    at = sentence.start + shared.start()
    return at if clause.start <= at < clause.end else None


def shared_indicators(
    text: str,
    sentence: Piece,
    lex: Lexicon,
    shared: regex.Match[str],
    findings: list[Finding],
    include_self: bool = True,
) -> list[Finding]:
    """The rank a province gets right before "ở 3 trụ cột, gồm A, B và C" is its rank in each of
    them; the listed indicators must be as many as the count says ("3 trụ cột" alone: the pillars)."""
    token = shared.group("count") or shared.group("count_en")
    if token is None:
        return _each_listed(text, sentence, lex, shared, findings)
    count = int(token) if token.isdigit() else _COUNT_WORDS.get(token.lower())
    at = sentence.start + shared.end()
    keys = list(dict.fromkeys(k for _, _, k in clause_indicators(text[at : sentence.end], lex)))
    pillars = (shared.group("kind") or shared.group("kind_en") or "").lower().startswith(("trụ", "pillar"))
    if not keys and pillars and count == 3:
        keys = list(PILLARS)
    if count is None or len(keys) != count:
        return []
    anchor = sentence.start + shared.start()
    out: list[Finding] = []
    for f in findings:
        # "dẫn đầu … ở cả 3 trụ cột A, B và C": the rank read for the first listed index is each one's
        first_listed = f.indicator == keys[0] and f.span.start < anchor < f.span.end
        if (
            f.measure == "rank"
            and (f.indicator == "overall" or first_listed)
            and (f.span.start < anchor or not include_self)
            and f.refusal is None
        ):
            out.extend(
                replace(f, indicator=k, rule=f"{lex.rule_prefix}.rank.shared")
                for k in keys
                if k != f.indicator
            )
    return out
