"""The geometry of a goal's rating chart, computed here so that the template only
draws it: inline SVG, no script, styled by classes in goals.css (the CSP refuses
inline styles)."""

import datetime
from dataclasses import dataclass

from .models import RATING_MAX, RATING_MIN


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: int
    on: datetime.date
    latest: bool


@dataclass(frozen=True)
class Gridline:
    y: float
    label: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int  # where the plot starts, after the axis labels
    right: int
    dots: list[Dot]
    gridlines: list[Gridline]

    @property
    def line(self) -> str:
        """The ``points`` of the polyline joining the ratings."""
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in self.dots)

    @property
    def first_date(self) -> datetime.date | None:
        return self.dots[0].on if self.dots else None

    @property
    def last_date(self) -> datetime.date | None:
        return self.dots[-1].on if self.dots else None


def trend_chart(
    points: list[tuple[datetime.date, int]], *, width: int = 320, height: int = 120, compact: bool = False
) -> Chart:
    """Places ratings (date, value) on a 0–10 scale, spaced by time between the first and the last."""
    left = 10 if compact else 26
    right = width - (8 if compact else 12)
    top, bottom = 8, height - (8 if compact else 22)

    def y_of(value: int) -> float:
        return bottom - (value - RATING_MIN) / (RATING_MAX - RATING_MIN) * (bottom - top)

    dots: list[Dot] = []
    if points:
        first, last = points[0][0], points[-1][0]
        span = (last - first).days
        for i, (on, value) in enumerate(points):
            if span:
                x = left + (on - first).days / span * (right - left)
            elif len(points) == 1:
                x = (left + right) / 2
            else:  # several ratings on one day: spread them evenly
                x = left + i / (len(points) - 1) * (right - left)
            dots.append(Dot(x=x, y=y_of(value), value=value, on=on, latest=i == len(points) - 1))
    gridlines = [Gridline(y=y_of(v), label=v) for v in (0, 5, 10)]
    return Chart(width=width, height=height, left=left, right=right, dots=dots, gridlines=gridlines)
