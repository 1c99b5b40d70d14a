"""Our own small articles (Vietnamese and English, .txt and a saved .html page) and the false
positives the rules were written against."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from dti_kg.loaders.extract import extract_path
from dti_kg.model import Extraction

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def _claims(e: Extraction) -> set[tuple]:
    return {
        (c.province, c.edition, c.indicator, c.measure, float(c.value), c.cohort, c.derived, c.compared_to)
        for c in e.claims
    }


def _spans_are_slices(e: Extraction) -> None:
    for span in [s for c in e.claims for s in c.evidence] + [s for f in e.facts for s in f.evidence]:
        assert e.source.text[span.start : span.end] == span.quote


def _article(tmp_path: Path, body: str, name: str = "a.txt") -> Extraction:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return extract_path(path)


def test_vietnamese_nfd_old_tone_marks_and_tricky_numbers():
    path = ARTICLES / "vi_khanh_hoa_nfd.txt"
    raw = path.read_text(encoding="utf-8")
    assert raw == unicodedata.normalize("NFD", raw) and "Hoa\u0300" in raw  # the fixture really is NFD, "Hoà"
    e = extract_path(path)
    _spans_are_slices(e)
    assert "Khánh Hòa" in e.source.text and e.source.published.isoformat() == "2023-08-15"
    assert _claims(e) == {
        ("khanh-hoa", 2022, "overall", "rank", 20, 63, False, None),
        ("khanh-hoa", 2022, "overall", "rank_change", 3, None, False, 2021),
        ("khanh-hoa", 2021, "overall", "rank", 23, 63, True, None),
        ("khanh-hoa", 2022, "digital_economy", "score", 0.4512, None, False, None),
        ("khanh-hoa", 2022, "digital_economy", "rank", 15, 63, False, None),
        ("ho-chi-minh", 2022, "overall", "rank", 2, 63, False, None),
    }
    # Not claims: the national average 0,5123, "tốp 10", "12/63 tỉnh đã ban hành", PCI 9/63,
    # "1.000 doanh nghiệp", "1.400 chữ ký số", "98,5%" (all in the fixture).
    assert [(f.fact, f.value, f.consistent) for f in e.facts] == [("publisher", "bo-tttt", True)]


def test_english_article():
    e = extract_path(ARTICLES / "en_thai_nguyen.txt")
    _spans_are_slices(e)
    assert e.source.language == "en" and e.source.published.isoformat() == "2025-10-22"
    assert _claims(e) == {
        ("thai-nguyen", 2024, "overall", "rank", 8, 63, False, None),
        ("thai-nguyen", 2024, "overall", "rank_change", 4, None, False, 2023),
        ("thai-nguyen", 2023, "overall", "rank", 12, 63, True, None),
        # Thai Nguyen is ranked over the 63 ("8th out of 63"): its other DTI 2024 rank is too;
        # Da Nang's own sentence states no cohort.
        ("thai-nguyen", 2024, "digital_government", "rank", 5, 63, False, None),
        ("thai-nguyen", 2024, "digital_government", "score", 0.6419, None, False, None),
        ("da-nang", 2024, "overall", "rank", 1, None, False, None),
    }
    pillar = next(c for c in e.claims if c.indicator == "digital_government" and c.measure == "rank")
    assert pillar.province_basis == "title"  # "the province" in a text whose title names Thai Nguyen


def test_saved_html_page():
    e = extract_path(ARTICLES / "vi_lang_son.html")
    _spans_are_slices(e)
    src = e.source
    assert src.media_type == "text/html" and src.outlet == "bao-lang-son"
    assert src.url == "https://baolangson.vn/chuyen-doi-so/lang-son-xep-hang-40-63.html"
    assert src.published.isoformat() == "2022-08-10" and src.metadata_basis["url"] == "html"
    assert "Trang chủ" not in src.text and "Bản quyền" not in src.text  # page furniture dropped
    assert _claims(e) == {
        ("lang-son", 2021, "overall", "rank", 40, 63, False, None),
        ("lang-son", 2021, "overall", "rank_change", -2, None, False, 2020),
        ("lang-son", 2020, "overall", "rank", 38, 63, True, None),  # fell 2 places to 40: was 38
    }
    rank = next(c for c in e.claims if c.edition == 2021 and c.measure == "rank")
    assert len(rank.evidence) == 2  # the headline and the body say it


def test_article_without_dti_content():
    e = extract_path(ARTICLES / "vi_non_dti.txt")
    assert e.claims == [] and e.facts == []
    assert any("no DTI content" in n for n in e.notes)


@pytest.mark.parametrize(
    "sentence",
    [
        # "bảng xếp hạng 63 tỉnh" is the table, not rank 63
        "Theo Chỉ số DTI 2021, bảng xếp hạng 63 tỉnh, thành phố đã có, tỉnh Bắc Ninh có nhiều tiến bộ.",
        # "2/8 chỉ số" counts indices
        "Theo Chỉ số DTI 2021, tỉnh Bắc Ninh đạt điểm cao ở 2/8 chỉ số chính.",
        # a count of provinces that did something
        "Về chuyển đổi số, đến nay có 12/63 tỉnh, thành phố đã ban hành nghị quyết, trong đó có Bắc Ninh.",
        # a vague range and a top-10 are no exact rank
        "Bắc Ninh thuộc nhóm 10-15 địa phương dẫn đầu và vào Top 10 về Chỉ số DTI 2021.",
        "Bắc Ninh xếp hạng 10-15 về Chỉ số DTI 2021.",
        # another index
        "Năm 2021, chỉ số PCI của tỉnh Bắc Ninh xếp hạng 5/63 tỉnh, thành phố về chuyển đổi số.",
        # one thousand firms, not a score of 1.000; the national average is no province's score
        "Bắc Ninh hỗ trợ chuyển đổi số cho 1.000 doanh nghiệp trong năm 2021.",
        "Điểm DTI 2021 trung bình cả nước đạt 0,4014, Bắc Ninh cần cố gắng.",
        # "thứ 2 năm liên tiếp" counts years
        "Bắc Ninh đứng thứ 2 năm liên tiếp trong nhóm dẫn đầu về Chỉ số DTI.",
        # a regional rank and a district's rank within its province
        "Năm 2021, Cần Thơ có 35 xã đạt chuẩn, xếp thứ 2 vùng ĐBSCL về chuyển đổi số.",
        "Theo Chỉ số DTI 2021, huyện Vĩnh Thạnh đứng thứ 3 trong tỉnh Bình Định về chuyển đổi số.",
        # a prize, not a ranking
        "Theo DTI 2021, Bắc Ninh hạng 3 giải thưởng chuyển đổi số.",
    ],
)
def test_false_positives_stay_out(tmp_path, sentence):
    e = _article(tmp_path, f"Tin chuyển đổi số\n\nNgày 20-09-2022\n\n{sentence}\n")
    assert e.claims == []


@pytest.mark.parametrize(
    "sentence",
    [
        "At the 3rd meeting of the committee, the DTI 2024 was announced and Bac Ninh improved.",
        "Bac Ninh kept its place in the DTI 2024 top 10 for the 2nd consecutive year.",
        "In the DTI 2024, Bac Ninh ranked 2nd in the Red River Delta region.",
        "The DTI 2024 national average score was 0.6961, while Bac Ninh province is growing.",
        "The DTI 2024 is out; the Provincial Competitiveness Index ranked Bac Ninh province 2nd.",
    ],
)
def test_english_false_positives_stay_out(tmp_path, sentence):
    e = _article(tmp_path, f"DTI news\n\nOctober 22, 2025\n\n{sentence}\n")
    assert e.source.language == "en"
    assert e.claims == []


def test_unknown_province_is_a_note_not_a_guess(tmp_path):
    # A provincial paper's outlet must not stand in for a misspelt name.
    e = _article(tmp_path, "BDK - Theo Chỉ số DTI 2021, tỉnh Bến Treo đứng thứ 30/63 tỉnh, thành phố.\n")
    assert e.claims == []
    assert any("Bến Treo" in n for n in e.notes)


def test_cohort_that_the_edition_did_not_have_is_refused(tmp_path):
    e = _article(tmp_path, "Theo Chỉ số DTI 2021, tỉnh Bắc Ninh đứng thứ 5/34 tỉnh, thành phố.\n")
    assert e.claims == [] and any("did not rank 34" in n for n in e.notes)


def test_dti_2024_over_the_34_resolves_the_merged_unit(tmp_path):
    e = _article(tmp_path, "Theo Chỉ số DTI 2024, tỉnh Thái Nguyên đứng thứ 6/34 tỉnh, thành phố.\n")
    assert [(c.province, c.cohort) for c in e.claims] == [("thai-nguyen-2025", 34)]


def test_two_indicators_in_one_clause_are_not_guessed(tmp_path):
    e = _article(tmp_path, "Theo Chỉ số DTI 2021, tỉnh Bắc Ninh đứng thứ 5/63 về kinh tế số và Xã hội số.\n")
    assert e.claims == []


def test_conflicting_values_are_dropped(tmp_path):
    e = _article(
        tmp_path,
        "Theo Chỉ số DTI 2021, tỉnh Bắc Ninh đứng thứ 5/63 tỉnh, thành phố.\n\n"
        "Theo Chỉ số DTI 2021, tỉnh Bắc Ninh đứng thứ 7/63 tỉnh, thành phố.\n",
    )
    assert e.claims == [] and any("conflicting" in n for n in e.notes)


def test_edition_unknown_without_date_or_statement(tmp_path):
    e = _article(tmp_path, "Tỉnh Bắc Ninh đứng thứ 5/63 tỉnh, thành phố về chuyển đổi số.\n")
    assert e.claims == [] and any("edition is not stated" in n for n in e.notes)


def test_old_rank_of_a_change_is_not_the_current_rank(tmp_path):
    # "từ vị trí 45 lên vị trí 24": 24 is DTI 2023's rank; 45 only comes back as the derived 2022 rank.
    e = _article(
        tmp_path,
        "Ngày 05/03/2025\n\nTheo DTI 2023, Vĩnh Long tăng 21 bậc, từ vị trí 45 lên vị trí 24 cả nước.\n",
    )
    assert _claims(e) == {
        ("vinh-long", 2023, "overall", "rank", 24, 63, False, None),
        ("vinh-long", 2023, "overall", "rank_change", 21, None, False, 2022),
        ("vinh-long", 2022, "overall", "rank", 45, 63, True, None),
    }


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (
            "Quang Ninh climbs\n\nHA LONG — Quang Ninh Province ranked 3rd out of 63 provinces and cities"
            " in the Digital Transformation Index (DTI) 2022, the ministry announced.\n",
            "en.txt",
        ),
        (
            "Quảng Ninh thăng hạng\n\nTheo Chỉ số chuyển đổi số (DTI) 2022, tỉnh Quảng Ninh xếp thứ 3/63"
            " tỉnh, thành phố.\n",
            "vi.txt",
        ),
    ],
)
def test_regression_edition_after_parenthesised_dti(tmp_path: Path, body: str, name: str) -> None:
    """Bug: "Index (DTI) 2022" did not state the edition (the year followed the closing parenthesis),
    so an undated article lost every claim."""
    e = _article(tmp_path, body, name)
    assert _claims(e) == {("quang-ninh", 2022, "overall", "rank", 3, 63, False, None)}


def test_regression_national_score_is_not_the_title_provinces(tmp_path: Path) -> None:
    """Bug: "The national DTI score reached 0.7955" gave Hà Nội (named in the title) a score of 0.7955."""
    e = _article(
        tmp_path,
        "Hanoi leads 2024 digital transformation rankings\n\nOctober 22, 2025\n\n"
        "Hanoi topped the provincial Digital Transformation Index (DTI) 2024 among the 34 provinces and"
        " cities, with a score of 0.8241.\n\n"
        "The national DTI score reached 0.7955, while the country's average was 0.6961.\n",
        "en.txt",
    )
    scores = {float(c.value) for c in e.claims if c.measure == "score"}
    assert scores == {0.8241}
