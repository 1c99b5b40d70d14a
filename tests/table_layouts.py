"""Render the official provincial DTI values (``../shared/reference/dti_provincial.csv``) as ranking
tables in the many layouts pages use, for property tests of the table readers: every rendered
cell must be read back as the claim it is, whatever the layout.

A layout is a choice of: which columns (overall rank and score, pillar ranks and scores, the main
indices), their order (the rank before or after the unit), each header's wording (Xếp hạng / Hạng /
Thứ hạng, Tỉnh, thành phố / Địa phương / Đơn vị, DTI / Điểm DTI / PDTI, pillar names or CQS/KTS/XHS),
a rank and its score in one cell ("1 (0,6419)", perhaps over two lines), the decimal mark, how
cells are laid out (one row a line between " | ", tabs or spaces; one cell a line; a Markdown grid as
trafilatura writes an HTML table), a row-number column, and the title naming the edition.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from html import escape
from pathlib import Path

PILLARS = {
    "digital_government": ("Chính quyền số", "CQS"),
    "digital_economy": ("Kinh tế số", "KTS"),
    "digital_society": ("Xã hội số", "XHS"),
}
INDICES = {
    "digital_awareness": "Nhận thức số",
    "digital_institutions": "Thể chế số",
    "digital_infrastructure": "Hạ tầng số",
    "digital_human_resources": "Nhân lực số",
    "cybersecurity": "An toàn thông tin mạng",
    "digital_government_activity": "Hoạt động chính quyền số",
    "digital_economy_activity": "Hoạt động kinh tế số",
    "digital_society_activity": "Hoạt động xã hội số",
}
RANK_WORDS = ["Xếp hạng", "Hạng", "Thứ hạng", "XẾP HẠNG"]
UNIT_WORDS = [
    *("Tỉnh, thành phố", "Tỉnh/Thành phố", "Địa phương", "Đơn vị", "Tỉnh/TP", "Tỉnh, TP"),
    *("Các tỉnh, thành phố trực thuộc TW", "TỈNH, THÀNH PHỐ"),
]
DTI_SCORE_WORDS = [
    *("Điểm DTI", "DTI", "Chỉ số DTI", "Giá trị DTI", "PDTI", "CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)", "Điểm"),
]
ROW_NUMBER_WORDS = ["STT", "TT"]
SOURCE_LINE = "Nguồn: Bộ Thông tin và Truyền thông"  # a page goes on after its table


def reference_csv() -> Path:
    root = Path(os.environ.get("DTI_KG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))
    path = root / "reference" / "dti_provincial.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the official reference table is needed (set DTI_KG_SHARED)")
    return path


@dataclass(frozen=True)
class Column:
    key: str  # "rank", "score", "pair" (a rank with its score in brackets)
    indicator: str  # "overall", a pillar or a main index


@dataclass(frozen=True)
class Dataset:
    edition: int
    cohort: int
    columns: tuple[Column, ...]  # every column the rows have a value for
    rows: tuple[tuple[str, dict[Column, object]], ...]  # (name as published, values)


def _value(row: dict[str, str], column: Column) -> object:
    prefix = "" if column.indicator == "overall" else ("idx_" if column.indicator in INDICES else "")
    suffix = "" if column.indicator == "overall" else f"_{column.indicator}"
    if column.indicator in INDICES:
        return Decimal(row[f"{prefix}{column.indicator}"]) if row[f"{prefix}{column.indicator}"] else None
    rank, score = row[f"rank{suffix}"], row[f"score{suffix}"]
    if column.key == "rank":
        return int(rank) if rank else None
    if column.key == "score":
        return Decimal(score) if score else None
    return (int(rank), Decimal(score)) if rank and score else None


@cache
def datasets() -> tuple[Dataset, ...]:
    """The editions' tables, each with the columns every one of its rows has."""
    with reference_csv().open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    shapes = {
        (2021, 63): [Column(k, i) for i in ("overall", *PILLARS) for k in ("rank", "score")],
        (2022, 63): [Column("rank", "overall"), Column("score", "overall")]
        + [Column("score", i) for i in INDICES],
        (2023, 63): [Column("score", "overall")] + [Column("score", i) for i in INDICES],
        (2024, 34): [Column("rank", "overall"), Column("score", "overall")]
        + [Column("score", i) for i in INDICES],
        (2024, 63): [Column("score", "overall")],
    }
    out = []
    for (edition, cohort), columns in shapes.items():
        picked = []
        for row in rows:
            if (int(row["edition"]), int(row["cohort"])) != (edition, cohort):
                continue
            values = {c: _value(row, c) for c in columns}
            picked.append((row["province_as_published"], values))
        # the columns most rows fill, then the rows that fill them all
        kept = [c for c in columns if sum(v[c] is not None for _, v in picked) >= 5]
        full = [(n, v) for n, v in picked if all(v[c] is not None for c in kept)]
        if not any(c.key == "rank" for c in kept):  # a ranking needs an order: sort by score
            full.sort(key=lambda r: -r[1][Column("score", "overall")])  # type: ignore[operator]
        out.append(Dataset(edition, cohort, tuple(kept), tuple(full)))
    return tuple(out)


