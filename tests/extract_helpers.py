"""Helpers shared by the sentence-rule tests: extract a short invented article and list its claims."""

from __future__ import annotations

import json
from pathlib import Path

from dti_kg.loaders.extract import extract_path

Row = tuple[str, int, str, str, object, int | None]


def article_claims(
    tmp_path: Path,
    body: str,
    title: str = "Digital transformation news",
    stated_only: bool = False,
    published: str | None = None,
) -> set[Row]:
    """(province, edition, indicator, measure, value, cohort) of every claim of ``body`` under ``title``
    (with ``stated_only``, not the earlier ranks derived from rank changes; with ``published``, an
    English article of that date, given by its sidecar)."""
    path = tmp_path / "a.txt"
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    if published is not None:
        meta = {"url": "https://example.org/a", "published": published, "outlet": None, "title": None}
        (tmp_path / "a.meta.json").write_text(json.dumps(meta | {"language": "en"}), encoding="utf-8")
    e = extract_path(path)
    return {
        (c.province, c.edition, c.indicator, c.measure, c.value, c.cohort)
        for c in e.claims
        if not (stated_only and c.derived)
    }
