"""The pair and what belongs to it: the partnership, its agreement, its
closing reflections, a person's calendar link (``pairs``), and the times one
side offers for the next call (``scheduling``)."""

from .pairs import (
    DEFAULT_GROUND_RULES,
    Agreement,
    AgreementQuerySet,
    CalendarFeed,
    ClosingReflection,
    Partnership,
    PartnershipQuerySet,
)
from .scheduling import OfferedTime, TimeOffer, TimeOfferQuerySet

__all__ = [
    "DEFAULT_GROUND_RULES",
    "Agreement",
    "AgreementQuerySet",
    "CalendarFeed",
    "ClosingReflection",
    "OfferedTime",
    "Partnership",
    "PartnershipQuerySet",
    "TimeOffer",
    "TimeOfferQuerySet",
]
