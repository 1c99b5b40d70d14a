"""Source metadata stated in an article's text: title, publication date, outlet, URL, language.

Nothing is invented: a field the text does not show stays ``None``.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from urllib.parse import urlsplit

import regex

from dti_kg.reference import Outlet, outlet_for_domain, outlets

# Metadata sits in the page header: the first few short lines (date line, byline, outlet marker).
_HEADER_LINES = 8
_HEADER_LINE_MAX = 160
_MARKER_PREFIX = 40

_MONTHS_EN = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_DMY = regex.compile(r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d\d)(?!\d)")
_ISO = regex.compile(r"(?<![\d/.-])((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_EN_MDY = regex.compile(
    r"\b(" + "|".join(_MONTHS_EN) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", regex.I
)
_EN_DMY = regex.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS_EN) + r")\.?,?\s+((?:19|20)\d\d)\b", regex.I)
_URL = regex.compile(r"https?://[^\s<>\"')\]]+")
_SLUG_LINE = regex.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+\s+-\s+")  # "xem-chi-tiet-tin - UBND TP Vị Thanh"
# A line that opens with a date or a time is a dateline, not a headline: "October 23, 2025 | 09:15",
# "20:50, 09/11/2025", "Fri, 17th May 2024 15:45 (GMT +7)", "Thứ hai, ngày 25/09/2023", "date 2021-10-20 …".
_DATE_LINE = regex.compile(
    r"^(?:date\b|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,|thứ\s+\S+,|chủ\s+nhật,)?\s*(?:ngày\s+)?"
    r"(?:\d{1,2}\s*[:/.-]\s*\d{1,2}|\d{4}-\d\d-\d\d|\d{1,2}(?:st|nd|rd|th)?\s+(?:"
    + "|".join(_MONTHS_EN)
    + r")|(?:"
    + "|".join(_MONTHS_EN)
    + r")\.?\s+\d{1,2}\b)",
    regex.I,
)
# A photo credit names whose picture it is, not who published the article.
_PHOTO_CREDIT = regex.compile(r"(?:Ảnh|ảnh|Photo|photo|Nguồn ảnh)\s*:?\s*$")
_SOURCE_LINE = regex.compile(r"^(?:Nguồn|Theo|Source)\s*:\s*(https?://\S+)\s*$", regex.I | regex.M)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _header(text: str) -> list[str]:
    return [line for line in _lines(text)[:_HEADER_LINES] if len(line) <= _HEADER_LINE_MAX]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The first date in ``text``: 08/08/2022, 20-10-2021, 2021-10-20, October 21, 2025, 21 October 2025."""
    found: list[tuple[int, date]] = []
    for m in _DMY.finditer(text):
        d = _safe_date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        if d:
            found.append((m.start(), d))
    for m in _ISO.finditer(text):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), d))
    for m in _EN_MDY.finditer(text):
        d = _safe_date(int(m.group(3)), _MONTHS_EN[m.group(1).lower()], int(m.group(2)))
        if d:
            found.append((m.start(), d))
    for m in _EN_DMY.finditer(text):
        d = _safe_date(int(m.group(3)), _MONTHS_EN[m.group(2).lower()], int(m.group(1)))
        if d:
            found.append((m.start(), d))
    return min(found)[1] if found else None


def find_title(text: str) -> str | None:
    """The first non-empty line that is not page furniture: a bare URL, a "slug - site" line or a
    date line ("Thứ Hai, 08/08/2022 04:30", "Cập nhật ngày: 08/08/2022", "October 21, 2025"), or a
    line that opens with a date or a time ("20:50, 09/11/2025", "date 2021-10-20 Illustrative …")."""
    for line in _lines(text):
        if _URL.fullmatch(line) or _SLUG_LINE.match(line) or is_date_line(line) or _DATE_LINE.match(line):
            continue
        return line
    return None


# A date line keeps at most a weekday, a byline or a label ("Cập nhật ngày", "KIM DUNG") beside its date.
_DATE_LINE_MAX = 60
_DATE_LINE_WORDS = 3


