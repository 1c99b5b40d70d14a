"""Flattened ranking tables of many layouts (loaders/table_text.py), on small invented tables: each
layout is read by the shape of its rows and the words of its header, and what a header does not
say (or a list that ranks nothing) is not read."""

from __future__ import annotations

from decimal import Decimal

from dti_kg.loaders.claims_en import lexicon as en_lexicon
from dti_kg.loaders.claims_vi import lexicon
from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.table_text import find_table_findings


def _read(text: str, lex=None) -> set[tuple[str, str, str, object]]:
    found = find_table_findings(text, lex or lexicon())
    return {(f.place.name, f.indicator, f.measure, f.value) for f in found}


def test_pipe_rows_with_a_rank_column_per_pillar():
    text = (
        "Xếp hạng chuyển đổi số DTI năm 2021\n"
        "XẾP HẠNG DTI | TỈNH, THÀNH PHỐ | XẾP HẠNG CHÍNH QUYỀN SỐ | XẾP HẠNG KINH TẾ SỐ"
        " | XẾP HẠNG XÃ HỘI SỐ\n"
        "1 | Đà Nẵng | 1 | 2 | 1\n2 | Thừa Thiên Huế | 2 | 5 | 3\n3 | Quảng Ninh | 4 | 3 | 2\n"
    )
    read = _read(text)
    assert ("Đà Nẵng", "overall", "rank", 1) in read
    assert ("Thừa Thiên Huế", "digital_economy", "rank", 5) in read
    assert ("Quảng Ninh", "digital_society", "rank", 2) in read
    assert len(read) == 12


def test_each_cell_on_its_own_line_with_the_score_in_brackets():
    text = (
        "Kết quả DTI cấp tỉnh năm 2021\n\nTT\n\nTỉnh, thành phố\n\nDTI 2021\n\n"
        "1\n\nTP. Đà Nẵng\n\n01 (0,6348)\n\n2\n\nThừa Thiên - Huế\n\n02 (0,5915)\n\n"
        "3\n\nQuảng Ninh\n\n03 (0,5516)\n"
    )
    read = _read(text)
    assert ("Đà Nẵng", "overall", "score", Decimal("0.6348")) in read
    assert ("Quảng Ninh", "overall", "rank", 3) in read
    assert len(read) == 6  # the "TT" column is a row number, not a second rank


def test_a_whole_ranking_on_one_line():
    text = "Bảng xếp hạng DTI 2023\n1 Đà Nẵng 2 TP Hồ Chí Minh 3 Thừa Thiên Huế 4 Lạng Sơn\n"
    assert _read(text) == {
        ("Đà Nẵng", "overall", "rank", 1),
        ("Hồ Chí Minh", "overall", "rank", 2),
        ("Thừa Thiên Huế", "overall", "rank", 3),
        ("Lạng Sơn", "overall", "rank", 4),
    }


def test_the_unit_first_then_its_score_and_rank():
    text = (
        "Chỉ số DTI 2022\nTỉnh, thành phố | Điểm DTI | Xếp hạng\n"
        "Đà Nẵng | 0,7 | 1\nLạng Sơn | 0,6 | 2\nBắc Ninh | 0,5 | 3\n"
    )
    read = _read(text)
    assert ("Lạng Sơn", "overall", "score", Decimal("0.6")) in read
    assert ("Bắc Ninh", "overall", "rank", 3) in read
    assert len(read) == 6


def test_tab_separated_pillar_scores_and_the_row_number_as_the_rank():
    text = (
        "Giá trị DTI năm 2022 của 63 tỉnh\nSTT\tTỉnh\tChính quyền số\tKinh tế số\tXã hội số\tDTI\n"
        "1\tĐà Nẵng\t0,8\t0,7\t0,6\t0,8002\n2\tTP. Hồ Chí Minh\t0,7\t0,7\t0,5\t0,7163\n"
        "3\tQuảng Ninh\t0,7\t0,6\t0,5\t0,7024\n"
    )
    found = find_table_findings(text, lexicon())
    read = {(f.place.name, f.indicator, f.measure, f.value) for f in found}
    assert ("Quảng Ninh", "digital_economy", "score", Decimal("0.6")) in read
    assert ("Đà Nẵng", "overall", "score", Decimal("0.8002")) in read
    assert ("Hồ Chí Minh", "overall", "rank", 2) in read
    assert len(read) == 15
    assert {f.cohort_hint for f in found} == {63}
    assert (
        next(f for f in found if f.value == Decimal("0.7024")).span.quote
        == "3\tQuảng Ninh\t0,7\t0,6\t0,5\t0,7024"
    )


def test_rows_split_over_lines_and_a_repeated_header():
    header = "Xếp hạng | Tỉnh | Điểm DTI\n"
    text = (
        "Xếp hạng chuyển đổi số DTI 2022\n" + header + "1\nĐà Nẵng\n0,8\n2\nLạng Sơn\n0,7\n3\nBắc Ninh\n0,6\n"
        "Trang 2\n" + header + "4\nThái Nguyên\n0,59\n5\nBắc Giang\n0,58\n6\nNam Định\n0,57\n"
    )
    read = _read(text)
    assert ("Nam Định", "overall", "rank", 6) in read
    assert ("Lạng Sơn", "overall", "score", Decimal("0.7")) in read
    assert len(read) == 12


