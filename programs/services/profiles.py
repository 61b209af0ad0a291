"""Writes for a person's profile in one program."""

from typing import Any

from django.db import transaction

from ..models import Participant


@transaction.atomic
def participant_update_profile(*, participant: Participant, data: dict[str, Any]) -> Participant:
    """Saves a person's profile in one program. Capacity never goes below the
    mentor's current partnerships (the database refuses that too)."""
    topics_offered = data.pop("topics_offered", None)
    topics_sought = data.pop("topics_sought", None)
    for field, value in data.items():
        setattr(participant, field, value)
    participant.full_clean(exclude=["program", "user"])
    participant.save()
    if topics_offered is not None:
        participant.topics_offered.set(topics_offered)
    if topics_sought is not None:
        participant.topics_sought.set(topics_sought)
    return participant
