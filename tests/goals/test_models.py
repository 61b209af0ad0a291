"""The rules the database holds itself, whatever code writes to it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from goals import services
from goals.models import Goal

from .factories import GoalFactory, SmartGoalFactory

pytestmark = pytest.mark.django_db


def refused(constraint: str):
    return pytest.raises(IntegrityError, match=constraint)


def test_the_database_holds_at_most_three_active_goals_per_category(world):
    for slot in (1, 2, 3):
        GoalFactory(partnership=world.partnership, slot=slot)
    with refused("goal_max_three_active_per_category"), transaction.atomic():
        GoalFactory(partnership=world.partnership, slot=2)
    with refused("goal_slot_iff_active"), transaction.atomic():
        GoalFactory(partnership=world.partnership, slot=4)
    with refused("goal_slot_iff_active"), transaction.atomic():
        GoalFactory(partnership=world.partnership, slot=None)
    # Closed goals hold no place, so any number of them can exist.
    GoalFactory.create_batch(5, partnership=world.partnership, status="achieved")
    GoalFactory(partnership=world.partnership, category="situation", slot=1)


def test_the_service_refuses_a_fourth_goal_in_words(world):
    GoalFactory.create_batch(3, partnership=world.partnership)
    with pytest.raises(ValidationError) as error:
        services.goal_create(
            partnership=world.partnership, by=world.protege, category="competency", title="x", why="y"
        )
    assert "You already have 3 active" in error.value.message_dict["category"][0]


@pytest.mark.parametrize(
    "changes",
    [
        {"target": Decimal("80")},  # the same as the baseline
        {"unit": ""},
        {"metric": ""},
        {"deadline": None},
        {"baseline": None},
    ],
)
def test_the_database_refuses_an_incomplete_smart_goal(world, changes):
    with refused("goal_smart_fields"), transaction.atomic():
        SmartGoalFactory(partnership=world.partnership, **changes)


def test_the_database_refuses_a_measure_on_a_goal_that_is_not_smart(world):
    with refused("goal_smart_fields"), transaction.atomic():
        GoalFactory(partnership=world.partnership, unit="%")


def test_the_database_requires_the_why(world):
    with refused("goal_title_and_why_given"), transaction.atomic():
        GoalFactory(partnership=world.partnership, why="")


def test_a_closed_goal_records_when(world):
    with refused("goal_closed_at_iff_closed"), transaction.atomic():
        Goal.objects.create(
            partnership=world.partnership, category="competency", title="x", why="y", status="dropped"
        )


def test_a_goal_cannot_advance_itself(world):
    goal = GoalFactory(partnership=world.partnership)
    with refused("goal_does_not_advance_itself"), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(advances=goal)


def test_metric_progress_works_both_ways(world):
    up = Goal(baseline=Decimal("80"), target=Decimal("90"))
    down = Goal(baseline=Decimal("5"), target=Decimal("2"))
    assert up.metric_progress(Decimal("85")) == 50
    assert down.metric_progress(Decimal("3.5")) == 50
    assert down.metric_progress(Decimal("1")) == 100 and up.metric_progress(Decimal("70")) == 0
