"""English sentence rules found missing on the real corpus (issue 7), each on a short invented
sentence of the kind the English-language Vietnamese press writes; one test per rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.metadata import find_title

Row = tuple[str, int, str, str, object, int | None]


def _claims(tmp_path: Path, body: str, title: str = "Digital transformation news") -> set[Row]:
    path = tmp_path / "a.txt"
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    e = extract_path(path)
    return {(c.province, c.edition, c.indicator, c.measure, c.value, c.cohort) for c in e.claims}


def test_one_rank_after_a_list_of_indicators_is_each_ones(tmp_path):
    text = (
        "In the 2024 DTI, Hai Phong ranked 3rd nationwide in Digital Infrastructure and "
        "Digital Economic Activities."
    )
    got = _claims(tmp_path, text)
    assert got == {
        ("hai-phong", 2024, "digital_infrastructure", "rank", 3, None),
        ("hai-phong", 2024, "digital_economy_activity", "rank", 3, None),
    }


def test_both_ranked_shares_the_rank_and_a_single_indicator_keeps_its_own(tmp_path):
    text = (
        "In the DTI 2023, Thanh Hoa ranked 11th, Digital Government ranked 9th, Digital "
        "Economy and Digital Society both ranked 8th nationwide."
    )
    got = _claims(tmp_path, text)
    assert {(r[2], r[4]) for r in got} == {
        ("overall", 11),
        ("digital_government", 9),
        ("digital_economy", 8),
        ("digital_society", 8),
    }


def test_topping_the_dti_in_all_three_pillars_is_rank_one_overall_and_in_each(tmp_path):
    got = _claims(tmp_path, "Da Nang topped the DTI 2020 rankings in all three key pillars.")
    assert {(r[2], r[4]) for r in got} == {
        ("overall", 1),
        ("digital_government", 1),
        ("digital_economy", 1),
        ("digital_society", 1),
    }


def test_three_main_pillars_without_all_do_not_take_the_overall_rank(tmp_path):
    # Why: "with 3 main pillars achieving even rankings" describes the pillars, it ranks none of them.
    text = (
        "Thanh Hoa province ranked 11th in the DTI 2023 index with 3 main pillars "
        "achieving fairly even rankings."
    )
    got = _claims(tmp_path, text)
    assert got == {("thanh-hoa", 2023, "overall", "rank", 11, 63)}


def test_followed_by_gives_the_next_ranks_in_order(tmp_path):
    text = (
        "Among the 34 provinces in the 2024 DTI, Hanoi ranked first, followed by Hue, "
        "Hai Phong and Ho Chi Minh City."
    )
    got = _claims(tmp_path, text)
    assert {(r[0], r[4], r[5]) for r in got} == {
        ("ha-noi-2025", 1, 34),
        ("hue-2025", 2, 34),
        ("hai-phong-2025", 3, 34),
        ("ho-chi-minh-2025", 4, 34),
    }


def test_a_leader_after_an_auxiliary_with_the_cohort_as_object(tmp_path):
    text = "Ho Chi Minh City has led 63 provinces and cities in the 2024 DTI."
    got = _claims(tmp_path, text)
    assert got == {("ho-chi-minh", 2024, "overall", "rank", 1, 63)}


def test_a_verbless_list_pairs_each_score_with_the_rank_after_it(tmp_path):
    # Why: "nationwide" after the last rank does not make it the overall index.
    text = (
        "In DTI 2020, Bac Giang's digital government reached 0.4455 points, ranking 7th; "
        "digital economy 0.3019 points, ranking 14th; and digital society 0.3092 points, "
        "ranking 25th out of 63 provinces and cities nationwide."
    )
    got = _claims(tmp_path, text)
    assert {(r[2], r[3], r[4]) for r in got} == {
        ("digital_government", "score", Decimal("0.4455")),
        ("digital_government", "rank", 7),
        ("digital_economy", "score", Decimal("0.3019")),
        ("digital_economy", "rank", 14),
        ("digital_society", "score", Decimal("0.3092")),
        ("digital_society", "rank", 25),
    }


def test_former_and_new_mark_the_unit_of_each_cohort(tmp_path):
    text = (
        "In the 2024 DTI, former Da Nang ranked 2nd among the 63 and new Da Nang was "
        "placed 17th among the 34."
    )
    got = _claims(tmp_path, text)
    assert got == {
        ("da-nang", 2024, "overall", "rank", 2, 63),
        ("da-nang-2025", 2024, "overall", "rank", 17, 34),
    }


def test_maximum_scores_are_one_and_a_maximum_of_1000_points_is_no_score(tmp_path):
    text = (
        "In the 2024 DTI, Hai Phong achieved maximum scores in Digital Awareness and "
        "Digital Institutions, on a scale with a maximum score of 1,000."
    )
    got = _claims(tmp_path, text)
    assert got == {
        ("hai-phong", 2024, "digital_awareness", "score", 1, None),
        ("hai-phong", 2024, "digital_institutions", "score", 1, None),
    }


def test_values_after_a_sentence_about_the_average_are_not_the_titles_province(tmp_path):
    got = _claims(
        tmp_path,
        "At the provincial level, the 2024 DTI averaged 0.6961. All three key pillars showed improvement, "
        "with digital government scoring 0.7582.",
        title="Da Nang: the digital transformation report",
    )
    assert got == set()


def test_indicators_listed_after_a_colon_share_the_leaders_rank(tmp_path):
    text = (
        "Hanoi has topped among 34 provinces in the 2024 DTI. Hanoi led in four key "
        "indicators: Digital Awareness, Digital Institutions, Digital Economic "
        "Activities and Digital Social Activities."
    )
    got = _claims(tmp_path, text)
    assert {(r[2], r[4], r[5]) for r in got} == {
        ("overall", 1, 34),
        ("digital_awareness", 1, 34),
        ("digital_institutions", 1, 34),
        ("digital_economy_activity", 1, 34),
        ("digital_society_activity", 1, 34),
    }


def test_from_fifth_place_is_the_earlier_editions_rank(tmp_path):
    text = (
        "Hanoi ranked first among the 34 in the 2024 DTI. Compared to the 2023 DTI, "
        "Hanoi rose four ranks from fifth place."
    )
    got = _claims(tmp_path, text)
    assert ("ha-noi", 2023, "overall", "rank", 5, 63) in got
    # The change may name the 63-era unit or its successor (the article speaks of the 34 only).
    assert {
        ("ha-noi", 2024, "overall", "rank_change", 4, None),
        ("ha-noi-2025", 2024, "overall", "rank_change", 4, None),
    } & got


def test_an_indicator_named_as_a_reason_is_not_the_ranks(tmp_path):
    text = (
        "Hanoi entered the top 10 in the 2023 digital transformation rankings, ranking "
        "6th out of 63 provinces with good growth in the Digital Economy."
    )
    got = _claims(tmp_path, text)
    assert got == {("ha-noi", 2023, "overall", "rank", 6, 63)}


def test_the_city_is_the_province_the_sentence_before_named(tmp_path):
    text = (
        "HCM City ranked second out of 63 provinces in the 2022 DTI. The city earned "
        "high rankings, including first position in digital institutions."
    )
    got = _claims(tmp_path, text, title="Skip Ribbon Commands")
    assert ("ho-chi-minh", 2022, "digital_institutions", "rank", 1, 63) in got


def test_the_coastal_city_of_is_a_description_not_a_region(tmp_path):
    text = "Accordingly, the coastal city of Da Nang leads this ranking for the fourth time in the DTI 2023."
    got = _claims(tmp_path, text)
    assert got == {("da-nang", 2023, "overall", "rank", 1, 63)}


@pytest.mark.parametrize(
    "text, title",
    [
        (
            "October 23, 2025 | 09:15\n\nHCM City leads 2024 Digital Transformation Index",
            "HCM City leads 2024 Digital Transformation Index",
        ),
        ("20:50, 09/11/2025\n\nDriving DTI progress", "Driving DTI progress"),
        (
            "Fri, 17th May 2024 15:45 (GMT +7)\n\nQuang Ninh facing up to digital reality",
            "Quang Ninh facing up to digital reality",
        ),
        (" date 2021-10-20 Illustrative image\nDa Nang leads", "Da Nang leads"),
        ("2022: a year of digital transformation\nx", "2022: a year of digital transformation"),
    ],
)
def test_a_dateline_is_not_the_title(text, title):
    assert find_title(text) == title


def test_following_x_is_y_a_line_later_gives_y_the_next_rank(tmp_path):
    text = (
        "The 2023 DTI rankings were announced.\n"
        "Accordingly, Da Nang leads this ranking for the fourth time.\n"
        "Following Da Nang is Ho Chi Minh City."
    )
    got = _claims(tmp_path, text)
    assert got == {
        ("da-nang", 2023, "overall", "rank", 1, 63),
        ("ho-chi-minh", 2023, "overall", "rank", 2, 63),
    }


def test_a_list_of_indicators_cut_by_and_keeps_sharing_the_rank(tmp_path):
    # Why: the clause splitter cuts "… in digital institutions | and digital infrastructure".
    text = (
        "HCM City ranked second out of 63 provinces in the 2022 DTI, including first position in "
        "digital institutions and digital infrastructure."
    )
    got = _claims(tmp_path, text)
    assert ("ho-chi-minh", 2022, "digital_institutions", "rank", 1, 63) in got
    assert ("ho-chi-minh", 2022, "digital_infrastructure", "rank", 1, 63) in got


def test_the_scale_of_the_index_is_no_score(tmp_path):
    text = "On a scale of 1.000 points, Bac Giang scored 0.3615 in the 2020 DTI, a maximum of 1.0 possible."
    assert _claims(tmp_path, text) == {("bac-giang", 2020, "overall", "score", Decimal("0.3615"), None)}
