"""Readings added in round 7 of issue 7 (the 23 blind-labelled excerpts placed in
tests/real_corpus/dev by README-blind2.md), one test each, on invented sentences shaped like the
misses they were written for. Each also checks what must not be read."""

from __future__ import annotations

from pathlib import Path

from extract_helpers import article_claims

from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.segments import sentences, unwrapped

HEAD = "Tin chuyển đổi số"


def _ranks(rows: set) -> set[tuple]:
    return {(p, e, i, v, c) for p, e, i, m, v, c in rows if m == "rank"}


def _vi_ranks(tmp_path: Path, body: str) -> set[tuple]:
    """(province, edition, indicator, rank, cohort) of an article under a title naming no province."""
    return _ranks(article_claims(tmp_path, body, title=HEAD))


def test_a_hard_wrapped_sentence_is_read_across_its_lines(tmp_path: Path) -> None:
    # A legal text saved line by line: the rank's cohort, its change and the index's score and rank
    # are cut by line breaks that are not the ends of sentences.
    body = (
        "Năm 2023, Chỉ số DTI tỉnh Sóc Trăng đạt 0,4120, xếp thứ 41/63\n"
        "tỉnh, thành phố, tăng 7 bậc so với năm 2022. Cụ thể: Kinh tế số đạt\n"
        "0,3310, tăng 12% so với năm 2022, xếp thứ 38/63 tỉnh, thành phố."
    )
    got = article_claims(tmp_path, body, title=HEAD)
    assert ("soc-trang", 2023, "overall", "rank_change", 7, None) in got
    assert ("soc-trang", 2022, "overall", "rank", 48, 63) in got  # derived from the change
    assert ("soc-trang", 2023, "digital_economy", "rank", 38, 63) in got
    assert any(r[2:4] == ("digital_economy", "score") and float(r[4]) == 0.331 for r in got)
    # the quote is still the source's characters, line break included
    path = tmp_path / "a.txt"
    quotes = {s.quote for c in extract_path(path).claims for s in c.evidence}
    assert any("đạt\n0,3310" in q for q in quotes)


def test_unwrapping_keeps_offsets_and_real_line_breaks() -> None:
    text = "Tiêu đề\nDòng một kết thúc.\nDòng hai\nnối tiếp\n\n1 Đà Nẵng 0,8\nXếp hạng\n2 Hà Nội"
    out = unwrapped(text)
    assert len(out) == len(text)
    assert "Dòng hai nối tiếp" in out
    assert "kết thúc.\nDòng hai" in out  # a sentence's end stays a line break
    assert "Xếp hạng\n2 Hà Nội" in out  # a table's rows stay rows
    assert "\n\n1 Đà Nẵng" in out


def test_details_after_cu_the_are_the_province_just_named(tmp_path: Path) -> None:
    body = (
        "Theo kết quả DTI 2022, Chỉ số DTI tỉnh Bạc Liêu xếp thứ 44/63. Cụ thể: Xã hội số xếp thứ 30/63, "
        "Kinh tế số xếp thứ 51/63."
    )
    got = _vi_ranks(tmp_path, body)
    assert ("bac-lieu", 2022, "digital_society", 30, 63) in got
    assert ("bac-lieu", 2022, "digital_economy", 51, 63) in got


def test_an_aside_naming_nothing_does_not_end_an_indexs_values(tmp_path: Path) -> None:
    body = "Theo DTI 2022, tỉnh Bạc Liêu có Xã hội số đạt 0,4410, tăng 31% so với năm 2021, xếp thứ 29/63."
    got = _vi_ranks(tmp_path, body)
    assert ("bac-lieu", 2022, "digital_society", 29, 63) in got
    # an aside that names a province does end it: the rank is no longer the index's
    body = "Theo DTI 2022, tỉnh Bạc Liêu có Xã hội số đạt 0,4410, hơn Cà Mau, xếp thứ 29/63."
    got = _vi_ranks(tmp_path, body)
    assert not any(r[2] == "digital_society" for r in got)


def test_a_score_beside_a_national_rank_stays_before_a_regional_one(tmp_path: Path) -> None:
    body = (
        "Năm 2021, chỉ số chuyển đổi số của Gia Lai đạt 0,31 điểm, xếp thứ 50 trong cả nước và xếp thứ 4 "
        "khu vực Tây Nguyên."
    )
    got = article_claims(tmp_path, body, title=HEAD)
    assert ("gia-lai", 2021, "overall", "rank", 50, 63) in got
    assert any(r[:4] == ("gia-lai", 2021, "overall", "score") and float(r[4]) == 0.31 for r in got)
    assert not any(r[3] == "rank" and r[4] == 4 for r in got)  # the region's rank
    # without a national rank before the region, the score may be the region's or a district's
    body = "Năm 2021, huyện Chư Sê của Gia Lai đạt 0,31 điểm chuyển đổi số, xếp thứ 4 khu vực Tây Nguyên."
    assert article_claims(tmp_path, body, title=HEAD) == set()


def test_the_size_of_a_scale_is_not_a_score(tmp_path: Path) -> None:
    body = (
        "Bộ chỉ số chuyển đổi số của tỉnh Lâm Đồng năm 2023 có 7 chỉ số chính. "
        "Thang điểm đánh giá đối với bộ chỉ số chuyển đổi số của tỉnh Lâm Đồng là 1.000 điểm."
    )
    assert article_claims(tmp_path, body, title=HEAD) == set()