def test_a_header_word_that_disagrees_with_the_cells_leaves_the_column_unread():
    text = (
        "DTI 2022\nXếp hạng | Tỉnh | Điểm chính quyền số\n"
        "1 | Đà Nẵng | 3\n2 | Lạng Sơn | 1\n3 | Bắc Ninh | 2\n"
    )
    assert {r[1:3] for r in _read(text)} == {("overall", "rank")}


def test_a_list_that_orders_nothing_is_not_a_ranking():
    text = "Chuyển đổi số DTI\n5 Đà Nẵng\n2 Hà Nội\n9 Quảng Ninh\n"
    assert _read(text) == set()


def test_prose_and_another_index_are_not_tables():
    assert _read("Chuyển đổi số DTI: Đà Nẵng 1, Hà Nội 2, Huế 3.\n") == set()
    ict = "Xếp hạng ICT Index 2017 (chuyển đổi số)\n1 Thừa Thiên - Huế\n2 TP. Đà Nẵng\n3 Lâm Đồng\n"
    assert _read(ict) == set()


def test_unnamed_score_columns_are_not_guessed():
    text = "Bảng DTI 2022\n1 Đà Nẵng 0,8 0,7\n2 Lạng Sơn 0,7 0,6\n3 Bắc Ninh 0,6 0,5\n"
    assert {r[2] for r in _read(text)} == {"rank"}


def test_an_english_table_with_the_province_first():
    text = (
        "DTI 2023 provincial ranking\nProvince | DTI score | Rank\n"
        "Da Nang | 0.7 | 1\nHanoi | 0.6 | 2\nHai Phong | 0.5 | 3\n"
    )
    assert _read(text, en_lexicon()) == {
        ("Da Nang", "overall", "score", Decimal("0.7")),
        ("Da Nang", "overall", "rank", 1),
        ("Hanoi", "overall", "score", Decimal("0.6")),
        ("Hanoi", "overall", "rank", 2),
        ("Hai Phong", "overall", "score", Decimal("0.5")),
        ("Hai Phong", "overall", "rank", 3),
    }


def test_a_table_in_capitals_and_units_marked_new():
    text = "XẾP HẠNG DTI NĂM 2024 (34 TỈNH, THÀNH PHỐ)\n1 THÀNH PHỐ HÀ NỘI\n2 TP. HUẾ\n3 Vĩnh Long (mới)\n"
    found = find_table_findings(text, lexicon())
    assert [(f.place.name, f.value, f.place.era) for f in found] == [
        ("HÀ NỘI", 1, None),
        ("HUẾ", 2, None),
        ("Vĩnh Long", 3, "34"),
    ]
    assert {f.cohort_hint for f in found} == {34}


def test_capitals_in_prose_are_not_read_as_names():
    assert _read("Chuyển đổi số DTI\n1 hòa bình\n2 Hà Nội\n3 Lạng Sơn\n") == set()


def test_a_change_column_gives_rank_changes_and_other_signed_numbers_break_no_row():
    text = (
        "Xếp hạng DTI 2022\nXếp hạng | Tỉnh | Điểm DTI | Tăng/giảm so với 2021\n"
        "1 | Đà Nẵng | 0,8002 | 0\n2 | TP. Hồ Chí Minh | 0,7163 | +1\n3 | Quảng Ninh | 0,7024 | -1\n"
    )
    read = _read(text)
    assert ("Hồ Chí Minh", "overall", "rank_change", 1) in read
    assert ("Quảng Ninh", "overall", "rank_change", -1) in read
    assert ("Đà Nẵng", "overall", "rank_change", 0) in read
    assert len(read) == 9
    unnamed = "Xếp hạng DTI 2022\n1 Đà Nẵng 0\n2 Hà Nội +1\n3 Quảng Ninh -1\n"
    assert {r[2] for r in _read(unnamed)} == {"rank"}


def test_cells_glued_together_by_a_careless_page_extraction():
    text = (
        "Bảng xếp hạng DTI 2021\nXếp hạng Tỉnh Điểm DTI\n"
        "1TP. Đà Nẵng0,6348\n2Thừa Thiên Huế0,5915\n3Quảng Ninh0,5516\n"
    )
    read = _read(text)
    assert ("Đà Nẵng", "overall", "score", Decimal("0.6348")) in read
    assert ("Quảng Ninh", "overall", "rank", 3) in read
    assert _read("Chuyển đổi số DTI\n12a Đà Nẵng\n13a Hà Nội\n14a Huế\n") == set()


def test_a_ranking_typed_as_a_list_under_a_title():
    text = (
        "Bảng xếp hạng DTI 2022:\n1. TP. Đà Nẵng: 0,8002 điểm;\n2. TP. Hồ Chí Minh: 0,7163 điểm;\n"
        "3. Quảng Ninh: 0,7024 điểm.\n"
    )
    read = _read(text)
    assert ("Quảng Ninh", "overall", "rank", 3) in read
    assert ("Đà Nẵng", "overall", "score", Decimal("0.8002")) in read
    assert len(read) == 6


