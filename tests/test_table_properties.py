"""Property tests of the table readers: the official provincial values, rendered as a ranking table
in many layouts (tests/table_layouts.py), are read back cell for cell — each rank, score and rank
with its score as the claim it is, with the edition from the page's title (the page has no date)
and nothing else. Needs ../shared (DTI_KG_SHARED); fails loudly without it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from table_layouts import Column, Layout, datasets, render, shown_value, suffix

from dti_kg.loaders.extract import extract_path
from dti_kg.loaders.places import resolve

Row = tuple[str, int, str, str, object, int | None]


def expected_claims(layout: Layout) -> set[Row]:
    data = datasets()[layout.dataset]
    out: set[Row] = set()
    for name, values in data.rows:
        unit = resolve(name, data.edition, data.cohort)
        assert unit is not None, name
        for column in layout.columns:
            value = shown_value(values, column)
            if isinstance(value, tuple):
                out.add((unit.slug, data.edition, column.indicator, "rank", value[0], data.cohort))
                out.add((unit.slug, data.edition, column.indicator, "score", value[1].normalize(), None))
            elif isinstance(value, Decimal):
                out.add((unit.slug, data.edition, column.indicator, "score", value.normalize(), None))
            else:
                out.add((unit.slug, data.edition, column.indicator, "rank", value, data.cohort))
    return out


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    index = draw(st.integers(0, len(datasets()) - 1))
    data = datasets()[index]
    pairs = draw(st.booleans()) and any(c.key == "rank" for c in data.columns)
    columns: list[Column] = []
    for column in data.columns:
        if pairs and column.key == "rank":
            columns.append(Column("pair", column.indicator))
        elif pairs and column.key == "score" and Column("rank", column.indicator) in data.columns:
            continue  # shown in the pair
        else:
            columns.append(column)
    # any subset of at least one column, in any order
    shown = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=len(columns), unique=True))
    ranks = [c for c in shown if c.key in ("rank", "pair") and c.indicator == "overall"]
    unit_at = draw(st.integers(0, len(shown)))
    if ranks and draw(st.booleans()):  # the overall rank first, as most tables have it
        shown.remove(ranks[0])
        shown.insert(0, ranks[0])
        unit_at = max(unit_at, 1)
    has_rank = any(c.key in ("rank", "pair") for c in shown)
    cells = draw(st.sampled_from(["line", "cell", "grid", "html"]))
    ordering = [c for c in columns if c.indicator == "overall"]
    if cells in ("line", "cell") and not any(c in shown for c in ordering):
        # a table flattened into text is told from a list by a column that orders its rows
        shown.insert(draw(st.integers(0, len(shown))), ordering[0])
    return Layout(
        dataset=index,
        columns=tuple(shown),
        unit_at=unit_at,
        pairs=pairs,
        pair_break=pairs and cells in ("line", "html") and draw(st.booleans()),
        comma=draw(st.booleans()),
        cells=cells,
        sep=draw(st.sampled_from([" | ", "\t", " ", " - "])),
        header_lines=draw(st.booleans()),
        words=tuple(draw(st.integers(0, 40)) for _ in shown),
        row_number=has_rank and draw(st.booleans()),
        capitals=draw(st.booleans()),
        city_prefix=draw(st.booleans()),
        title=draw(st.integers(0, 3)),
    )


def read_back(tmp_path: Path, text: str, suffix: str = ".txt") -> set[Row]:
    path = tmp_path / f"table{suffix}"
    path.write_text(text, encoding="utf-8")
    e = extract_path(path)
    return {(c.province, c.edition, c.indicator, c.measure, c.value, c.cohort) for c in e.claims}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layouts())
def test_every_cell_of_a_rendered_table_is_read_back(tmp_path: Path, layout: Layout) -> None:
    text = render(layout)
    assert read_back(tmp_path, text, suffix(layout)) == expected_claims(layout), text[:1500]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layouts().filter(lambda layout: layout.cells in ("line", "cell")), st.floats(0.3, 1.0))
def test_a_table_cut_anywhere_by_the_excerpt_gives_no_wrong_value(
    tmp_path: Path, layout: Layout, where: float
) -> None:
    """Excerpts stop mid-word: whatever is read of a cut table is a cell of the table."""
    text = render(layout)
    text = text[: int(len(text) * where)].rstrip("\n")
    assert read_back(tmp_path, text) <= expected_claims(layout), text[-300:]
