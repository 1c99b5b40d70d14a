"""Ranking tables flattened into text, read by the shape of their rows, whatever the layout.

A page's table reaches us as text in many layouts: one row a line ("1 TP. Đà Nẵng 0,8002"), cells
between "|" or tabs, each cell on its own line, a whole ranking on one line ("1 Đà Nẵng 2 Hà Nội
3 …"), the unit first ("Đà Nẵng 0,6348 1"), ranks with a score in brackets ("01 (0,727)"). They
share one shape: a run of lines holding nothing but numbers and province names, in which every
province comes with the same pattern of numbers around it. So the reader

1. cuts the text into *table lines* — lines made only of cells: a province name (with "TP."/"Tỉnh"
   before it at most), a 1–2 digit integer, a score of the form 0,xxxx / 1.0000, "rank (score)",
   an empty cell ("-") — and takes each maximal run of them (blank lines allowed) as one region;
2. reads the region as one stream of cells and cuts it into rows at the provinces: the number of
   cells between two provinces is the row's width, the cells before the first province are the
   columns before the name (rank, STT); rows keep the kinds of cells of the first row;
3. keeps a block only when it has three rows and some column orders them (ranks never going down,
   or scores never going up) — a list that is not a ranking is not read;
4. gives each column its meaning from the header lines just above the block: the indicators and
   the overall index it names ("Chỉ số Nhận thức số", "XẾP HẠNG CHÍNH QUYỀN SỐ", "Điểm DTI"), the
   word naming the unit column ("Tỉnh, thành phố") that splits them into columns before and after
   the name, and a word before a name ("Xếp hạng", "Chỉ số", "Điểm") saying whether the column
   holds ranks or scores. A header that names as many columns after the name as the rows have is
   read column by column, the columns before the name from the right; a column the header does
   not name is read only when it is the integer column before the name that orders the rows
   (the overall rank, as in "1 TP. Đà Nẵng"); a header word and a cell that disagree (a "score"
   column of integers) leave the column unread.

Each value quotes its row; the edition and the cohort are resolved like any other finding's
(the cohort also from "63/34 tỉnh" in the header).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import regex

from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import PlaceMention, find_places
from dti_kg.loaders.segments import Piece
from dti_kg.loaders.stated_editions import known_year
from dti_kg.model import Measure
from dti_kg.text import parse_score, unify_tone_marks

_DIGIT = regex.compile(r"\d")
# Between cells: spaces, tabs, "|", and the ":"/";"/bullets of a ranking typed as a list
# ("1. TP. Đà Nẵng: 0,8002 điểm;"); never "," (a prose list of names is not a table)
_GAP_PARTS = r"[ \t|\u00a0:;•*]|(?<=[\d)][ \t]*)điểm(?![\p{L}])|\.\s*$"
_GAP = regex.compile(rf"(?:{_GAP_PARTS})+", regex.IGNORECASE)
# "1 - Đà Nẵng - 0,8002": on a line without "|" or tabs, a spaced dash parts cells (it is no empty cell)
_GAP_OR_DASH = regex.compile(rf"(?:(?<=\S)[ \t]+[-–][ \t]+(?=\S)|{_GAP_PARTS})+", regex.IGNORECASE)
_PAIR = regex.compile(r"(?P<n>\d{1,2})\s*\(\s*(?P<x>[01][.,]\d{1,4})\s*\)")
_DEC = regex.compile(r"[01][.,]\d{1,6}(?![\d.,])")
# "(0,6419)" alone: a rank's score put under it ("1<br>(0,6419)" in a page's cell), or a score in brackets
_BRACKETED = regex.compile(r"\(\s*(?P<x>[01][.,]\d{1,6})\s*\)")
_INT = regex.compile(r"(?P<n>\d{1,2})\.?(?![\d,]|\.\d)")
# "+3", "↑3", "-2", "(+3)": places gained or lost, in a column the header calls a change
_CHANGE = regex.compile(r"\(?(?P<sign>[+↑▲]|[-−–↓▼])\s?(?P<n>\d{1,2})\)?(?![\d.,])")
_EMPTY = regex.compile(r"(?:[-–—]|N/A|n/a)(?=[\s|]|$)")
UNIT_PREFIX = regex.compile(r"(?:TP\.?|Thành\s+phố|Tỉnh)\s*", regex.V1 | regex.IGNORECASE)

_MIN_ROWS = 3
_HEADER_LINES = 30  # header lines looked at above a block
_HEADER_LINE_MAX = 160  # a longer line is prose, not a header cell …
_PROSE_END = regex.compile(r"[.!?…](?:\s|$)")  # … unless it is a whole header row on one line, no sentence
_ATTACH = 40  # a "Xếp hạng"/"Chỉ số" word qualifies a column name at most this far after it

OVERALL_COLUMN = regex.compile(
    r"PDTI|(?:điểm|giá\s+trị|chỉ\s+số|xếp\s+hạng)\s+DTI|chuyển\s+đổi\s+số\s+cấp\s+tỉnh"
    r"|(?<![\p{L}])DTI(?![\p{L}])",
    regex.IGNORECASE,
)
RANK_WORD = regex.compile(
    r"(?<![\p{L}])(?:rank(?:ing)?s?|no\.?|stt|tt|xếp\s+hạng|thứ\s+hạng|hạng|vị\s+trí)(?![\p{L}])|^\#$",
    regex.IGNORECASE,
)
SCORE_WORD = regex.compile(
    r"(?<![\p{L}])(?:scores?|points?|values?|index|điểm(?:\s+số)?|giá\s+trị|chỉ\s+số)(?![\p{L}])",
    regex.IGNORECASE,
)
CHANGE_WORD = regex.compile(
    r"(?<![\p{L}])(?:tăng\s*[/,-]?\s*giảm|thay\s+đổi|so\s+với|changes?|\+\s*/\s*-)(?![\p{L}])", regex.I
)
UNIT_WORD = regex.compile(
    r"(?<![\p{L}])(?:provinces?|cit(?:y|ies)|localit(?:y|ies)|units?|tỉnh|thành\s+phố|địa\s+phương|đơn\s+vị)"
    r"(?![\p{L}])",
    regex.IGNORECASE,
)
_ERA_MARK = regex.compile(r"\s*\((?:(?P<new>mới|new)|cũ|former|old)\)", regex.IGNORECASE)
_RULE_NAMES = {"rank": "rank", "score": "score-column", "rank_change": "change-column"}
ROW_NUMBER = regex.compile(r"stt|tt|no\.?|\#", regex.IGNORECASE)
_SAME_LINE_GAP = regex.compile(r"[ ]{1,3}")
_COLUMN_YEAR = regex.compile(r"[ ]*(?:năm[ ]+)?(?P<year>20\d\d)(?!\d)", regex.IGNORECASE)  # "DTI 2021"
# A word after a column's name that qualifies it: "Kinh tế số (hạng)"; in English also "DTI score".
# A Vietnamese header puts the word first ("Điểm Hoạt động kinh tế số"), so there "A Điểm B" is A and
# "Điểm B", not "A Điểm" and B (a header flattened onto one line keeps no other mark between cells).
_BRACKET_AFTER = regex.compile(r"[ ]{0,3}[(\[][ ]?")
_AFTER_NAME = {"vi": _BRACKET_AFTER, "en": regex.compile(r"[ ]{0,3}[(\[][ ]?|[ ]{1,3}")}
# "CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)", "Chính quyền số - CQS": one name said twice; a bare space between
# two names of the DTI ("Hạng DTI CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)") is two columns
_SAME_CELL = regex.compile(r"[ ]*[(\[\-–:][ (\[\-–:]*")
COHORT = regex.compile(r"(?<!\d)(?P<of>63|34)\s+(?:tỉnh|địa\s+phương|provinces|localities|units)", regex.I)


@dataclass(frozen=True)
class _Cell:
    kind: str  # "int", "dec", "pair", "change", "empty" or "place"
    start: int
    end: int
    place: PlaceMention | None = None
    number: int | None = None
    score: Decimal | None = None
    bracketed: bool = False  # "(0,6419)"


@dataclass(frozen=True)
class _Column:
    indicator: str | None  # None: a bare "Xếp hạng"/"STT" (the table's rank) or "Điểm" (its score)
    measure: str | None  # "rank", "score", "rank_change", or None when the header does not say
    ordinal: bool = False  # "STT", "TT", "No.": a row number, the table's rank only failing any other
    edition: int | None = None  # "Xếp hạng DTI 2021 | Xếp hạng DTI 2022": the year its label names


# --- 1. cells and table lines --------------------------------------------------------------


def _place_at(text: str, pos: int, end: int, language: str) -> _Cell | None:
    prefix = UNIT_PREFIX.match(text, pos, end)
    at = prefix.end() if prefix and prefix.end() < end else pos
    segment = _DIGIT.sub(" ", text[at:end])  # names hold no digits; "Đà Nẵng0,6348" is two cells
    found = find_places(segment, language)
    if not found or found[0].start != 0:
        # a table in capitals ("TP. ĐÀ NẴNG"): names are matched case-sensitively in prose, where
        # "hòa bình" is not Hòa Bình, but a cell in capitals is a name
        titled = unify_tone_marks(segment.title())  # "HOÀ BÌNH" -> "Hoà Bình" -> "Hòa Bình"
        found = find_places(titled, language) if len(titled) == end - at else []
        if not found or found[0].start != 0 or not text[at : at + found[0].end].isupper():
            # a name that keeps its prefix ("TP.HCM"), the gazetteer's as a whole
            whole = find_places(_DIGIT.sub(" ", text[pos:end]), language)
            if at == pos or not whole or whole[0].start != 0:
                return None
            at, found = pos, whole
    stop = at + found[0].end
    last = not text[stop + 1 : end].strip()  # "…; 5. Cần Thơ." ends the line's list
    if stop < end and (text[stop].isalpha() or text[stop] == "," or (text[stop] == "." and not last)):
        return None  # "Hà Nội," in prose, or a longer name the gazetteer cut short
    era = None
    if mark := _ERA_MARK.match(text, stop, end):  # "Vĩnh Long (mới)": the merged unit
        era = "34" if mark.group("new") else "63"
    mention = PlaceMention(at, stop, text[at:stop], era)
    return _Cell("place", pos, mark.end() if mark else stop, place=mention)


def cell_place(text: str, start: int, end: int, language: str) -> PlaceMention | None:
    """The province a table cell ``text[start:end]`` names when the cell is nothing else
    ("TP. Đà Nẵng", "THỪA THIÊN HUẾ", "Vĩnh Long (mới)", "Da Nang")."""
    cell = _place_at(text, start, end, language)
    if cell is None or cell.place is None or text[cell.end : end].strip():
        return None
    return cell.place


def _line_cells(text: str, line: Piece, language: str) -> list[_Cell] | None:
    """The cells of a line made only of cells, else None."""
    cells: list[_Cell] = []
    pos, end = line.start, line.end
    gaps = _GAP if regex.search(r"[|\t]", line.text) else _GAP_OR_DASH
    while True:
        gap = gaps.match(text, pos, end)
        if gap:
            pos = gap.end()
        if pos >= end:
            return cells
        if m := _PAIR.match(text, pos, end):
            cell = _Cell("pair", pos, m.end(), number=int(m.group("n")), score=parse_score(m.group("x")))
        elif m := _BRACKETED.match(text, pos, end):
            cell = _Cell("dec", pos, m.end(), score=parse_score(m.group("x")), bracketed=True)
        elif m := _DEC.match(text, pos, end):
            cell = _Cell("dec", pos, m.end(), score=parse_score(m.group(0)))
        elif m := _INT.match(text, pos, end):
            cell = _Cell("int", pos, m.end(), number=int(m.group("n")))
        elif m := _CHANGE.match(text, pos, end):
            sign = -1 if m.group("sign") in "-−–↓▼" else 1
            cell = _Cell("change", pos, m.end(), number=sign * int(m.group("n")))
        elif m := _EMPTY.match(text, pos, end):
            cell = _Cell("empty", pos, m.end())
        else:
            found = _place_at(text, pos, end, language)
            if found is None:
                return None
            cell = found
        glued = cell.end < end and not gaps.match(text, cell.end, end)
        if glued and cell.kind != "place" and not text[cell.end].isupper():
            return None  # "12a", "0,5%": a number glued to something else ("1TP. Huế" is two cells)
        cells.append(cell)
        pos = cell.end


def _after_title(text: str, line: Piece, language: str) -> list[_Cell] | None:
    """A whole ranking on one line after its title and a colon ("Bảng xếp hạng DTI 2022: 1. Đà
    Nẵng; 2. TP. Hồ Chí Minh; …"): the cells after the colon, when they hold three names or more."""
    colon = text.find(": ", line.start, line.end)
    if colon < 0:
        return None
    cells = _line_cells(text, Piece(colon + 1, line.end, text[colon + 1 : line.end]), language)
    return cells if cells and sum(c.kind == "place" for c in cells) >= _MIN_ROWS else None


def lines(text: str) -> Iterator[Piece]:
    pos = 0
    for line in text.split("\n"):
        yield Piece(pos, pos + len(line), line)
        pos += len(line) + 1


@dataclass(frozen=True)
class _Region:
    start: int  # offset of the first table line
    cells: list[_Cell]


def _regions(text: str, language: str) -> list[_Region]:
    regions: list[_Region] = []
    current: list[_Cell] = []
    start = 0
    for line in lines(text):
        if not line.text.strip():
            continue
        cells = _line_cells(text, line, language) if len(line.text) < 4000 else None
        if cells is None and not current and len(line.text) < 4000:
            cells = _after_title(text, line, language)
        if cells:
            if not current:
                start = line.start
            current.extend(cells)
            continue
        if current:
            regions.append(_Region(start, current))
        current = []
    if current:
        regions.append(_Region(start, current))
    tables = [r for r in regions if sum(c.kind == "place" for c in r.cells) >= _MIN_ROWS]
    return [_Region(r.start, _paired(r.cells)) for r in tables]


def _paired(cells: list[_Cell]) -> list[_Cell]:
    """A rank and the bracketed score right after it (on its line or the next) are one cell."""
    out: list[_Cell] = []
    for cell in cells:
        if cell.bracketed and out and out[-1].kind == "int":
            rank = out.pop()
            cell = _Cell("pair", rank.start, cell.end, number=rank.number, score=cell.score)
        out.append(cell)
    return out


# --- 2./3. rows and blocks -------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    start: int  # where the block's text starts (for its header)
    before: int  # cells before the name in each row
    rows: list[list[_Cell]]


def _fits(kinds: list[str], row: list[_Cell]) -> bool:
    return all(
        c.kind == k or "empty" in (c.kind, k) or {c.kind, k} == {"int", "change"}  # "0" among "+1"s
        for c, k in zip(row, kinds, strict=True)
    )


def _rows(cells: list[_Cell], places: list[int], i: int, before: int) -> list[list[_Cell]]:
    """The rows from the ``i``-th province on, ``before`` cells before each name, as long as they
    keep the first row's width and kinds of cells."""
    first = places[i]
    width = places[i + 1] - first
    if before >= width or first - before < 0:
        return []
    kinds = [c.kind for c in cells[first - before : first - before + width]]
    rows: list[list[_Cell]] = []
    for place in places[i:]:
        row = cells[place - before : place - before + width]
        if len(row) < width or not _fits(kinds, row):
            break
        if any(c.kind == "place" for k, c in enumerate(row) if k != before):
            break
        rows.append(row)
    return rows


def _blocks(region: _Region) -> list[_Block]:
    cells = region.cells
    places = [i for i, c in enumerate(cells) if c.kind == "place"]
    blocks: list[_Block] = []
    i = 0
    while i < len(places) - 1:
        width = places[i + 1] - places[i]
        if i == 0:  # the cells at the region's start are the first row's
            candidates = [min(places[0], width - 1)]
        else:  # after rows that did not make a block: any split the cells allow
            candidates = list(range(min(width, places[i] - places[i - 1])))
        best: tuple[int, list[list[_Cell]]] = (0, [])
        for before in candidates:
            rows = _rows(cells, places, i, before)
            rows = rows[: _ordered_prefix(rows, before)] if rows else rows
            if len(rows) > len(best[1]):
                best = (before, rows)
        before, rows = best
        if len(rows) >= _MIN_ROWS:
            blocks.append(_Block(rows[0][0].start, before, rows))
            i += len(rows)
        else:
            i += 1
    return blocks


def _ordered_prefix(rows: list[list[_Cell]], before: int) -> int:
    """How many first rows some column orders: integers never going down (ranks, ties repeated),
    or scores never going up. A rank that goes down ends the table."""
    best = 0
    for k in range(len(rows[0])):
        if k == before:
            continue
        for kinds, key, up in ((("int", "pair"), "number", True), (("dec",), "score", False)):
            values: list[float] = []
            for r in rows:
                value = getattr(r[k], key) if r[k].kind in kinds else None
                if value is None or (values and (value < values[-1] if up else value > values[-1])):
                    break
                values.append(value)
            best = max(best, len(values))
    return best


def _ordered(rows: list[list[_Cell]], before: int) -> bool:
    return _ordered_prefix(rows, before) == len(rows)


# --- 4. the header ---------------------------------------------------------------------------


def _header(text: str, start: int) -> tuple[int, str]:
    """The short lines just above a block (its header, perhaps with a title): (offset, text)."""
    above = list(lines(text[:start]))
    taken = 0
    first = start
    for line in reversed(above):
        if not line.text.strip():
            continue
        prose = len(line.text) > _HEADER_LINE_MAX and (len(line.text) > 600 or _PROSE_END.search(line.text))
        if prose or taken >= _HEADER_LINES:
            break
        first = line.start
        taken += 1
    return first, text[first:start]


@dataclass(frozen=True)
class _Header:
    before: list[_Column]  # the columns named before the unit column, in order
    after: list[_Column]
    subject: str | None  # whose ranking the table is (an unnamed rank column's); None: unclear


def _header_columns(header: str, lex: Lexicon) -> _Header:
    """The columns the header names before and after the unit column, in order."""
    names: list[tuple[int, int, str]] = list(clause_indicators(header, lex))
    for m in OVERALL_COLUMN.finditer(header):
        if all(m.end() <= s or m.start() >= e for s, e, _ in names):
            names.append((m.start(), m.end(), "overall"))
    names = _merged(sorted(names), header, _SAME_CELL)

    def free(m: regex.Match[str]) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e, _ in names)

    place_words = [m for m in UNIT_WORD.finditer(header) if free(m)]
    split = place_words[-1].start() if place_words else None
    words = sorted(
        [(m.start(), m.end(), "rank_change") for m in CHANGE_WORD.finditer(header) if free(m)]
        + [
            (m.start(), m.end(), "rank")
            for m in RANK_WORD.finditer(header)
            if free(m) and not any(c.start() <= m.start() < c.end() for c in CHANGE_WORD.finditer(header))
        ]
        + [(m.start(), m.end(), "score") for m in SCORE_WORD.finditer(header) if free(m)]
    )
    words = _merged(words, header, _SAME_LINE_GAP)  # "Tăng/giảm so với": one column
    items: list[tuple[int, _Column]] = []
    attached: dict[int, str] = {}
    for w_start, w_end, measure in words:
        following = [n for n in names if n[0] >= w_end]
        gap = header[w_end : following[0][0]] if following else ""
        row_number = bool(ROW_NUMBER.fullmatch(header, w_start, w_end))  # "STT" names its own column
        near = (
            following
            and not row_number
            and len(gap) <= _ATTACH
            and "|" not in gap
            and "\t" not in gap
            and not any(w_end <= o < following[0][0] for o, _, _ in words)
            and not any(w_end <= p.start() < following[0][0] for p in place_words)
        )
        preceding = [n for n in names if n[1] <= w_start]
        # "DTI score", "DG rank": a word right after a name, in the same cell, that no name follows
        after_name = (
            preceding
            and not row_number
            and _AFTER_NAME[lex.language].fullmatch(header, preceding[-1][1], w_start)
        )
        # "Chính quyền số (hạng) XHS (hạng)": a word in brackets is its name's, whatever follows
        bracketed = after_name and _BRACKET_AFTER.fullmatch(header, preceding[-1][1], w_start)
        if bracketed and preceding[-1][0] not in attached:
            attached[preceding[-1][0]] = measure
        elif near:
            attached[following[0][0]] = measure
        elif after_name and preceding[-1][0] not in attached:
            attached[preceding[-1][0]] = measure
        else:
            items.append((w_start, _Column(None, measure, row_number)))  # a bare "STT", "Xếp hạng", "Điểm"
    for n_start, n_end, key in names:
        own = header[n_start:n_end]
        named_measure = attached.get(n_start)
        if named_measure is None and RANK_WORD.search(own):
            named_measure = "rank"
        elif named_measure is None and SCORE_WORD.search(own):
            named_measure = "score"
        year = _COLUMN_YEAR.match(header, n_end)
        edition = int(year.group("year")) if year and known_year(int(year.group("year"))) else None
        items.append((n_start, _Column(key, named_measure, edition=edition)))
    items.sort(key=lambda item: item[0])
    if split is None:
        # No word names the unit column: the lines above are a title ("Bảng xếp hạng DTI 2022:",
        # "Xếp hạng chỉ số kinh tế số"): the one index it names besides the DTI is the table's, and
        # a single column of values after the names holds that index's values.
        named_keys = {c.indicator for _, c in items if c.indicator is not None}
        own_keys = named_keys - {"overall"}
        fallback = "overall" if not own_keys and named_keys else None
        subject = own_keys.pop() if len(own_keys) == 1 else fallback
        return _Header([], [_Column(subject, None)] if subject else [], subject)
    return _Header([c for p, c in items if p < split], [c for p, c in items if p > split], "overall")


