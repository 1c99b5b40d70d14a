"""Flattened ranking tables (loaders/tables.py), on small invented tables: what is read, and what
is refused because a row, a header or the table's subject does not say enough."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from dti_kg.loaders.claims_en import lexicon as en_lexicon
from dti_kg.loaders.claims_vi import lexicon
from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.table_text import find_table_findings
from dti_kg.loaders.tables import find_grid_findings

HEADER = (
    "Xếp hạng chi tiết chuyển đổi số năm 2022\n"
    "Xếp hạng DTI Các tỉnh, thành phố Chỉ số\nNhận thức số\nChỉ số\nThể chế số\n"
    "CHUYỂN ĐỔI SỐ CẤP TỈNH (PDTI)\n"
)


def _read(text: str) -> list[tuple[str, str, str, object]]:
    return [(f.place.name, f.indicator, f.measure, f.value) for f in find_table_findings(text, lexicon())]


def test_ranking_list_with_a_tie_gives_one_rank_per_row_and_quotes_the_row():
    text = "Bảng xếp hạng DTI năm 2022\n1 TP. Đà Nẵng\n2 TP. Hồ Chí Minh\n2 Quảng Ninh\n4 Thừa Thiên - Huế\n"
    found = find_table_findings(text, lexicon())
    assert [(f.place.name, f.value) for f in found] == [
        ("Đà Nẵng", 1),
        ("Hồ Chí Minh", 2),
        ("Quảng Ninh", 2),
        ("Thừa Thiên - Huế", 4),
    ]
    assert all(f.indicator == "overall" and f.measure == "rank" for f in found)
    assert found[0].span.quote == "1 TP. Đà Nẵng"


def test_score_columns_follow_the_header_and_the_overall_column_comes_last():
    text = (
        HEADER
        + "1 TP. Đà Nẵng 1.0000 0.9000 0.8002\n2 Lạng Sơn 0.9500 0.8000 0.7000\n3 Bắc Ninh 0.9 0.8 0.6\n"
        + "Nguồn: Bộ TT&TT\n"  # (a short score that ends the text may be cut short: see below)
    )
    scores = [r for r in _read(text) if r[2] == "score"]
    assert ("Đà Nẵng", "digital_awareness", "score", Decimal("1")) in scores
    assert ("Đà Nẵng", "digital_institutions", "score", Decimal("0.9")) in scores
    assert ("Lạng Sơn", "overall", "score", Decimal("0.7")) in scores
    assert len(scores) == 9


def test_a_score_the_excerpt_cut_short_is_not_read():
    # the excerpt stops inside Bắc Ninh's DTI score (0.6104): "0.61" is not its value
    text = (
        HEADER
        + "1 TP. Đà Nẵng 1.0000 0.9000 0.8002\n2 Lạng Sơn 0.9500 0.8000 0.7000\n3 Bắc Ninh 0.9000 0.8000 0.61"
    )
    read = _read(text)
    assert ("Bắc Ninh", "digital_institutions", "score", Decimal("0.8")) in read
    assert not any(r[0] == "Bắc Ninh" and r[1] == "overall" and r[2] == "score" for r in read)


def test_values_are_not_read_when_the_header_names_another_number_of_columns():
    text = HEADER + "1 TP. Đà Nẵng 1.0000 0.9000\n2 Lạng Sơn 0.9500 0.8000\n3 Bắc Ninh 0.9 0.8\n"
    assert {r[2] for r in _read(text)} == {"rank"}


def test_a_pipe_table_with_a_dti_score_column_and_its_stated_cohort():
    text = (
        "Chỉ số DTI năm 2024 của 34 tỉnh, thành phố\nSTT | Tỉnh, thành phố | Điểm DTI 2024\n"
        "1 | TP. Hà Nội | 0,8241\n2 | TP. Huế | 0,7951\n3 | TP. Hải Phòng | 0,7857\n"
    )
    found = find_table_findings(text, lexicon())
    assert {f.cohort_hint for f in found} == {34}
    assert ("Huế", "overall", "score", Decimal("0.7951")) in _read(text)


def test_no_table_of_another_index_fewer_than_three_rows_or_rows_with_other_words():
    ict = "Xếp hạng ICT Index năm 2017, chuyển đổi số\n1 Thừa Thiên - Huế\n2 TP. Đà Nẵng\n3 Lâm Đồng\n"
    assert _read(ict) == []
    assert _read("Bảng xếp hạng DTI 2022\n1 TP. Đà Nẵng\n2 TP. Hồ Chí Minh\n") == []
    prose = "Chuyển đổi số DTI\n1 Đà Nẵng dẫn đầu\n2 Huế theo sau\n3 Hà Nội tăng hạng\n"
    assert _read(prose) == []


def test_a_rank_that_goes_down_ends_the_block():
    text = "Bảng xếp hạng DTI 2022\n5 Lạng Sơn\n6 Bắc Ninh\n7 Thái Nguyên\n1 Đà Nẵng\n"
    assert [r[3] for r in _read(text)] == [5, 6, 7]


# --- HTML tables (the grids trafilatura writes for a page's <table>) ---------------------------

HTML_TABLE = Path(__file__).parent / "fixtures" / "articles" / "en_dti_table.html"


def test_an_html_table_gives_each_cell_its_columns_indicator_and_measure_with_the_cell_as_evidence():
    e = extract_path(HTML_TABLE)
    got = {(c.province, c.edition, c.indicator, c.measure, c.value, c.cohort) for c in e.claims}
    assert got == {
        ("da-nang", 2023, "overall", "rank", 1, 63),
        ("da-nang", 2023, "overall", "score", Decimal("0.834"), None),
        ("da-nang", 2023, "digital_government", "rank", 1, 63),
        ("da-nang", 2023, "digital_government", "score", Decimal("0.8911"), None),  # "1 (0.8911)"
        ("da-nang", 2023, "digital_economy", "score", Decimal("0.7907"), None),
        ("ho-chi-minh", 2023, "overall", "rank", 2, 63),
        ("ho-chi-minh", 2023, "overall", "score", Decimal("0.796"), None),
        ("ho-chi-minh", 2023, "digital_government", "rank", 2, 63),
        ("ho-chi-minh", 2023, "digital_economy", "score", Decimal("0.7589"), None),
        ("thua-thien-hue", 2023, "overall", "rank", 3, 63),
        ("thua-thien-hue", 2023, "overall", "score", Decimal("0.7651"), None),
        ("thua-thien-hue", 2023, "digital_government", "rank", 3, 63),
    }
    # Not read: a header naming two indices, "n/a", a row naming two provinces, the ICT Index table.
    for claim in e.claims:
        (span,) = claim.evidence
        assert e.source.text[span.start : span.end] == span.quote
        assert claim.measure != "rank" or span.quote.startswith(str(claim.value))
    score = next(
        c for c in e.claims if c.province == "da-nang" and c.measure == "score" and c.indicator == "overall"
    )
    assert score.evidence[0].quote == "0.8340" and score.rule == "en.table.cell"


def test_a_grid_without_a_rule_under_its_header_is_no_table():
    text = "DTI 2023\n| Rank | Province | DTI score |\n| 1 | Da Nang | 0.8340 |\n| 2 | Hanoi | 0.7 |\n"
    assert find_grid_findings(text, en_lexicon()) == []


def test_a_row_split_over_lines_rank_name_and_score_each_on_its_own_line_is_read_as_one_row():
    # Issue 7, round 2: ranking pages that put every cell of a row on its own line.
    text = (
        "Bảng xếp hạng DTI năm 2021\nXếp hạng\nTỉnh, thành phố\nĐiểm DTI\n"
        "1\nTP. Đà Nẵng\n0,6419\n\n2\nThừa Thiên - Huế\n0,5872\n\n3\nTP. Hồ Chí Minh\n0,5587\n"
    )
    assert _read(text) == [
        ("Đà Nẵng", "overall", "rank", 1),
        ("Đà Nẵng", "overall", "score", Decimal("0.6419")),
        ("Thừa Thiên - Huế", "overall", "rank", 2),
        ("Thừa Thiên - Huế", "overall", "score", Decimal("0.5872")),
        ("Hồ Chí Minh", "overall", "rank", 3),
        ("Hồ Chí Minh", "overall", "score", Decimal("0.5587")),
    ]


def test_a_bare_rank_line_then_a_name_and_score_line_is_one_row_and_stray_numbers_are_not_rows():
    text = (
        "Bảng xếp hạng DTI năm 2021\nXếp hạng Tỉnh Điểm DTI\n"
        "1\nTP. Đà Nẵng 0,6419\n2\nThừa Thiên - Huế 0,5872\n3\nTP. Hồ Chí Minh 0,5587\n"
        "12\nnăm liên tiếp\n13\n"
    )
    assert [(*r[:2], r[3]) for r in _read(text) if r[2] == "rank"] == [
        ("Đà Nẵng", "overall", 1),
        ("Thừa Thiên - Huế", "overall", 2),
        ("Hồ Chí Minh", "overall", 3),
    ]
