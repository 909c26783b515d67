"""Chart pieces the dashboard and the history page share, so both read the same way."""
from __future__ import annotations

import altair as alt

from ui.common import SKILL_LABELS

# One fixed, clearly different colour per skill (no red: red means "below 60" on the dashboard).
SKILL_COLOURS = dict(zip(SKILL_LABELS.values(), ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"]))
SCORE_TICKS = [0, 25, 50, 75, 100]
DATE_FORMAT = "%d %b"  # "03 Nov": day and month, never a weekday without its month


def skill_colour(title: str | None = None) -> alt.Color:
    return alt.Color("skill:N", title=title, sort=list(SKILL_COLOURS),
                     scale=alt.Scale(domain=list(SKILL_COLOURS), range=list(SKILL_COLOURS.values())))


def score_scale() -> dict:
    """Keyword arguments for a 0–100 score channel: the whole range, five ticks (not 21)."""
    return dict(scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=SCORE_TICKS))


def week_axis(field: str, title: str | None) -> alt.X:
    return alt.X(f"{field}:T", title=title, axis=alt.Axis(format=DATE_FORMAT, labelOverlap=True))


def week_tooltip(field: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", title="Week of", format="%d %b %Y")