_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_TITLE_WORDS = 7


def _without_title(header: str) -> str:
    """The header without the title lines at its top ("BÁO CÁO XẾP HẠNG Đánh giá mức độ chuyển đổi
    số năm 2022"): a line naming a year in a sentence's worth of words, with no cell separator,
    names the table, not a column ("Điểm DTI 2024" is a column) — when the lines under it still
    name the unit column. Blanked, so offsets stay."""
    lines_ = header.split("\n")
    out = []
    title = True
    for k, line in enumerate(lines_):
        if title and line.strip():
            rest = "\n".join(lines_[k + 1 :])
            is_title = (
                _YEAR.search(line)
                and len(line.split()) >= _TITLE_WORDS
                and not regex.search(r"[|\t]", line)
                and UNIT_WORD.search(rest)
            )
            title = bool(is_title)
        out.append(" " * len(line) if title else line)
    return "\n".join(out)


def _measure_of(label: str) -> str | None:
    return "rank" if RANK_WORD.search(label) else "score" if SCORE_WORD.search(label) else None


def _merged(
    names: list[tuple[int, int, str]], header: str, gap: regex.Pattern[str]
) -> list[tuple[int, int, str]]:
    """One column for a name said twice in one cell: "CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)"."""
    out: list[tuple[int, int, str]] = []
    for name in names:
        row_number = any(ROW_NUMBER.fullmatch(header, n[0], n[1]) for n in (name, *out[-1:]))
        # "XẾP HẠNG DTI Điểm DTI": two columns of the DTI, its rank and its score
        kinds = [_measure_of(header[n[0] : n[1]]) for n in (*out[-1:], name)]
        two_measures = len(kinds) == 2 and None not in kinds and kinds[0] != kinds[1]
        same = out and out[-1][2] == name[2] and gap.fullmatch(header, out[-1][1], name[0])
        if same and not row_number and not two_measures:
            out[-1] = (out[-1][0], name[1], name[2])
        else:
            out.append(name)
    return out


