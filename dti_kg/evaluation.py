"""Precision and recall of extraction on a labelled corpus (issue 7).

A labelled corpus is a folder of article files (``.txt``/``.html``), each with a hand-written
``<stem>.expected.jsonl`` beside it (the fields of ``../shared/corpus/expected_claims.jsonl``).
Extracted and expected claims are matched as multisets on :data:`MATCH_FIELDS`
(plus ``compared_to_edition`` for a rank change). Scores are reported per language (the
document's language after its sidecar) and per split (the name of the folder a file is in,
e.g. ``dev``/``test``).

``python -m dti_kg.evaluation tests/real_corpus/dev tests/real_corpus/test`` or
``dti evaluate …`` prints the table and lists every miss and every wrong claim.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dti_kg.errors import DtiError, InputError
from dti_kg.loaders.documents import expand_paths
from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.records import claim_record

EXPECTED_SUFFIX = ".expected.jsonl"
# What makes two claims the same claim. ``derived`` is not part of it: a stated rank that the
# labeller computed (or the reverse) is the same number about the same thing.
MATCH_FIELDS: tuple[str, ...] = ("source", "province", "edition", "indicator", "measure", "value", "out_of")


def comparable(record: dict[str, Any], fields: Sequence[str] = MATCH_FIELDS) -> str:
    """A claim record (extracted or expected) as a hashable key over ``fields``.

    Scores are rounded to 4 decimals (the precision DTI values are published with) so that a
    float read back from JSON and one computed from a Decimal compare equal.
    """
    key = {k: record[k] for k in fields}
    if isinstance(key.get("value"), float):
        key["value"] = round(key["value"], 4)
    if record["measure"] == "rank_change":
        key["compared_to_edition"] = record.get("compared_to_edition")
    return json.dumps(key, sort_keys=True, ensure_ascii=False)


def expected_path(article: Path) -> Path:
    return article.with_name(article.name.rsplit(".", 1)[0] + EXPECTED_SUFFIX)


def read_expected(path: Path) -> list[dict[str, Any]]:
    """The labelled claims of one article; a bad line is an ``InputError`` naming the file and line."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not a JSON object ({exc.msg})") from exc
        missing = [k for k in MATCH_FIELDS if k not in record]
        if missing:
            raise InputError(f"{path}:{number}: missing fields {missing}")
        records.append(record)
    return records


@dataclass(frozen=True)
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        stated = self.true_positives + self.false_negatives
        return self.true_positives / stated if stated else 1.0


@dataclass
class FileResult:
    """One labelled article: what was missed and what was wrong, as records."""

    path: Path
    split: str
    language: str
    score: Score
    missed: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def evaluate_file(article: Path, split: str | None = None) -> FileResult:
    """Extract one labelled article and compare it with its ``.expected.jsonl``."""
    split = split or article.parent.name
    expected = read_expected(expected_path(article))
    try:
        extraction = extract_path(article)
    except DtiError as exc:
        # An unreadable article misses everything it states; the run goes on.
        missed = expected
        language = _sidecar_language(article)
        return FileResult(article, split, language, Score(0, 0, len(missed)), missed=missed, error=str(exc))
    got = [claim_record(c, extraction.source) for c in extraction.claims]
    got_keys = Counter(comparable(r) for r in got)
    want_keys = Counter(comparable(r) for r in expected)
    wrong_keys = got_keys - want_keys
    missed_keys = want_keys - got_keys
    return FileResult(
        path=article,
        split=split,
        language=extraction.source.language,
        score=Score(
            sum((got_keys & want_keys).values()), sum(wrong_keys.values()), sum(missed_keys.values())
        ),
        missed=_take(expected, missed_keys),
        wrong=_take(got, wrong_keys),
    )


def _sidecar_language(article: Path) -> str:
    sidecar = article.with_suffix(".meta.json")
    try:
        return str(json.loads(sidecar.read_text(encoding="utf-8")).get("language") or "?")
    except (OSError, ValueError):
        return "?"


def _take(records: list[dict[str, Any]], keys: Counter[str]) -> list[dict[str, Any]]:
    left = Counter(keys)
    out = []
    for r in records:
        k = comparable(r)
        if left[k] > 0:
            left[k] -= 1
            out.append(r)
    return out


def labelled_articles(paths: Iterable[Path]) -> list[Path]:
    """The article files under ``paths`` (files or folders) that have an ``.expected.jsonl``."""
    articles = [p for p in expand_paths(list(paths)) if expected_path(p).exists()]
    if not articles:
        raise InputError(
            f"no labelled articles (files with a {EXPECTED_SUFFIX} beside them) in {list(map(str, paths))}"
        )
    return articles


def evaluate(paths: Iterable[Path]) -> list[FileResult]:
    return [evaluate_file(p) for p in labelled_articles(paths)]


def totals(results: Iterable[FileResult]) -> dict[tuple[str, str], Score]:
    """Scores per (language, split), plus ("all", split) and ("all", "all")."""
    out: dict[tuple[str, str], Score] = {}
    for r in results:
        for key in {(r.language, r.split), ("all", r.split), (r.language, "all"), ("all", "all")}:
            out[key] = out.get(key, Score()) + r.score
    return dict(sorted(out.items()))


def _claim_line(r: dict[str, Any]) -> str:
    extra = f" vs {r['compared_to_edition']}" if r["measure"] == "rank_change" else ""
    quote = f"  «{r['quote'][:70]}»" if "quote" in r else ""
    return (
        f"    {r['province']} {r['edition']} {r['indicator']} {r['measure']}={r['value']}"
        f" /{r['out_of']}{extra}{' (derived)' if r.get('derived') else ''}{quote}"
    )


def report(results: list[FileResult], details: bool = True) -> str:
    lines = [f"{'language':<9}{'split':<7}{'P':>7}{'R':>7}{'TP':>6}{'FP':>5}{'FN':>5}"]
    for (language, split), s in totals(results).items():
        lines.append(
            f"{language:<9}{split:<7}{s.precision:>7.3f}{s.recall:>7.3f}"
            f"{s.true_positives:>6}{s.false_positives:>5}{s.false_negatives:>5}"
        )
    if details:
        for r in results:
            if not (r.missed or r.wrong or r.error):
                continue
            lines.append(f"\n{r.split}/{r.path.name}  P={r.score.precision:.2f} R={r.score.recall:.2f}")
            if r.error:
                lines.append(f"  error: {r.error}")
            if r.wrong:
                lines.append("  wrong:")
                lines.extend(_claim_line(c) for c in r.wrong)
            if r.missed:
                lines.append("  missed:")
                lines.extend(_claim_line(c) for c in r.missed)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    details = "--summary" not in args
    paths = [Path(a) for a in args if a != "--summary"]
    if not paths:
        print("usage: python -m dti_kg.evaluation [--summary] FOLDER_OR_FILE...", file=sys.stderr)
        return 2
    try:
        print(report(evaluate(paths), details=details))
    except DtiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
