"""English mention sequences of branch extract-en (``dti_kg/loaders/claims_en_sequences.py``) and the
lexicon entries added with them. Each case is a short invented sentence in the style of the
English-language Vietnamese press, written for this test (not copied from any article), with the whole
extraction it must give (derived earlier ranks left out): a rule that pairs wrongly, adds a value the
sentence does not state, or gives a value the year of a neighbouring item fails here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from extract_helpers import Row, article_claims


def _claims(tmp_path: Path, body: str) -> set[Row]:
    return article_claims(tmp_path, body, stated_only=True)


def _rank(province: str, edition: int, n: int, indicator: str = "overall", cohort: int | None = 63) -> Row:
    return (province, edition, indicator, "rank", n, cohort)


CASES = [
    (
        "a-range-of-ordinals-pairs-with-the-names-in-order",
        "According to the 2023 DTI, Lao Cai, Yen Bai and Son La ranked first through third respectively.",
        {_rank("lao-cai", 2023, 1), _rank("yen-bai", 2023, 2), _rank("son-la", 2023, 3)},
    ),
    (
        # Three names, a range of two: nothing is paired.
        "a-range-whose-length-differs-is-not-paired",
        "According to the 2023 DTI, Lao Cai, Yen Bai and Son La ranked first to second respectively.",
        set(),
    ),
    (
        "a-rank-written-n-slash-63-and-its-list",
        "In the 2022 DTI, Ha Tinh ranks 17/63 in digital government, 19/63 in digital economy, and 25/63 in "
        "digital society.",
        {
            _rank("ha-tinh", 2022, 17, "digital_government"),
            _rank("ha-tinh", 2022, 19, "digital_economy"),
            _rank("ha-tinh", 2022, 25, "digital_society"),
        },
    ),
    (
        "a-bare-number-before-of-63-is-a-rank",
        "Lang Son's DTI ranked 22 of 63 provinces and cities in 2021.",
        {_rank("lang-son", 2021, 22)},
    ),
    (
        "leading-the-group-of-63-and-fourth-among-34",
        "In the 2024 DTI, Can Tho leads the group of 63 provinces and cities and ranks fourth among the 34 "
        "merged provinces and cities.",
        {_rank("can-tho", 2024, 1, cohort=63), _rank("can-tho-2025", 2024, 4, cohort=34)},
    ),
    (
        "an-increase-of-n-positions-is-a-rank-change",
        "In the 2022 DTI, Ha Tinh was ranked 22nd out of 63 provinces and cities, an increase of 12 "
        "positions from 2021.",
        {_rank("ha-tinh", 2022, 22), ("ha-tinh", 2022, "overall", "rank_change", 12, None)},
    ),
    (
        # "index rankings" is the ranking reported; the unnamed indicators belong to the province just named.
        "indicator-ranks-after-the-province-sentence",
        "In the 2022 DTI, Phu Tho ranked 30th among 63 provinces. The details of index rankings are as "
        "follows: Digital Awareness ranked third; Digital Institutions ranked twenty-second.",
        {
            _rank("phu-tho", 2022, 30),
            _rank("phu-tho", 2022, 3, "digital_awareness"),
            _rank("phu-tho", 2022, 22, "digital_institutions"),
        },
    ),
    (
        "a-verbless-indicator-after-a-ranked-one",
        "In the 2022 DTI, Ha Nam ranked 12th overall; digital economy ranked 14th and digital society 25th.",
        {
            _rank("ha-nam", 2022, 12),
            _rank("ha-nam", 2022, 14, "digital_economy"),
            _rank("ha-nam", 2022, 25, "digital_society"),
        },
    ),
    (
        # Before: 41st read as the rank of 2020 (the year of the item before).
        "each-ordinal-takes-the-year-after-it",
        "Bac Kan moved up from 50th out of 63 provinces and cities in 2020 to 41st in 2021 and 30th in 2022 "
        "in the DTI rankings.",
        {_rank("bac-kan", 2020, 50), _rank("bac-kan", 2021, 41), _rank("bac-kan", 2022, 30)},
    ),
    (
        # The subject is carried from the paragraph before; each ordinal takes its own year.
        "a-year-list-about-the-province-just-named",
        "Lang Son ranked first among 34 provinces in the DTI 2024.\n\nThis reflects the province's efforts "
        "in digital transformation, moving up from a ranking of 40th out of 63 provinces and cities in "
        "2021 to 30th in 2022 and 12th in 2023.",
        {
            _rank("lang-son-2025", 2024, 1, cohort=34),
            _rank("lang-son", 2021, 40),
            _rank("lang-son", 2022, 30),
            _rank("lang-son", 2023, 12),
        },
    ),
    (
        "indicators-listed-after-while-pair-with-respectively",
        "Lang Son province ranked fifth out of 63 provinces and cities in the DTI 2022 rankings.\n\nThe "
        "province's digital government pillar ranked fourth, while its digital economy and digital society "
        "pillars ranked seventh and ninth, respectively.",
        {
            _rank("lang-son", 2022, 5),
            _rank("lang-son", 2022, 4, "digital_government"),
            _rank("lang-son", 2022, 7, "digital_economy"),
            _rank("lang-son", 2022, 9, "digital_society"),
        },
    ),
    (
        "a-score-in-a-year-was",
        "Lang Son's DTI score in 2022 was 0.6512, ranking sixth nationwide.",
        {_rank("lang-son", 2022, 6), ("lang-son", 2022, "overall", "score", Decimal("0.6512"), None)},
    ),
    (
        "second-place-went-to-names-the-province",
        "In the 2023 DTI, Da Nang came first. Second place went to Ho Chi Minh City.",
        {_rank("da-nang", 2023, 1), _rank("ho-chi-minh", 2023, 2)},
    ),
    (
        "second-after-names-the-first",
        "In the 2023 DTI, Quang Tri ranked second in the country after Da Nang.",
        {_rank("quang-tri", 2023, 2), _rank("da-nang", 2023, 1)},
    ),
    (
        "improving-by-n-places-is-a-rank-change",
        "In the 2023 DTI, Lang Son ranked 5th, improving by four places.",
        {_rank("lang-son", 2023, 5), ("lang-son", 2023, "overall", "rank_change", 4, None)},
    ),
    (
        "a-score-in-brackets-after-the-rank",
        "In the 2022 DTI, Lang Son ranked fifth (0.6512 points).",
        {_rank("lang-son", 2022, 5), ("lang-son", 2022, "overall", "score", Decimal("0.6512"), None)},
    ),
    (
        "maintained-second-place-is-a-rank",
        "In the 2021 DTI, Hue maintained second place.",
        {_rank("thua-thien-hue", 2021, 2)},
    ),
    (
        "the-dti-of-a-province-was-a-score",
        "The DTI of Nghe An in 2022 was 0.5612, ranking 30th out of 63 provinces.",
        {_rank("nghe-an", 2022, 30), ("nghe-an", 2022, "overall", "score", Decimal("0.5612"), None)},
    ),
    (
        "a-possessive-before-indicators-listed-with-respectively",
        "In the 2022 DTI, Nghe An's digital government, digital economy and digital society pillars ranked "
        "20th, 25th and 31st respectively.",
        {
            _rank("nghe-an", 2022, 20, "digital_government"),
            _rank("nghe-an", 2022, 25, "digital_economy"),
            _rank("nghe-an", 2022, 31, "digital_society"),
        },
    ),
    (
        "a-verbless-list-of-indicators-and-ordinals",
        "In the 2022 DTI, Nghe An ranked 30th. Pillar rankings: digital government 20th, digital economy "
        "25th, digital society 31st.",
        {
            _rank("nghe-an", 2022, 30),
            _rank("nghe-an", 2022, 20, "digital_government"),
            _rank("nghe-an", 2022, 25, "digital_economy"),
            _rank("nghe-an", 2022, 31, "digital_society"),
        },
    ),
    (
        # "for cities and provinces" is the cohort; "The northern province" is the one just named.
        "a-descriptor-goes-on-about-the-province-just-named",
        "The northern province of Lang Son once again topped the DTI rankings for 2022, the ministry "
        "announced.\n\nThe northern province topped the ranking for cities and provinces, scoring 0.61 "
        "points.",
        {_rank("lang-son", 2022, 1), ("lang-son", 2022, "overall", "score", Decimal("0.61"), None)},
    ),
    (
        "it-goes-on-about-the-province-just-named",
        "Lang Son was named in the 2022 DTI rankings. It ranked fifth nationwide.",
        {_rank("lang-son", 2022, 5)},
    ),
    (
        # Two provinces named before: whom "it" means is unclear, nothing is given.
        "it-after-two-provinces-is-nobody",
        "Lang Son and Cao Bang were named in the 2022 DTI rankings. It ranked fifth nationwide.",
        set(),
    ),
    (
        # Before: the 5th place read as DTI 2022's and the 8th as DTI 2021's (the year after "8th place"
        # taken for the sentence's edition, then one year back for the earlier rank).
        "rose-to-nth-from-mth-place-in-a-year",
        "In the 2023 DTI, Lang Son rose to 5th from 8th place in 2022.",
        {_rank("lang-son", 2023, 5), _rank("lang-son", 2022, 8)},
    ),
    (
        "a-semicolon-list-with-scores-after-the-ordinals",
        "In the DTI 2021 ranking, Da Nang came first with 0.6419 points; Thua Thien Hue second with 0.5872 "
        "points; and HCM City third.",
        {
            _rank("da-nang", 2021, 1),
            ("da-nang", 2021, "overall", "score", Decimal("0.6419"), None),
            _rank("thua-thien-hue", 2021, 2),
            ("thua-thien-hue", 2021, "overall", "score", Decimal("0.5872"), None),
            _rank("ho-chi-minh", 2021, 3),
        },
    ),
    (
        # Before: refused as "the value of another index" (an index after a possessive is the province's).
        "a-provinces-index-value",
        "In the 2021 DTI, Tay Ninh's index value was 0.45.",
        {("tay-ninh", 2021, "overall", "score", Decimal("0.45"), None)},
    ),
    (
        "an-earlier-rank-after-a-year-possessive",
        "In the 2023 DTI, Lang Son ranked 5th, compared to 2022's 8th place.",
        {_rank("lang-son", 2023, 5), _rank("lang-son", 2022, 8)},
    ),
    (
        # Before: read as Vietnamese (more than 5 % of the letters marked) and nothing found.
        "english-that-writes-names-with-their-marks",
        "In the 2022 DTI, Bắc Ninh ranked 7th out of 63 provinces and cities, while Đà Nẵng topped the "
        "ranking. Thừa Thiên-Huế came second.",
        {_rank("bac-ninh", 2022, 7), _rank("da-nang", 2022, 1), _rank("thua-thien-hue", 2022, 2)},
    ),
    (
        # "It" may be the ministry the sentence before names: the score is nobody's here.
        "it-after-a-ministry-is-not-the-province",
        "In the 2022 DTI, Da Nang topped the provincial ranking. The Ministry of Finance led the ministries. "
        "It scored 0.63 points.",
        {_rank("da-nang", 2022, 1)},
    ),
    (
        "took-the-top-spot-is-first",
        "In the 2022 DTI, Lang Son took the top spot in digital society.",
        {_rank("lang-son", 2022, 1, "digital_society")},
    ),
    (
        "second-only-to-names-the-first",
        "In the 2023 DTI, Quang Tri ranked second only to Da Nang.",
        {_rank("quang-tri", 2023, 2), _rank("da-nang", 2023, 1)},
    ),
    (
        # Round 5 (blind set): "for" before an indicator is a list item as "in" is (before: only the first).
        "ordinals-for-each-indicator",
        "In the 2022 DTI, Tay Ninh was ranked 9th for digital government, 31st for digital economy, and 17th "
        "for digital society.",
        {
            _rank("tay-ninh", 2022, 9, "digital_government"),
            _rank("tay-ninh", 2022, 31, "digital_economy"),
            _rank("tay-ninh", 2022, 17, "digital_society"),
        },
    ),
    (
        # "for" before something else is no list item of the DTI.
        "an-ordinal-for-something-else-is-no-list-item",
        "In the 2022 DTI, Tay Ninh was ranked 9th in digital government and 3rd for online payments.",
        {_rank("tay-ninh", 2022, 9, "digital_government")},
    ),
    (
        # Before: "nationally" after the ordinal made it no rank.
        "nationally-after-the-ordinal",
        "In 2021, Soc Trang ranked 40th nationally in terms of digital transformation.",
        {_rank("soc-trang", 2021, 40)},
    ),
    (
        "nationally-in-another-ranking-is-refused",
        "In 2021, Soc Trang ranked 40th nationally in rice exports, its digital transformation officials "
        "said.",
        set(),
    ),
    (
        # Before: the region named after it made the national rank look like the region's.
        "a-national-rank-beside-a-regional-one",
        "In 2021, Soc Trang ranked 40th among cities and provinces nationwide in digital transformation and "
        "fifth among localities in the Mekong Delta region.",
        {_rank("soc-trang", 2021, 40)},
    ),
    (
        # Before: "the province" after a body's name was taken for a second subject (sent to review).
        "the-province-of-the-body-that-speaks",
        "A deputy director of the Soc Trang Department of Information and Communications said that in 2021, "
        "the province ranked 40th in digital transformation.",
        {_rank("soc-trang", 2021, 40)},
    ),
    (
        "the-city-of-the-body-named-after-the-value",
        "The city rose to the fifth position in the provincial DTI in 2021, Can Tho City's Department of "
        "Information and Communications said.",
        {_rank("can-tho", 2021, 5)},
    ),
    (
        # A province with a value of its own is another subject: "the province" stays unresolved.
        "the-province-after-a-province-with-its-own-value",
        "Compared with Bac Lieu (20th), the province ranked 40th in the 2021 DTI.",
        {_rank("bac-lieu", 2021, 20)},
    ),
    (
        # Before: "component index" always read as another index.
        "an-indicators-component-index-is-the-dtis",
        "In 2023, Soc Trang ranked 40th in the DTI, with the digital institutions component index ranking "
        "third in the country.",
        {_rank("soc-trang", 2023, 40), _rank("soc-trang", 2023, 3, "digital_institutions")},
    ),
    (
        "another-component-index-stays-refused",
        "In 2023, Soc Trang ranked 40th in the DTI, with the online payment component index ranking third.",
        {_rank("soc-trang", 2023, 40)},
    ),
    (
        # Before: a score on a 100- or 1,000-point scale was no score.
        "scores-on-a-100-and-a-1000-point-scale",
        "In 2021, the DTI of Soc Trang reached 452.7/1,000 points. The index group on Human Resources "
        "reached 61.5/100 points. The index group on Provincial Infrastructure reached 38/100 points.",
        {
            ("soc-trang", 2021, "overall", "score", Decimal("0.4527"), None),
            ("soc-trang", 2021, "digital_human_resources", "score", Decimal("0.615"), None),
            ("soc-trang", 2021, "digital_infrastructure", "score", Decimal("0.38"), None),
        },
    ),
    (
        "a-threshold-on-a-1000-point-scale-is-no-score",
        "In 2021, Soc Trang's DTI was ranked 40th; every province needs at least 500/1,000 points.",
        {_rank("soc-trang", 2021, 40)},
    ),
    (
        # Before: the lines after the one naming the year and the province gave neither (no date).
        "the-passages-year-and-province-carry-to-the-next-lines",
        "In 2020, Soc Trang's DTI ranked 50th out of 63. In 2021, Soc Trang reached 452.7/1,000 points.\n"
        "Results by index group:\n"
        "The index group on Digital Institutions reached 40/100 points. The index group on Cyber Security "
        "reached 17.5/100 points.",
        {
            _rank("soc-trang", 2020, 50),
            ("soc-trang", 2021, "overall", "score", Decimal("0.4527"), None),
            ("soc-trang", 2021, "digital_institutions", "score", Decimal("0.4"), None),
            ("soc-trang", 2021, "cybersecurity", "score", Decimal("0.175"), None),
        },
    ),
    (
        # Two provinces named in the passage: the unnamed value is nobody's.
        "two-provinces-before-leave-the-value-unnamed",
        "In 2021, Soc Trang and Bac Lieu presented their DTI results.\n"
        "The index group on Digital Institutions reached 40/100 points.",
        set(),
    ),
    (
        # Cue words (en-rules): more verbs of a change, and changes of more than twenty places in words.
        "leapt-and-slid-are-rank-changes",
        "In the 2022 DTI, Soc Trang leapt 10 places to 30th, while Bac Lieu slid three places to 45th.",
        {
            _rank("soc-trang", 2022, 30),
            ("soc-trang", 2022, "overall", "rank_change", 10, None),
            _rank("bac-lieu", 2022, 45),
            ("bac-lieu", 2022, "overall", "rank_change", -3, None),
        },
    ),
    (
        "a-change-of-twenty-one-places-in-words",
        "In the 2022 DTI, Soc Trang rose twenty-one places to 30th.",
        {_rank("soc-trang", 2022, 30), ("soc-trang", 2022, "overall", "rank_change", 21, None)},
    ),
    (
        "ranked-top-and-number-one-are-leaders",
        "In the 2022 DTI, Soc Trang ranked top in the country. Bac Lieu came number one in digital society.",
        {_rank("soc-trang", 2022, 1), _rank("bac-lieu", 2022, 1, "digital_society")},
    ),
    (
        # A group at the top is no rank.
        "ranked-top-ten-is-no-leader",
        "In the 2022 DTI, Soc Trang ranked top 10 nationwide and Bac Lieu ranked top three in the region.",
        set(),
    ),
    (
        "the-index-placed-the-province",
        "The DTI 2022 placed Soc Trang 30th.",
        {_rank("soc-trang", 2022, 30)},
    ),
    (
        # Before: the year after "Digital Transformation Index" was no edition.
        "the-year-after-the-index-name-is-the-edition",
        "Soc Trang ranked 30th in the Digital Transformation Index 2022. Bac Lieu ranked 45th in the 2021 "
        "provincial-level digital transformation index.",
        {_rank("soc-trang", 2022, 30), _rank("bac-lieu", 2021, 45)},
    ),
    (
        # Before: the pillars after "with its … at" took the first ordinal as digital society's (wrong).
        "pillars-at-ordinals-respectively-after-with",
        "In the 2023 DTI, Soc Trang was ranked 30th, with its digital government, digital economy and "
        "digital society pillars at 25th, 35th and 40th respectively.",
        {
            _rank("soc-trang", 2023, 30),
            _rank("soc-trang", 2023, 25, "digital_government"),
            _rank("soc-trang", 2023, 35, "digital_economy"),
            _rank("soc-trang", 2023, 40, "digital_society"),
        },
    ),
    (
        "a-change-of-its-ranking-and-an-n-place-improvement",
        "In the 2023 DTI, Soc Trang improved its ranking by five places to 30th. Bac Lieu ranked 45th in the "
        "2023 DTI, a 3-place drop from 2022.",
        {
            _rank("soc-trang", 2023, 30),
            ("soc-trang", 2023, "overall", "rank_change", 5, None),
            _rank("bac-lieu", 2023, 45),
            ("bac-lieu", 2023, "overall", "rank_change", -3, None),
        },
    ),
    (
        "an-ordinal-rank-as-a-noun",
        "In the 2023 DTI, Soc Trang achieved the 30th rank and Bac Lieu secured 45th rank nationwide.",
        {_rank("soc-trang", 2023, 30), _rank("bac-lieu", 2023, 45)},
    ),
    (
        "scores-listed-with-their-indicators",
        "In the 2023 DTI, Soc Trang achieved 0.61 points in digital government, 0.45 in digital economy and "
        "0.52 in digital society.",
        {
            ("soc-trang", 2023, "digital_government", "score", Decimal("0.61"), None),
            ("soc-trang", 2023, "digital_economy", "score", Decimal("0.45"), None),
            ("soc-trang", 2023, "digital_society", "score", Decimal("0.52"), None),
        },
    ),
    (
        "a-number-in-a-list-of-something-else-is-no-score",
        "In the 2023 DTI, Soc Trang ranked 30th; its rates were 0.61 in online payments and 0.45 in exports.",
        {_rank("soc-trang", 2023, 30)},
    ),
    (
        # Before: an indicator with its ordinal in brackets was no list item.
        "indicators-with-ordinals-in-brackets",
        "In the 2022 DTI, Soc Trang ranked 30th, with digital institutions (5th) and digital infrastructure "
        "(8th) its strongest indices.",
        {
            _rank("soc-trang", 2022, 30),
            _rank("soc-trang", 2022, 5, "digital_institutions"),
            _rank("soc-trang", 2022, 8, "digital_infrastructure"),
        },
    ),
    (
        # Before: "up 0.05 points" was a second score, and both went to review.
        "a-score-change-after-up-is-no-score",
        "In 2022, Soc Trang's DTI was 0.4512, up 0.05 points from 2021, ranking 30th out of 63.",
        {_rank("soc-trang", 2022, 30), ("soc-trang", 2022, "overall", "score", Decimal("0.4512"), None)},
    ),
    (
        # Before: scores after indicators named first were not paired (ranks were).
        "indicator-scores-respectively",
        "In the 2022 DTI, Soc Trang's digital government, digital economy and digital society scores were "
        "0.61, 0.45 and 0.52 respectively.",
        {
            ("soc-trang", 2022, "digital_government", "score", Decimal("0.61"), None),
            ("soc-trang", 2022, "digital_economy", "score", Decimal("0.45"), None),
            ("soc-trang", 2022, "digital_society", "score", Decimal("0.52"), None),
        },
    ),
    (
        "indicator-scores-that-do-not-pair-up",
        "In the 2022 DTI, Soc Trang's digital government and digital economy scores were 0.61, 0.45 and 0.52 "
        "respectively.",
        set(),
    ),
    (
        # Before: "the province" after a leading "In 2021," went to review.
        "the-province-after-a-leading-year-refers-back",
        "In 2020, Soc Trang's DTI ranked 59th out of 63 provinces and cities. In 2021, the province rose to "
        "51st out of 63.",
        {_rank("soc-trang", 2020, 59), _rank("soc-trang", 2021, 51)},
    ),
    (
        "a-national-value-is-nobodys",
        "Quang Tri ranked 33rd in the 2022 DTI. The national DTI reached 0.71, while the provincial average "
        "was 0.5763.",
        {_rank("quang-tri", 2022, 33)},
    ),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_english_sequences(tmp_path: Path, body: str, expected: set[Row]) -> None:
    assert _claims(tmp_path, body) == expected


def test_a_score_after_leading_the_ranking_stays_the_leaders(tmp_path: Path) -> None:
    """The whole extraction, so that the score given to Long An as well (or instead) fails."""
    body = "In the 2022 DTI, Kien Giang topped the ranking, scoring 0.7 points. Long An came in second place."
    assert _claims(tmp_path, body) == {
        _rank("kien-giang", 2022, 1),
        ("kien-giang", 2022, "overall", "score", Decimal("0.7"), None),
        _rank("long-an", 2022, 2),
    }
