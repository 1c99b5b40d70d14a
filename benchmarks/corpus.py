"""Deterministic article corpora of any size, made from the seed articles in ../shared/corpus.

Article ``i`` is seed ``i % 5`` with its province's name replaced by a pre-2025 province (``8 i mod
63``: every province in turn), in one article of ten every ``N/63`` rank shifted by ``i`` (so some claims
about one province and edition disagree, as real news does) and a line naming its number (so every
article is a distinct source).
Same ``n``, same bytes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dti_kg.gazetteer import gazetteer

SEED_PROVINCES = ("Thái Nguyên", "Hậu Giang", "Bến Tre")
_RANK = re.compile(r"\b(\d{1,2})/63\b")


def shared_corpus() -> Path:
    """The seed corpus: DTI_KG_SHARED/corpus, else ../shared/corpus next to the checkout."""
    shared = os.environ.get("DTI_KG_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parent.parent.parent / "shared"
    folder = root / "corpus"
    if not folder.is_dir():
        raise SystemExit(f"{folder} is missing: set DTI_KG_SHARED to the folder holding corpus/")
    return folder


def seed_texts(folder: Path | None = None) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((folder or shared_corpus()).glob("*.txt"))]


def article(seed: str, i: int, province: str) -> str:
    text = seed
    for name in SEED_PROVINCES:
        text = text.replace(name, province)
    if i % 10 == 0:
        text = _RANK.sub(lambda m: f"{(int(m.group(1)) + i) % 63 + 1}/63", text)
    return text + f"\n\n(Bài số {i})\n"


def write_corpus(folder: Path, n: int, seeds: list[str] | None = None) -> list[Path]:
    """Write ``n`` articles into ``folder`` (created); the files, in order."""
    seeds = seeds or seed_texts()
    units = gazetteer().pre_merger
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        path = folder / f"a{i:05}.txt"
        path.write_text(article(seeds[i % len(seeds)], i, units[(i * 8) % len(units)].name_vi), "utf-8")
        files.append(path)
    return files
