import datetime

import pytest

from partnerships.agreements import agreement_propose
from reminders.models import Kind, Reminder
from reminders.services.send import reminders_send
from tests.partnerships.agreement_helpers import agree, terms

UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def rows(**filters) -> list[Reminder]:
    return list(
        Reminder.objects.filter(**filters)
        .select_related("recipient")
        .order_by("kind", "object_key", "recipient_id")
    )


def send(reminder: Reminder, *, now: datetime.datetime | None = None) -> str:
    """Sends one reminder, as a batch of one; what became of it."""
    return reminders_send(reminder_ids=[reminder.pk], now=now).outcomes[reminder.pk]


@pytest.fixture
def agreed(world):
    """The world's pair with an agreement in force: weekly calls."""
    return agree(world.partnership, cadence="weekly")


@pytest.fixture
def proposal(world):
    """A proposal by the mentor, waiting for the protégé."""
    return agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms())


def a_reminder(world, **fields) -> Reminder:
    """A stall reminder for the world's admin, due and sendable on 1 October 2026; ``fields`` override."""
    values = {
        "kind": Kind.STALL,
        "partnership": world.partnership,
        "object_key": "stall",
        "due_at": at(2026, 10, 1),
        "recipient": world.admin,
        "send_at": at(2026, 10, 1),
    } | fields
    return Reminder.objects.create(**values)
