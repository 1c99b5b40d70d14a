"""Vietnamese text normalisation and number parsing.

Rules read the text produced by :func:`normalise_text`; the graph quotes the source as it is
after NFC only (an auditor searches the article for the exact words), and :func:`origin_map`
carries offsets from the one to the other. Both functions are part of the data contract: changing
them changes source hashes and offsets and requires bumping ``dti_kg.loaders.LOADER_VERSION``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# "Old style" tone placement (hoà, thuỷ) -> the style used by the gazetteer and by
# vietnam-provinces (hòa, thủy). Only open syllables move: in "hoàng" the tone stays on "a".
# Each pair is (vowel-with-tone on the 2nd letter, vowel-with-tone on the 1st letter).
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook above, tilde, dot below


def _tone_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for upper in (False, True):
                f = first.upper() if upper else first
                old = f + unicodedata.normalize("NFC", second + tone)
                new = unicodedata.normalize("NFC", f + tone) + second
                pairs[old] = new
    return pairs


_TONE_PAIRS = _tone_pairs()
# Not after "q" ("quý" is right as it is), and only at the end of a syllable ("hoàng" keeps its tone).
_OLD_STYLE = re.compile(r"(?<![qQ])(" + "|".join(map(re.escape, _TONE_PAIRS)) + r")(?![^\W\d_])")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def unify_tone_marks(text: str) -> str:
    """Move tone marks of open syllables ``oa oe uy`` onto the first vowel (hoà -> hòa)."""
    return _OLD_STYLE.sub(lambda m: _TONE_PAIRS[m.group(1)], text)


def normalise_text(text: str) -> str:
    """NFC, one tone-mark style, one kind of space, LF line ends, at most one blank line."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = unify_tone_marks(text)
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
    text = "\n".join(lines)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip("\n") + "\n" if text.strip() else ""


def origin_map(normalised: str, original: str) -> list[int]:
    """For each character of ``normalised`` (made by :func:`normalise_text` from ``original``), its
    index in ``original``.

    Normalisation changes no letter's position but by deleting characters: NFC is applied to both,
    tone marks move within a two-letter syllable end (same length), and only spacing, zero-width
    characters and carriage returns are dropped or replaced. So one forward walk aligns them.
    """
    folded = unify_tone_marks(original)
    out: list[int] = []
    j = 0
    for ch in normalised:
        while j < len(folded) and not _same_char(ch, folded[j]):
            j += 1
        if j == len(folded):
            if ch.isspace():  # the final line end normalise_text adds
                out.append(j)
                continue
            raise ValueError("the normalised text does not come from this original")
        out.append(j)
        j += 1
    return out


def _same_char(normalised: str, original: str) -> bool:
    return normalised == original or (normalised == " " and _SPACES.fullmatch(original) is not None)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fold(text: str) -> str:
    """A matching key: normalised, lower-case, hyphens and dots as spaces, spaces collapsed."""
    text = unify_tone_marks(unicodedata.normalize("NFC", text)).lower()
    text = re.sub(r"[\-–—.,()]+", " ", text)
    return " ".join(text.split())


def strip_diacritics(text: str) -> str:
    """ASCII-fold Vietnamese (đ -> d), for matching English-language text."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class NumberFormatError(ValueError):
    """A string that is not a Vietnamese (or English) number."""


def parse_vi_decimal(token: str) -> Decimal:
    """Parse a Vietnamese decimal: comma is the decimal mark, dot groups thousands.

    ``"0,3215" -> 0.3215``; ``"1.260" -> 1260``. A score context that writes ``"1.000"`` for
    the maximum must use :func:`parse_score` instead.
    """
    t = token.strip()
    if not re.fullmatch(r"\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:,\d+)?", t):
        raise NumberFormatError(f"not a Vietnamese number: {token!r}")
    try:
        return Decimal(t.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex above guards this
        raise NumberFormatError(f"not a number: {token!r}") from exc


def parse_score(token: str) -> Decimal | None:
    """Parse a DTI score (0..1) written either way: ``0,3215``, ``0.3215``, ``1.000``, ``1,000``.

    DTI scores never exceed 1, so ``"1.000 điểm"`` is the maximum score, not one thousand.
    Returns ``None`` when the token cannot be a score.
    """
    t = token.strip()
    m = re.fullmatch(r"([01])[.,](\d{1,4})", t)
    if not m:
        return None
    value = Decimal(f"{m.group(1)}.{m.group(2)}")
    return value if Decimal(0) <= value <= Decimal(1) else None
