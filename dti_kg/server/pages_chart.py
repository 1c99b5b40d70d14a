"""The inline SVG chart of a province's overall rank per edition (coordinates only; the template draws
it). Numbers only: nothing from the sources reaches the SVG except through Jinja's escaping."""

from __future__ import annotations

from collections import defaultdict

YEARS = range(2020, 2025)  # the editions assessed so far
SERIES_SPREAD = 7  # px between the points of different series in the same year, so none hides another


def rank_chart(pivot: dict, *, width: int = 560, height: int = 280) -> dict:
    """Coordinates of a line chart of the overall rank per edition, one series per cohort.

    Published ranks are drawn filled, derived official ranks (competition ranking of the scores) filled
    pale with an asterisk, ranks known only from news claims hollow. Rank 1 is at the top.
    """
    series: dict[str, list[dict]] = defaultdict(list)
    for row in pivot["rows"]:
        cell = row["cells"].get(("overall", "rank"))
        if cell is None:
            continue
        values = [o.value for o in cell.official] or [g.value for g in cell.claim_groups]
        if not values:
            continue
        # Several claims may disagree: plot the official value, else the smallest claimed rank.
        rank = min(int(v) for v in values)
        official = [o for o in cell.official if int(o.value) == rank]
        series[row["cohort"] or "?"].append(
            {
                "year": int(row["year"]),
                "rank": rank,
                "official": bool(official),
                "derived": all(o.derived for o in official) if official else False,
                "anchor": row["anchor"],
            }
        )
    if sum(len(points) for points in series.values()) < 2:
        return {}  # one point is no trend: the table says it better
    # Room below the worst rank, so its point does not sit on the axis.
    worst = max(10, -(-max(p["rank"] for pts in series.values() for p in pts) // 5) * 5)
    left, right, top, bottom = 48, 24, 30, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    names = sorted(series, key=lambda n: (n == "?", n))

    def x(year: int, offset: float = 0) -> float:
        return round(left + plot_w * (year - YEARS[0]) / (len(YEARS) - 1) + offset, 1)

    def y(rank: int) -> float:
        return round(top + plot_h * (rank - 1) / (worst - 1), 1)

    out_series = []
    for index, name in enumerate(names, start=1):
        offset = (index - (len(names) + 1) / 2) * SERIES_SPREAD
        points = sorted(series[name], key=lambda p: p["year"])
        for p in points:
            p["x"], p["y"] = x(p["year"], offset), y(p["rank"])
        out_series.append(
            {
                "name": name,
                "index": index,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "legend_x": left + 110 * (index - 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "bottom": height - bottom,
        "legend_y": height - 8,
        "right": width - right,
        "xticks": [{"year": yr, "x": x(yr)} for yr in YEARS],
        "yticks": [{"rank": t, "y": y(t)} for t in sorted({1, *range(10, worst + 1, 10), worst})],
        "series": out_series,
    }