Reading = tuple[int, str, Measure, int | None]  # cell index, indicator, measure, the label's year


def _assign(block: _Block, header: _Header) -> list[Reading | None]:
    """(cell index, indicator, measure, year) for each column of the block's rows that can be read."""
    read = _assign_columns(block, header)
    columns = _placed(block, header)
    return [None if r is None else (*r, c.edition if c else None) for r, c in zip(read, columns, strict=True)]


def _placed(block: _Block, header: _Header) -> list[_Column | None]:
    """The header's column over each cell of the rows: those after the name when as many, those
    before it from the right."""
    row = block.rows[0]
    before, after = block.before, len(row) - block.before - 1
    pre, post = header.before, header.after
    columns: list[_Column | None] = [None] * len(row)
    for k in range(min(before, len(pre))):
        columns[before - 1 - k] = pre[len(pre) - 1 - k]
    if len(post) == after:
        for k in range(after):
            columns[before + 1 + k] = post[k]
    return columns


def _assign_columns(block: _Block, header: _Header) -> list[tuple[int, str, Measure] | None]:
    before, subject = block.before, header.subject
    columns = _placed(block, header)
    out: list[tuple[int, str, Measure] | None] = []
    # A rank column named for an index (or a bare "Xếp hạng"): then a row number ("STT", or an
    # unnamed number before the name) is only the row's place in the table, not a rank.
    named_rank = any(
        c is not None
        and not c.ordinal
        and (c.indicator is not None or c.measure == "rank")
        and c.measure in ("rank", None)
        and _kinds(block, k) <= {"int", "pair", "empty"}
        for k, c in enumerate(columns)
    )
    for k, column in enumerate(columns):
        kinds = _kinds(block, k)
        if k == before:
            out.append(None)
        elif column is None or column.ordinal:
            # an unnamed integer column (or "STT") before the name that orders the rows: the rank
            # in the table's own ranking, when no column is named as a rank
            ordinal = k < before and kinds <= {"int"} and _ordered([[r[k]] for r in block.rows], -1)
            ok = ordinal and subject is not None and not named_rank
            out.append((k, subject, "rank") if ok and subject else None)
        elif column.measure == "rank_change":  # "+3", "-2", "0": places since the edition before
            ok = kinds <= {"change", "int", "empty"}
            out.append((k, column.indicator or "overall", "rank_change") if ok else None)
        elif column.indicator is None:
            if column.measure == "rank" and kinds <= {"int", "pair", "empty"} and subject:
                out.append((k, subject, "rank"))
            elif column.measure == "score" and kinds <= {"dec", "empty"} and subject:
                out.append((k, subject, "score"))
            else:
                out.append(None)
        elif kinds <= {"int", "empty"} and column.measure in ("rank", None):
            out.append((k, column.indicator, "rank"))
        elif kinds <= {"dec", "empty"} and column.measure in ("score", None):
            out.append((k, column.indicator, "score"))
        elif kinds <= {"pair", "empty"} and column.measure in ("rank", None):
            out.append((k, column.indicator, "rank"))
        else:
            out.append(None)  # the header and the cells disagree
    return out