def is_date_line(line: str) -> bool:
    """A short line that is a date with at most a few words around it, never a headline."""
    if len(line) > _DATE_LINE_MAX or parse_date(line) is None:
        return False
    words = regex.findall(r"\p{L}+", _EN_MDY.sub(" ", _EN_DMY.sub(" ", line)))
    return len(words) <= _DATE_LINE_WORDS


def find_published(text: str) -> date | None:
    """The publication date from the header lines ("Cập nhật ngày: 08/08/2022 04:30", "KIM DUNG
    11/08/2022 11:30", "Ngày 20-10-2021 - Lượt xem: 30", "October 21, 2025")."""
    for line in _header(text):
        d = parse_date(line)
        if d:
            return d
    return None


# The excerpt tool's prefix with a month only (" date 2023-04 Trước đây, …"): no publication date.
_MONTH_PREFIX = regex.compile(r"\s*date\s+(20\d\d)-(0[1-9]|1[0-2])(?![-\d])")


def find_published_month(text: str) -> tuple[int, int] | None:
    """(year, month) of a text that opens with a month and no day (" date 2023-04 …"), else None."""
    m = _MONTH_PREFIX.match(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def find_url(text: str) -> str | None:
    """The article's own address: a line holding nothing but a URL with a path (e.g. at the end of
    a saved page). "Nguồn: https://…" lines name the source site, not this article."""
    found = None
    for line in _lines(text):
        if _URL.fullmatch(line) and urlsplit(line).path.strip("/"):
            found = line
    return found


def _marker_hits(text: str) -> list[tuple[int, Outlet]]:
    hits = []
    for outlet in outlets().values():
        for marker in outlet.markers:
            for m in regex.finditer(r"(?<!\w)" + regex.escape(marker) + r"(?!\w)", text):
                if _PHOTO_CREDIT.search(text[max(0, m.start() - 12) : m.start()]):
                    continue
                hits.append((m.start(), outlet))
    return sorted(hits, key=lambda h: (h[0], h[1].slug))


def find_outlet(text: str, url: str | None = None) -> tuple[Outlet | None, str | None]:
    """The outlet that published the text and the evidence kind ("marker" or "url").

    In order: a marker in the header ("BDK -", "(VOV5)", "UBND TP Vị Thanh"); the article URL's
    domain; a "Nguồn: https://…" source line; a marker anywhere else (photo credits excluded).
    """
    # Markers open the lead paragraph ("BDK - Thực hiện…"), so long header lines count by their start.
    header = "\n".join(line[:_MARKER_PREFIX] for line in _lines(text)[:_HEADER_LINES])
    hits = _marker_hits(header)
    if hits:
        return hits[0][1], "marker"
    if url:
        outlet = outlet_for_domain(urlsplit(url).hostname or "")
        if outlet:
            return outlet, "url"
    for m in _SOURCE_LINE.finditer(text):
        outlet = outlet_for_domain(urlsplit(m.group(1)).hostname or "")
        if outlet:
            return outlet, "url"
    hits = _marker_hits(text)
    if hits:
        return hits[0][1], "marker"
    return None, None


_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "in",
        "to",
        "was",
        "is",
        "for",
        "with",
        "by",
        "from",
        "on",
        "has",
        "its",
        "province",
        "provinces",
        "ranked",
    ]
)


def detect_language(text: str) -> str:
    """ "vi" or "en": Vietnamese is recognised by its diacritics, English by its function words."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "vi"
    marked = sum(1 for ch in letters if ch in "đĐ" or unicodedata.decomposition(ch)) / len(letters)
    words = regex.findall(r"\p{L}+", text.lower())
    # (str.isalpha and regex's \p{L} may follow different Unicode versions: a letter may make no word)
    english = sum(1 for w in words if w in _EN_WORDS) / len(words) if words else 0.0
    # Shares of letters with a mark and of English function words. Vietnamese marks about a quarter of
    # its letters and has almost no English function word; English that writes names with their marks
    # ("Bắc Ninh ranked 7th …", Viet Nam News) may mark more than 5 %.
    if marked > 0.05 and not (marked < 0.15 and english > 0.15):
        return "vi"
    # A short English excerpt may hold few function words ("Bac Giang's 2022 DTI score was 0.6512,
    # ranking it 9th"); with no diacritic at all, fewer suffice.
    return "en" if english > (0.04 if marked == 0 else 0.08) else "vi"
