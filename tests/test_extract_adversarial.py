"""Adversarial probes: short articles written to make the extractor state a wrong number, each with
the exact claims a careful reader takes from it (often none, sometimes a true one beside the trap,
so that refusing everything fails too), and one named regression test per wrong claim they found.

Every probe sits under a title naming Bắc Ninh and a date (DTI 2022 in force), so a value whose
owner the sentence does not name is tempted to fall back to Bắc Ninh.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dti_kg.loaders.extract import extract_path

VI_HEAD = "Bắc Ninh nỗ lực chuyển đổi số\n\nNgày 20/07/2023\n\n"
EN_HEAD = "Bac Ninh pushes digital transformation\n\nJuly 20, 2023\n\n"


def _claims(tmp_path: Path, lang: str, body: str) -> list[tuple]:
    path = tmp_path / "probe.txt"
    path.write_text((VI_HEAD if lang == "vi" else EN_HEAD) + body + "\n", encoding="utf-8")
    e = extract_path(path)
    assert e.source.language == lang
    return sorted(
        (
            c.province,
            c.edition,
            c.indicator,
            c.measure,
            float(c.value) if c.measure == "score" else int(c.value),
            c.derived,
        )
        for c in e.claims
    )


# (language, body, exact claims as (province, edition, indicator, measure, value, derived)).
PROBES = [
    ("vi", "Chỉ số DTI của Việt Nam năm 2022 đạt 0,6 điểm.", []),
    ("vi", "Về chuyển đổi số, chỉ số chính quyền điện tử của tỉnh đạt 0,72 điểm.", []),
    (
        "vi",
        "So với các tỉnh lân cận như Bắc Giang (thứ 20), tỉnh xếp thứ 15 về DTI 2022.",
        [("bac-giang", 2022, "overall", "rank", 20, False)],
    ),
    ("vi", "Năm ngoái, tỉnh xếp thứ 12 về chỉ số DTI.", []),
    (
        "vi",
        "Năm 2021 tỉnh xếp thứ 12, năm 2022 vươn lên thứ 8 về DTI.",
        # "vươn lên thứ 8" is read since branch vi-extract: each value keeps its own clause's year
        [("bac-ninh", 2021, "overall", "rank", 12, False), ("bac-ninh", 2022, "overall", "rank", 8, False)],
    ),
    ("vi", "Tỉnh phấn đấu đến năm 2025 vào top 10 và xếp thứ 5 về chỉ số DTI.", []),
    ("vi", "Mục tiêu đạt 0,8 điểm DTI vào năm 2025.", []),
    ("vi", "Trong DTI 2022, chỉ số dịch vụ công trực tuyến của tỉnh xếp thứ 3.", []),
    ("vi", "Theo DTI 2022, Chỉ số ICT-Index của tỉnh xếp thứ 3.", []),
    ("vi", "Theo DTI 2022, tỉnh đứng thứ 3 trong 5 tỉnh Tây Nguyên.", []),
    ("vi", "Theo DTI 2022, Đà Nẵng đứng thứ 2 trong 5 thành phố trực thuộc Trung ương.", []),
    ("vi", "Về DTI 2022, Bộ Tư pháp xếp thứ 5.", []),
    ("vi", "Về DTI 2022, Tập đoàn Viettel xếp thứ 1 về chuyển đổi số doanh nghiệp.", []),
    ("vi", "Về chuyển đổi số, điểm DTI 2022 của tỉnh cải thiện 0,12 điểm.", []),
    ("vi", "Chỉ số DTI 2022 của tỉnh đạt mức tăng trưởng 0,12 điểm.", []),
    ("vi", "Chỉ số DTI 2022 của tỉnh tăng 0,5 điểm phần trăm.", []),
    ("vi", "Theo DTI 2022, Hà Nội, Đà Nẵng, TP.HCM lần lượt đạt 0,8; 0,7 và 0,6 điểm.", []),
    ("vi", "Theo DTI 2022, Hà Nội, Đà Nẵng và TP.HCM lần lượt xếp thứ nhất và thứ hai.", []),
    ("vi", "Theo DTI 2022, tỉnh có điểm cao nhất đạt 0,75 điểm.", []),
    ("vi", "Theo DTI 2022, địa phương dẫn đầu đạt 0,8 điểm.", []),
    (
        "vi",
        "Tỉnh xếp thứ 10 về chỉ số DTI 2022. Tốc độ tăng trưởng kinh tế đạt 9%, xếp thứ 2 toàn quốc.",
        [("bac-ninh", 2022, "overall", "rank", 10, False)],
    ),
    (
        "vi",
        "Tỉnh xếp thứ 10 về chỉ số DTI 2022. Thu ngân sách xếp thứ 4 cả nước.",
        [("bac-ninh", 2022, "overall", "rank", 10, False)],
    ),
    ("en", "The city's e-government score was 0.72 in the DTI 2022.", []),
    # Dated 20 July 2023, when DTI 2022 was out: "last year" is DTI 2022, as the blind labellers of round 5
    # read it (en_vietnamplus_binh-phuoc-…); before DTI 2022 was announced it stays refused
    # (tests/test_extract_en_discourse.py::test_last_year_is_the_year_before_publication).
    (
        "en",
        "Last year, the province ranked 12th in the DTI.",
        [("bac-ninh", 2022, "overall", "rank", 12, False)],
    ),
    ("en", "Last year, the province ranked 12th in the DTI; this year it is 9th.", []),
    ("en", "The province aims to climb to 5th in the DTI by 2025.", []),
    ("en", "The target is to achieve a DTI score of 0.8 by 2025.", []),
    ("en", "In the DTI 2022, its online public services index ranked 3rd.", []),
    ("en", "In the DTI 2022, Bac Giang placed 2nd in the Red River Delta.", []),
    ("en", "In the DTI 2022, the province came 3rd among northern mountainous provinces.", []),
    ("en", "In the DTI 2022, Da Nang ranked 2nd among centrally-run cities.", []),
    ("en", "In the DTI 2022, the Ministry of Justice ranked 5th.", []),
    ("en", "In the DTI 2022, Tu Son ranked 1st among districts.", []),
    ("en", "In the enterprise DTI 2022, Viettel ranked 1st.", []),
    ("en", "In the DTI 2022, the province's score saw an increase of 0.12 points.", []),
    ("en", "In the DTI 2022, Hanoi, Da Nang and HCM City scored 0.8, 0.7 respectively.", []),
    (
        "en",
        "In the DTI 2022, neighbouring Bac Giang came 20th, while the province came 15th.",
        [("bac-giang", 2022, "overall", "rank", 20, False)],
    ),
    ("en", "In the DTI 2022, the top-ranked province scored 0.8.", []),
    (
        "en",
        "The province ranked 10th in the DTI 2022. Its GDP growth ranked 3rd nationwide.",
        [("bac-ninh", 2022, "overall", "rank", 10, False)],
    ),
    # The export rank is refused as another ranking's (en-extract); before, its clash with the 10th sent
    # both to review. The 10th is then the title's province's, as in the probe above.
    (
        "en",
        "In the DTI 2022, the province ranked 10th. Bac Ninh ranked 2nd in the country in exports.",
        [("bac-ninh", 2022, "overall", "rank", 10, False)],
    ),
    ("en", "In the 2023 DTI, the average was 0.6783; Ca Mau ranked 6th nationwide in exports.", []),
    # A verbless list item followed by another topic is not the list's (en-extract, claims_en_lists).
    (
        "en",
        "In the 2022 DTI, Lao Cai ranked 14th; Yen Bai, 5th in exports.",
        [("lao-cai", 2022, "overall", "rank", 14, False)],
    ),
    (
        "vi",
        "Ngày 8/8/2022, Bộ TT&TT công bố DTI 2021, theo đó tỉnh xếp thứ 12/63 tỉnh, thành phố.",
        [("bac-ninh", 2021, "overall", "rank", 12, False)],
    ),
    ("vi", "Theo DTI 2022, ngày 12/10 tỉnh đứng thứ 6.", [("bac-ninh", 2022, "overall", "rank", 6, False)]),
    ("vi", "Theo DTI 2022, 12/63 tỉnh, thành phố đạt trên 0,5 điểm.", []),
    ("vi", "Theo DTI 2022, tỉnh xếp thứ mười hai cả nước.", []),
    (
        "vi",
        "Theo DTI 2022, tỉnh xếp thứ 9, tăng 3 bậc so với năm 2021.",
        [
            ("bac-ninh", 2021, "overall", "rank", 12, True),
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "rank_change", 3, False),
        ],
    ),
    (
        "vi",
        "Theo DTI 2022, tỉnh xếp thứ 9 (tăng 3 bậc).",
        [
            ("bac-ninh", 2021, "overall", "rank", 12, True),
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "rank_change", 3, False),
        ],
    ),
    ("vi", "Theo DTI 2022, tỉnh xếp thứ 9 (+3).", [("bac-ninh", 2022, "overall", "rank", 9, False)]),
    ("vi", "Theo DTI 2022, 85% dịch vụ công của tỉnh đạt mức độ 4, xếp thứ 2.", []),
    ("vi", "Theo DTI 2022, tỷ lệ hồ sơ trực tuyến của tỉnh đạt 0,85, xếp thứ 5.", []),
    (
        "vi",
        "Bộ Thông tin và Truyền thông công bố DTI 2022: Bắc Ninh xếp thứ 9/63, đạt 0,5412 điểm.",
        [
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "score", 0.5412, False),
        ],
    ),
    (
        "vi",
        "Trong DTI 2022 khối bộ, ngành, Bộ Tài chính dẫn đầu, tỉnh Bắc Ninh xếp thứ 9/63.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    ("vi", "Theo DTI 2022 cấp huyện của tỉnh, thị xã Từ Sơn xếp thứ nhất với 0,62 điểm.", []),
    ("vi", "Theo DTI 2022, chỉ số thành phần Dịch vụ công trực tuyến của tỉnh xếp thứ 4.", []),
    ("vi", "Theo DTI 2022, trong các tỉnh miền núi phía Bắc, Lạng Sơn xếp thứ 2.", []),
    ("vi", "Theo DTI 2022, tỉnh đứng thứ 2 Đồng bằng sông Hồng.", []),
    ("vi", "Theo DTI 2022, tỉnh đứng thứ 2 trong 11 tỉnh Đồng bằng sông Hồng.", []),
    (
        "vi",
        "Phát biểu tại hội nghị, Giám đốc Sở TT&TT Bắc Giang cho biết DTI 2022 của Bắc Giang xếp thứ 20.",
        [("bac-giang", 2022, "overall", "rank", 20, False)],
    ),
    (
        "vi",
        "Theo DTI 2022, Bắc Ninh xếp thứ 9, còn Bắc Giang xếp thứ 20 và Hải Dương xếp thứ 15.",
        [
            ("bac-giang", 2022, "overall", "rank", 20, False),
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("hai-duong", 2022, "overall", "rank", 15, False),
        ],
    ),
    (
        "vi",
        "Theo DTI 2022, Bắc Ninh xếp thứ 9, cao hơn 11 bậc so với Bắc Giang.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "vi",
        "DTI 2022 của tỉnh đạt 0,5412 điểm, cao hơn mức trung bình 0,1 điểm.",
        [("bac-ninh", 2022, "overall", "score", 0.5412, False)],
    ),
    (
        "vi",
        "DTI 2022 của tỉnh đạt 0,5412 điểm, xếp thứ 9 cả nước.",
        [
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "score", 0.5412, False),
        ],
    ),
    (
        "vi",
        "Năm 2022, tỉnh đứng thứ 9 về chuyển đổi số, năm 2021 là thứ 21.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "vi",
        "Theo DTI 2022, tỉnh xếp thứ 9, trong khi năm 2021 xếp thứ 21.",
        [("bac-ninh", 2021, "overall", "rank", 21, False), ("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    ("vi", "Kết quả DTI 2022: Bắc Ninh thứ 9, Bắc Giang thứ 20.", []),
    (
        "vi",
        "Về DTI 2022, tỉnh xếp thứ 9; trong đó chính quyền số xếp thứ 5, kinh tế số xếp thứ 12.",
        [
            ("bac-ninh", 2022, "digital_economy", "rank", 12, False),
            ("bac-ninh", 2022, "digital_government", "rank", 5, False),
            # The rank before any indicator is named, in a DTI sentence, is the overall one (issue 7).
            ("bac-ninh", 2022, "overall", "rank", 9, False),
        ],
    ),
    ("vi", "Theo DTI 2022, xã Tam Sơn xếp thứ 1 về chuyển đổi số cấp xã.", []),
    ("vi", "Theo DTI 2022, chỉ số doanh nghiệp số của tỉnh xếp thứ 3.", []),
    (
        "en",
        "On 8/8/2022, the MIC announced the DTI 2021, in which the province came 12th out of 63.",
        [("bac-ninh", 2021, "overall", "rank", 12, False)],
    ),
    ("en", "In the DTI 2022, Bac Ninh placed 10th in the region.", []),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked twelfth nationwide.",
        [("bac-ninh", 2022, "overall", "rank", 12, False)],
    ),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th, up three places from 2021.",
        [
            ("bac-ninh", 2021, "overall", "rank", 12, True),
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "rank_change", 3, False),
        ],
    ),
    ("en", "In the DTI 2022, Bac Ninh ranked 9th (up 3).", [("bac-ninh", 2022, "overall", "rank", 9, False)]),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th, compared with 21st last year.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th; last year it was 21st.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    ("en", "In the DTI 2022, 12 out of 63 provinces scored above 0.5.", []),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th with 0.5412 points, 0.1 points above the average.",
        [
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "score", 0.5412, False),
        ],
    ),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th with 0.5412 points, an improvement of 0.05 points.",
        [
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "score", 0.5412, False),
        ],
    ),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th, while neighbouring Bac Giang ranked 20th.",
        [("bac-giang", 2022, "overall", "rank", 20, False), ("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "en",
        "In the DTI 2022, the province ranked 9th; Bac Giang was 20th.",
        [("bac-giang", 2022, "overall", "rank", 20, False)],
    ),
    (
        "en",
        "Speaking at the event, the Bac Giang chairman said his province ranked 20th in the DTI 2022.",
        [("bac-giang", 2022, "overall", "rank", 20, False)],
    ),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th in the digital government pillar and 3rd in the e-government"
        " services index.",
        [("bac-ninh", 2022, "digital_government", "rank", 9, False)],
    ),
    (
        "en",
        "In the DTI 2022 for ministries and ministerial agencies, the Ministry of Finance ranked 1st.",
        [],
    ),
    ("en", "In the DTI 2022, the province ranked 2nd among the five provinces of the Red River Delta.", []),
    ("en", "Bac Ninh is aiming to be among the top 10 in the DTI by 2025 and ranked 9th in 2022.", []),
    ("en", "Vietnam's DTI in 2022 was 0.6.", []),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th, 30% of citizens used online services with a rate of 0.85.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "en",
        "The DTI 2022 results show the province rose to 9th.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    ("vi", "Theo DTI 2022, Bắc Ninh phấn đấu năm 2023 xếp thứ 5.", []),
    ("vi", "Năm ngoái, Bắc Ninh xếp thứ 12 về chỉ số DTI.", []),
    ("vi", "Theo DTI 2022, chỉ số dịch vụ công trực tuyến của Bắc Ninh xếp thứ 3.", []),
    ("vi", "Theo DTI 2022, Bắc Ninh đứng thứ 2 vùng Đồng bằng sông Hồng với 0,61 điểm.", []),
    ("vi", "Theo DTI 2022, điểm DTI của Bắc Ninh cải thiện 0,12 điểm.", []),
    (
        "vi",
        "Theo DTI 2022, Bắc Ninh tăng từ 0,45 lên 0,52 điểm.",
        [("bac-ninh", 2022, "overall", "score", 0.52, False)],
    ),
    (
        "vi",
        "Theo DTI 2022, Bắc Ninh đứng thứ 9 với 0,5412 điểm, cao hơn điểm trung bình cả nước (0,4856 điểm).",
        [
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "score", 0.5412, False),
        ],
    ),
    (
        "vi",
        "Tại Hội nghị công bố DTI 2022, ông Nguyễn Văn A, Giám đốc Sở TT&TT cho biết tỉnh xếp thứ 9/63.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "vi",
        "Theo DTI 2022, Hà Nội, Đà Nẵng và TP.HCM lần lượt xếp thứ nhất, nhì và ba.",
        [
            ("da-nang", 2022, "overall", "rank", 2, False),
            ("ha-noi", 2022, "overall", "rank", 1, False),
            ("ho-chi-minh", 2022, "overall", "rank", 3, False),
        ],
    ),
    (
        "vi",
        "DTI 2022 của Bắc Ninh xếp thứ 9, DTI 2021 xếp thứ 21.",
        [("bac-ninh", 2021, "overall", "rank", 21, False), ("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "vi",
        "Bắc Ninh xếp thứ 9 trong DTI 2022 và xếp thứ 21 trong DTI 2021.",
        [("bac-ninh", 2021, "overall", "rank", 21, False), ("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "vi",
        "Theo DTI 2022, Bắc Ninh xếp thứ 9. Tỉnh đặt mục tiêu năm 2025 xếp thứ 5.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "vi",
        "Theo DTI 2022, cả nước có 5 tỉnh đạt trên 0,6 điểm, Bắc Ninh đạt 0,5412 điểm.",
        [("bac-ninh", 2022, "overall", "score", 0.5412, False)],
    ),
    ("vi", "Theo DTI 2022, DTI cấp huyện năm 2022 của Bắc Ninh, thành phố Từ Sơn xếp thứ nhất.", []),
    (
        "vi",
        "Theo DTI 2022, Bắc Ninh xếp hạng 9/63, trong đó chỉ số Hạ tầng số xếp thứ 4.",
        # The rank before any indicator is named, in a DTI sentence, is the overall one (issue 7).
        [
            ("bac-ninh", 2022, "digital_infrastructure", "rank", 4, False),
            ("bac-ninh", 2022, "overall", "rank", 9, False),
        ],
    ),
    (
        "vi",
        "Sở TT&TT Bắc Ninh: DTI 2022 của tỉnh đạt 0,5412 điểm, xếp thứ 9/63.",
        # the score is read since round 7: "tỉnh" is the one province the article names
        [
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "score", 0.5412, False),
        ],
    ),
    ("en", "In the DTI 2022, Bac Ninh aims to rank 5th next year.", []),
    ("en", "Last year Bac Ninh ranked 12th in the DTI.", []),
    ("en", "In the DTI 2022, Bac Ninh's online public services index ranked 3rd.", []),
    ("en", "In the DTI 2022, Bac Ninh ranked 2nd in the Red River Delta with 0.61 points.", []),
    ("en", "In the DTI 2022, Bac Ninh's score rose by 0.12 points.", []),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th with 0.5412 points, above the national average of 0.4856.",
        [
            ("bac-ninh", 2022, "overall", "rank", 9, False),
            ("bac-ninh", 2022, "overall", "score", 0.5412, False),
        ],
    ),
    (
        "en",
        "In the DTI 2022, Hanoi, Da Nang and HCM City ranked first, second and third respectively.",
        [
            ("da-nang", 2022, "overall", "rank", 2, False),
            ("ha-noi", 2022, "overall", "rank", 1, False),
            ("ho-chi-minh", 2022, "overall", "rank", 3, False),
        ],
    ),
    (
        "en",
        "Bac Ninh ranked 9th in the DTI 2022 and 21st in the DTI 2021.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "en",
        "The Ministry of Information and Communications announced the DTI 2022, in which the province"
        " ranked 9th out of 63.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    ("en", "In the DTI 2022, the province ranked 9th in the country, Bac Ninh's highest ever.", []),
    (
        "en",
        "In the DTI 2022, Bac Ninh's digital economy index ranked 4th.",
        [("bac-ninh", 2022, "digital_economy", "rank", 4, False)],
    ),
    (
        "en",
        "In the DTI 2022, Bac Ninh ranked 9th among the 63 provinces and centrally-run cities.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
    (
        "en",
        "Bac Ninh ranked 9th in the DTI 2022, up from 21st the year before.",
        [("bac-ninh", 2022, "overall", "rank", 9, False)],
    ),
]


@pytest.mark.parametrize(
    ("lang", "body", "expected"), PROBES, ids=[f"{i:03d}-{p[0]}" for i, p in enumerate(PROBES)]
)
def test_probe_gives_exactly_the_expected_claims(
    tmp_path: Path, lang: str, body: str, expected: list
) -> None:
    assert _claims(tmp_path, lang, body) == expected


def test_probes_are_many_mixed_and_not_all_empty() -> None:
    assert len(PROBES) >= 40
    assert {p[0] for p in PROBES} == {"vi", "en"}
    assert sum(1 for p in PROBES if p[2]) >= 20  # an extractor that refuses everything fails


BN22 = ("bac-ninh", 2022, "overall", "rank", 9, False)


# ---- one regression test per wrong claim the probes found (before loader 0.3.0) -----------------


def test_regression_vietnam_national_score_is_not_the_title_provinces(tmp_path: Path) -> None:
    """Bug: "Chỉ số DTI của Việt Nam năm 2022 đạt 0,6 điểm" gave Bắc Ninh (the title's) 0.6."""
    assert _claims(tmp_path, "vi", "Chỉ số DTI của Việt Nam năm 2022 đạt 0,6 điểm.") == []


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Về chuyển đổi số, chỉ số chính quyền điện tử của tỉnh đạt 0,72 điểm."),
        ("vi", "Trong DTI 2022, chỉ số dịch vụ công trực tuyến của tỉnh xếp thứ 3."),
        ("vi", "Theo DTI 2022, Chỉ số ICT-Index của tỉnh xếp thứ 3."),
        ("vi", "Theo DTI 2022, chỉ số thành phần Dịch vụ công trực tuyến của tỉnh xếp thứ 4."),
        ("vi", "Theo DTI 2022, chỉ số doanh nghiệp số của tỉnh xếp thứ 3."),
        ("en", "In the DTI 2022, its online public services index ranked 3rd."),
    ],
)
def test_regression_another_index_is_not_the_overall_dti(tmp_path: Path, lang: str, body: str) -> None:
    """Bug: the rank or score of a sub-index that is no DTI indicator (online public services,
    e-government, ICT-Index, a component index) was read as the overall DTI of the title's province."""
    assert _claims(tmp_path, lang, body) == []


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "So với các tỉnh lân cận như Bắc Giang (thứ 20), tỉnh xếp thứ 15 về DTI 2022."),
        ("en", "In the DTI 2022, neighbouring Bac Giang came 20th, while the province came 15th."),
    ],
)
def test_regression_the_province_after_a_neighbour_is_not_the_neighbour(
    tmp_path: Path, lang: str, body: str
) -> None:
    """Bug: "tỉnh"/"the province" after a neighbour's value took the neighbour's name, giving Bắc
    Giang both 20 and 15 (a wrong 15, or both dropped as a conflict)."""
    assert _claims(tmp_path, lang, body) == [("bac-giang", 2022, "overall", "rank", 20, False)]