def _kinds(block: _Block, k: int) -> set[str]:
    return {r[k].kind for r in block.rows}


# --- findings ----------------------------------------------------------------------------------


def find_table_findings(text: str, lex: Lexicon) -> list[Finding]:
    """Ranks and scores of every province row of every flattened ranking table in ``text``."""
    findings: list[Finding] = []
    previous_end = 0
    cut = len(text.rstrip())
    for region in _regions(text, lex.language):
        for block in _blocks(region):
            h_start, header = _header(text, block.start)
            h_start = max(h_start, previous_end)
            header = text[h_start : block.start]
            previous_end = block.rows[-1][-1].end
            if lex.other_index.search(header) or not lex.dti_mark.search(text, 0, block.start):
                continue  # another index's table (ICT Index, PCI …), or no DTI word above it
            cohorts = list(COHORT.finditer(header))
            cohort = int(cohorts[-1].group("of")) if cohorts else None
            columns = _assign(block, _header_columns(_without_title(header), lex))
            for row in block.rows:
                place = row[block.before].place
                assert place is not None
                line = Piece(row[0].start, row[-1].end, text[row[0].start : row[-1].end])
                for column in columns:
                    if column is not None and not _cut_short(text, block, row, column[0], cut):
                        findings.extend(
                            _cell_findings(text, lex, row[column[0]], column, place, line, cohort)
                        )
    return findings