def test_a_title_naming_one_index_makes_the_table_that_indexs():
    text = "Bảng xếp hạng chỉ số kinh tế số DTI 2022\n1 Đà Nẵng 0,8\n2 Hà Nội 0,7\n3 Huế 0,6\n"
    assert {r[1] for r in _read(text)} == {"digital_economy"}
    two = "Xếp hạng chính quyền số và kinh tế số DTI 2022\n1 Đà Nẵng 0,8\n2 Hà Nội 0,7\n3 Huế 0,6\n"
    assert _read(two) == set()  # whose ranking it is: a guess


def test_a_row_number_is_no_rank_beside_a_rank_column():
    text = (
        "DTI 2022\nSTT | Tỉnh | Điểm DTI | Xếp hạng\n"
        "1 | Đà Nẵng | 0,8 | 1\n2 | Hà Nội | 0,7 | 2\n3 | Huế | 0,6 | 2\n"
    )
    assert {r for r in _read(text) if r[2] == "rank"} == {
        ("Đà Nẵng", "overall", "rank", 1),
        ("Hà Nội", "overall", "rank", 2),
        ("Huế", "overall", "rank", 2),
    }
    pillar = "DTI 2022\nSTT | Tỉnh | Xếp hạng CQS\n1 | Đà Nẵng | 1\n2 | Hà Nội | 2\n3 | Huế | 3\n"
    assert {r[1] for r in _read(pillar)} == {"digital_government"}


def test_a_spaced_dash_parts_cells_on_a_line_without_pipes():
    text = (
        "Xếp hạng DTI 2022:\n1 - Đà Nẵng - 0,8002\n2 - TP. Hồ Chí Minh - 0,7163\n"
        "3 - Quảng Ninh - 0,7024\n\nNguồn\n"
    )
    read = _read(text)
    assert ("Hồ Chí Minh", "overall", "score", Decimal("0.7163")) in read
    assert ("Quảng Ninh", "overall", "rank", 3) in read
    # between pipes a dash is still an empty cell
    piped = (
        "DTI 2022\nXếp hạng | Tỉnh | Điểm DTI\n1 | Đà Nẵng | -\n2 | Lạng Sơn | 0,6\n"
        "3 | Bắc Ninh | 0,5\n\nNguồn\n"
    )
    assert not any(r[0] == "Đà Nẵng" and r[2] == "score" for r in _read(piped))


def test_a_name_the_gazetteer_knows_with_its_prefix_is_a_cell():
    text = (
        "DTI năm 2023\nHạng | Tỉnh/TP | Điểm\n1 | Đà Nẵng | 0,8340\n2 | TP.HCM | 0,8020\n"
        "3 | TP. Huế | 0,7660\n\nNguồn\n"
    )
    assert ("TP.HCM", "overall", "rank", 2) in _read(text)


def test_a_whole_ranking_after_its_title_and_a_colon_on_one_line():
    text = (
        "Bảng xếp hạng DTI 2022: 1. Đà Nẵng; 2. TP. Hồ Chí Minh; 3. Quảng Ninh; 4. Thừa Thiên Huế; "
        "5. Cần Thơ.\n"
    )
    read = _read(text)
    assert ("Cần Thơ", "overall", "rank", 5) in read and len(read) == 5
    # a prose list after a colon is not a table
    assert (
        _read("Top 5 DTI 2022 gồm: Đà Nẵng, TP. Hồ Chí Minh, Quảng Ninh, Thừa Thiên Huế, Cần Thơ.\n") == set()
    )


def test_columns_whose_labels_name_years_hold_those_editions(tmp_path):
    text = (
        "Thứ hạng DTI của các tỉnh Tây Bắc qua các năm\n"
        "Tỉnh | Xếp hạng DTI 2021 | Xếp hạng DTI 2022 | Điểm DTI 2022\n"
        "Lào Cai | 12 | 38 | 0,6093\nYên Bái | 27 | 15 | 0,6582\nSơn La | 55 | 44 | 0,5820\n\nNguồn\n"
    )
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    got = {(c.province, c.edition, c.measure, c.value) for c in extract_path(path).claims}
    assert ("lao-cai", 2021, "rank", 12) in got and ("lao-cai", 2022, "rank", 38) in got
    assert ("yen-bai", 2022, "score", Decimal("0.6582")) in got
    grid = (
        "Thứ hạng DTI qua các năm\n\n| Tỉnh | Xếp hạng DTI 2021 | Xếp hạng DTI 2022 |\n|---|---|---|\n"
        "| Lào Cai | 12 | 38 |\n| Yên Bái | 27 | 15 |\n| Sơn La | 55 | 44 |\n\nNguồn\n"
    )
    path.write_text(grid, encoding="utf-8")
    got = {(c.province, c.edition, c.measure, c.value) for c in extract_path(path).claims}
    assert ("son-la", 2021, "rank", 55) in got and ("son-la", 2022, "rank", 44) in got
