"""Facts about an edition stated in an article, checked against the reference editions.

Publisher ("Bộ Thông tin và Truyền thông công bố …"), counts ("9 chỉ số chính", "98 chỉ số thành
phần", "306 tiêu chí") and the named main indices. A fact the reference contradicts is kept and
marked inconsistent; a date the article gives for the framework decision is compared in a note.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import regex

from dti_kg.loaders import claims_en, claims_vi
from dti_kg.loaders.findings import EditionMention, span_of
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.segments import Piece, clauses, sentences
from dti_kg.loaders.stated_editions import sentence_edition
from dti_kg.model import EditionFact, SourceDocument
from dti_kg.reference import agencies, editions

_I = regex.IGNORECASE
_COUNTS_VI = (
    ("main_indices_count", regex.compile(r"(?<!\d)(?<!/)(?P<n>\d{1,2})\s+chỉ\s+số\s+chính(?!\s+phủ)", _I)),
    ("component_indices_count", regex.compile(r"(?<!\d)(?<!/)(?P<n>\d{1,3})\s+chỉ\s+số\s+thành\s+phần", _I)),
    ("criteria_count", regex.compile(r"(?<!\d)(?<!/)(?P<n>\d{1,3})\s+tiêu\s+chí", _I)),
)
_COUNTS_EN = (
    (
        "main_indices_count",
        regex.compile(r"(?<!\d)(?P<n>\d{1,2})\s+(?:main|key|primary)\s+indi(?:ces|cators)", _I),
    ),
    (
        "component_indices_count",
        regex.compile(r"(?<!\d)(?P<n>\d{1,3})\s+(?:component|sub-?)\s*indi(?:ces|cators)", _I),
    ),
    ("criteria_count", regex.compile(r"(?<!\d)(?P<n>\d{1,3})\s+criteria", _I)),
)
_MAIN_LIST_VI = regex.compile(r"chỉ\s+số\s+chính", _I)
_MAIN_LIST_EN = regex.compile(r"(?:main|key|primary)\s+indi(?:ces|cators)", _I)
_ACTIVITY_VI = regex.compile(r"hoạt\s+động", _I)
_ACTIVITY_EN = regex.compile(r"activit", _I)
_DECISION = regex.compile(
    r"Quyết\s+định\s+(?:số\s+)?(?P<no>\d+/QĐ-[\p{Lu}\p{N}]+)\s+ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
)
_ACTIVITY_OF = {
    "digital_government": "digital_government_activity",
    "digital_economy": "digital_economy_activity",
    "digital_society": "digital_society_activity",
}


def _agency_pattern(language: str) -> regex.Pattern[str]:
    names: dict[str, str] = {}
    for a in agencies().values():
        for n in (a.name_vi, a.abbrev_vi, a.name_en, a.abbrev_en):
            if n:
                names[n] = a.slug
    names["Bộ TTTT"] = "bo-tttt"
    alt = "|".join(regex.escape(n) for n in sorted(names, key=len, reverse=True))
    if language == "en":
        return regex.compile(
            r"(?:(?:published|released|announced|issued)\s+by\s+(?:the\s+)?(?P<a>" + alt + r"))"
            r"|(?:(?:the\s+)?(?P<b>" + alt + r")\s+(?:has\s+|have\s+)?(?:published|released|announced))"
        )
    return regex.compile(
        r"(?:(?P<b>" + alt + r")\s+(?:đã\s+|vừa\s+|chính\s+thức\s+)*công\s+bố)"
        r"|(?:(?:DTI|[Cc]hỉ\s+số\s+(?:đánh\s+giá\s+)?chuyển\s+đổi\s+số|[Bb]áo\s+cáo)(?:(?!hệ\s+thống)[^.;\n]){0,100}?"
        r"\s(?:của|do)\s+(?P<a>" + alt + r"))"
    )


def _agency_slug(name: str) -> str | None:
    for a in agencies().values():
        if name in (a.name_vi, a.abbrev_vi, a.name_en, a.abbrev_en):
            return a.slug
    return "bo-tttt" if name == "Bộ TTTT" else None


def _check(edition: int, fact: str, value: str | int) -> tuple[bool | None, str | int | None]:
    ed = editions()[edition]
    if fact == "publisher":
        return value == ed.publisher, ed.publisher
    if fact == "main_indices_count":
        ref = len(ed.main_indices) or None
    elif fact == "component_indices_count":
        ref = ed.component_indices_count
    elif fact == "criteria_count":
        ref = ed.criteria_count
    else:  # main_index
        if not ed.main_indices:
            return None, None
        return value in ed.main_indices, "|".join(ed.main_indices)
    return (None, None) if ref is None else (value == ref, ref)


def _main_indices(text: str, sentence: Piece, lex: Lexicon, language: str) -> list[tuple[int, str]]:
    """Main indices named after "N chỉ số chính" in a sentence; once "hoạt động" has been said in
    the list, the bare pillar names that follow are the activity indices."""
    anchor = (_MAIN_LIST_EN if language == "en" else _MAIN_LIST_VI).search(sentence.text)
    if not anchor:
        return []
    tail_start = sentence.start + anchor.end()
    tail = text[tail_start : sentence.end]
    activity = _ACTIVITY_EN if language == "en" else _ACTIVITY_VI
    found = []
    for start, _end, key in clause_indicators(tail, lex):
        if key in _ACTIVITY_OF and activity.search(tail[:start]):
            key = _ACTIVITY_OF[key]
        if key in claims_vi.MAIN_INDEX_KEYS:
            found.append((tail_start + start, key))
    return found if len({k for _, k in found}) >= 3 else []  # a list, not a passing mention


def find_facts(
    doc: SourceDocument, mentions: list[EditionMention], fallback_edition: Callable[[], int | None]
) -> tuple[list[EditionFact], list[str]]:
    text, language = doc.text, doc.language
    lex = claims_en.lexicon() if language == "en" else claims_vi.lexicon()
    counts = _COUNTS_EN if language == "en" else _COUNTS_VI
    agency = _agency_pattern(language)
    found: dict[tuple[int, str, str | int], EditionFact] = {}
    notes: list[str] = []

    def edition_for(sentence: Piece) -> int | None:
        stated = sentence_edition(text, sentence, lex)
        if stated is not None:
            return stated
        before = [m for m in mentions if m.start < sentence.start]
        after = [m for m in mentions if m.start >= sentence.start]
        if before or after:
            return (before[-1] if before else after[0]).year
        return fallback_edition()

    def add(
        edition: int, fact: str, value: str | int, rule: str, sentence: Piece, start: int, end: int
    ) -> None:
        # Quote the clauses the statement spans, not the whole (often long) sentence.
        parts = clauses(text, sentence)
        first = next((c for c in parts if c.start <= start < c.end), None)
        last = next((c for c in parts if c.start < end <= c.end), None)
        span = span_of(text, first.start if first else start, last.end if last else end)
        key = (edition, fact, value)
        if key in found:
            found[key].evidence = sorted(set(found[key].evidence) | {span})
            return
        consistent, ref = _check(edition, fact, value)
        found[key] = EditionFact(edition, fact, value, rule, [span], consistent, ref)  # type: ignore[arg-type]

    for sentence in sentences(text):
        if not lex.dti_mark.search(sentence.text) and not _MAIN_LIST_VI.search(sentence.text):
            continue
        edition = edition_for(sentence)
        if edition is None or edition not in editions():
            continue
        base = sentence.start
        for fact, pattern in counts:
            for m in pattern.finditer(sentence.text):
                add(
                    edition,
                    fact,
                    int(m.group("n")),
                    f"{language}.fact.{fact}",
                    sentence,
                    base + m.start(),
                    base + m.end(),
                )
        for m in agency.finditer(sentence.text):
            slug = _agency_slug(m.group("a") or m.group("b"))
            if slug:
                add(
                    edition,
                    "publisher",
                    slug,
                    f"{language}.fact.publisher",
                    sentence,
                    base + m.start(),
                    base + m.end(),
                )
        for pos, key in _main_indices(text, sentence, lex, language):
            add(edition, "main_index", key, f"{language}.fact.main-index", sentence, pos, pos + 1)
        for m in _DECISION.finditer(sentence.text):
            notes.extend(_decision_note(m, edition))
    facts = sorted(found.values(), key=lambda f: (f.edition, f.fact, str(f.value)))
    return facts, notes


def _decision_note(m: regex.Match[str], edition: int) -> list[str]:
    """Compare a decision date the article gives with the framework basis in the reference."""
    basis = editions()[edition].framework_basis
    ref = regex.search(r"Quyết định (?P<no>\S+) ngày (?P<date>\d{4}-\d\d-\d\d)", basis)
    if not ref or ref.group("no") != m.group("no"):
        return []
    try:
        stated = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return []
    if stated.isoformat() == ref.group("date"):
        return []
    return [
        f"inconsistent with the reference: the article dates Quyết định {m.group('no')} to {stated}, "
        f"the reference (DTI {edition} framework) to {ref.group('date')}"
    ]