_DECIMALS = regex.compile(r"[.,](\d+)")


def _cut_short(text: str, block: _Block, row: list[_Cell], k: int, cut: int) -> bool:
    """An excerpt may stop inside the table's last cell ("… 0.2947 0.69" for 0.6924): a score that
    ends the text with fewer decimals than its column's others is not read."""
    cell = row[k]
    if cell.end < cut or cell.kind != "dec":
        return False
    places = [
        len(m.group(1))
        for r in block.rows
        if r is not row and (m := _DECIMALS.search(text, r[k].start, r[k].end))
    ]
    own = _DECIMALS.search(text, cell.start, cell.end)
    return not places or own is None or len(own.group(1)) < max(places)


def _cell_findings(
    text: str,
    lex: Lexicon,
    cell: _Cell,
    column: Reading,
    place: PlaceMention,
    line: Piece,
    cohort: int | None,
) -> list[Finding]:
    _, indicator, measure, edition = column
    span = span_of(text, line.start, line.end)  # the row: the cell alone ("3") says nothing
    rule = f"{lex.rule_prefix}.table.{_RULE_NAMES[measure]}"

    def finding(m: Measure, value: int | Decimal, stated: int | None = None) -> Finding:
        return Finding(
            indicator, m, value, span, rule, line, edition, cohort=stated, place=place, cohort_hint=cohort
        )

    if cell.kind == "empty":
        return []
    if measure == "rank" and cell.number is not None:
        out = [finding("rank", cell.number, cohort)]
        if cell.kind == "pair" and cell.score is not None:  # "01 (0,727)": the rank and its score
            out.append(finding("score", cell.score.normalize()))
        return out
    if measure == "score" and cell.score is not None:
        return [finding("score", cell.score.normalize())]
    if measure == "rank_change" and cell.number is not None:
        return [finding("rank_change", cell.number)]
    return []


__all__ = [
    "COHORT",
    "OVERALL_COLUMN",
    "RANK_WORD",
    "ROW_NUMBER",
    "SCORE_WORD",
    "UNIT_PREFIX",
    "UNIT_WORD",
    "cell_place",
    "find_table_findings",
    "lines",
]