@dataclass(frozen=True)
class Layout:
    dataset: int  # index into datasets()
    columns: tuple[Column, ...]  # the columns shown, in order; the unit column is "unit"
    unit_at: int  # where the unit column stands among them
    pairs: bool  # a rank and its score in one cell, "1 (0,6419)"
    pair_break: bool  # … with the score on the line after the rank
    comma: bool  # decimal comma
    cells: str  # "line", "cell", "grid", "html" (a saved page with a <table>)
    sep: str  # between cells of a row line
    header_lines: bool  # one header label a line (a saved page's header) rather than one line
    words: tuple[int, ...]  # a choice of wording for each header
    row_number: bool  # an "STT" column first
    capitals: bool  # unit names in capitals
    city_prefix: bool  # "TP. Đà Nẵng"
    title: int


TITLES = [
    "BÁO CÁO XẾP HẠNG Đánh giá mức độ chuyển đổi số năm {ed}",
    "Bảng xếp hạng chỉ số chuyển đổi số cấp tỉnh (DTI) năm {ed}",
    "Kết quả DTI {ed} của các tỉnh, thành phố",
    "XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP TỈNH NĂM {ed}",
]


def header_label(column: Column, word: int, pairs: bool, one_line: bool) -> str:
    """A header cell for a column, in one of the wordings pages use. Unless its cells are apart (a
    grid, " | "), a bare "Xếp hạng" or "Điểm" is not used for the DTI: "XẾP HẠNG" followed by
    "Nhân lực số" is one label broken in two, as on dti.gov.vn ("XẾP HẠNG\nCHÍNH QUYỀN SỐ")."""
    if column.indicator == "overall":
        if column.key == "rank" or (column.key == "pair" and pairs):
            choices = (RANK_WORDS if one_line else []) + [f"{w} DTI" for w in RANK_WORDS]
        else:
            choices = DTI_SCORE_WORDS if one_line else DTI_SCORE_WORDS[:-1]
    elif column.indicator in PILLARS:
        name, abbr = PILLARS[column.indicator]
        names = [name, abbr, name.upper()]
        if column.key in ("rank", "pair"):
            choices = [f"{r} {n}" for r in RANK_WORDS for n in names] + [f"{n} (hạng)" for n in names]
        else:
            choices = [f"Điểm {name}", f"Chỉ số {name}", name, abbr, f"Điểm {abbr}", f"{name} (điểm)"]
    else:
        name = INDICES[column.indicator]
        choices = [f"Chỉ số {name}", name, f"Điểm {name}", f"Chỉ số\n{name}"]
    return choices[word % len(choices)]


