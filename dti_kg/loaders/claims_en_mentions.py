"""Mention helpers for the English discourse and list rules: patterns over the lexicon's ordinals, and the
mentions that mark another value or a rank's own ordinal."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import regex

from dti_kg.loaders.discourse import dti_sentences
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.lexicon import Lexicon
from dti_kg.loaders.places import PlaceMention, places_in
from dti_kg.loaders.segments import Piece
from dti_kg.loaders.stated_editions import sentence_edition

_I = regex.IGNORECASE

# What may not stand between a value and what is read with it: another year, a score, another clause.
OTHER_VALUE = regex.compile(r"20\d\d|\d[.,]\d|[;:]")


# An ordinal as written ("15th", "first", "forty-first"): where a rank's own value ends in its quote.
ORDINAL_WORD = regex.compile(r"(?<![\p{L}\d])[\p{L}\d]+(?:st|nd|rd|th)(?![\p{L}\d])", _I)


def ordinal_pattern(lex: Lexicon, template: str) -> regex.Pattern[str]:
    """``template`` with ``ORD`` standing for the lexicon's ordinal (a named group ``n…``)."""
    ordinal = lex.ordinal.pattern.replace("(?P<n>", "(?:").replace("(?![\\p{L}\\d])", "")
    return regex.compile(template.replace("ORD", ordinal), _I)


def ordinals(text: str, lex: Lexicon, start: int, end: int) -> list[int]:
    """The ranks the ordinals of ``text[start:end]`` state, in order."""
    return [n for m in lex.ordinal.finditer(text, start, end) if (n := lex.number(m.group("n")))]


def overall_rank(
    text: str, lex: Lexicon, sentence: Piece, place: PlaceMention, n: int, end: int, rule: str
) -> Finding:
    """The overall rank ``n`` of ``place`` stated in ``sentence`` (quoted from the name to ``end``), of
    the edition the sentence names, if any."""
    return Finding(
        "overall",
        "rank",
        n,
        span_of(text, place.start, end),
        rule,
        sentence,
        edition=sentence_edition(text, sentence, lex),
        place=place,
    )


@lru_cache(maxsize=4)
def dti_sentence_list(text: str, lex: Lexicon) -> tuple[Piece, ...]:
    """The DTI sentences of ``text`` (``discourse.dti_sentences``), worked out once for all the English rules
    that read the same text (each used to walk every sentence's context again)."""
    return tuple(sentence for sentence, _ in dti_sentences(text, lex))


# Between two names of one list ("A, B and C")
NAME_GAP = regex.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", _I)


def chain_before(
    text: str, places: list[PlaceMention], end: int, last_gap: regex.Pattern[str]
) -> list[PlaceMention]:
    """The names that form one list ending right before ``end`` ("A, B and C ranked …"): the last of
    ``places`` followed by nothing but ``last_gap``, and each before it by a ``NAME_GAP``."""
    chain: list[PlaceMention] = []
    pos = end
    for p in reversed(places):
        gap = text[p.end : pos]
        if not (NAME_GAP if chain else last_gap).fullmatch(gap):
            break
        chain.insert(0, p)
        pos = p.start
    return chain


def place_at(text: str, at: int, end: int) -> PlaceMention | None:
    """The place whose name starts right at ``at`` (and ends by ``end``), if one does."""
    named = places_in(text, at, end, "en").places
    return named[0] if named and named[0].start == at else None


_KIND = regex.compile(r"\s+(?:pillar|index|indicator)$", _I)


def indicator_items(
    text: str, lex: Lexicon, f: Finding, item: regex.Pattern[str], rule: str
) -> list[Finding]:
    """``f``'s rank again for each "<indicator> … <ordinal>" item that ``item`` (groups ``what``, ``o``)
    matches one after another from the end of ``f``'s quote; the first item that names no single
    indicator ends the list."""
    out = []
    pos = f.span.end
    while (m := item.match(text, pos, f.sentence.end)) is not None:
        what = _KIND.sub("", m.group("what").strip())
        keys = {k for pattern, k in lex.indicators if pattern.fullmatch(what)}
        n = lex.number(m.group("o"))
        if len(keys) != 1 or not n:
            break
        out.append(
            replace(f, indicator=keys.pop(), value=n, span=span_of(text, m.start("what"), m.end()), rule=rule)
        )
        pos = m.end()
    return out