def test_regression_a_lone_name_after_the_value_is_not_the_subjects(tmp_path: Path) -> None:
    """Bug: "the province ranked 9th; Bac Giang was 20th" gave Bắc Giang the 9th too."""
    body = "In the DTI 2022, the province ranked 9th; Bac Giang was 20th."
    assert _claims(tmp_path, "en", body) == [("bac-giang", 2022, "overall", "rank", 20, False)]


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Năm ngoái, tỉnh xếp thứ 12 về chỉ số DTI."),
        ("en", "In the DTI 2022, Bac Ninh ranked 9th; last year it was 21st."),
    ],
)
def test_regression_last_years_rank_is_not_this_editions(tmp_path: Path, lang: str, body: str) -> None:
    """Bug: a rank "năm ngoái"/"last year" was given the edition in force (DTI 2022)."""
    expected = [BN22] if "9th" in body else []
    assert _claims(tmp_path, lang, body) == expected


@pytest.mark.parametrize(
    ("lang", "body", "expected"),
    [
        ("vi", "Theo DTI 2022, tỉnh xếp thứ 9, trong khi năm 2021 xếp thứ 21.", [(2021, 21), (2022, 9)]),
        ("vi", "Năm 2021 tỉnh xếp thứ 12, năm 2022 vươn lên thứ 8 về DTI.", [(2021, 12), (2022, 8)]),
        ("vi", "Bắc Ninh xếp thứ 9 trong DTI 2022 và xếp thứ 21 trong DTI 2021.", [(2021, 21), (2022, 9)]),
    ],
)
def test_regression_each_value_takes_the_edition_its_clause_names(
    tmp_path: Path, lang: str, body: str, expected: list
) -> None:
    """Bug: in a sentence naming two editions every value took one of them (2021's 21st became a
    2022 rank, or both were dropped as a conflict)."""
    assert [(c[1], c[4]) for c in _claims(tmp_path, lang, body)] == expected


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Tỉnh phấn đấu đến năm 2025 vào top 10 và xếp thứ 5 về chỉ số DTI."),
        ("vi", "Mục tiêu đạt 0,8 điểm DTI vào năm 2025."),
        ("vi", "Theo DTI 2022, Bắc Ninh phấn đấu năm 2023 xếp thứ 5."),
        ("en", "The province aims to climb to 5th in the DTI by 2025."),
        ("en", "The target is to achieve a DTI score of 0.8 by 2025."),
    ],
)
def test_regression_a_target_is_not_a_result(tmp_path: Path, lang: str, body: str) -> None:
    """Bug: targets ("phấn đấu … xếp thứ 5", "aims to climb to 5th", "mục tiêu đạt 0,8 điểm") were
    read as the current edition's rank and score."""
    assert _claims(tmp_path, lang, body) == []


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Theo DTI 2022, Đà Nẵng đứng thứ 2 trong 5 thành phố trực thuộc Trung ương."),
        ("vi", "Theo DTI 2022, Bắc Ninh đứng thứ 2 vùng Đồng bằng sông Hồng với 0,61 điểm."),
        ("en", "In the DTI 2022, Bac Giang placed 2nd in the Red River Delta."),
        ("en", "In the DTI 2022, the province came 3rd among northern mountainous provinces."),
        ("en", "In the DTI 2022, Da Nang ranked 2nd among centrally-run cities."),
        ("en", "In the DTI 2022, the province ranked 2nd among the five provinces of the Red River Delta."),
    ],
)
def test_regression_a_rank_within_a_group_is_not_a_national_rank(
    tmp_path: Path, lang: str, body: str
) -> None:
    """Bug: ranks within a region or among the centrally-run cities were read as ranks of the 63."""
    assert _claims(tmp_path, lang, body) == []