def _number(value: Decimal, comma: bool) -> str:
    text = f"{value:.4f}"
    return text.replace(".", ",") if comma else text


def _cell(value: object, column: Column, layout: Layout) -> str:
    if isinstance(value, tuple):
        rank, score = value
        gap = "\n" if layout.pair_break else " "
        return f"{rank}{gap}({_number(score, layout.comma)})"
    if isinstance(value, Decimal):
        return _number(value, layout.comma)
    return str(value)


def _name(name: str, layout: Layout) -> str:
    if layout.city_prefix and name in ("Đà Nẵng", "Hà Nội", "Hải Phòng", "Cần Thơ", "Hồ Chí Minh", "Huế"):
        name = f"TP. {name}"
    return name.upper() if layout.capitals else name


def suffix(layout: Layout) -> str:
    return ".html" if layout.cells == "html" else ".txt"


def shown_value(values: dict[Column, object], column: Column) -> object:
    if column.key == "pair":
        return (values[Column("rank", column.indicator)], values[Column("score", column.indicator)])
    return values[column]


def render(layout: Layout) -> str:
    data = datasets()[layout.dataset]
    # (tabs are no separator: the loader makes every run of spaces and tabs one space)
    apart = layout.cells == "line" and not layout.header_lines and layout.sep == " | "
    one_line = layout.cells in ("grid", "html") or apart
    words = zip(layout.columns, layout.words, strict=True)
    labels = [header_label(c, w, layout.pairs, one_line) for c, w in words]
    labels.insert(layout.unit_at, UNIT_WORDS[layout.words[0] % len(UNIT_WORDS)])
    if layout.row_number:
        labels.insert(0, ROW_NUMBER_WORDS[layout.words[-1] % len(ROW_NUMBER_WORDS)])
    body = []
    for i, (name, values) in enumerate(data.rows, start=1):
        cells = [_cell(shown_value(values, c), c, layout) for c in layout.columns]
        cells.insert(layout.unit_at, _name(name, layout))
        if layout.row_number:
            cells.insert(0, str(i))
        body.append(cells)
    title = TITLES[layout.title % len(TITLES)].format(ed=data.edition)
    if data.cohort == 34:
        title += " của 34 tỉnh, thành phố sau sáp nhập"
    if layout.cells == "html":  # a saved page: trafilatura writes its <table> as a grid

        def row(tag: str, cells: list[str]) -> str:
            inner = "".join(f"<{tag}>{escape(c).replace(chr(10), '<br>')}</{tag}>" for c in cells)
            return f"<tr>{inner}</tr>"

        table = row("th", labels) + "".join(row("td", r) for r in body)
        return (
            f"<html><head><title>{escape(title)}</title></head><body><article><h1>{escape(title)}</h1>"
            f"<p>Bộ Thông tin và Truyền thông công bố kết quả đánh giá chuyển đổi số.</p>"
            f"<table>{table}</table></article></body></html>\n"
        )
    if layout.cells == "grid":
        flat = [label.replace("\n", " ") for label in labels]
        lines = ["| " + " | ".join(flat) + " |", "|" + "---|" * len(flat)]
        lines += ["| " + " | ".join(c.replace("\n", " ") for c in row) + " |" for row in body]
        return f"{title}\n\n" + "\n".join(lines) + "\n"
    if layout.cells == "cell":
        head = "\n\n".join(labels)
        rows = "\n\n".join("\n\n".join(row) for row in body)
        return f"{title}\n\n{head}\n\n{rows}\n\n{SOURCE_LINE}\n"
    head = "\n".join(labels) if layout.header_lines else layout.sep.join(labels)
    rows = "\n".join(layout.sep.join(row) for row in body)
    return f"{title}\n\n{head}\n{rows}\n\n{SOURCE_LINE}\n"


__all__ = ["Column", "Dataset", "Layout", "datasets", "render", "shown_value", "suffix"]
