"""Ranking tables flattened into text: one row a line, "rank name [value …]".

    1 TP. Đà Nẵng                       <- a ranking list: the overall rank
    15 Yên Bái                             (ties repeat the rank: 15, 15, 17)
    1 TP. Đà Nẵng 1.0000 0.9000 … 0.8002 <- a row of scores under a header of indices
    1 | TP. Hà Nội | 0,8241               <- "STT | Tỉnh, thành phố | Điểm DTI 2024"

A row is read only when the whole line is a rank, one province name (with "TP."/"Tỉnh" before it
at most) and, optionally, values; a block needs three rows whose ranks never go down. The columns
of the values come from the header just above the block: the indices it names, in order, and the
overall index when "DTI"/"PDTI"/"Điểm DTI" comes after them (or alone). When the header does not
name exactly as many columns as a row has values, the values are not read (the ranks still are).
The row is the evidence; the edition and the cohort are the ones the header (or the text before
it) states, resolved like any other finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.places import PlaceMention, find_places
from dti_kg.loaders.rules import Lexicon, clause_indicators
from dti_kg.loaders.segments import Piece
from dti_kg.model import Measure
from dti_kg.text import parse_score

_ROW = regex.compile(r"^\s*(?P<rank>\d{1,2})(?!\d)\s*(?:[|\t]\s*)?(?P<rest>\S.*?)\s*$")
_VALUES = regex.compile(r"(?:(?:\s+|\s*[|\t]\s*)[01][.,]\d{1,4}(?![\d.,]))+\s*[|\t]?\s*$")
_VALUE = regex.compile(r"[01][.,]\d{1,4}")
_PREFIX = regex.compile(r"^(?:TP\.?|Tp\.?|Thành\s+phố|Tỉnh|tỉnh)?\s*", regex.V1)
_NAME_TAIL = regex.compile(r"^[\s|\t]*$")
# The overall index as a column heading ("CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)", "Điểm DTI 2024", "DTI").
_OVERALL_COLUMN = regex.compile(
    r"PDTI|(?:điểm|giá\s+trị|chỉ\s+số)\s+DTI|chuyển\s+đổi\s+số\s+cấp\s+tỉnh|(?<![\p{L}])DTI(?![\p{L}])",
    regex.IGNORECASE,
)
_MIN_ROWS = 3
_HEADER_REACH = 800  # characters above a block that may hold its header
_TABLE_COHORT = regex.compile(r"(?<!\d)(?P<of>63|34)\s+(?:tỉnh|địa\s+phương)", regex.IGNORECASE)


@dataclass(frozen=True)
class _Row:
    line: Piece
    rank: int
    place: PlaceMention
    values: list[tuple[int, int]]  # absolute (start, end) of each value token


def _row(line: Piece, language: str) -> _Row | None:
    m = _ROW.match(line.text)
    if not m:
        return None
    rest_start = line.start + m.start("rest")
    rest = m.group("rest")
    tail = _VALUES.search(rest)
    name_part = rest[: tail.start()] if tail else rest
    prefix = _PREFIX.match(name_part)
    name_start = prefix.end() if prefix else 0
    places = find_places(name_part[name_start:], language)
    if len(places) != 1 or places[0].start != 0:
        return None
    place = places[0]
    if not _NAME_TAIL.match(name_part[name_start + place.end :]):
        return None
    absolute = rest_start + name_start
    mention = PlaceMention(absolute + place.start, absolute + place.end, place.name)
    values = []
    if tail:
        base = rest_start + tail.start()
        values = [(base + v.start(), base + v.end()) for v in _VALUE.finditer(tail.group(0))]
    return _Row(line, int(m.group("rank")), mention, values)


def _lines(text: str) -> list[Piece]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(Piece(pos, pos + len(line), line))
        pos += len(line) + 1
    return out


_BARE_RANK = regex.compile(r"^\s*\d{1,2}\s*$")
_VALUES_ONLY = regex.compile(r"^\s*(?:[01][.,]\d{1,4}(?![\d.,])\s*)+$")


def _logical_rows(text: str, language: str) -> list[Piece]:
    """Non-blank lines, with a row split over several lines joined back into one.

    Some pages put each cell of a row on its own line ("1" / "TP. Đà Nẵng" / "0,6419"): a bare rank
    line takes the one province line after it and the value-only lines after that; a "rank name"
    line takes the value-only lines after it. Newlines inside a joined row become spaces, so every
    offset still points into ``text``.
    """
    lines = [line for line in _lines(text) if line.text.strip()]
    out: list[Piece] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i + 1
        if _BARE_RANK.match(line.text) and j < len(lines) and _row(lines[j], language) is None:
            name = find_places(_PREFIX.sub("", lines[j].text.strip(), count=1), language)
            if len(name) == 1:
                j += 1
        if j > i + 1 or _row(line, language) is not None:
            while j < len(lines) and _VALUES_ONLY.match(lines[j].text):
                j += 1
        end = lines[j - 1].end
        out.append(Piece(line.start, end, text[line.start : end].replace("\n", " ")))
        i = j
    return out


def _blocks(text: str, language: str) -> list[list[_Row]]:
    """Runs of consecutive rows (blank lines allowed between) whose ranks never go down."""
    blocks: list[list[_Row]] = []
    current: list[_Row] = []
    for line in _logical_rows(text, language):
        row = _row(line, language)
        if row and current and row.rank >= current[-1].rank and len(row.values) == len(current[-1].values):
            current.append(row)
            continue
        if len(current) >= _MIN_ROWS:
            blocks.append(current)
        current = [row] if row else []
    if len(current) >= _MIN_ROWS:
        blocks.append(current)
    return blocks


def _columns(header: str, width: int, lex: Lexicon) -> list[str] | None:
    """The indicator of each value column, from the header text above the rows."""
    named = clause_indicators(header, lex)
    columns = [key for _, _, key in named]
    last_end = named[-1][1] if named else 0
    if any(True for _ in _OVERALL_COLUMN.finditer(header, last_end)):
        columns.append("overall")
    return columns if len(columns) == width else None


def find_table_findings(text: str, lex: Lexicon) -> list[Finding]:
    """Ranks and scores of every province row of every flattened ranking table in ``text``."""
    findings: list[Finding] = []
    previous_end = 0
    for block in _blocks(text, lex.language):
        start = block[0].line.start
        header = text[max(previous_end, start - _HEADER_REACH) : start]
        previous_end = block[-1].line.end
        if lex.other_index.search(header) or not lex.dti_mark.search(text, 0, start):
            continue  # another index's table (ICT Index, PCI …), or no DTI word above it
        cohorts = list(_TABLE_COHORT.finditer(header))
        cohort = int(cohorts[-1].group("of")) if cohorts else None
        width = len(block[0].values)
        columns = _columns(header, width, lex) if width else []
        for row in block:
            span = span_of(
                text, row.line.start + (len(row.line.text) - len(row.line.text.lstrip())), row.line.end
            )
            findings.append(
                Finding(
                    indicator="overall",
                    measure="rank",
                    value=row.rank,
                    span=span,
                    rule=f"{lex.rule_prefix}.table.rank",
                    sentence=row.line,
                    cohort=cohort,
                    place=row.place,
                    cohort_hint=cohort,
                )
            )
            for key, (v_start, v_end) in zip(columns or [], row.values, strict=False):
                value = parse_score(text[v_start:v_end])
                if value is None:
                    continue
                findings.append(
                    Finding(
                        indicator=key,
                        measure="score",
                        value=Decimal(value).normalize(),
                        span=span,
                        rule=f"{lex.rule_prefix}.table.score-column",
                        sentence=row.line,
                        place=row.place,
                        cohort_hint=cohort,
                    )
                )
    return findings


# --- HTML tables -------------------------------------------------------------------------------
# trafilatura writes a page's <table> into the text as a grid, one row a line, cells between "|",
# the header row first and a "|---|---|" line under it:
#
#     | Rank | Province/city | DTI score | Digital government | … |
#     |---|---|---|---|---|
#     | 1 | Da Nang | 0.8340 | 0.8911 | … |
#
# Each column's meaning comes from its header cell: the rank column ("Rank", "STT", "Xếp hạng"),
# the province column (whatever cell of the row is one province name), and value columns that
# name an indicator (or the DTI itself: "DTI score", "Điểm DTI") and say whether they hold ranks
# ("Xếp hạng CQS", "DG rank") or scores. Each value is a finding quoting its own cell.

_GRID_ROW = regex.compile(r"^\s*\|(?P<cells>.*)\|\s*$")
_GRID_RULE = regex.compile(r"^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*$")
_RANK_WORD = regex.compile(
    r"\b(?:rank(?:ing)?s?|no\.?|stt|tt|xếp\s+hạng|thứ\s+hạng|hạng|vị\s+trí)\b|^#$", regex.IGNORECASE
)
_PLACE_HEADER = regex.compile(
    r"\b(?:provinces?|cit(?:y|ies)|localit(?:y|ies)|units?|tỉnh|thành\s+phố|địa\s+phương|đơn\s+vị)\b",
    regex.IGNORECASE,
)
_SCORE_WORD = regex.compile(
    r"\b(?:scores?|points?|values?|index|điểm|giá\s+trị|chỉ\s+số)\b", regex.IGNORECASE
)
_CELL_RANK = regex.compile(r"^(?P<n>\d{1,2})(?:\s*\(\s*(?P<x>[01][.,]\d{1,4})\s*\))?$")
_GRID_COHORT = regex.compile(
    r"(?<!\d)(?P<of>63|34)\s+(?:tỉnh|địa\s+phương|provinces|localities|units)", regex.IGNORECASE
)


@dataclass(frozen=True)
class _Column:
    indicator: str | None  # None: the row's rank column (the overall rank) or a column not read
    measure: str  # "rank" or "score"


def _cells(line: Piece) -> list[Piece] | None:
    m = _GRID_ROW.match(line.text)
    if not m:
        return None
    out, pos = [], line.start + m.start("cells")
    for raw in m.group("cells").split("|"):
        lead = len(raw) - len(raw.lstrip())
        cell = raw.strip()
        out.append(Piece(pos + lead, pos + lead + len(cell), cell))
        pos += len(raw) + 1
    return out


def _grid_columns(header: list[Piece], lex: Lexicon) -> list[_Column | None]:
    columns: list[_Column | None] = []
    for cell in header:
        keys = {k for _, _, k in clause_indicators(cell.text, lex)}
        ranks = bool(_RANK_WORD.search(cell.text))
        if len(keys) == 1:
            columns.append(_Column(keys.pop(), "rank" if ranks else "score"))
        elif keys:
            columns.append(None)  # one header naming several indices: which is which is a guess
        elif _OVERALL_COLUMN.search(cell.text) or lex.dti_mark.search(cell.text):
            columns.append(_Column("overall", "rank" if ranks else "score"))
        elif ranks and not _PLACE_HEADER.search(cell.text):
            columns.append(_Column(None, "rank"))  # "Rank", "STT": the overall rank
        elif _SCORE_WORD.search(cell.text) and not _PLACE_HEADER.search(cell.text):
            columns.append(_Column("overall", "score"))  # "Score", "Điểm"
        else:
            columns.append(None)
    return columns


def _grids(text: str) -> list[tuple[list[Piece], list[list[Piece]]]]:
    """(header cells, data rows' cells) of every grid whose second line is a rule."""
    lines = [line for line in _lines(text) if line.text.strip()]
    out = []
    i = 0
    while i < len(lines) - 1:
        header = _cells(lines[i])
        if header is None or not _GRID_RULE.match(lines[i + 1].text):
            i += 1
            continue
        rows = []
        j = i + 2
        while j < len(lines) and (cells := _cells(lines[j])) is not None:
            if len(cells) == len(header):
                rows.append(cells)
            j += 1
        out.append((header, rows))
        i = j
    return out


def find_grid_findings(text: str, lex: Lexicon) -> list[Finding]:
    """Ranks and scores in the HTML tables of a page (as trafilatura writes them into the text)."""
    findings: list[Finding] = []
    for header, rows in _grids(text):
        start = header[0].start
        above = text[max(0, start - _HEADER_REACH) : start]
        title = above + " ".join(c.text for c in header)
        if lex.other_index.search(title) or not lex.dti_mark.search(
            text, 0, rows[-1][-1].end if rows else start
        ):
            continue
        columns = _grid_columns(header, lex)
        cohorts = list(_GRID_COHORT.finditer(title))
        cohort = int(cohorts[-1].group("of")) if cohorts else None
        for cells in rows:
            places = [(cell, found) for cell in cells if (found := _cell_place(cell, lex.language))]
            if len(places) != 1:
                continue
            place_cell, place = places[0]
            line = Piece(cells[0].start, cells[-1].end, text[cells[0].start : cells[-1].end])
            for column, cell in zip(columns, cells, strict=True):
                if column is None or cell is place_cell:
                    continue
                findings.extend(_cell_findings(text, lex, cell, column, place, line, cohort))
    return findings


def _cell_place(cell: Piece, language: str) -> PlaceMention | None:
    """The province a cell names when the cell is nothing else ("TP. Đà Nẵng", "Da Nang")."""
    prefix = _PREFIX.match(cell.text)
    skip = prefix.end() if prefix else 0
    found = find_places(cell.text[skip:], language)
    if len(found) != 1 or found[0].start != 0 or cell.text[skip + found[0].end :].strip():
        return None
    return PlaceMention(cell.start + skip, cell.start + skip + found[0].end, found[0].name)


def _cell_findings(
    text: str,
    lex: Lexicon,
    cell: Piece,
    column: _Column,
    place: PlaceMention,
    line: Piece,
    cohort: int | None,
) -> list[Finding]:
    indicator = column.indicator or "overall"
    span = span_of(text, cell.start, cell.end)
    rule = f"{lex.rule_prefix}.table.cell"

    def finding(measure: Measure, value: int | Decimal, stated_cohort: int | None = None) -> Finding:
        return Finding(
            indicator, measure, value, span, rule, line, cohort=stated_cohort, place=place, cohort_hint=cohort
        )

    if column.measure == "rank":
        m = _CELL_RANK.match(cell.text)
        if not m:
            return []
        out = [finding("rank", int(m.group("n")), cohort)]
        score = parse_score(m.group("x")) if m.group("x") else None
        if score is not None:  # "1 (0,6419)": the rank and, in brackets, the score
            out.append(finding("score", score.normalize()))
        return out
    score = parse_score(cell.text)
    return [] if score is None else [finding("score", score.normalize())]


__all__ = ["find_grid_findings", "find_table_findings"]
