"""The Correlation page's charts, with the number of drawn points bounded.

A browser draws a chart point by point: 80,000 hourly bins of nine years, or a heatmap of
hundreds of types, take minutes to appear and then cannot be read anyway. The figures here
draw at most a few thousand points each and say, in :attr:`Chart.note`, when they show less
than the data: consecutive bins summed into longer stretches, only the most frequent types,
only the lags nearest zero. The numbers themselves (correlations, lags, p-values) are always
computed from all the data by :mod:`ftmath.correlation`; only the drawing is bounded.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ftmath.correlation import CorrelationResult, LagResult, _duration
from ftmath.errors import InputError

__all__ = [
    "MAX_CHART_POINTS",
    "MAX_HEATMAP_TYPES",
    "Chart",
    "chart_points",
    "coarsen_counts",
    "heatmap_chart",
    "lag_chart",
    "timeline_chart",
]

MAX_CHART_POINTS = 2_000
"""Most points drawn per series of a chart (bins of a timeline, bars of a lag plot)."""

MAX_HEATMAP_TYPES = 50
"""Most types in the heatmap (50 x 50 cells)."""

_RED, _BLUE = "#d1242f", "#1f6feb"


@dataclass(frozen=True)
class Chart:
    """A figure and what it leaves out.

    Attributes
    ----------
    figure : plotly.graph_objects.Figure
        The chart.
    note : str or None
        How the drawing was thinned (``None`` when every value is drawn), to show with it.
    """

    figure: go.Figure
    note: str | None


def chart_points(figure: go.Figure) -> int:
    """Number of values a figure asks the browser to draw (cells of a heatmap included).

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        A figure.

    Returns
    -------
    int
        The sum over its traces of the points (``x``) or cells (``z``).

    Examples
    --------
    >>> chart_points(go.Figure(go.Bar(x=[1, 2, 3], y=[4, 5, 6])))
    3
    """
    total = 0
    for trace in figure.data:
        z = getattr(trace, "z", None)
        if z is not None:
            total += int(np.asarray(z, dtype=float).size)
        elif getattr(trace, "x", None) is not None:
            total += len(trace.x)
    return total


def _check_max(max_points: int, name: str = "max_points") -> None:
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)):
        raise InputError(f"`{name}` must be a whole number >= 1, got {max_points!r}")
    if max_points < 1:
        raise InputError(f"`{name}` must be a whole number >= 1, got {max_points!r}")


def coarsen_counts(
    counts: pd.DataFrame, *, max_points: int = MAX_CHART_POINTS
) -> tuple[pd.DataFrame, int]:
    """Sum consecutive bins so that at most ``max_points`` rows remain.

    Parameters
    ----------
    counts : pandas.DataFrame
        Counts per bin (rows, in time order) and type (columns).
    max_points : int, optional
        Most rows to keep.

    Returns
    -------
    counts : pandas.DataFrame
        Rows are stretches of ``factor`` consecutive bins, indexed by the start of their first
        bin; values are the events in the stretch. The last stretch may be shorter.
    factor : int
        Bins per stretch (1 when nothing was summed).

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 0, 2, 0, 0, 3, 1]})
    >>> summed, factor = coarsen_counts(frame, max_points=3)
    >>> factor, summed["a"].tolist()
    (3, [3, 3, 1])
    """
    _check_max(max_points)
    n = len(counts)
    factor = max(1, math.ceil(n / max_points))
    if factor == 1:
        return counts, 1
    groups = np.arange(n) // factor
    summed = counts.groupby(groups).sum()
    summed.index = counts.index[::factor]
    return summed, factor


def timeline_chart(
    result: CorrelationResult, a: str, b: str, *, max_points: int = MAX_CHART_POINTS
) -> Chart:
    """Counts of ``a`` and ``b`` over time, one panel each, at most ``max_points`` per panel.

    Parameters
    ----------
    result : CorrelationResult
        From `correlate`.
    a, b : str
        Two types (the same type gives one panel).
    max_points : int, optional
        Most points per panel; longer series are drawn as sums over stretches of bins.

    Returns
    -------
    Chart
        The figure and, when bins were summed, a note saying how.
    """
    names = list(dict.fromkeys((a, b)))
    for name in names:
        if name not in result.counts.columns:
            raise InputError(f"type {name!r} is not among the correlated types")
    counts, factor = coarsen_counts(result.counts[names], max_points=max_points)
    per = _duration(result.bin * factor)
    figure = make_subplots(
        rows=len(names),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[html.escape(str(name)) for name in names],  # which panel is which
        vertical_spacing=0.12,
    )
    epoch_ms = (pd.DatetimeIndex(counts.index).asi8 // 10**6).astype(
        float
    )  # a date axis reads epoch ms, fast
    for i, name in enumerate(names, start=1):
        figure.add_trace(
            go.Scatter(
                x=epoch_ms,
                y=counts[name].to_numpy(),
                mode="lines",
                line=dict(width=1, shape="hv"),
                name=str(name),
                hovertemplate=f"%{{y}} events per {per}<extra>{name}</extra>",
            ),
            row=i,
            col=1,
        )
        figure.update_yaxes(title_text=f"per {per}", row=i, col=1)
    figure.update_xaxes(type="date")
    figure.update_annotations(font_size=13, x=0.0, xanchor="left")
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10), showlegend=False)
    note = None
    if factor > 1:
        note = (
            f"Drawn as events per {per} ({factor:,} bins of {_duration(result.bin)} summed): "
            f"{len(counts):,} points per type instead of {result.n_bins:,}, so the browser can "
            f"draw it. The numbers above use all {result.n_bins:,} bins."
        )
    return Chart(figure, note)


def heatmap_chart(
    result: CorrelationResult,
    *,
    alpha: float = 0.05,
    max_types: int = MAX_HEATMAP_TYPES,
) -> Chart:
    """Pearson r of every pair as a heatmap, ★ where significant and not too thin to judge.

    Parameters
    ----------
    result : CorrelationResult
        From `correlate`.
    alpha : float, optional
        False discovery rate q for the ★.
    max_types : int, optional
        Most types drawn: the most frequent ones.

    Returns
    -------
    Chart
        The figure and, when types were left out, a note naming how many.
    """
    _check_max(max_types, "max_types")
    totals = result.counts.sum(axis=0)
    shown = result.types
    if len(shown) > max_types:
        order = sorted(range(len(shown)), key=lambda i: (-int(totals.iloc[i]), i))[:max_types]
        shown = [result.types[i] for i in sorted(order)]
    r = result.r.loc[shown, shown].to_numpy()
    p = result.p.loc[shown, shown].to_numpy()
    thin = result.thin(alpha=alpha)
    size = len(shown)
    text, hover = [], []
    for i, a in enumerate(shown):
        text_row, hover_row = [], []
        for j, b in enumerate(shown):
            too_thin = thin.get((a, b)) or thin.get((b, a))
            star = np.isfinite(p[i, j]) and p[i, j] <= alpha and not too_thin
            value = "n/a" if not np.isfinite(r[i, j]) else f"{r[i, j]:.2f}"
            text_row.append("" if i == j else value + ("★" if star else ""))
            p_text = f"{p[i, j]:.3g}" if np.isfinite(p[i, j]) else "n/a"
            hover_row.append(
                f"{a} × {b}<br>r = {value}<br>adjusted p = {p_text}"
                + (f"<br>too thin to judge: {too_thin}" if too_thin else "")
            )
        text.append(text_row)
        hover.append(hover_row)
    figure = go.Figure(
        go.Heatmap(
            z=np.where(np.eye(size, dtype=bool), np.nan, r),
            x=shown,
            y=shown,
            zmin=-1,
            zmax=1,
            colorscale="RdBu_r",
            text=text,
            texttemplate="%{text}" if size <= 20 else None,
            hovertext=hover,
            hoverinfo="text",
            colorbar=dict(title="r"),
        )
    )
    figure.update_layout(
        height=max(320, min(48 * size, 900) + 120),
        margin=dict(l=10, r=10, t=10, b=10),
        yaxis=dict(autorange="reversed"),
    )
    note = None
    if size < len(result.types):
        left = [t for t in result.types if t not in set(shown)]
        named = ", ".join(left[:10]) + (f" and {len(left) - 10:,} more" if len(left) > 10 else "")
        note = (
            f"Showing the {size} most frequent of {len(result.types)} types; not drawn: "
            f"{named}. The table and the exports hold every pair."
        )
    return Chart(figure, note)


def lag_chart(lag: LagResult, *, bin_label: str, max_points: int = MAX_CHART_POINTS) -> Chart:
    """Cross-correlation against lag as bars, the peak in red, the band of chance dotted.

    Parameters
    ----------
    lag : LagResult
        From `CorrelationResult.lagged` or `cross_correlation`.
    bin_label : str
        How the page names the bin width (for the axis title).
    max_points : int, optional
        Most bars; beyond that only the lags nearest zero are drawn.

    Returns
    -------
    Chart
        The figure and, when lags were left out, a note saying which.
    """
    _check_max(max_points)
    lags, r = lag.lags, lag.r
    note = None
    if lags.size > max_points:
        half = (max_points - 1) // 2
        keep = np.abs(lags) <= half
        where = (
            "inside"
            if lag.peak_lag is not None and abs(lag.peak_lag) <= half
            else "outside; see the summary"
        )
        note = (
            f"Drawn: lags −{half:,} to +{half:,} of −{lags.max():,} to +{lags.max():,} bins "
            f"(the peak is {where}). The peak is found among all of them."
        )
        lags, r = lags[keep], r[keep]
    figure = go.Figure(
        go.Bar(
            x=lags,
            y=r,
            marker_color=[_RED if k == lag.peak_lag else _BLUE for k in lags],
            hovertemplate="lag %{x} bins: r = %{y:.3f}<extra></extra>",
        )
    )
    for level in (lag.band, -lag.band):
        figure.add_hline(y=level, line_dash="dot", line_color="gray")
    figure.update_layout(
        height=360,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis_title=(  # two lines: long type names would be cut off on one
            f"lag k in bins of {bin_label}<br>"
            f"k > 0: {html.escape(str(lag.b))} after {html.escape(str(lag.a))}"
        ),
        yaxis_title="cross-correlation r(k)",
    )
    return Chart(figure, note)
