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


def _blocks(text: str, language: str) -> list[list[_Row]]:
    """Runs of consecutive row lines (blank lines allowed between) whose ranks never go down."""
    blocks: list[list[_Row]] = []
    current: list[_Row] = []
    for line in _lines(text):
        if not line.text.strip():
            continue
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
            common = {"sentence": row.line, "place": row.place, "cohort_hint": cohort}
            findings.append(
                Finding(
                    indicator="overall",
                    measure="rank",
                    value=row.rank,
                    span=span,
                    rule=f"{lex.rule_prefix}.table.rank",
                    cohort=cohort,
                    **common,
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
                        **common,
                    )
                )
    return findings


__all__ = ["find_table_findings"]