def test_the_provinces_index_continues_the_dti_sentence_before(tmp_path: Path) -> None:
    body = (
        "Năm 2022, chỉ số chuyển đổi số của Hậu Giang đứng thứ 17/63 tỉnh thành.\n"
        "So với năm 2021, chỉ số của tỉnh tăng 9 bậc, trong đó một số chỉ số thành phần cải thiện rõ rệt."
    )
    got = article_claims(tmp_path, body, title=HEAD)
    assert ("hau-giang", 2022, "overall", "rank_change", 9, None) in got
    assert ("hau-giang", 2021, "overall", "rank", 26, 63) in got


def test_a_bare_tinh_is_the_one_province_the_article_names(tmp_path: Path) -> None:
    body = (
        "Theo DTI 2021, với chỉ số kinh tế số, Hậu Giang tăng 5 bậc, xếp thứ 20; "
        "với xã hội kỹ thuật số, tỉnh tăng 11 bậc để xếp thứ chín."
    )
    got = _vi_ranks(tmp_path, body)
    assert ("hau-giang", 2021, "digital_society", 9, 63) in got
    # a neighbour named in the title or the text before keeps "tỉnh" unresolved
    got = _ranks(article_claims(tmp_path, body, title="Sóc Trăng học hỏi chuyển đổi số"))
    assert not any(r[2] == "digital_society" for r in got)
    # the province named as the one compared with is not "tỉnh", even when it is the only one named
    body = "Theo DTI 2021, so với Bạc Liêu (thứ 20), tỉnh xếp thứ 40."
    got = _vi_ranks(tmp_path, body)
    assert not any(r[3] == 40 for r in got)


def test_index_names_before_a_bracketed_rank_share_it(tmp_path: Path) -> None:
    body = (
        "Theo DTI 2022, Bình Dương có nhiều chỉ số dẫn đầu và xếp hạng cao như: thể chế số (xếp thứ nhất), "
        "Nhân lực số, hạ tầng số (xếp thứ 4), Nhận thức số (xếp thứ sáu)."
    )
    got = _vi_ranks(tmp_path, body)
    assert {(i, v) for _, _, i, v, _ in got} == {
        ("digital_institutions", 1),
        ("digital_human_resources", 4),
        ("digital_infrastructure", 4),
        ("digital_awareness", 6),
    }
    # a name followed by a value of its own, or a list broken by ";", shares nothing
    body = "Theo DTI 2022, Bình Dương có thể chế số đạt 0,61; hạ tầng số (xếp thứ 4)."
    got = _vi_ranks(tmp_path, body)
    assert {(i, v) for _, _, i, v, _ in got} == {("digital_infrastructure", 4)}


def test_names_after_sau_are_the_places_ahead_when_they_are_as_many(tmp_path: Path) -> None:
    body = (
        "Theo bảng xếp hạng DTI năm 2023, Quảng Ninh đứng vị trí thứ 4, sau TP. Đà Nẵng, Hà Nội và "
        "Thừa Thiên Huế. Bắc Ninh xếp thứ 10, sau Hải Phòng."
    )
    got = _vi_ranks(tmp_path, body)
    assert ("quang-ninh", 2023, "overall", 4, 63) in got
    assert {("da-nang", 1), ("ha-noi", 2), ("thua-thien-hue", 3)} <= {(p, v) for p, _, _, v, _ in got}
    assert not any(p == "hai-phong" for p, *_ in got)  # one name ahead of a 10th: not the nine ahead
    body = "Theo DTI 2022, Lào Cai xếp thứ 2, sau Hà Giang về kinh tế số."
    assert not any(p == "ha-giang" for p, *_ in _vi_ranks(tmp_path, body))


def test_a_bracketed_thu_nam_after_a_name_is_fifth(tmp_path: Path) -> None:
    body = "Theo DTI 2023, Bắc Ninh đứng trên Quảng Ninh (thứ năm) và Lạng Sơn (thứ sáu)."
    got = _vi_ranks(tmp_path, body)
    assert ("quang-ninh", 2023, "overall", 5, 63) in got
    assert ("lang-son", 2023, "overall", 6, 63) in got


def test_tp_dot_before_a_name_does_not_end_the_sentence(tmp_path: Path) -> None:
    text = "Theo DTI 2023, TP. Cần Thơ xếp thứ 5/63. Tiếp theo là An Giang."
    assert [s.text for s in sentences(text)] == [
        "Theo DTI 2023, TP. Cần Thơ xếp thứ 5/63",
        "Tiếp theo là An Giang",
    ]
    body = "Theo DTI 2023, An Giang xếp thứ 6, sau TP. Cần Thơ, Hậu Giang, Long An, Đồng Tháp và Tiền Giang."
    assert ("can-tho", 2023, "overall", 1, 63) in _vi_ranks(tmp_path, body)


def test_activities_of_an_index_name_the_activity_index(tmp_path: Path) -> None:
    body = (
        "The Information and Communications Ministry has announced the Digital Transformation Index (DTI) "
        "2022, with Can Tho occupying the fifth position. The city stands high in Digital Awareness "
        "(second position), Activities of Digital Society (fourth position), Activities of Digital Economy "
        "(sixth position)."
    )
    got = _ranks(article_claims(tmp_path, body))
    assert {(i, v) for _, _, i, v, _ in got} == {
        ("overall", 5),
        ("digital_awareness", 2),
        ("digital_society_activity", 4),
        ("digital_economy_activity", 6),
    }  # and no pillar "Digital Society"/"Digital Economy" inside the activity names
    # nor is a centrally-run city ("tỉnh" is a province)
    body = "Theo DTI 2021, với kinh tế số, Đà Nẵng tăng 5 bậc, xếp thứ 2; với xã hội số, tỉnh xếp thứ 20."
    got = _vi_ranks(tmp_path, body)
    assert not any(r[3] == 20 for r in got)
