"""Numbers as the goals pages show them, and who is looking."""

from decimal import Decimal

from django import template
from django.utils import formats

from ..selectors.trends import change_words as _change_words

register = template.Library()


@register.filter
def signed(change: int | None) -> str:
    """+3, −2 (a true minus sign) or ±0; empty when there is nothing to compare."""
    if change is None:
        return ""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"−{-change}"
    return "±0"


@register.filter
def number(value: Decimal | int | None) -> str:
    """20, 12.5 or 0.25: no trailing zeros."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def amount(value: Decimal | int | None, unit: str = "") -> str:
    """A metric's value with its unit, with the reader's decimal mark: “24%”, “3 days”, “12,5 km”."""
    if value is None:
        return ""
    text = formats.number_format(Decimal(number(value)))
    if not unit:
        return text
    return f"{text}{unit}" if unit in {"%", "‰"} else f"{text} {unit}"


@register.filter
def trend_word(change: int | None) -> str:
    """The direction of a change, for a class name: up, down, steady or none."""
    if change is None:
        return "none"
    return "up" if change > 0 else "down" if change < 0 else "steady"


@register.simple_tag
def side_of(partnership, user) -> str:
    """Which side of the pair ``user`` is, ``"mentor"`` or ``"protege"`` (``Partnership.side_of``)."""
    return partnership.side_of(user)


@register.filter
def change_words(change: int | None) -> str:
    """A change of rating in words: "up 2", "down 1", "unchanged"; empty when there is nothing to compare."""
    return "" if change is None else _change_words(change)