def test_regression_the_63_provinces_and_centrally_run_cities_are_the_63(tmp_path: Path) -> None:
    """Guard for the fix above: "tỉnh, thành phố trực thuộc Trung ương" and "provinces and
    centrally-run cities" name all 63, not a group of cities."""
    vi = "Ở khối tỉnh, thành phố trực thuộc Trung ương, theo DTI 2022, Bắc Ninh xếp thứ 9."
    en = "In the DTI 2022, Bac Ninh ranked 9th among the 63 provinces and centrally-run cities."
    assert _claims(tmp_path, "vi", vi) == _claims(tmp_path, "en", en) == [BN22]


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Về DTI 2022, Bộ Tư pháp xếp thứ 5."),
        ("vi", "Về DTI 2022, Tập đoàn Viettel xếp thứ 1 về chuyển đổi số doanh nghiệp."),
        ("en", "In the DTI 2022, the Ministry of Justice ranked 5th."),
        ("en", "In the DTI 2022, Tu Son ranked 1st among districts."),
        ("en", "In the enterprise DTI 2022, Viettel ranked 1st."),
    ],
)
def test_regression_a_ministry_firm_or_district_is_not_the_title_province(
    tmp_path: Path, lang: str, body: str
) -> None:
    """Bug: the rank of a ministry, a firm or a district fell back to the title's province."""
    assert _claims(tmp_path, lang, body) == []


