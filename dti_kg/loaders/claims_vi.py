"""Vietnamese claim rules: the patterns of Vietnamese DTI reporting.

"đứng thứ 8/63", "xếp hạng 33/63", "vị trí thứ 28 trên bảng xếp hạng chung gồm 63 tỉnh",
"hạng 39/63", "vị trí 26 ở trụ cột Chính quyền số với 0,3731", "tăng 4 bậc so với năm 2020",
"đạt điểm tuyệt đối (1.000 điểm) ở 2/8 chỉ số là: Nhận thức số và Thể chế số".
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import regex

from dti_kg.loaders.claims_vi_discourse import earlier_ranks, pillar_ranks, split_runs
from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.guards import Guards
from dti_kg.loaders.lexicon import Lexicon, clause_indicators
from dti_kg.loaders.places import PlaceMention, find_places
from dti_kg.loaders.rules import find_all
from dti_kg.loaders.segments import Piece
from dti_kg.loaders.stated_editions import sentence_edition
from dti_kg.loaders.value_places import choose_place, unknown_place
from dti_kg.text import parse_score

_I = regex.IGNORECASE
_W = r"(?<![\p{L}\d])"  # word start
_E = r"(?![\p{L}\d])"  # word end

_NUMBER_WORDS = {
    "nhất": 1,
    "một": 1,
    "nhì": 2,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}  # fmt: skip  ("năm" is five but also "year": never read as a number)

# Main indices before pillars: "hoạt động kinh tế số" is an activity index, "kinh tế số" a pillar.
_INDICATORS = (
    (r"hoạt\s+động\s+chính\s+quyền\s+số", "digital_government_activity"),
    (r"hoạt\s+động\s+kinh\s+tế\s+số", "digital_economy_activity"),
    (r"hoạt\s+động\s+xã\s+hội\s+số", "digital_society_activity"),
    (r"nhận\s+thức\s+số", "digital_awareness"),
    (r"thể\s+chế\s+số", "digital_institutions"),
    (r"hạ\s+tầng\s+số", "digital_infrastructure"),
    (r"nhân\s+lực\s+số", "digital_human_resources"),
    (r"an\s+toàn\s+thông\s+tin(?:\s+mạng)?", "cybersecurity"),
    (r"đô\s+thị\s+thông\s+minh", "smart_city"),
    # "xã hội kỹ thuật số": the pillar in a translated wording
    (r"chính\s+quyền\s+(?:kỹ\s+thuật\s+)?số", "digital_government"),
    (r"kinh\s+tế\s+(?:kỹ\s+thuật\s+)?số", "digital_economy"),
    (r"xã\s+hội\s+(?:kỹ\s+thuật\s+)?số", "digital_society"),
    # The pillars' abbreviations, capitals only ("CQS xếp thứ 40/63; KTS xếp thứ 18/63").
    (r"(?-i:CQS)", "digital_government"),
    (r"(?-i:KTS)", "digital_economy"),
    (r"(?-i:XHS)", "digital_society"),
)
MAIN_INDEX_KEYS = frozenset(k for _, k in _INDICATORS[:9])
PILLAR_KEYS = ("digital_government", "digital_economy", "digital_society")


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token.lower() == "năm":  # only the change pattern captures it, right before "bậc"
        return 5
    return _NUMBER_WORDS.get(token.lower())


# "Thang điểm đánh giá đối với bộ chỉ số … là 1.000 điểm": the scale is the subject, the value its size.
_SCALE_IS = regex.compile(_W + r"thang\s+điểm[^.;:\n]{0,150}?\s(?:là|bằng)\s*$", _I)


def _score_ok(text: str, m: regex.Match[str]) -> Decimal | None:
    """A score needs score context: "đạt/với/điểm/giá trị … 0,3215" or "… 0,3215 điểm"; a leading
    "1.000" is one thousand unless "điểm" follows it (then it is the maximum score)."""
    token = m.group("x")
    value = parse_score(token)
    if value is None:
        return None
    after = text[m.end("x") : m.end("x") + 12]
    before = text[max(0, m.start("x") - 30) : m.start("x")]
    if regex.match(r"\s*(?:%|điểm\s+phần\s+trăm)", text[m.end("x") : m.end("x") + 20]):
        return None
    # A change ("cải thiện 0,12 điểm"), a difference ("hơn", "chênh"), a threshold ("trên 0,5") or
    # the old value ("từ 0,45 lên 0,52") is not the score.
    if regex.search(
        r"(?:tăng|giảm|hơn|thêm|chênh(?:\s+lệch)?|cải\s+thiện|trưởng|trên|dưới|khoảng|gần|ngưỡng|vượt|từ"
        # the scale, not a score: "trên thang 1.000 điểm", "tối đa 1.000 điểm", "trên tổng số 1.000 điểm"
        r"|thang(?:\s+điểm)?|tối\s+đa(?:\s+là)?|trên\s+tổng(?:\s+số)?(?:\s+điểm)?)\s*$",
        before,
        _I,
    ):
        return None
    if _SCALE_IS.search(text, max(0, m.start("x") - 200), m.start("x")):
        return None
    points = bool(regex.match(r"\s*điểm" + _E, after))
    if token.startswith("1") and not points:
        return None
    context = regex.search(r"(?:đạt|với|điểm|giá\s+trị|là|ở\s+mức)\s*(?:[\p{L}]+\s+){0,2}$", before, _I)
    return value.normalize() if (points or context) else None


_INDICATOR_NAMES = "|".join(p for p, _ in _INDICATORS)
# What may follow "chỉ số" when the DTI or one of its indicators is meant (else another index is:
# "chỉ số dịch vụ công trực tuyến", "chỉ số thành phần Dịch vụ công").
_DTI_INDEX_TAIL = (
    # "các chỉ số thành phần trụ cột", "các nhóm chỉ số khác" (the DTI's other indices)
    r"(?:thành\s+phần\s+(?:trụ\s+cột\s+)?|chính\s+|trụ\s+cột\s+)?(?:"
    + _INDICATOR_NAMES
    + r"|đánh\s+giá|mức\s+độ|chuyển\s+đổi\s+số"
    # "có nhiều chỉ số dẫn đầu và xếp hạng cao như: …"
    r"|CĐS|DTI|PDTI|giá\s+trị|chung|tổng|này|đó|của|là|trên|đạt|xếp|đứng|tăng|giảm|cao|thấp|về|năm|cấp|tỉnh"
    r"|dẫn\s+đầu"
    r"|địa\s+phương|khác"
    r"|(?:trước|sau)(?:\s+khi)?\s+(?:sáp\s+nhập|sắp\s+xếp))"  # "xét chỉ số trước khi sáp nhập"
    r"(?![\p{L}])|chính(?![\p{L}]|\s+(?:quyền\s+điện|phủ))|trụ\s+cột(?![\p{L}])"
)
_FOREIGN_INDEX = regex.compile(_W + r"chỉ\s+số\s+(?!" + _DTI_INDEX_TAIL + r")(?=\p{L})", _I)


def _foreign_index(text: str, start: int, end: int) -> bool:
    return bool(_FOREIGN_INDEX.search(text, start, end))


def _guards() -> Guards:
    c = regex.compile
    return Guards(
        plan=c(
            _W + r"(?:phấn\s+đấu|mục\s+tiêu|kế\s+hoạch|chỉ\s+tiêu|đặt\s+ra|hướng\s+(?:tới|đến)|dự\s+kiến"
            r"|kỳ\s+vọng|quyết\s+tâm|cố\s+gắng|nhằm|(?:đến|tới)\s+năm\s+20\d\d"
            # "Nếu xét chỉ số trước khi sáp nhập, thứ hạng sẽ …": the same results seen another way
            r"|(?=sẽ)(?<!(?<![\p{L}])Nếu\s+(?:xét|tính)[^.;\n]{0,80})sẽ)" + _E,
            _I,
        ),
        relative_year=c(
            _W + r"(?<!(?:so\s+với|từ|hơn|với|bằng)\s+)(?:năm\s+(?:ngoái|trước|liền\s+trước)"
            r"|(?:kỳ|lần)\s+(?:đánh\s+giá\s+)?trước)" + _E,
            _I,
        ),
        foreign_topic=c(
            _W + r"(?:chính\s+quyền\s+điện\s+tử|chính\s+phủ\s+(?:điện\s+tử|số)|dịch\s+vụ\s+công"
            r"|thủ\s+tục\s+hành\s+chính|hồ\s+sơ|t[ỷỉ]\s+lệ|doanh\s+nghiệp\s+số|ứng\s+dụng\s+(?:công\s+nghệ|CNTT)"
            r"|sẵn\s+sàng)" + _E,
            _I,
        ),
        foreign_index=_foreign_index,
        # Case-sensitive: "Bộ Tư pháp" (a ministry) is capitalised; the DTI's publishers are not others.
        other_subject=c(
            _W + r"(?:Việt\s+Nam|[Qq]uốc\s+gia|[Tt]rung\s+(?:bình|vị)|[Bb]ình\s+quân"
            r"|Bộ(?=\s+(?!TT|Thông\s+tin|Khoa\s+học|KH)\p{Lu})|[Bb]ộ,\s+ngành|[Kk]hối\s+bộ|ngang\s+bộ"
            r"|[Hh]uyện|[Qq]uận|[Tt]hị\s+(?:xã|trấn)|[Pp]hường|(?<!các\s)[Xx]ã(?!\s+hội)"
            r"|[Dd]oanh\s+nghiệp|[Tt]ập\s+đoàn|[Cc]ông\s+ty|[Nn]gân\s+hàng"
            r"|cao\s+nhất|thấp\s+nhất|dẫn\s+đầu|đứng\s+đầu|cuối\s+bảng|tỉnh\s+bạn|lân\s+cận|láng\s+giềng"
            r"|[Cc]ác\s+tỉnh(?!\s*,?\s*thành)|nhiều\s+tỉnh|một\s+số\s+tỉnh"
            # "giá trị chỉ số của cả 3 trụ cột chuyển đổi số cấp tỉnh đều …": the provinces as a whole
            r"|trụ\s+cột[\p{L}\s]{0,30}cấp\s+tỉnh(?!\s+(?:của|tại)\s)"
            r"|[Tt]hủ\s+đô|[Vv]ùng|[Kk]hu\s+vực|[Mm]iền|Tây\s+Nguyên|[Đđ]ồng\s+bằng|[Tt]rung\s+du|[Dd]uyên\s+hải)"
            + _E
        ),
        respectively=c(r"lần\s+lượt", _I),
        period=c(
            _W + r"(?:\d{1,2}|sáu|chín)\s+tháng(?:\s+đầu)?\s+năm\s+20\d\d"
            r"|quý\s+(?:[IV]{1,3}|[1-4])\s*(?:/|năm\s+)20\d\d",
            _I,
        ),
    )


@cache
def lexicon() -> Lexicon:
    c = regex.compile
    return Lexicon(
        language="vi",
        dti_mark=c(r"DTI|chuyển\s+đổi\s+số|CĐS|chỉ\s+số\s+chuyển\s+đổi", _I),
        other_index=c(
            _W
            + r"(?:PCI|PAPI|PAR[\s-]*INDEX|SIPAS|DDCI|ICT[\s-]*INDEX|GRDP|PGI)"
            + _E
            + r"|cải\s+cách\s+hành\s+chính|năng\s+lực\s+cạnh\s+tranh|chỉ\s+số\s+hài\s+lòng|chỉ\s+số\s+xanh",
            _I,
        ),
        indicators=tuple((c(_W + p + _E, _I), k) for p, k in _INDICATORS),
        overall=c(
            r"DTI|chỉ\s+số\s+(?:đánh\s+giá\s+)?(?:chuyển\s+đổi\s+số|CĐS)|(?:về|xếp\s+hạng)\s+(?:chuyển\s+đổi\s+số|CĐS)"
            r"|bảng\s+xếp\s+hạng\s+chung|cả\s+nước|toàn\s+quốc|tổng\s+thể|tổng\s+điểm"
            # the object of "dẫn đầu"/"đứng đầu" (searched from right after the verb): the ranking
            r"|^\s*bảng\s+xếp\s+hạng(?!\s+(?:các\s+|của\s+)?(?:bộ|ngành|cơ\s+quan|chỉ\s+số\s+thành\s+phần))",
            _I,
        ),
        rank=c(
            # "bảng xếp hạng 63 tỉnh" is the table, "thăng hạng" a promotion: neither is a rank.
            _W + r"(?:đứng\s+(?:ở\s+)?(?:vị\s+trí\s+)?thứ|xếp\s+thứ|(?<!bảng\s)xếp\s+hạng(?:\s+thứ)?"
            r"|thứ\s+hạng|(?<!bảng\s)(?<!thăng\s)(?<!tăng\s)(?<!nâng\s)(?<!xếp\s)hạng(?:\s+thứ)?"
            r"|vị\s+trí(?:\s+thứ|\s+số)?"  # "vị trí số 10"
            # "vươn lên thứ 25/63", "tụt xuống thứ 40"
            r"|(?:vươn|leo|nhảy|tăng|tụt|rơi|lùi|giảm)\s+(?:lên|xuống)\s+(?:hạng\s+)?thứ"
            r"|(?<=(?:bậc|hạng)\s*,?\s*)(?:lên|xuống)\s+(?:hạng\s+)?thứ)"  # "tăng 2 bậc lên thứ 6"
            r"\s+(?:(?P<n>\d{1,2})(?!\d|[.,]\d)(?:\s*/\s*(?P<of>\d{1,3})(?!\d))?"
            r"|(?<=thứ\s+)(?P<n>nhất|nhì|hai|ba|tư|sáu|bảy|tám|chín|mười)(?![\p{L}\d])"
            r"|(?<=hạng\s+)(?P<n>nhất|nhì)(?![\p{L}\d])"
            # "vươn lên xếp hạng chín" (not "xếp hạng ba trụ cột", the three pillars' ranks)
            r"|(?<=xếp\s+hạng\s+)(?P<n>hai|ba|tư|sáu|bảy|tám|chín|mười)(?![\p{L}\d])"
            r"(?!\s+(?:trụ|chỉ|nhóm|tiêu|lĩnh|cấp|khối|bộ|tỉnh|địa|thành)))"
            r"|(?:(?<=^|[,;:]\s*)|(?<=\p{Ll}\s+))thứ\s+(?P<n>\d{1,2}|hai|ba|tư)(?=\s+là\s+(?:TP\.?\s*|tỉnh\s+)?\p{Lu})"
            r"|" + _W + r"xếp\s+(?P<n>\d{1,2})\s*/\s*(?P<of>63|34)(?!\d)"
            # "Xếp hạng chuyển đổi số năm 2022 của tỉnh là 38/63"
            r"|(?=là\s)(?<=(?:xếp\s+hạng|thứ\s+hạng)[^.;,]{0,80}\s)là\s+(?P<n>\d{1,2})\s*/\s*(?P<of>63|34)(?!\d)"
            # "A xếp thứ 2 …, Quảng Ninh thứ 3 và Hà Nội thứ 4": a name and its rank, the verb stated
            # once before (a list with no verb at all stays unread)
            r"|(?=thứ\s)(?<=(?<![\p{L}])(?:xếp|đứng)[^.;:]{0,120}(?:,|(?<![\p{L}])và)\s+(?:TP\.?\s*)?"
            r"\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){0,3}\s+)"
            r"thứ\s+(?P<n>\d{1,2}|hai|ba|tư)(?![\p{L}\d/])"
            # "Xếp hạng DTI 2023 của Bình Định: thứ 17/63", "xếp cuối bảng (thứ 63/63)": over a cohort
            r"|" + _W + r"thứ\s+(?P<n>\d{1,2})\s*/\s*(?P<of>63|34)(?!\d)"
            # elliptical, right after an index's name: "…, kinh tế số thứ 8, xã hội số thứ 10"
            r"|(?<=(?:" + _INDICATOR_NAMES + r")\s+)thứ\s+(?P<n>\d{1,2}|hai|ba|tư|sáu|bảy|tám|chín|mười)"
            r"(?:\s*/\s*(?P<of>63|34))?(?![\p{L}\d/])",
            _I,
        ),
        # After a rank come its cohort, scope or indicator; any other word ("thứ 2 năm liên tiếp",
        # "hạng 3 giải …") means the number is something else.
        rank_reject_after=c(
            r"\s*(?:[-–]\s*\d|đến\s+\d|tới\s+\d|%)|\s+(?!(?:cả|toàn|trên|trong|về|ở|với|so|tỉnh|địa|của|và"
            # "xếp ở vị trí thứ 3 còn năm 2022 …": a contrast after the rank ends it
            r"|sau|trước|tăng|giảm|chung|bảng|xếp|đạt|là|thuộc|hiện|được|nhóm\s+chỉ\s+số|trụ|chỉ|điểm|còn|nhưng)"
            r"(?![\p{L}]))\p{L}",
            _I,
        ),
        rank_list_item=c(r"(?<![\d/.,])(?<!có\s)(?P<n>\d{1,2})\s*/\s*(?P<of>63|34)(?!\d)"),
        # "Thanh Hóa (thứ năm)": in brackets right after a name, "năm" can only be fifth
        rank_after_name=c(
            r"\s*\(\s*(?:thứ|hạng)\s+(?P<n>\d{1,2}|nhất|nhì|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\s*\)", _I
        ),
        aside=c(r",\s+(?:vốn|nơi|sau\s+khi\s+(?:sáp\s+nhập|hợp\s+nhất))\b[^,;.]*,", _I),
        rank_from=c(r"(?:từ|so\s+với)\s*$", _I),
        narrow_scope=c(
            _W
            + r"(?:vùng|khu\s+vực|miền|trong\s+tỉnh|toàn\s+tỉnh|huyện|thị\s+xã|quận|(?:xã|phường)(?!\s+hội)"
            r"|cấp\s+huyện|cấp\s+xã|các\s+sở|sở,\s+ngành|cấp\s+bộ|bộ,\s+ngành|khối\s+(?:bộ|cơ\s+quan|doanh\s+nghiệp)"
            # A named region, the centrally-run cities, any group of provinces other than the 63 or the 34.
            r"|Tây\s+Nguyên|đồng\s+bằng|ĐBSCL|ĐBSH|trung\s+du|miền\s+núi|duyên\s+hải|Tây\s+Bắc|Đông\s+Bắc"
            # ("tỉnh, thành phố trực thuộc Trung ương" are all 63; "5 thành phố trực thuộc …" are not)
            r"|Nam\s+Bộ|Trung\s+Bộ|(?:\d+|các|năm)\s+thành\s+phố\s+trực\s+thuộc"
            r"|(?:trong|giữa)\s+(?:số\s+)?(?:các\s+)?(?!63\b|34\b)\d+\s+(?:tỉnh|thành\s+phố|địa\s+phương))"
            + _E,
            _I,
        ),
        cohort=c(r"(?<!\d)(?P<of>63|34)\s+(?:tỉnh|địa\s+phương)", _I),
        score=c(r"(?<![\d.,])(?P<x>[01][.,]\d{1,4})(?![.,]?\d)"),
        score_ok=_score_ok,
        # "điểm trung bình của địa phương này" is the province's own (mean-of-indices) score, and so is
        # "xếp thứ 13 … với giá trị trung bình ở mức 0,6383"; "trung bình (của) cả nước/các tỉnh" is not.
        score_reject=c(
            r"(?=trung)(?<!với\s+(?:giá\s+trị|điểm|số\s+điểm)\s+)"
            r"trung\s+bình(?!\s+của\s+(?:địa\s+phương|tỉnh|thành\s+phố)\s+(?:này|ta))|bình\s+quân|quốc\s+gia"
            r"|(?:trung\s+bình|bình\s+quân)\s+(?:của\s+)?(?:cả\s+nước|toàn\s+quốc|chung|các)"
            # "dẫn đầu cả nước … với giá trị 0,8340": the leader's scope, not the nation's value
            # "63 tỉnh, thành phố trên cả nước": the cohort's scope
            r"|(?=cả\s)(?<!(?:dẫn|đứng)\s+đầu\s+|thứ\s+\d{1,2}(?:\s*/\s*\d\d)?\s+(?:trong\s+|trên\s+)?"
            r"|(?:tỉnh|thành\s+phố|thành|địa\s+phương)\s+(?:trên|trong)\s+)cả\s+nước",
            _I,
        ),
        change=c(
            _W + r"(?:(?P<up>tăng|thăng|lên|vượt|cải\s+thiện)|(?P<down>giảm|tụt|xuống|lùi))"  # "vượt 12 bậc"
            r"(?:\s+(?:vọt|mạnh|thêm|tới|đến|liền|hạng(?=\s+\S+\s+(?:bậc|hạng|vị\s+trí))))?\s+(?:hạng\s+)?"
            # "năm" is five only right before "bậc" ("tăng năm bậc"), never a year there
            r"(?P<n>\d{1,2}|một|hai|ba|bốn|năm(?=\s+bậc)|sáu|bảy|tám|chín|mười)\s+(?:bậc|hạng|vị\s+trí)" + _E,
            _I,
        ),
        number=_number,
        compared=c(
            r"\s*(?:[\p{L}\s]{0,30}?)so\s+với\s+(?:năm\s+|DTI\s+)?(?:(?P<year>20\d\d)|năm\s+trước|năm\s+ngoái"
            r"|(?:lần|kỳ|kì)\s+(?:đánh\s+giá\s+|xếp\s+hạng\s+|công\s+bố\s+)?(?:trước|liền\s+trước))",
            _I,
        ),
        edition_anchored=(
            c(r"DTI\)?\s*(?:\([^()]{0,200}\)\s*)?(?:năm\s+)?(?P<year>20\d\d)(?!\d)", _I),  # also "(DTI) 2022"
            c(
                r"(?:chỉ\s+số|báo\s+cáo|bảng\s+xếp\s+hạng|xếp\s+hạng|kết\s+quả)[^.;\n]{0,80}?"
                r"(?:chuyển\s+đổi\s+số|DTI|CĐS)[^.;\n]{0,150}?năm\s+(?P<year>20\d\d)(?!\d)(?!\s*[-–]\s*20\d\d)",
                _I,
            ),
            c(
                r"(?:chuyển\s+đổi\s+số|CĐS)\s*(?:\([^()]{0,200}\)\s*)?(?:năm\s+)?"
                r"(?P<year>20\d\d)(?!\d)(?!\s*[-–]\s*20\d\d)",
                _I,
            ),
        ),
        edition_loose=c(_W + r"năm\s+(?P<year>20\d\d)(?!\d)(?!\s*[-–]\s*20\d\d)", _I),
        not_edition_before=c(r"(?:so\s+với|giai\s+đoạn|nhiệm\s+kỳ|đến|tới|từ)\s+(?:năm\s+|DTI\s+)?$", _I),
        unknown_place=c(
            _W + r"(?:[tT]ỉnh|[tT]hành\s+phố|TP\.?)\s+(?P<name>\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){0,3})"
        ),
        bare_province=c(  # case-sensitive: "\p{Lu}" must mean a capital (a name follows)
            _W + r"(?<!cấp\s)(?<!các\s)(?<!những\s)(?<!\d\s)[tT]ỉnh(?!\s*,?\s*thành)(?!\s+\p{Lu})" + _E
        ),
        leader=c(
            r"(?:tiếp\s+tục\s+|vẫn\s+|đã\s+)?(?:dẫn\s+đầu|đứng\s+đầu)"
            r"(?!\s+(?:nhóm|khu\s+vực|vùng|miền|khối|các(?!\s+tỉnh,?\s+thành)|trong\s+(?:nhóm|vùng|khu\s+vực)))"
            r"(?![\p{L}\d])",
            _I,
        ),
        several_years=c(
            r"nhiều\s+năm|(?<!thứ\s)(?:\d+|hai|ba|bốn)\s+năm\s+(?:liên\s+tiếp|liền)|từ\s+(?:năm\s+)?20\d\d\s+(?:đến|tới)"
            r"|giai\s+đoạn|các\s+năm",
            _I,
        ),
        respectively_verb=c(
            r"(?:đã\s+)?lần\s+lượt\s+(?:(?:xếp|đứng|giữ)(?:\s+ở)?|ở|là|đạt(?:\s+giá\s+trị)?(?:\s+là)?)(?:\s+(?:vị\s+trí|hạng))?(?:\s+thứ)?\s+(?=\S)"
            # "Thanh Hóa, Điện Biên, Hà Tĩnh giữ vị trí thứ 5, 6, 7": as many ranks as names.
            r"|(?:giữ|xếp|đứng)(?:\s+ở)?(?:\s+(?:các\s+)?(?:vị\s+trí|hạng))?(?:\s+thứ)?\s+(?=\d{1,2}\s*(?:,|và)\s*\d)",
            _I,
        ),
        ordinal=c(r"(?:thứ\s+)?(?P<n>\d{1,2}|nhất|nhì|hai|ba|tư|sáu|bảy|tám|chín|mười)(?![\p{L}\d/])", _I),
        list_separator=c(r"\s*,\s*(?:và\s+)?|\s+và\s+", _I),
        respectively_tail=c(r""),
        other_topic=c(
            _W
            # "thuộc về TP.Huế" gives a position to a province: not another topic
            + r"(?:(?<!trở\s)(?<!thuộc\s)về\s+(?!chuyển\s+đổi\s+số|CĐS|DTI)\p{L}"
            # "xét chỉ số trước khi sáp nhập", "chỉ số này": the DTI spoken of again
            # "So với năm 2020, chỉ số của tỉnh tăng 8 bậc": the province's index, the DTI again
            r"|chỉ\s+số(?!\s+(?:này|đó|trên|(?:trước|sau)(?:\s+khi)?\s+sáp\s+nhập"
            r"|của\s+(?:tỉnh|thành\s+phố|địa\s+phương)(?:\s+(?:này|ta))?(?![\p{L}])(?!\s+(?-i:\p{Lu}))"
            # "một số chỉ số thành phần có sự cải thiện": the DTI's parts
            r"|thành\s+phần(?![\p{L}])(?!\s+(?-i:\p{Lu}))))"
            r"|quy\s+mô|dân\s+số|diện\s+tích)",
            _I,
        ),
        rule_prefix="vi",
        guards=_guards(),
        extra_rules=(_maximum_scores, _bracketed_scores, _ordered_tops, _leader_named_after),
    )


_MAXIMUM = regex.compile(
    r"điểm\s+tuyệt\s+đối(?:\s*\(\s*1[.,]0{1,4}\s*điểm\s*\))?(?:\s+ở\s+(?P<k>\d)\s*/\s*\d+\s+chỉ\s+số)?",
    _I,
)


def _maximum_scores(text: str, sentence: Piece, lex: Lexicon) -> list[Finding]:
    """ "đạt điểm tuyệt đối (1.000 điểm) ở 2/8 chỉ số là: Nhận thức số và Thể chế số": the maximum
    score, 1, for each index listed after it (and only when the stated count matches the list)."""
    m = _MAXIMUM.search(sentence.text)
    if not m:
        return []
    tail_start = sentence.start + m.end()
    named = [
        (s, k)
        for s, _, k in clause_indicators(text[tail_start : sentence.end], lex)
        if k in MAIN_INDEX_KEYS or k in PILLAR_KEYS
    ]
    keys = list(dict.fromkeys(k for _, k in named))
    if not keys or (m.group("k") and int(m.group("k")) != len(keys)):
        return []
    places = [
        type(p)(p.start + sentence.start, p.end + sentence.start, p.name)
        for p in find_places(sentence.text, "vi")
    ]
    anchor = Piece(sentence.start + m.start(), tail_start, m.group(0))
    place = choose_place(places, anchor, sentence)
    start = place.start if place and place.start < anchor.start else sentence.start
    return [
        Finding(
            indicator=key,
            measure="score",
            value=Decimal(1),
            span=span_of(text, start, sentence.end),
            rule="vi.score.maximum-listed",
            sentence=sentence,
            edition=sentence_edition(text, sentence, lex),
            place=place,
            unknown_place=unknown_place(text, sentence, places, lex) if place is None else None,
            bare_province=bool(lex.bare_province.search(sentence.text)),
        )
        for key in keys
    ]


_BRACKETED_SCORE = regex.compile(r"\s*\(\s*(?P<x>[01][.,]\d{2,4})(?:\s*điểm)?\s*\)", _I)


def _bracketed_scores(text: str, sentence: Piece, lex: Lexicon) -> list[Finding]:
    """ "Top 5 gồm Đà Nẵng (0,8002), TP Hồ Chí Minh (0,7163), …": the score in brackets right after
    a province's name is its own, in a sentence about the DTI that names no other index (and at
    most one of the DTI's indices, named before the first bracket: then it is that index's)."""
    if not lex.dti_mark.search(sentence.text) or lex.other_index.search(sentence.text):
        return []
    places = [
        type(p)(p.start + sentence.start, p.end + sentence.start, p.name)
        for p in find_places(sentence.text, "vi")
    ]
    scored = [(p, m) for p in places if (m := _BRACKETED_SCORE.match(text, p.end, sentence.end))]
    if not scored:
        return []
    named = clause_indicators(sentence.text, lex)
    keys = {k for _, _, k in named}
    if len(keys) > 1 or any(sentence.start + a > scored[0][1].start() for a, _, _ in named):
        return []  # which index the brackets give is a guess
    indicator = keys.pop() if keys else "overall"
    edition = sentence_edition(text, sentence, lex)
    out = []
    for place, m in scored:
        value = parse_score(m.group("x"))
        if value is None:
            continue
        out.append(
            Finding(
                indicator=indicator,
                measure="score",
                value=value.normalize(),
                span=span_of(text, place.start, m.end()),
                rule="vi.score.bracketed",
                sentence=sentence,
                edition=edition,
                place=place,
            )
        )
    return out


# "5 địa phương dẫn đầu lần lượt là A, B, C, D và E" (ranks 1–5), "các vị trí từ 2 đến 5 lần lượt
# thuộc về A, B, C và D" (ranks 2–5): an ordered list of as many names as the ranks it announces.
_ORDERED_TOP = regex.compile(
    r"(?P<count>\d{1,2}|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(?:tỉnh(?:,\s*thành(?:\s+phố)?)?|địa\s+phương)"
    r"\s+(?:dẫn\s+đầu|đứng\s+đầu|cao\s+nhất)\s+(?:[^,.;:]{0,40}?\s)?lần\s+lượt\s+(?:là|gồm)\s*:?\s*"
    r"|(?:vị\s+trí|hạng)\s+(?:từ\s+)?(?:thứ\s+)?(?P<a>\d{1,2})\s+(?:đến|tới|-|–)\s+(?:thứ\s+)?(?P<b>\d{1,2})"
    r"\s+lần\s+lượt\s+(?:thuộc\s+về|là)\s*:?\s*",
    _I,
)
_COUNTS = {"hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_LIST_GAP = regex.compile(r"\s*,\s*(?:và\s+)?|\s+và\s+", _I)
_ITEM_PREFIX = regex.compile(r"(?:(?:tỉnh|thành\s+phố|TP\.?)\s*)?")


def _ordered_tops(text: str, sentence: Piece, lex: Lexicon) -> list[Finding]:
    m = _ORDERED_TOP.search(text, sentence.start, sentence.end)
    if m is None or lex.other_index.search(sentence.text) or not lex.dti_mark.search(text, 0, sentence.end):
        return []
    if m.group("count"):
        token = m.group("count")
        first, count = 1, int(token) if token.isdigit() else _COUNTS[token.lower()]
    else:
        first, count = int(m.group("a")), int(m.group("b")) - int(m.group("a")) + 1
    named = {k for _, _, k in clause_indicators(text[sentence.start : m.end()], lex)}
    if len(named) > 1 or count < 2:
        return []
    indicator = named.pop() if named else "overall"
    chain: list[PlaceMention] = []
    pos = m.end()
    for p in find_places(text[m.end() : sentence.end], "vi"):
        start, end = m.end() + p.start, m.end() + p.end
        gap = text[pos:start]
        if not (_ITEM_PREFIX.fullmatch(gap) if not chain else _LIST_GAP.fullmatch(gap)):
            break
        chain.append(type(p)(start, end, p.name))
        pos = end
    if len(chain) != count:
        return []  # the list is not the one announced
    edition = sentence_edition(text, sentence, lex)
    return [
        Finding(
            indicator=indicator,
            measure="rank",
            value=first + i,
            span=span_of(text, m.start(), place.end),
            rule="vi.rank.ordered-list",
            sentence=sentence,
            edition=edition,
            place=place,
        )
        for i, place in enumerate(chain)
    ]


# "đứng đầu là Đà Nẵng", "vị trí dẫn đầu thuộc về Hà Nội": the leader named after the verb.
_LEADER_AFTER = regex.compile(
    r"(?<!nhóm\s)(?<!top\s)(?<!các\s)(?<!những\s)"
    r"(?:(?:dẫn|đứng)\s+đầu(?:\s+bảng(?:\s+xếp\s+hạng)?)?|vị\s+trí\s+(?:dẫn\s+đầu|số\s+1|thứ\s+nhất)"
    r"|ngôi\s+đầu(?:\s+bảng)?)"
    # "đứng đầu về chính quyền số là X"
    r"(?:\s+về\s+(?:trụ\s+cột\s+|chỉ\s+số\s+)?(?:" + _INDICATOR_NAMES + r"))?"
    r"\s+(?:là|thuộc\s+về)\s+(?:(?:tỉnh|thành\s+phố|TP\.?)\s*)?(?=\p{Lu})",
    _I,
)


_GROUP_BEFORE = regex.compile(
    r"(?<![\p{L}])(?:nhóm|top|tốp|trong\s+số|\d+\s+(?:tỉnh|địa\s+phương))(?![\p{L}])", _I
)


def _leader_named_after(text: str, sentence: Piece, lex: Lexicon) -> list[Finding]:
    m = _LEADER_AFTER.search(text, sentence.start, sentence.end)
    if (
        m is None
        or lex.other_index.search(sentence.text)
        or lex.guards.other_subject.search(text, sentence.start, m.start())
    ):
        return []
    places = find_places(text[m.end() : sentence.end], "vi")
    if not places or places[0].start != 0:
        return []
    named = {k for _, _, k in clause_indicators(text[sentence.start : m.end()], lex)}
    if len(named) > 1 or not lex.dti_mark.search(text, 0, sentence.end):
        return []
    place = type(places[0])(m.end(), m.end() + places[0].end, places[0].name)
    before = text[max(sentence.start, m.start() - 50) : m.start()]
    if _GROUP_BEFORE.search(before) or lex.rank_after_name.match(text, place.end, sentence.end):
        return []  # "nhóm 5 tỉnh, thành dẫn đầu là Thừa Thiên Huế (thứ 4)": a group, with its own ranks
    return [
        Finding(
            indicator=named.pop() if named else "overall",
            measure="rank",
            value=1,
            span=span_of(text, m.start(), place.end),
            rule="vi.rank.leader-named-after",
            sentence=sentence,
            edition=sentence_edition(text, sentence, lex),
            place=place,
        )
    ]


def find_claims(text: str) -> list[Finding]:
    """Every DTI value stated in a Vietnamese text."""
    lex = lexicon()
    return pillar_ranks(text, earlier_ranks(text, split_runs(text, find_all(text, lex))), lex)


__all__ = ["MAIN_INDEX_KEYS", "PILLAR_KEYS", "find_claims", "lexicon"]
