"""Vietnamese runs of editions: "Đà Nẵng xếp hạng nhất, tiếp tục giữ vững vị trí 3 năm liên tiếp
(2020-2022)" is rank 1 in DTI 2020, 2021 and 2022.

A run needs both ends stated, in the rank's sentence after it, with no other value or year between
("3 năm liên tiếp" alone names no edition; "xếp thứ 5, năm 2021 thứ 8 (2020-2022)" is not a run of
the first rank). Only a rank whose sentence names no edition of its own is split: its edition is
otherwise the document's, which the run's last year normally is.
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


__all__ = ["split_runs"]
