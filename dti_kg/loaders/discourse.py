"""What the sentences of a text say about each other: which sentences are about the DTI and what each
carries over from the one before (:class:`Context`: cohort, subject, antecedent), the cohorts a text
frames by the merger, and the anaphora ("Đây", "tỉnh này") that point back to a province.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import regex

from dti_kg.gazetteer import POST_MERGER, gazetteer
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.segments import Piece, sentences


@dataclass(frozen=True)
class Context:
    """What a sentence carries over from the sentence before it.

    A sentence that names neither the DTI nor an indicator still reports DTI values when it
    directly follows a DTI sentence ("… công bố DTI 2022." then "Đà Nẵng dẫn đầu với 0,8002
    điểm."): it is a ``continued`` sentence, about the overall index when the sentence it follows
    was (``overall``).
    """

    continued: bool = False
    overall: bool = False
    cohort: int | None = None  # the one cohort the sentence before spoke of ("among the 34 …")
    subject: str | None = None  # the one province the sentence before named ("Đây" may mean it)
    # The sentence before named no province and spoke of the nation or an average ("the DTI averaged
    # 0.6961. All three pillars improved, with digital government scoring 0.7582"): an unnamed subject
    # here is that, not the title's province.
    about: str | None = None
    # The one province the last sentence that named provinces named, across paragraphs ("HCM City
    # ranked second. … The city earned …"): whom "the city"/"the province" means when nothing else does.
    antecedent: str | None = None


def dti_sentences(text: str, lex: Lexicon) -> Iterator[tuple[Piece, Context]]:
    """DTI sentences and the sentences that continue them, each with its context. Within a
    paragraph, a sentence also inherits the cohort the sentence before spoke of ("Trong số 34 tỉnh
    …, Hà Nội dẫn đầu. Đứng thứ hai là TP Huế …") and the one province it named ("Đây"); the
    cohort the text last framed by the merger ("sau sáp nhập") also carries into later paragraphs."""
    previous: Context | None = None  # the context a next sentence would continue, if any
    carried = Context()  # what the previous sentence of the same paragraph passes on
    framed: int | None = None  # the cohort the text last framed by the merger ("sau sáp nhập")
    end = 0
    about: str | None = None  # what the last DTI sentence spoke of, when it named no province
    antecedent: str | None = None
    for sentence in sentences(text):
        if "\n" in text[end : sentence.start]:
            # A number ("8th out of 63") stays in its paragraph; a merger frame goes on. So does not
            # what an unnamed sentence was about ("… của các doanh nghiệp" ends a quote; the next
            # paragraph's "Chỉ số Chính quyền số xếp hạng 39/63" is the article's province again).
            carried = Context(cohort=framed)
            about = None
        end = sentence.end
        merger = _merger_cohorts(sentence.text)
        framed = next(iter(merger)) if len(merger) == 1 else framed
        names = {p.name for p in places_in(text, sentence.start, sentence.end, lex.language).places}
        subject = next(iter(names)) if len(names) == 1 else None
        cohort = sentence_cohort(text, sentence, lex, [])
        if lex.dti_mark.search(sentence.text) or clause_indicators(sentence.text, lex):
            # A sentence naming only indicators right after a DTI sentence goes on about the DTI:
            # "… (DTI 2021). Vinh Phuc scored 0.4880 points, driven by three pillars of …".
            overall = previous is not None and previous.overall and not lex.dti_mark.search(sentence.text)
            yield (
                sentence,
                Context(
                    cohort=carried.cohort,
                    subject=carried.subject,
                    about=about,
                    antecedent=antecedent,
                    overall=overall,
                ),
            )
            # A bare rank after a DTI sentence is the overall index, unless that sentence made one
            # indicator the topic ("In the digital economy pillar, …. Lang Son came 5th.").
            keys = {k for _, _, k in clause_indicators(sentence.text, lex)}
            about = None if names else _unnamed_subject(text, sentence, lex)
            previous = Context(continued=True, overall=len(keys) != 1, cohort=cohort, about=about)
        elif previous is not None and _may_continue(sentence, lex):
            yield sentence, replace(previous, subject=carried.subject, antecedent=antecedent)
            # "…among the 34 provinces. Huế came second. Under the ranking of the 63 former …"
            previous = replace(previous, cohort=cohort or previous.cohort)
        else:
            previous = None
            about = None
        if names:
            antecedent = subject
        subject = subject or (None if names else carried.subject)
        carried = Context(cohort=cohort or carried.cohort, subject=subject)


def _unnamed_subject(text: str, sentence: Piece, lex: Lexicon) -> str | None:
    """The nation or an average a sentence that names no province speaks of."""
    m = lex.guards.other_subject.search(text, sentence.start, sentence.end)
    return None if m is None else m.group(0)


def _may_continue(sentence: Piece, lex: Lexicon) -> bool:
    """A sentence without a DTI mark continues the DTI sentence before it unless it is about
    another index or ranks something else ("xếp thứ 8 về quy mô dân số")."""
    return not (lex.other_index.search(sentence.text) or lex.other_topic.search(sentence.text))


def era_cohort(place: PlaceMention | None) -> int | None:
    return None if place is None or place.era is None else int(place.era)


def document_cohorts(text: str, lex: Lexicon) -> set[int]:
    """The cohorts the text names by the merger ("sau sáp nhập", "trước khi sáp nhập") or by a unit's
    era ("Thái Nguyên (mới)", "former Da Nang"). A number ("8th out of 63") is not enough: it states
    the cohort of its own sentence only."""
    found: set[int] = set()
    for sentence in sentences(text):
        found |= _merger_cohorts(sentence.text)
        found |= {
            int(p.era) for p in places_in(text, sentence.start, sentence.end, lex.language).places if p.era
        }
    return found


def _merger_cohorts(sentence: str) -> set[int]:
    """ "sau sáp nhập": 34; "trước khi sáp nhập": 63 — but the sentence that says how the merged
    units were scored ("…trung bình cộng các chỉ số của DTI các tỉnh trước sáp nhập") is about the 34."""
    cues = {34 if m.group("after") else 63 for m in _MERGER_CUE.finditer(sentence)}
    if cues and (34 in cues or _MERGED_SCORING.search(sentence)):
        return {34}
    return cues


_MERGED_SCORING = regex.compile(r"trung\s+bình\s+cộng|average\s+of", regex.IGNORECASE)


def sentence_cohort(text: str, sentence: Piece, lex: Lexicon, places: list[PlaceMention]) -> int | None:
    """The one cohort a sentence speaks of ("Nếu tính theo 63 tỉnh, thành phố …", "among the 34
    provinces", "Thái Nguyên (mới)"), or None when it names none or both."""
    found = {int(m.group("of")) for m in lex.cohort.finditer(text, sentence.start, sentence.end)}
    items = lex.rank_list_item.finditer(text, sentence.start, sentence.end)
    found |= {int(m.group("of")) for m in items if m.group("of")}
    found |= {c for c in (era_cohort(p) for p in places) if c is not None}
    found |= _merger_cohorts(sentence.text)
    return found.pop() if len(found) == 1 else None


# "sau sáp nhập" / "after the merger": the 34 units; "trước (khi) sáp nhập": the 63 provinces.
_MERGER_CUE = regex.compile(
    r"(?<![\p{L}])(?:(?P<after>sau\s+(?:khi\s+)?(?:sáp\s+nhập|sắp\s+xếp|hợp\s+nhất)"
    # English: "after (the) (administrative) merger(s)", "post-merger", "(the) 34 newly merged localities"
    r"|after\s+(?:the\s+)?(?:administrative\s+)?mergers?|post-merger|newly\s+merged)"
    r"|trước\s+(?:khi\s+)?(?:sáp\s+nhập|sắp\s+xếp|hợp\s+nhất)"
    r"|before\s+(?:the\s+)?(?:administrative\s+)?mergers?|pre-merger)(?![\p{L}])",
    regex.IGNORECASE,
)
# "Tổng điểm trung bình của địa phương này là 0,5064 điểm": "this locality" inside the sentence.
ANAPHOR_INNER = regex.compile(
    r"(?<=(?:của|với)\s+)(?P<a>(?:địa\s+phương|tỉnh|thành\s+phố)\s+này)(?![\p{L}])"
    # "So với năm 2020, chỉ số của tỉnh tăng 8 bậc" right after a DTI sentence: the province's index
    r"|(?<=(?<![\p{L}])chỉ\s+số\s+của\s+)(?P<a>(?P<index>tỉnh|thành\s+phố|địa\s+phương))(?![\p{L}])(?!\s+\p{Lu})"
)
# Whom a value in a sentence without a DTI word (continuing a DTI sentence) may be about, when nothing
# names it.
CONTINUED_SUBJECT = "a sentence without a DTI word"


# A sentence that opens on "this one": its subject is the province the sentence before named.
ANAPHOR = regex.compile(
    r"(?:Trong\s+đó,\s*)?(?P<a>Đây|Địa\s+phương\s+này|Tỉnh\s+này|Thành\s+phố\s+này)(?![\p{L}])"
    # "… Hà Nội xếp thứ 24/63. Trong đó, CQS xếp thứ 40/63": the parts of the province just named.
    r"|(?P<a>Trong\s+đó)(?=,)"
    # "… Chỉ số DTI tỉnh X đạt 0,3048, xếp thứ 53/63. Cụ thể: Chính quyền số đạt 0,3512": its details
    r"|(?P<a>Cụ\s+thể)(?=\s*[:,])"
    # "Đồng thời, thành phố tiếp tục đứng đầu …": a bare "the city/province" as the subject of a verb
    r"|(?:(?:Đồng\s+thời|Ngoài\s+ra|Bên\s+cạnh\s+đó|Cùng\s+với\s+đó|Bên\s+cạnh|Theo\s+đó|Như\s+vậy"
    r"|Hiện\s+(?:nay|tại)|(?:Trong\s+)?[Nn]ăm\s+20\d\d),\s*)?"
    r"(?P<a>[Tt]ỉnh|[Tt]hành\s+phố|[Đđ]ịa\s+phương)(?:\s+này)?"
    r"(?=\s+(?:(?:cũng|đã|vẫn|còn|tiếp\s+tục|lần\s+đầu(?:\s+tiên)?)\s+)*"
    r"(?:đứng|xếp|dẫn\s+đầu|đạt|giữ|vươn|tăng|giảm|tụt|nằm)(?![\p{L}]))"
)


def agrees(anaphor: str, name: str) -> bool:
    """ "thành phố" means a centrally-run city, "tỉnh" a province ("Đà Nẵng dẫn đầu. Tỉnh xếp thứ
    20" is not Đà Nẵng's 20th); "Đây", "địa phương" either."""
    kind = {"tỉnh": "tinh", "thành phố": "thanh-pho"}.get(regex.sub(r"\s+", " ", anaphor.lower()))
    unit = gazetteer().lookup(name) or gazetteer().lookup(name, POST_MERGER)
    return kind is None or unit is None or unit.unit_type == kind
