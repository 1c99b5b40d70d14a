"""The values one clause states, as :class:`Value`: ranks ("xếp thứ 5/63"), the items of a rank list,
scores, rank changes, a rank in brackets after a name and a leader's rank 1. Whose value each is and
which indicator it is about is the sentence engine's (``rules``) to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import PlaceMention
from dti_kg.loaders.segments import Piece


@dataclass(frozen=True)
class Value:
    measure: str
    value: int | Decimal
    start: int  # absolute offsets of the number
    end: int
    rule: str
    cohort: int | None = None
    compared_to: int | None = None
    # A leader verb whose object is the DTI ranking itself ("topped the DTI rankings … in all three
    # pillars"): rank 1 overall as well as in the indicators the clause lists.
    overall_object: bool = False
    previous: bool = False  # the rank of the edition compared with ("rose four places from fifth")


def ranks(text: str, clause: Piece, lex: Lexicon) -> list[Value]:
    out = []
    for m in lex.rank.finditer(text, clause.start, clause.end):
        n = lex.number(m.group("n"))
        if n is None or lex.rank_reject_after.match(text, m.end(), clause.end):
            continue
        previous = bool(lex.rank_from.search(text, clause.start, m.start()))
        if previous and not lex.previous_rank:
            continue  # "tăng 21 bậc, từ vị trí 45 lên vị trí 24": 45 was the previous edition's
        of = int(m.group("of")) if m.groupdict().get("of") else None
        if of is None:
            c = lex.cohort.search(text, m.end(), clause.end)
            of = int(c.group("of")) if c else None
        if of is not None and of not in (63, 34):
            continue  # "2/8 chỉ số": a count of indices, not a rank among provinces
        rule = f"{lex.rule_prefix}.rank" + (".previous" if previous else "")
        out.append(Value("rank", n, m.start("n"), m.end("n"), rule, cohort=of, previous=previous))
    return out


def list_ranks(text: str, clause: Piece, lex: Lexicon) -> list[Value]:
    out = []
    # "…lần lượt là: Nhận thức số - xếp thứ 36; Thể chế số - 57": a number right after "<index> -";
    # "thứ 22 về CQS, 35 về KTS và 27 về XHS": a number right before "về <index>".
    for begin, end, _ in clause_indicators(clause.text, lex):
        m = _AFTER_INDEX.match(text, clause.start + end, clause.end) or _BEFORE_INDEX.search(
            text, clause.start, clause.start + begin
        )
        if m:
            out.append(
                Value(
                    "rank", int(m.group("n")), m.start("n"), m.end("n"), f"{lex.rule_prefix}.rank.list-item"
                )
            )
    for m in lex.rank_list_item.finditer(text, clause.start, clause.end):
        n = lex.number(m.group("n"))
        if n is None:
            continue
        of = int(m.group("of")) if m.group("of") else None
        out.append(Value("rank", n, m.start("n"), m.end("n"), f"{lex.rule_prefix}.rank.list-item", cohort=of))
    return out


def scores(text: str, clause: Piece, lex: Lexicon) -> list[Value]:
    if lex.score_reject.search(clause.text):
        return []
    out = []
    for m in lex.score.finditer(text, clause.start, clause.end):
        value = lex.score_ok(text, m)
        if value is not None:
            out.append(Value("score", value, m.start("x"), m.end("x"), f"{lex.rule_prefix}.score"))
    return out


def changes(text: str, clause: Piece, lex: Lexicon) -> list[Value]:
    out = []
    for m in lex.change.finditer(text, clause.start, clause.end):
        n = lex.number(m.group("n"))
        if not n:
            continue
        sign = 1 if m.group("up") else -1
        c = lex.compared.search(text, m.end(), clause.end)
        compared = int(c.group("year")) if c and c.group("year") else None
        if c is None and _CUT_COMPARISON.match(text, m.end()):
            continue  # "tăng một bậc so với năm" and the text ends: compared with what is cut off
        out.append(
            Value(
                "rank_change",
                sign * n,
                m.start(),
                m.end(),
                f"{lex.rule_prefix}.rank-change",
                compared_to=compared,
            )
        )
    return out


def values(text: str, clause: Piece, lex: Lexicon) -> list[Value]:
    return ranks(text, clause, lex) + scores(text, clause, lex) + changes(text, clause, lex)


def leaders(text: str, clause: Piece, lex: Lexicon, places: list[PlaceMention]) -> list[Value]:
    """ "Đà Nẵng dẫn đầu với 0,8002 điểm", "HCM City led with 0.8373": rank 1, only when a province
    is the subject right before the verb (not "Bộ Tài chính dẫn đầu", "nhóm dẫn đầu")."""
    out = []
    gap = lex.leader_gap or _ERA_GAP
    for m in lex.leader.finditer(text, clause.start, clause.end):
        subject = [p for p in places if clause.start <= p.start and p.end <= m.start()]
        elided = not subject and bool(_ELIDED_SUBJECT.fullmatch(text, clause.start, m.start()))
        elided = elided and any(p.end <= clause.start for p in places)
        named_subject = bool(subject) and bool(
            gap.fullmatch(text, subject[-1].end, m.start())
            or _LEADER_GAP.fullmatch(text, subject[-1].end, m.start())
        )
        if elided or named_subject:
            c = lex.cohort.search(text, m.end(), clause.end)
            cohort = int(c.group("of")) if c else None
            # The verb's object up to the first indicator: "topped the DTI rankings … in all three pillars".
            named = [s for s, _, _ in clause_indicators(text[m.end() : clause.end], lex)]
            obj = text[m.end() : m.end() + (named[0] if named else clause.end - m.end())]
            overall_object = bool(named) and bool(lex.dti_mark.search(obj) or lex.overall.search(obj))
            out.append(
                Value(
                    "rank",
                    1,
                    m.start(),
                    m.end(),
                    f"{lex.rule_prefix}.rank.leader",
                    cohort=cohort,
                    overall_object=overall_object,
                )
            )
    return out


# A clause that opens with the verb continues the subject of the clause before: ", and leads in …",
# ", và tiếp tục dẫn đầu …".
_ELIDED_SUBJECT = regex.compile(
    r"(?:and|và|also|cũng|(?:has\s+|have\s+)?continued\s+to|tiếp\s+tục)?\s*", regex.IGNORECASE
)
# Between a name and what follows it: spaces and an era mark at most ("Thái Nguyên (mới) xếp …").
_ERA_GAP = regex.compile(r"\s*(?:\((?:mới|cũ|new|former|old)\)\s*)?,?\s*", regex.IGNORECASE)
# "Đà Nẵng tiếp tục là địa phương dẫn đầu", "Hà Nội lần đầu tiên đứng đầu": the name is the subject.
_LEADER_GAP = regex.compile(
    r"\s+(?:(?:tiếp\s+tục|vẫn|cũng|lần\s+đầu\s+tiên|đã|có\s+năm\s+thứ\s+\w+\s+liên\s+tiếp)\s+)*"
    r"(?:là\s+(?:địa\s+phương|tỉnh|thành\s+phố)\s*)?",
    regex.IGNORECASE,
)


def named_ranks(text: str, clause: Piece, lex: Lexicon, places: list[PlaceMention]) -> list[Value]:
    """ "Thừa Thiên Huế (thứ 4)": a rank in brackets right after a province's name."""
    out = []
    for p in places:
        if clause.start <= p.start < clause.end:
            m = lex.rank_after_name.match(text, p.end, clause.end)
            n = lex.number(m.group("n")) if m else None
            if m and n:
                out.append(Value("rank", n, m.start("n"), m.end("n"), f"{lex.rule_prefix}.rank.bracketed"))
    return out


_CUT_COMPARISON = regex.compile(
    r"[\p{L}\s]{0,30}?so\s+với\s+(?:năm|DTI)?\s*$|[\p{L}\s]{0,30}?compared\s+(?:with|to)\s*$"
)
_BEFORE_INDEX = regex.compile(
    r"(?:^|(?<=[\s,]))(?P<n>\d{1,2})(?![\d/.,%])\s+(?:về|ở)\s+(?:chỉ\s+số\s+|trụ\s+cột\s+)?$"
)
_AFTER_INDEX = regex.compile(r"\s*[-–]\s*(?P<n>\d{1,2})(?![\d/.,%])\s*$")
