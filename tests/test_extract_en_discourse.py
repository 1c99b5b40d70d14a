"""English rules that read past one value (``dti_kg/loaders/claims_en_discourse.py``) and the English
lexicon entries added with them (issue 7, branch en-extract). Each case is a short invented sentence
of the kind the English-language Vietnamese press writes, written for this test (not copied from the
real corpus), with the whole extraction it must give: a rule that pairs wrongly, or adds a value the
sentence does not state, fails here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from extract_helpers import Row, article_claims

from dti_kg.loaders.extract import extract_path

_claims = article_claims


def _rank(province: str, edition: int, n: int, indicator: str = "overall", cohort: int | None = 63) -> Row:
    return (province, edition, indicator, "rank", n, cohort)


CASES = [
    (
        "a-run-of-years-is-one-rank-per-edition",
        "Lao Cai has ranked first in the provincial digital transformation index (DTI) for three "
        "consecutive years from 2021 to 2023.",
        {_rank("lao-cai", 2021, 1), _rank("lao-cai", 2022, 1), _rank("lao-cai", 2023, 1)},
    ),
    (
        # The run belongs to the aside's "topped", not to the 17th place of 2024.
        "a-run-inside-an-aside-is-not-the-ranks",
        "In the 2024 DTI, Quang Nam, which topped its region from 2021 to 2023, placed 40th among the 63 "
        "provinces.",
        {_rank("quang-nam", 2024, 40)},
    ),
    (
        "and-then-goes-on-with-the-ranks",
        "In the 2022 DTI, Can Tho leads, followed by Ninh Binh in second place, and then Lao Cai and Ha Nam.",
        {
            _rank("can-tho", 2022, 1),
            _rank("ninh-binh", 2022, 2),
            _rank("lao-cai", 2022, 3),
            _rank("ha-nam", 2022, 4),
        },
    ),
    (
        "a-verbless-list-after-a-rank",
        "In the 2022 DTI rankings, Quang Tri ranked 40th, Quang Binh 41st and Ha Tinh 42nd.",
        {_rank("quang-tri", 2022, 40), _rank("quang-binh", 2022, 41), _rank("ha-tinh", 2022, 42)},
    ),
    (
        "both-a-and-b-is-a-tie",
        "In the 2022 DTI rankings, both Lao Cai and Yen Bai ranked 30th.",
        {_rank("lao-cai", 2022, 30), _rank("yen-bai", 2022, 30)},
    ),
    (
        # Before: the overall rank 2 (wrong) and the second value refused.
        "ordinals-pair-with-indicators-by-respectively",
        "In the 2022 DTI rankings, Long An ranked second and third in digital economy and digital society "
        "respectively.",
        {_rank("long-an", 2022, 2, "digital_economy"), _rank("long-an", 2022, 3, "digital_society")},
    ),
    (
        "indicators-first-pair-with-numbers-by-respectively",
        "In the DTI 2021, Soc Trang ranked 30th. Digital Infrastructure Index and Digital Institutional "
        "Index ranked 5 and 9, respectively.",
        {
            _rank("soc-trang", 2021, 30),
            _rank("soc-trang", 2021, 5, "digital_infrastructure"),
            _rank("soc-trang", 2021, 9, "digital_institutions"),
        },
    ),
    (
        "climbed-from-to-states-the-earlier-rank",
        "In the 2022 DTI rankings, Nam Dinh climbed from 40th to 15th place.",
        {_rank("nam-dinh", 2022, 15), _rank("nam-dinh", 2021, 40)},
    ),
    (
        "continues-to-lead-is-first",
        "In the 2022 DTI rankings, Tay Ninh continues to lead the country in digital society.",
        {_rank("tay-ninh", 2022, 1, "digital_society")},
    ),
    (
        "to-rank-and-according-to-the-edition",
        "According to the 2022 DTI, Gia Lai rose 10 places to rank 35th.",
        {
            _rank("gia-lai", 2022, 35),
            ("gia-lai", 2022, "overall", "rank_change", 10, None),
            _rank("gia-lai", 2021, 45),
        },
    ),
    (
        "the-dti-ranked-a-province",
        "The 2022 DTI ranked Quang Ngai 21st, with 0.61 points.",
        {_rank("quang-ngai", 2022, 21), ("quang-ngai", 2022, "overall", "score", Decimal("0.61"), None)},
    ),
    (
        "places-higher-than-in-a-year",
        "In 2021, Hung Yen ranked 20th out of 63 provinces in the DTI, 15 places higher than in 2020.",
        {
            _rank("hung-yen", 2021, 20),
            ("hung-yen", 2021, "overall", "rank_change", 15, None),
            _rank("hung-yen", 2020, 35),
        },
    ),
    (
        # The pillars are why it scored well, not what it scored in.
        "indicators-named-for-a-reason-are-not-the-values",
        "The ministry published the DTI 2021 report. Ha Nam scored 0.4500 points to secure the 25th "
        "position, driven by three pillars of digital government, digital economy and digital society.",
        {_rank("ha-nam", 2021, 25), ("ha-nam", 2021, "overall", "score", Decimal("0.45"), None)},
    ),
    (
        "scores-pair-with-names-by-respectively",
        "In the 2022 DTI, Ha Giang and Cao Bang scored 0.41 and 0.39 points, respectively.",
        {
            ("ha-giang", 2022, "overall", "score", Decimal("0.41"), None),
            ("cao-bang", 2022, "overall", "score", Decimal("0.39"), None),
        },
    ),
    (
        "a-second-ordinal-in-the-other-cohort",
        "In the 2024 DTI, Bac Ninh was ranked 9th among the 34 units and 12th among the 63 former provinces.",
        {_rank("bac-ninh-2025", 2024, 9, cohort=34), _rank("bac-ninh", 2024, 12, cohort=63)},
    ),
    (
        "indicator-topics-after-semicolons",
        "In the 2022 DTI, in digital government, Lao Cai ranked 9th; in digital economy, 12th; and in "
        "digital society, 20th.",
        {
            _rank("lao-cai", 2022, 9, "digital_government"),
            _rank("lao-cai", 2022, 12, "digital_economy"),
            _rank("lao-cai", 2022, 20, "digital_society"),
        },
    ),
    (
        "ranking-it",
        "The province said it was pleased with the result. Bac Giang's 2022 DTI score was 0.6512, ranking "
        "it 9th nationwide.",
        {_rank("bac-giang", 2022, 9), ("bac-giang", 2022, "overall", "score", Decimal("0.6512"), None)},
    ),
    (
        "moved-up-to-from",
        "In the 2023 DTI, Hanoi moved up to 6th place from 24th.",
        {_rank("ha-noi", 2023, 6), _rank("ha-noi", 2022, 24)},
    ),
    (
        "huế-came-second-and-hải-phòng-third",
        "In the 2023 DTI, Hue came second and Hai Phong third.",
        {_rank("thua-thien-hue", 2023, 2), _rank("hai-phong", 2023, 3)},
    ),
    (
        "retained-its-top-spot",
        "Da Nang retained its top spot in the 2022 DTI rankings announced by the ministry.",
        {_rank("da-nang", 2022, 1)},
    ),
    (
        "runner-up-is-second",
        "In the 2022 DTI rankings, Ho Chi Minh City was runner-up for the first time.",
        {_rank("ho-chi-minh", 2022, 2)},
    ),
    (
        "rounded-out-the-top-five",
        "In the 2021 DTI rankings, Bac Ninh rounded out the top five.",
        {_rank("bac-ninh", 2021, 5)},
    ),
    (
        # "No. 14" used to end the sentence at "No."
        "came-in-at-no",
        "In the 2022 DTI rankings, Lao Cai came in at No. 14.",
        {_rank("lao-cai", 2022, 14)},
    ),
    (
        "up-from-states-the-earlier-rank",
        "In the 2022 DTI, Hanoi ranked 24th, up from 29th in 2021.",
        {_rank("ha-noi", 2022, 24), _rank("ha-noi", 2021, 29)},
    ),
    (
        "a-semicolon-list-after-a-rank",
        "In the 2023 DTI, An Giang ranked 28th; Kien Giang, 33rd; and Ca Mau, 41st.",
        {_rank("an-giang", 2023, 28), _rank("kien-giang", 2023, 33), _rank("ca-mau", 2023, 41)},
    ),
    (
        "coordinated-subjects-leading-their-groups",
        "In the DTI 2021, Ben Tre, the Ministry of Finance and the Vietnam Academy of Science and Technology "
        "lead in 3 groups of agencies.",
        {_rank("ben-tre", 2021, 1)},
    ),
    (
        # en-rules: "last" is the cohort's size (63 before DTI 2024, else only when the cohort is stated).
        "ranked-last-is-the-last-of-the-cohort",
        "In the 2022 DTI, Bac Kan ranked last. In the 2024 DTI, Cao Bang ranked last out of 34 provinces and "
        "cities.",
        {_rank("bac-kan", 2022, 63), _rank("cao-bang-2025", 2024, 34, cohort=34)},
    ),
    (
        "last-of-something-else-is-no-rank",
        "In the 2022 DTI, Bac Kan ranked last in digital economy. Cao Bang ranked last in the Northeast "
        "region. In the 2024 DTI, Ha Giang ranked last.",
        set(),
    ),
    (
        # en-rules: the year a ranking was announced in is not the year assessed (before: DTI 2023).
        "announced-in-a-year-is-the-edition-announced-then",
        "In the DTI rankings announced in 2023, Soc Trang ranked 30th.",
        {_rank("soc-trang", 2022, 30)},
    ),
    (
        "a-year-before-the-announcement-is-taken-literally",
        "In 2021, according to the DTI announced by the ministry, Soc Trang ranked 30th.",
        {_rank("soc-trang", 2021, 30)},
    ),
    (
        # Before: "the year before" after the earlier rank refused the current one too.
        "from-an-ordinal-the-year-before-keeps-the-current-rank",
        "Soc Trang climbed to 30th in the 2022 DTI from 40th the year before.",
        {_rank("soc-trang", 2022, 30)},
    ),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_english_discourse(tmp_path, body, expected):
    assert _claims(tmp_path, body) == expected


def test_the_following_year_and_just_behind(tmp_path):
    body = (
        "In the ICT Index of 2020, the province ranked fifth. The following year, the province ranked second "
        "overall in the provincial digital transformation index (DTI), just behind Da Nang."
    )
    got = _claims(tmp_path, body, title="Binh Dinh – a rising star")
    assert got == {_rank("binh-dinh", 2021, 2), _rank("da-nang", 2021, 1)}


def test_a_rank_whose_indicator_the_excerpt_cuts_off_is_refused(tmp_path):
    # The excerpt stops inside "digital economy": the 14th place is of something cut off, and is not
    # the overall rank (which the article states as 15th).
    path = tmp_path / "a.txt"
    path.write_text(
        "Dong Nai news\n\nIn the DTI 2024, Dong Nai ranked 15th nationwide. Dong Nai ranked 14th nationwide "
        "in the digital econo",
        encoding="utf-8",
    )
    e = extract_path(path)
    assert {(c.indicator, c.value) for c in e.claims} == {("overall", 15)}
    assert e.refused == 1


def test_hue_city_for_dti_2024_without_a_cohort_is_the_city(tmp_path):
    # Thừa Thiên Huế (a tỉnh of the 63) became TP Huế in 2025: "Hue City" names the city.
    got = _claims(tmp_path, "In the 2024 DTI, Hanoi leads the country, followed by Hue City in second place.")
    assert ("hue-2025", 2024, "overall", "rank", 2, None) in got


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        # Round 5 (blind set): "last year" is the year before publication once that edition is out
        # (before: always refused as "the edition is unclear").
        ("2023-09-20", {_rank("ninh-thuan", 2022, 18)}),
        # In March 2023 DTI 2022 had not been announced: which edition "last year" means is unclear.
        ("2023-03-01", set()),
        (None, set()),
    ],
)
def test_last_year_is_the_year_before_publication(tmp_path, published, expected):
    body = "Last year, Ninh Thuan ranked 18th in the provincial digital transformation index."
    assert _claims(tmp_path, body, published=published) == expected


def test_last_year_beside_another_time_stays_refused(tmp_path):
    body = (
        "Last year, Ninh Thuan ranked 18th in the provincial digital transformation index; this year it "
        "ranked 12th."
    )
    assert _claims(tmp_path, body, published="2023-09-20") == set()
