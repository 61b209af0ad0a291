"""Reads for the home pages, which put several apps together: a person's home
(``home``), the partnership home (``pair``), what both read of each pair
(``facts``) and a person's calendar feed (``calendar``)."""

from .calendar import CALENDAR_TOKEN, Feed, calendar_of
from .home import MyHome, PairOnHome, home_for, programs_run_by, programs_to_watch
from .pair import PartnershipHome, partnership_home, partnership_home_sections

__all__ = [
    "CALENDAR_TOKEN",
    "Feed",
    "MyHome",
    "PairOnHome",
    "PartnershipHome",
    "calendar_of",
    "home_for",
    "partnership_home",
    "partnership_home_sections",
    "programs_run_by",
    "programs_to_watch",
]
