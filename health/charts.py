"""The overview's small charts as geometry for its SVG (``templates/home/program_overview.html``):
plain numbers, drawn on the server so they need no script, and each with its
words for people who do not see it."""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext, pgettext

from .numbers import RATING_MONTHS, months_back
from .selectors import RatingPoint

# The rating chart's box, in SVG units; it scales to the width it is given.
WIDTH, HEIGHT = 300, 96
LEFT, RIGHT, TOP, BOTTOM = 22, 10, 8, 20  # room for the scale and the months
RATING_MAX = 10


@dataclass(frozen=True)
class MonthMark:
    x: float
    label: str  # the month, short ("Jun")
    y: float | None  # where its average sits; None when no rating was given
    value: str  # the average, one decimal; "" when none


@dataclass(frozen=True)
class RatingChart:
    """The average goal rating given each month, as a line over the months (``rating_chart``)."""

    width: int
    height: int
    left: int  # where the plot starts, after the scale
    months: list[MonthMark]
    line: str  # the SVG polyline's points, through the months that have ratings
    scale: list[tuple[float, int]]  # (y, rating) of the lines across
    text: str  # the chart in words
    has_ratings: bool


def _x(index: int) -> float:
    step = (WIDTH - LEFT - RIGHT) / max(RATING_MONTHS - 1, 1)
    return round(LEFT + index * step, 1)


def _y(rating: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - rating / RATING_MAX), 1)


def rating_chart(points: list[RatingPoint], *, today: datetime.date) -> RatingChart:
    """The last ``RATING_MONTHS`` months up to ``today``'s, each at its place
    whether or not ratings were given in it (``points``: ``selectors.rating_months``)."""
    by_month = {point.month: point for point in points}
    first = months_back(today.replace(day=1), RATING_MONTHS - 1)
    marks, words = [], []
    for index in range(RATING_MONTHS):
        month = months_back(first, -index)
        point = by_month.get(month)
        average = point.average if point else None
        name = formats.date_format(month, "F")
        if average is None:
            marks.append(MonthMark(_x(index), formats.date_format(month, "M"), None, ""))
            words.append(pgettext("rating chart", "%(month)s none") % {"month": name})
        else:
            value = formats.number_format(average, 1)
            marks.append(MonthMark(_x(index), formats.date_format(month, "M"), _y(average), value))
            words.append(
                pgettext("rating chart", "%(month)s %(average)s") % {"month": name, "average": value}
            )
    rated = [mark for mark in marks if mark.y is not None]
    return RatingChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        months=marks,
        line=" ".join(f"{mark.x},{mark.y}" for mark in rated),
        scale=[(_y(rating), rating) for rating in (0, 5, 10)],
        text=gettext("Average goal rating given each month, out of 10: %(months)s.")
        % {"months": pgettext("between months of a chart", ", ").join(words)},
        has_ratings=bool(rated),
    )
