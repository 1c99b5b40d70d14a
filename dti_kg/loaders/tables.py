"""Ranking tables in saved HTML pages, as trafilatura writes a page's <table> into the text.

(Tables flattened into plain text, of any layout, are read by ``table_text``.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import regex

from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import PlaceMention
from dti_kg.loaders.segments import Piece
from dti_kg.loaders.stated_editions import known_year
from dti_kg.loaders.table_text import (
    COHORT,
    OVERALL_COLUMN,
    RANK_WORD,
    ROW_NUMBER,
    SCORE_WORD,
    UNIT_WORD,
    cell_place,
    lines,
)
from dti_kg.model import Measure
from dti_kg.text import parse_score

_HEADER_REACH = 800  # characters above a grid that may hold its title

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
_YEAR = regex.compile(r"(?<!\d)(20\d\d)(?!\d)")
_CELL_RANK = regex.compile(r"^(?P<n>\d{1,2})(?:\s*\(\s*(?P<x>[01][.,]\d{1,4})\s*\))?$")


@dataclass(frozen=True)
class _Column:
    indicator: str | None  # None: the row's rank column (the overall rank) or a column not read
    measure: str  # "rank" or "score"
    ordinal: bool = False  # "STT", "TT", "No.": a row number, the overall rank only failing any other
    edition: int | None = None  # "Xếp hạng DTI 2021": the year the header cell names


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
        ranks = bool(RANK_WORD.search(cell.text))
        if len(keys) == 1:
            columns.append(_Column(keys.pop(), "rank" if ranks else "score"))
        elif keys:
            columns.append(None)  # one header naming several indices: which is which is a guess
        elif OVERALL_COLUMN.search(cell.text) or lex.dti_mark.search(cell.text):
            columns.append(_Column("overall", "rank" if ranks else "score"))
        elif ranks and not UNIT_WORD.search(cell.text):
            # "Rank", "Xếp hạng"; "STT", "TT": a row number, the overall rank only failing another
            columns.append(_Column(None, "rank", ordinal=bool(ROW_NUMBER.fullmatch(cell.text))))
        elif SCORE_WORD.search(cell.text) and not UNIT_WORD.search(cell.text):
            columns.append(_Column("overall", "score"))  # "Score", "Điểm"
        else:
            columns.append(None)
    for k, (cell, column) in enumerate(zip(header, columns, strict=True)):
        years = {int(y) for y in _YEAR.findall(cell.text) if known_year(int(y))}
        if column is not None and len(years) == 1:
            columns[k] = replace(column, edition=years.pop())
    if any(c is not None and c.measure == "rank" and not c.ordinal for c in columns):
        # a rank column besides the row number ("TT | Xếp hạng | Tỉnh", "STT | Tỉnh | Xếp hạng CQS"):
        # the row number is no rank
        columns = [None if c is not None and c.ordinal else c for c in columns]
    return columns


def _grids(text: str) -> list[tuple[list[Piece], list[list[Piece]]]]:
    """(header cells, data rows' cells) of every grid whose second line is a rule."""
    non_blank = [line for line in lines(text) if line.text.strip()]
    out = []
    i = 0
    while i < len(non_blank) - 1:
        header = _cells(non_blank[i])
        if header is None or not _GRID_RULE.match(non_blank[i + 1].text):
            i += 1
            continue
        rows = []
        j = i + 2
        while j < len(non_blank) and (cells := _cells(non_blank[j])) is not None:
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
        cohorts = list(COHORT.finditer(title))
        cohort = int(cohorts[-1].group("of")) if cohorts else None
        for cells in rows:
            places = [(c, found) for c in cells if (found := cell_place(text, c.start, c.end, lex.language))]
            if len(places) != 1:
                continue
            place_cell, place = places[0]
            line = Piece(cells[0].start, cells[-1].end, text[cells[0].start : cells[-1].end])
            for column, cell in zip(columns, cells, strict=True):
                if column is None or cell is place_cell:
                    continue
                findings.extend(_cell_findings(text, lex, cell, column, place, line, cohort))
    return findings


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
            indicator,
            measure,
            value,
            span,
            rule,
            line,
            column.edition,
            cohort=stated_cohort,
            place=place,
            cohort_hint=cohort,
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


__all__ = ["find_grid_findings"]
