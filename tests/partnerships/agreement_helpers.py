"""Helpers for the agreement tests: terms that pass, and a pair that agreed."""

import datetime

from partnerships.agreements import agreement_accept, agreement_propose
from partnerships.models import Agreement, Partnership
from tests.factories import PartnershipFactory

# Dates inside the agreement's windows (the end within three years) whenever the tests run.
FIRST_REVIEW = datetime.date.today() + datetime.timedelta(days=60)
ENDS = datetime.date.today() + datetime.timedelta(days=240)


def early_march_tuesday() -> datetime.date:
    """The next Tuesday in the first days of March: within a year, and before the
    clocks change in New York (second Sunday of March) and London."""
    today = datetime.date.today()
    day = datetime.date(today.year if today < datetime.date(today.year, 3, 1) else today.year + 1, 3, 1)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def terms(**changes) -> dict:
    return {
        "cadence": "every_two_weeks",
        "every_weeks": None,
        "call_minutes": 30,
        "checkin_minutes": 10,
        "topic_minutes": 15,
        "prepare_minutes": 5,
        "method": "video",
        "async_welcome": True,
        "agenda_owner": "protege",
        "ground_rules": "Be honest.\nSay whether calls help.",
        "first_review_on": FIRST_REVIEW,
        "ends_on": ENDS,
        "success": "I negotiate scope without escalating.",
    } | changes


def form_data(**changes) -> dict:
    data = terms(**changes)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    if data["async_welcome"] is True:
        data["async_welcome"] = "on"
    else:
        data.pop("async_welcome")
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in data.items()}


def agree(partnership: Partnership, **changes) -> Agreement:
    """A version proposed by the mentor and accepted by the protégé."""
    version = agreement_propose(partnership=partnership, by=partnership.mentor.user, terms=terms(**changes))
    return agreement_accept(agreement=version, by=partnership.protege.user)


def grow_history(world, versions: int, partnerships: int):
    """More versions of the world's agreement, a proposal waiting, and more partnerships for its
    mentor, each agreed: for the tests that count a page's queries at two sizes."""
    for n in range(versions):
        agree(world.partnership, call_minutes=30 + 5 * (n + 1), topic_minutes=15 + 5 * (n + 1))
    agreement_propose(partnership=world.partnership, by=world.protege, terms=terms(cadence="monthly"))
    mentor = world.partnership.mentor
    mentor.capacity = 10
    mentor.save()
    for _ in range(partnerships):
        other = PartnershipFactory(program=world.program, mentor=mentor)
        agree(other)
