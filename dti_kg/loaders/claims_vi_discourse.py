"""Vietnamese rules that read past one value, on the findings ``rules.find_all`` made for a text;
they only add or split findings, and leave alone what they cannot pair exactly.

- Runs of editions (``split_runs``): "Đà Nẵng xếp hạng nhất, tiếp tục giữ vững vị trí 3 năm liên
  tiếp (2020-2022)" is rank 1 in DTI 2020, 2021 and 2022. A run needs both ends stated, in the rank's
  sentence after it, with no other value or year between ("3 năm liên tiếp" alone names no edition;
  "xếp thứ 5, năm 2021 thứ 8 (2020-2022)" is not a run of the first rank). Only a rank whose
  sentence names no edition of its own is split.
- An earlier year's ranks by reference (``earlier_ranks``): "Chính quyền số xếp thứ 24/63, Kinh tế
  số xếp 27/63, Xã hội số xếp 29/63 trong khi năm 2020 thì các thứ tự này là 47, 39, 29" gives the
  2020 ranks of the same indices in the same order — only when the numbers are as many as the ranks
  stated before them in the sentence, all of one province.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from dti_kg.loaders.findings import Finding, span_of
from dti_kg.loaders.rules import known_year

_I = regex.IGNORECASE
# "(2020-2022)", "(2020 – 2022)", "từ năm 2020 đến năm 2022", "giai đoạn 2020-2022", "trong các năm 2020-2022"
_RUN = regex.compile(
    r"\(\s*(?:giai\s+đoạn\s+|năm\s+)?(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)\s*\)"
    r"|từ\s+(?:năm\s+)?(?P<a>20\d\d)\s+(?:đến|tới)\s+(?:năm\s+)?(?P<b>20\d\d)"
    r"|(?:giai\s+đoạn|các\s+năm)\s+(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)",
    _I,
)
# What may not stand between the rank and the run: another value, a year, a clause of its own
_BETWEEN = regex.compile(
    r"20\d\d|\d[.,]\d|\d+\s*/\s*\d+|[;:]|(?<![\p{L}])(?:còn|trong\s+khi|nhưng)(?![\p{L}])", _I
)
_REACH = 120  # characters after the rank's quote


def split_runs(text: str, findings: list[Finding]) -> list[Finding]:
    """Each rank followed by a stated run of editions, once for every edition of the run."""
    out: list[Finding] = []
    for f in findings:
        if f.measure != "rank" or f.edition is not None or f.refusal is not None or f.previous_edition:
            out.append(f)
            continue
        run = _RUN.search(text, f.span.end, min(f.sentence.end, f.span.end + _REACH))
        if run is None or _BETWEEN.search(text, f.span.end, run.start()):
            out.append(f)
            continue
        a, b = int(run.group("a")), int(run.group("b"))
        years = list(range(a, b + 1))
        if not 0 < b - a <= 4 or not all(known_year(y) for y in years):
            out.append(f)
            continue
        span = span_of(text, f.span.start, run.end())
        out.extend(replace(f, edition=y, span=span, rule=f"{f.rule}.run") for y in years)
    return out


# "trong khi năm 2020 thì các thứ tự này là 47, 39, 29", "còn năm 2021 các vị trí tương ứng lần lượt là …"
_EARLIER = regex.compile(
    r"(?:trong\s+khi|còn|so\s+với)\s+(?:năm\s+|DTI\s+)(?P<year>20\d\d)\s*,?\s*(?:thì\s+)?"
    r"(?:các|những)\s+(?:thứ\s+tự|thứ\s+hạng|vị\s+trí|thứ\s+bậc)\s+(?:này|trên|tương\s+ứng)\s+"
    r"(?:lần\s+lượt\s+)?(?:là|ở)\s+(?P<list>\d{1,2}(?:\s*(?:,|và)\s*\d{1,2})+)(?!\s*[/\d])",
    _I,
)
_NUMBER = regex.compile(r"\d{1,2}")


def earlier_ranks(text: str, findings: list[Finding]) -> list[Finding]:
    """The ranks an earlier edition gave the indices a sentence has just ranked, named by reference."""
    out = list(findings)
    by_sentence: dict[int, list[Finding]] = {}
    for f in findings:
        by_sentence.setdefault(f.sentence.start, []).append(f)
    for group in by_sentence.values():
        sentence = group[0].sentence
        m = _EARLIER.search(text, sentence.start, sentence.end)
        if m is None or not known_year(year := int(m.group("year"))):
            continue
        ranks = sorted(
            (f for f in group if f.measure == "rank" and f.refusal is None and f.span.start < m.start()),
            key=lambda f: f.span.start,
        )
        numbers = list(_NUMBER.finditer(m.group("list")))
        places = {f.place.name if f.place else None for f in ranks}
        if len(ranks) != len(numbers) or len({f.indicator for f in ranks}) != len(ranks) or len(places) != 1:
            continue
        span = span_of(text, m.start(), m.end())
        out.extend(
            replace(f, value=int(n.group(0)), edition=year, span=span, rule="vi.rank.earlier-respectively")
            for f, n in zip(ranks, numbers, strict=True)
        )
    return out


__all__ = ["earlier_ranks", "split_runs"]