def test_regression_the_publishing_ministry_does_not_block_the_fallback(tmp_path: Path) -> None:
    """Guard for the fix above: the ministry that announces the DTI is not another subject."""
    vi = "Ngày 8/8/2022, Bộ TT&TT công bố DTI 2022, theo đó tỉnh xếp thứ 9/63 tỉnh, thành phố."
    en = (
        "The Ministry of Information and Communications announced the DTI 2022, in which the province"
        " ranked 9th out of 63."
    )
    assert _claims(tmp_path, "vi", vi) == _claims(tmp_path, "en", en) == [BN22]


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Về chuyển đổi số, điểm DTI 2022 của tỉnh cải thiện 0,12 điểm."),
        ("vi", "Chỉ số DTI 2022 của tỉnh đạt mức tăng trưởng 0,12 điểm."),
        ("vi", "Theo DTI 2022, 12/63 tỉnh, thành phố đạt trên 0,5 điểm."),
        ("en", "In the DTI 2022, the province's score saw an increase of 0.12 points."),
    ],
)
def test_regression_a_score_change_or_threshold_is_not_a_score(tmp_path: Path, lang: str, body: str) -> None:
    """Bug: "cải thiện 0,12 điểm", "an increase of 0.12 points", "trên 0,5 điểm" were read as scores."""
    assert _claims(tmp_path, lang, body) == []


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Theo DTI 2022, tỉnh có điểm cao nhất đạt 0,75 điểm."),
        ("vi", "Theo DTI 2022, địa phương dẫn đầu đạt 0,8 điểm."),
        ("en", "In the DTI 2022, the top-ranked province scored 0.8."),
    ],
)
def test_regression_the_leading_province_is_not_the_title_province(
    tmp_path: Path, lang: str, body: str
) -> None:
    """Bug: the score of "the province with the highest score" went to the title's province."""
    assert _claims(tmp_path, lang, body) == []


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Tỉnh xếp thứ 9 về chỉ số DTI 2022. Tốc độ tăng trưởng kinh tế đạt 9%, xếp thứ 2 toàn quốc."),
        ("vi", "Tỉnh xếp thứ 9 về chỉ số DTI 2022. Thu ngân sách xếp thứ 4 cả nước."),
        ("en", "The province ranked 9th in the DTI 2022. Its GDP growth ranked 3rd nationwide."),
    ],
)
def test_regression_a_following_sentence_on_another_topic_is_not_dti(
    tmp_path: Path, lang: str, body: str
) -> None:
    """Bug: a rank in the sentence after a DTI sentence (growth, budget revenue) went to the title's
    province as its DTI rank (alone in an article, a wrong claim; here both were dropped)."""
    assert _claims(tmp_path, lang, body) == [BN22]


