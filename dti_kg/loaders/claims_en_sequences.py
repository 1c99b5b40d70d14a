"""English mention sequences that span a range or a sentence boundary (issue 7, branch extract-en).

Like ``claims_en_lists``, each rule reads one shape of a sentence's mentions and only adds findings
or fills in whose they are; what it cannot pair exactly it leaves alone:

- "Hanoi, Hue and Hai Phong ranked first through third respectively": a range of ordinals paired
  with the names listed before the verb, in order, when the counts match (``_range_respectively``);
- "Phu Tho ranked 30th. Digital Awareness ranked third; …": a value whose sentence names no
  province, no nation and no average belongs to the one province the sentences just before it (in
  the same or the previous line) name (``_carry_subject``).
"""

from __future__ import annotations

from dataclasses import replace

import regex

from dti_kg.loaders.claims_en_mentions import ordinal_pattern, overall_rank
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.rules import Lexicon, dti_sentences

_I = regex.IGNORECASE

_ITEM_GAP = regex.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", _I)


def _chain_before(text: str, places: list[PlaceMention], end: int) -> list[PlaceMention]:
    """The names that form one list ending right before ``end`` ("A, B and C ranked …")."""
    chain: list[PlaceMention] = []
    pos = end
    for p in reversed(places):
        gap = text[p.end : pos]
        if chain and not _ITEM_GAP.fullmatch(gap):
            break
        if not chain and not regex.fullmatch(r"\s*(?:city|province)?\s*", gap, _I):
            break
        chain.insert(0, p)
        pos = p.start
    return chain


def _range_respectively(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    shape = ordinal_pattern(
        lex,
        r"\s+(?:were\s+|are\s+)?(?:ranked|came|placed|finished|stood)\s+(?:in\s+)?(?:the\s+)?"
        r"(?P<a>ORD)\s*(?:through|to|[-–])\s*(?:the\s+)?(?P<b>ORD)(?:\s+(?:places?|positions?|spots?))?"
        r"\s*,?\s*respectively",
    )
    out: list[Finding] = []
    for sentence, _ in dti_sentences(text, lex):
        if lex.other_index.search(sentence.text):
            continue
        for m in shape.finditer(text, sentence.start, sentence.end):
            a, b = lex.number(m.group("a")), lex.number(m.group("b"))
            named = places_in(text, sentence.start, m.start(), "en").places
            chain = _chain_before(text, named, m.start())
            if not a or not b or len(chain) < 2 or b - a + 1 != len(chain):
                continue
            if any(f.place in chain and f.measure == "rank" for f in findings):
                continue
            out += [
                replace(
                    overall_rank(text, lex, sentence, p, a + i, m.end(), "en.rank.range-respectively"),
                    span=span_of(text, chain[0].start, m.end()),
                )
                for i, p in enumerate(chain)
            ]
    return out


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _carry_subject(text: str, findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        if (
            f.place is None
            and f.antecedent is None
            and f.unknown_place is None
            and not f.ambiguous_place
            and f.other_subject is None
            and f.refusal is None
        ):
            start = f.sentence.start
            line = _line_start(text, start)
            # The sentences before in the same line; at a line's start, the line before.
            window = _line_start(text, max(line - 1, 0)) if not text[line:start].strip() else line
            names = {p.name for p in places_in(text, window, start, "en").places}
            if len(names) == 1:
                f = replace(f, antecedent=names.pop())
        out.append(f)
    return out


def read_sequences(text: str, lex: Lexicon, findings: list[Finding]) -> list[Finding]:
    """The findings with ranges paired and unnamed values given the province just named."""
    return _carry_subject(text, findings + _range_respectively(text, lex, findings))
