"""English claim rules, for English-language articles of the Vietnamese press.

"ranked 8th out of 63 provinces and cities", "came in 8th", "the digital government pillar",
"rose four places", "scored 0.6419", "Thai Nguyen province".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

import regex

from dti_kg.loaders.claims_en_discourse import read_on
from dti_kg.loaders.findings import Finding
from dti_kg.loaders.guards import Guards
from dti_kg.loaders.lexicon import Lexicon
from dti_kg.loaders.rules import find_all

_I = regex.IGNORECASE
_W = r"(?<![\p{L}\d])"
_E = r"(?![\p{L}\d])"

_CARDINALS = {
    w: i + 1
    for i, w in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ]
    )
}
# Ranks go up to 63: "twenty-first" … "sixty-third", "thirtieth" … "sixtieth" (hyphen or space).
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_UNITS = list(_ORDINALS)[:9]
_ORDINALS |= {f"{t[:-1]}ieth": n for t, n in _TENS.items()}
_ORDINALS |= {
    f"{t}-{u}": n + i + 1 for t, n in _TENS.items() for i, u in enumerate(_UNITS) if n + i + 1 <= 63
}
# Changes of more than twenty places: "twenty-one", "thirty", … "sixty-two" (hyphen or space).
_CARDINALS |= {t: n for t, n in _TENS.items() if t != "twenty"}
_ONES = list(_CARDINALS)[:9]
_CARDINALS |= {
    f"{t}-{u}": n + i + 1 for t, n in _TENS.items() for i, u in enumerate(_ONES) if n + i + 1 <= 62
}
# Longest first, so that "twenty-first" is not read as "twenty" and "first".
_ORDINAL_WORDS = sorted(_ORDINALS, key=len, reverse=True)
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)|" + "|".join(w.replace("-", r"[-\s]") for w in _ORDINAL_WORDS) + r")"
_CARDINAL = (
    r"(?:\d{1,2}|"
    + "|".join(w.replace("-", r"[-\s]") for w in sorted(_CARDINALS, key=len, reverse=True))
    + r")"
)

_INDICATORS = (
    # also the translated order: "Activities of Digital Government (second position)"
    (
        r"digital\s+government\s+activit(?:y|ies)|activit(?:y|ies)\s+of\s+(?:the\s+)?digital\s+government",
        "digital_government_activity",
    ),
    (
        r"digital\s+econom(?:y|ic)\s+activit(?:y|ies)|activit(?:y|ies)\s+of\s+(?:the\s+)?digital\s+economy",
        "digital_economy_activity",
    ),
    (
        r"digital\s+soci(?:ety|al)\s+activit(?:y|ies)|activit(?:y|ies)\s+of\s+(?:the\s+)?digital\s+society",
        "digital_society_activity",
    ),
    (r"digital\s+(?:transformation\s+)?(?:awareness|cognition)", "digital_awareness"),
    (r"digital\s+institution(?:s|al)?", "digital_institutions"),
    # "The index group on Provincial Infrastructure", "… on Human Resources" (the index's own capitals)
    (r"digital\s+infrastructure|provincial\s+infrastructure", "digital_infrastructure"),
    (r"digital\s+human\s+resources|digital\s+workforce|(?-i:Human\s+Resources)", "digital_human_resources"),
    (
        r"cyber\s*security|cyber\s*information\s+security|(?:network\s+)?information\s+security",
        "cybersecurity",
    ),
    (r"smart\s+cit(?:y|ies)|smart\s+urban", "smart_city"),
    (r"digital\s+government", "digital_government"),
    (r"digital\s+economy", "digital_economy"),
    (r"digital\s+society", "digital_society"),
)


# "the Digital Institutional Index" names an indicator of the DTI, not another index.
_INDICATOR_NAMES = "|".join(p for p, _ in _INDICATORS)


def _number(token: str) -> int | None:
    t = regex.sub(r"\s+", "-", token.lower())
    digits = regex.match(r"\d+", t)
    if digits:
        return int(digits.group(0))
    return _ORDINALS.get(t) or _CARDINALS.get(t)


def _score_ok(text: str, m: regex.Match[str]) -> Decimal | None:
    if m.group("x")[0].isalpha():  # "achieved maximum scores in …": the top of the 0..1 scale
        return Decimal(1)
    try:
        value = Decimal(m.group("x"))
    except InvalidOperation:
        return None
    scale = m.groupdict().get("scale")
    if scale:  # "69.66/100 points", "394.13/1,000 points": the same score on the 0..1 scale
        if _AT_LEAST.search(text, max(0, m.start("x") - 20), m.start("x")):
            return None  # "≥ 800/1,000 points": a threshold
        value = value / Decimal(scale.replace(",", "").replace(".", ""))
    after = text[m.end("x") : m.end("x") + 40]
    if not Decimal(0) <= value <= Decimal(1) or _NOT_A_SCORE_AFTER.match(after):
        return None
    if _NOT_A_SCORE_BEFORE.search(text, max(0, m.start("x") - 40), m.start("x")):
        return None
    return value.normalize()


_AT_LEAST = regex.compile(r"(?:[≥>]|\bat\s+least|\bmore\s+than|\bover|\babove)\s*$", _I)


# A change ("an increase of 0.12"), a difference ("0.1 points above the average"), a threshold
# ("above 0.5") or a rate ("a rate of 0.85") is not the score.
_NOT_A_SCORE_BEFORE = regex.compile(
    r"\b(?:(?:increase|rise|gain|improvement|growth|jump|drop|decline|decrease|fall|gap|difference|margin|change"
    # "up 0.05 points from 2021": a change
    r"|rate|ratio|share|threshold|target|goal|scale|maximum|total)\s+(?:of|by)|by|from|than|above|below|over|under|up|down"
    r"|about|around"
    r"|nearly|almost)\s+(?:a\s+score\s+of\s+)?$",
    _I,
)
_NOT_A_SCORE_AFTER = regex.compile(
    r"\s*(?:%|percent|(?:percentage\s+)?points?\s+(?:above|below|higher|lower|more|less|ahead|behind|up|down))",
    _I,
)


# "… index" means the DTI or one of its indicators only after these words (else another index:
# "the online public services index", "the e-government index").
_DTI_INDEX_HEAD = regex.compile(
    # "Tay Ninh's index": the province's own
    r"(?:\b(?:the|this|that|overall|provincial|same|general|its|whole|main|composite|an?|DTI|transformation|pillar)"
    r"|\p{L}['’]s"
    r"|" + "|".join(p for p, _ in _INDICATORS) + r")\s*$",
    _I,
)
# "… index rankings" is the ranking the article reports, whatever comes before it.
_INDEX_WORD = regex.compile(r"(?<=[\p{L}-])\s+ind(?:ex|ices)\b(?!\s+rankings?\b)", _I)


def _foreign_index(text: str, start: int, end: int) -> bool:
    return any(
        not _DTI_INDEX_HEAD.search(text, max(start, m.start() - 60), m.start())
        for m in _INDEX_WORD.finditer(text, start, end)
    )


def _guards() -> Guards:
    c = regex.compile
    return Guards(
        plan=c(
            r"\b(?:aims?|aiming|aimed|targets?|targeting|targeted|goals?|plans?|planning|planned|strives?|striving"
            r"|seeks?|seeking|hopes?|hoping|expects?|expecting|intends?|intending|will|would|ambition|objective"
            r"|vision|by\s+20\d\d)\b",
            _I,
        ),
        relative_year=c(
            # "from 40th the year before": the earlier rank's year, read by the rank-change rules
            r"(?<!\b(?:from|than|with|to|over|since|on)\s+(?:the\s+)?)(?<!\bfrom\s+\d{1,2}(?:st|nd|rd|th)\s+)"
            r"\b(?:last\s+year|previous\s+(?:year|edition)"
            r"|a\s+year\s+(?:earlier|ago|before)|(?<!than\s)the\s+year\s+before|last\s+edition|prior\s+year)\b",
            _I,
        ),
        foreign_topic=c(
            r"\b(?:e-?government|(?:online\s+)?public\s+services?|administrative\s+procedures?|IT\s+application"
            # "the digital awareness component index" is an indicator of the DTI, not another index
            r"|ICT|readiness"
            r"|(?<!(?:" + _INDICATOR_NAMES + r")\s+)(?:component\s+ind(?:ex|ices)|sub-?ind(?:ex|ices))"
            r"|rates?|ratios?|shares?|proportion"
            r"|percentage)\b",
            _I,
        ),
        foreign_index=_foreign_index,
        other_subject=c(
            r"\b(?:Vietnam|Viet\s+Nam|(?<!\b(?:in|across)\s+the\s+)country|nation(?:al)?|averag(?:e|ed|ing)|mean"
            r"|median"
            r"|ministr(?:y|ies)(?!\s+of\s+(?:Information|Science))|ministerial|agencies|districts?|communes?|towns?"
            r"|wards?|enterprises?|business(?:es)?|compan(?:y|ies)|corporations?|firms?|banks?|top-?ranked|highest"
            r"|lowest|leading|leader|capital|best|worst|bottom|neighbo(?:u)?r(?:ing|s)?|other\s+provinces"
            # "the ranking for cities and provinces" is the cohort, not other provinces
            r"|(?<!\d\s)(?<!all\s)(?<!cities\s+and\s+)provinces(?!\s+and\s+cities)|localities|regions?|regional|delta"
            r"|highlands|coast(?:al)?|mountainous)\b",
            _I,
        ),
        respectively=c(r"\brespectively\b", _I),
    )


@cache
def lexicon() -> Lexicon:
    c = regex.compile
    return Lexicon(
        language="en",
        dti_mark=c(r"DTI|digital\s+transformation|Digital\s+Transformation\s+Index", _I),
        other_index=c(
            _W
            + r"(?:PCI|PAPI|PAR[\s-]*INDEX|SIPAS|DDCI|ICT[\s-]*INDEX|GRDP|PGI)"
            + _E
            + r"|competitiveness|public\s+administration|satisfaction|green\s+index",
            _I,
        ),
        indicators=tuple((c(_W + p + _E, _I), k) for p, k in _INDICATORS),
        overall=c(
            r"DTI|Digital\s+Transformation\s+Index|overall|nationwide|in\s+the\s+country|"
            r"general\s+ranking|digital\s+transformation\s+(?:ranking|index)|\b(?:this|these)\s+rankings?\b"
            r"|(?:level|degree)\s+of\s+digital\s+transformation",
            _I,
        ),
        rank=c(
            _W + r"(?:ranked|ranks|(?:ranking|placing|putting)(?:\s+it)?(?:\s+at)?"
            r"|(?<=\bto\s)(?:rank|secure|claim|take|reach|hold|occupy)"
            r"|came(?:\s+in(?:to|\s+at)?)?|placed|finished"
            r"|stood(?:\s+at)?|"
            r"(?:was|is)(?:\s+ranked)?|took|in|at|to|reach(?:ed|ing)|secur(?:ed|ing)|claim(?:ed|ing)|held|holding"
            r"|achiev(?:ed|ing)|attain(?:ed|ing)|obtain(?:ed|ing)"
            # "maintained second place", "remained in 5th place"
            r"|maintain(?:ed|s|ing)|retain(?:ed|s|ing)|kept|keeps|keeping|remain(?:ed|s|ing)(?:\s+(?:in|at))?"
            r"|occup(?:ied|ying))\s+(?:the\s+)?(?:No\.\s*(?P<n>\d{1,2})|(?P<n>" + _ORDINAL + r")"
            # "ranks 17/63", "ranked 22 of 63 provinces": a bare number is a rank when the cohort follows it
            r"|(?P<n>\d{1,2})(?=\s*/\s*(?:63|34)(?!\d)|\s+(?:out\s+)?of\s+(?:the\s+)?(?:all\s+)?(?:63|34)(?!\d)))"
            # without a verb, in a list: "including first position in digital institutions"
            r"|(?<![\p{L}\d])(?P<n>" + _ORDINAL + r")(?=\s+(?:place|position|spot)\s+(?:in|for)\s)"
            # the rank a change started from: "rose four ranks from fifth place"
            r"|(?<=\bfrom\s+(?:the\s+)?)(?P<n>" + _ORDINAL + r")(?=\s+(?:place|position|spot)\b)"
            r"(?!\p{L})(?:\s+(?:place|position|spot))?(?:\s*/\s*(?P<of>\d{1,3})(?!\d))?",
            _I,
        ),
        # After a rank come its cohort, scope or indicator; any other word ("the 3rd meeting", "2nd
        # consecutive year") means the ordinal is something else.
        rank_reject_after=c(
            r"\s*(?:[-–]\s*\d|to\s+\d)|\s+(?!(?:out|among|of|nationwide|nationally|overall|in|with|and|on|for|after|behind"
            # "secured 30th rank", "achieved the 30th rank"
            r"|place|position|spot|rank|across|the|by|at|while|scoring|a|only\s+to"
            # "rose to 5th from 8th place" (not "5th from the bottom")
            r"|from\s+(?:the\s+)?" + _ORDINAL + r")(?![\p{L}]))\p{L}",
            _I,
        ),
        rank_list_item=c(
            r"(?<![\d/.,])(?P<n>\d{1,2})(?:st|nd|rd|th)?\s*/\s*(?P<of>63|34)(?!\d)"
            r"|(?<![\p{L}\d/.,])(?P<n>" + _ORDINAL + r")\s+(?=in\s|among\s"
            # "12th for digital government, 22nd for digital economy": "for" only before an indicator
            r"|for\s+(?:the\s+)?(?:" + _INDICATOR_NAMES + r"))",
            _I,
        ),
        aside=c(r",\s+(?:which|who|where|that)\b[^,;.]*,", _I),
        rank_after_name=c(r"\s*\(\s*(?P<n>" + _ORDINAL + r")\s*\)", _I),
        rank_from=c(r"(?:from|than|compared\s+(?:to|with))\s*(?:the\s+)?$", _I),
        narrow_scope=c(
            r"\b(?:region(?:al)?|districts?|communes?|towns?|wards?|ministries|ministerial|enterprises?"
            r"|within\s+the\s+province|delta|highlands|coast(?:al)?(?!\s+(?:city|province)\s+of\b)|mountainous|(?<!provinces,?\s+(?:and\s+)?)centrally[-\s]run|municipalit(?:y|ies)"
            r"|(?:northern|southern|central)\s+(?:region|provinces)"
            # any group of provinces other than the 63 or the 34
            r"|among\s+(?:the\s+)?(?!63\b|34\b)(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
            r"|thirteen|fourteen|fifteen)\s+(?:[\p{L}-]+\s+)?(?:provinces|cities|localities|units))\b",
            _I,
        ),
        cohort=c(
            r"(?:out\s+of|among|of)\s+(?:the\s+)?(?:all\s+)?(?P<of>63|34)(?!\d)"
            r"|(?<=\b(?:led|leads|leading|topped|tops|heads|headed))\s+(?:the\s+)?(?P<of>63|34)"
            r"(?=\s+(?:provinces|cities|localities|units))",
            _I,
        ),
        score=c(
            r"(?:scor(?:ed|ing|e\s+of)|score(?:\s+(?:in|for)\s+20\d\d)?\s+(?:was|is|stood\s+at)|with|reach(?:ed|ing)|achiev(?:ed|ing)|at|of)\s+(?:a\s+score\s+of\s+)?"
            r"(?P<x>0\.\d{1,4}|1\.0{1,4})(?![\d.])"
            # on a 100- or 1,000-point scale: "reached 69.66/100 points", "to only reach 394.13/1,000 points"
            r"|(?:scor(?:ed|ing|e\s+of)|score\s+(?:was|is)|reach(?:ed|ing|es)?|achiev(?:ed|ing|es)|with)\s+"
            r"(?:only\s+)?(?P<x>\d{1,3}(?:\.\d{1,2})?)\s*/\s*(?P<scale>100|1[,.]000)(?=\s*points?\b)"
            # a list item after a score: "0.61 points in digital government, 0.45 in digital economy and …"
            r"|(?<=(?:,|\band)\s+)(?P<x>0\.\d{1,4})(?=\s+(?:points?\s+)?(?:in|for)\s+(?:the\s+)?(?:"
            + _INDICATOR_NAMES
            + r"))"
            # a list without verbs: "digital economy 0.3019 points"
            r"|(?<=\p{L})\s+(?P<x>0\.\d{1,4})(?=\s+points?\b)"
            # "The DTI of Nghe An in 2022 was 0.5612": "was" a score only right after the index or its value
            r"|(?<=\b(?:DTI|[Ii]ndex|score|value)\b[^.;:]{0,60}?\s)(?:was|is|stood\s+at)\s+(?P<x>0\.\d{1,4}|1\.0{1,4})"
            r"(?![\d.])"
            # "ranked fifth (0.6512 points)": a score in brackets right after the rank
            r"|(?<=(?:place|position|spot|\d(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth"
            r"|ninth|tenth)\s*\(\s*)(?P<x>0\.\d{1,4})(?=\s*(?:points?)?\s*\))"
            # "achieved maximum scores in …": 1
            r"|(?P<x>(?:maximum|perfect|full|absolute)\s+(?:scores?|marks))(?=\s+(?:in|on|for)\b)",
            _I,
        ),
        score_ok=_score_ok,
        # Scores of the nation or of an average, however worded ("the national DTI score", "the country's
        # index"), are nobody's province score.
        score_reject=c(
            r"average|\bmean\b|national(?:\s+[\w-]+){0,3}?\s+(?:score|index|DTI|level)"
            r"|\b(?:country|nation)(?:'s)?(?:\s+[\w-]+){0,3}?\s+(?:score|index|DTI)"
            # "3rd place nationwide with a DTI value of 0.7857" is the province's
            r"|(?<!(?:place|position|spot|ranked|ranking|\d(?:st|nd|rd|th)|first|second|third)\s+)nationwide",
            _I,
        ),
        change=c(
            _W + r"(?:(?P<up>rose|risen|rising|climbed|climbing|jumped|jumping|up|gained|gaining|moved\s+up"
            r"|advanced|increased|improved|advancing|improving|increasing|moving\s+up|leapt|leaped|leaping"
            r"|surged|surging|soared|soaring|went\s+up|going\s+up)"
            r"|(?P<down>fell|falling|dropped|dropping|slipped|slipping|down|declined|declining|decreasing|lost|losing"
            r"|moved\s+down|moving\s+down|slid|sliding|plunged|plunging|tumbled|tumbling|sank|sinking|dipped"
            r"|went\s+down|going\s+down))"
            r"\s+(?:(?:its|their)\s+(?:ranking|rank|position)\s+)?(?:by\s+)?(?P<n>"
            + _CARDINAL
            + r")\s+(?:places?|spots?|positions?|notch(?:es)?|ranks?|steps?)"
            + _E
            # "43 places higher than in 2020", "five places lower than last year"
            # "an increase of 12 positions from 2021", "a drop of three places"
            + r"|(?:(?P<up>increase|rise|gain|jump|improvement|climb)|(?P<down>decrease|drop|fall|decline"
            r"|slide))\s+of\s+(?P<n>"
            + _CARDINAL
            + r")\s+(?:places?|spots?|positions?|notch(?:es)?|ranks?|steps?)"
            + _E
            # "a 5-place improvement over 2022", "a five-place drop"
            + r"|(?<![\p{L}\d.,])(?P<n>"
            + _CARDINAL
            + r")[-\s](?:place|position|spot|rank|notch|step)\s+"
            r"(?:(?P<up>improvement|increase|rise|jump|climb|gain)|(?P<down>drop|decline|decrease|fall|slide))"
            + _E
            + r"|(?<![\p{L}\d.,])(?P<n>"
            + _CARDINAL
            + r")\s+(?:places?|spots?|positions?|notch(?:es)?|ranks?|steps?)\s+"
            r"(?:(?P<up>higher|up)|(?P<down>lower|down))(?=\s+(?:than|from|compared|over|on)\b)",
            _I,
        ),
        number=_number,
        compared=c(
            r"\s*(?:[\p{L}\s]{0,30}?)(?:from|compared\s+(?:to|with)|since|than(?:\s+in)?|over)\s+(?:the\s+)?"
            r"(?:DTI\s+)?(?:(?P<year>20\d\d)|previous\s+year|last\s+year|year\s+before)",
            _I,
        ),
        edition_anchored=(
            # also "(DTI) 2022", "the Digital Transformation Index 2022"
            c(
                r"(?:DTI|Digital\s+Transformation\s+Index)\)?\s*(?:\([^()]{0,200}\)\s*)?(?P<year>20\d\d)(?!\d)",
                _I,
            ),
            c(
                r"(?P<year>20\d\d)\s+(?:provincial(?:[-\s]level)?\s+)?(?:DTI|Digital\s+Transformation\s+(?:Index|rankings?))",
                _I,
            ),
            c(
                r"(?:DTI|Digital\s+Transformation\s+Index)[^.;\n]{0,60}?\b(?:for|in|of)\s+(?P<year>20\d\d)(?!\d)",
                _I,
            ),
        ),
        edition_loose=c(_W + r"(?:in|for)\s+(?P<year>20\d\d)(?!\d)(?!\s*[-–]\s*20\d\d)", _I),
        not_edition_before=c(
            r"(?:from|compared\s+(?:to|with)|since|than|over|period|between|(?<!according\s)to|until)\s+(?:the\s+)?"
            r"(?:DTI\s+)?(?:in\s+)?$",
            _I,
        ),
        unknown_place=c(
            r"(?:province\s+of|city\s+of)\s+(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,3})"
            r"|(?!(?:The|This|That|Each|Every|Our|Its|Their|A|Any|Another|Which)\s)"
            r"(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,3})\s+(?:province|city)\b"
        ),
        bare_province=c(r"\b[Tt]he\s+(?:province|city|locality)\b(?!\s+of)"),
        leader=c(
            r"(?:led|leads|leading|topped|tops|headed|heads|(?<=\bto\s)(?:lead|top|head)"
            # "retained its top spot", "kept the first place"
            r"|(?:retained|retains|kept|keeps|maintained|maintains|held|holds)\s+(?:its|the)\s+(?:top|first|leading)"
            r"\s+(?:spot|position|place|rank(?:ing)?)"
            # "took the top spot", "claimed first place"
            r"|(?:took|takes|taking|secured|secures|claimed|claims|won|wins|grabbed)\s+(?:the\s+)?(?:top|first)"
            r"\s+(?:spot|position|place)"
            # "ranked at the top of …", "came top nationwide", "ranked number one" (not "ranked top 10")
            r"|(?:ranked|ranks|ranking|came|comes|finished)\s+(?:at\s+the\s+)?top(?!\s*(?:\d|-|(?:ten|five|three"
            r"|twenty|spots?|positions?|places?|group|tier|half|third|quarter)\b))"
            r"|(?:ranked|ranks|ranking|came)\s+(?:number|No\.?)\s+one)"
            r"(?!\s+(?:the\s+)?(?:ministr|group(?!\s+of\s+(?:the\s+)?(?:63|34)\b)|region|district|commune"
            r"|list\s+of\s+ministr))(?![\p{L}\d])",
            _I,
        ),
        several_years=c(
            r"\b(?:for|in)\s+(?:\w+\s+)?(?:consecutive|straight|successive|many|several)\s+years"
            r"|\bfrom\s+20\d\d\s+(?:to|through|until)|\bsince\s+20\d\d|\bbefore\s+the\b(?!\s+merger)"
            r"|\bthree\s+years|\byears\s+in\s+a\s+row",
            _I,
        ),
        respectively_verb=c(r"(?:ranked|came|placed|finished|were)\s+(?:in\s+)?(?=\S)", _I),
        ordinal=c(r"(?P<n>" + _ORDINAL + r")(?![\p{L}\d])", _I),
        list_separator=c(r"\s*,\s*(?:and\s+)?|\s+and\s+", _I),
        respectively_tail=c(r"[^.;\n]{0,60}?\brespectively\b", _I),
        # "the index" is the DTI again; a capitalised "… Index" is another one.
        other_topic=c(
            r"\bin\s+terms\s+of\b|(?<!\p{Lu}\p{Ll}+\s)(?!(?i:"
            + _INDICATOR_NAMES
            + r")\s+Ind(?:ex|ices)\b)(?:\p{Lu}\p{Ll}+\s+)+Ind(?:ex|ices)\b"
        ),
        rule_prefix="en",
        guards=_guards(),
        leader_gap=c(
            r"(?:\s+(?:city|province))?\s*(?:\((?:new|former|old)\)\s*)?,?\s*"
            r"(?:(?:has|have|had|once|again|also|still|continued|continues"
            r"|continue)(?:\s+to)?\s+)*",
            _I,
        ),
        all_pillars=c(
            r"\b(?:all\s+(?:the\s+|its\s+)?|the\s+|its\s+|both\s+)(?:three|3)\s+(?:key\s+|main\s+|core\s+)?pillars\b",
            _I,
        ),
        coordination=c(
            r"(?:\s|,|:|\b(?:and|of|the|namely|including|key|main|core|pillars?|indicators?|ind(?:ex|ices))\b)*",
            _I,
        ),
        previous_rank=True,
        tie=c(
            r"\s+(?:(?:both|all|each|jointly)\s+(?:ranked|came|placed|finished|stood)(?:\s+(?:in|at))?"
            r"|(?:were\s+)?tied\s+(?:for|at|in)|shared|were\s+(?:joint|equal))\s+(?:the\s+)?",
            _I,
        ),
        reason=c(
            r"\b(?:thanks\s+to|due\s+to|because|owing\s+to|growth|improvements?|progress|increases?"
            r"|(?:driven|boosted|backed|supported|powered|propelled)\s+by)\b",
            _I,
        ),
    )


def find_claims(text: str) -> list[Finding]:
    """Every DTI value stated in an English text."""
    return read_on(text, find_all(text, lexicon()), lexicon())
