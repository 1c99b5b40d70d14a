"""Extraction cost per article as the corpus grows (issue 7: 1,000 articles, linear, under 60 s).

    .venv/bin/python benchmarks/bench_extract.py [--sizes 100,300,1000] [--corpus ../shared/corpus]

The corpus is made of real article texts: the seed articles (../shared/corpus) and the committed test
articles (tests/fixtures/articles/unseen, tests/real_corpus when present), repeated with a counter line
so that every file is a distinct source. Each size is extracted in one process run of
``extract_document``, after one warm-up pass; the table gives seconds, seconds per article and the
fitted exponent of time against size (1.0 = linear). Baseline, in the same run: reading and
normalising the same files without extracting (``load_document``), so the ratio says what the rules
cost on top of the I/O.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

from dti_kg.errors import InputError
from dti_kg.loaders.documents import expand_paths, load_document
from dti_kg.loaders.extract import extract_document

REPO = Path(__file__).resolve().parent.parent
TEXT_FOLDERS = (
    REPO / "tests" / "fixtures" / "articles" / "unseen",
    REPO / "tests" / "real_corpus" / "dev",
    REPO / "tests" / "real_corpus" / "test",
)


def real_texts(corpus: Path) -> list[tuple[str, str]]:
    """(suffix, text) of every real article available here."""
    folders = [corpus, *TEXT_FOLDERS]
    paths = [p for folder in folders if folder.is_dir() for p in expand_paths([folder])]
    texts = []
    for path in paths:
        try:
            load_document(path)  # a file a build would reject (e.g. a page head with no article) is left out
        except InputError:
            continue
        texts.append((path.suffix, path.read_text(encoding="utf-8")))
    if not texts:
        raise SystemExit(f"no readable articles in {', '.join(map(str, folders))}")
    return texts


def write_corpus(folder: Path, texts: list[tuple[str, str]], n: int) -> list[Path]:
    paths = []
    for i in range(n):
        suffix, text = texts[i % len(texts)]
        path = folder / f"a{i:05}{suffix}"
        marker = f"<!-- copy {i} -->" if suffix == ".html" else f"(bản {i})"
        path.write_text(f"{text}\n{marker}\n", encoding="utf-8")
        paths.append(path)
    return paths


def timed_pass(paths: list[Path], extract: bool) -> float:
    start = time.perf_counter()
    for path in paths:
        doc = load_document(path)
        if extract:
            extract_document(doc)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    texts = real_texts(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        warm = root / "warm"
        warm.mkdir()
        timed_pass(write_corpus(warm, texts, len(texts)), extract=True)  # lexicons, gazetteer, regexes
        print(f"{len(texts)} distinct real articles, repeated")
        print(
            f"{'articles':>8}  {'extract s':>9}  {'s/article':>9}  {'load-only s':>11}  {'extract/load':>12}"
        )
        points = []
        for n in sizes:
            folder = root / str(n)
            folder.mkdir()
            paths = write_corpus(folder, texts, n)
            load = timed_pass(paths, extract=False)
            full = timed_pass(paths, extract=True)
            points.append((n, full))
            print(f"{n:>8}  {full:>9.2f}  {full / n:>9.4f}  {load:>11.2f}  {full / load:>12.1f}")
    if len(points) > 1:
        (n0, t0), (n1, t1) = points[0], points[-1]
        exponent = math.log(t1 / t0) / math.log(n1 / n0)
        print(f"fitted exponent (time ~ size^k) from {n0} to {n1}: k = {exponent:.2f}")


if __name__ == "__main__":
    main()