def test_regression_respectively_scores_that_do_not_pair_up(tmp_path: Path) -> None:
    """Bug: "Hà Nội, Đà Nẵng, TP.HCM lần lượt đạt 0,8; 0,7 và 0,6 điểm" gave TP.HCM 0.8 and 0.6."""
    body = "Theo DTI 2022, Hà Nội, Đà Nẵng, TP.HCM lần lượt đạt 0,8; 0,7 và 0,6 điểm."
    assert _claims(tmp_path, "vi", body) == []


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Theo DTI 2022, 85% dịch vụ công của tỉnh đạt mức độ 4, xếp thứ 2."),
        ("vi", "Theo DTI 2022, tỷ lệ hồ sơ trực tuyến của tỉnh đạt 0,85, xếp thứ 5."),
        (
            "en",
            "In the DTI 2022, Bac Ninh ranked 9th, 30% of citizens used online services with a rate of 0.85.",
        ),
    ],
)
def test_regression_a_rate_is_not_a_dti_value(tmp_path: Path, lang: str, body: str) -> None:
    """Bug: a rate (0,85 of files online) and the rank that follows it were read as DTI values."""
    assert _claims(tmp_path, lang, body) == ([BN22] if "9th" in body else [])


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("vi", "Theo DTI 2022, Thủ đô xếp thứ nhất."),
        ("en", "According to the DTI 2022, the capital ranked 1st."),
    ],
)
def test_regression_the_capital_is_not_the_title_province(tmp_path: Path, lang: str, body: str) -> None:
    """Bug: "the capital ranked 1st" under a Bắc Ninh title gave Bắc Ninh rank 1."""
    assert _claims(tmp_path, lang, body) == []


def test_the_scale_is_no_score_but_a_total_score_is(tmp_path):
    """ "trên thang 1.000 điểm" is the scale (issue 7: never a score of 1.000); "tổng điểm 0,6012" is one."""
    path = tmp_path / "a.txt"
    path.write_text(
        "Hà Giang chuyển đổi số\n\nTheo DTI 2023, trên thang 1.000 điểm, Hà Giang đạt 590,7 điểm, xếp thứ "
        "40/63. Hưng Yên có tổng điểm 0,6012, xếp thứ 38/63.\n",
        encoding="utf-8",
    )
    scores = {(c.province, c.value) for c in extract_path(path).claims if c.measure == "score"}
    assert scores == {("hung-yen", Decimal("0.6012"))}
