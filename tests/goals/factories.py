import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from goals.models import Category, Goal, GoalSuggestion, Milestone, ProgressRating, RatingRound
from tests.factories import PartnershipFactory


class GoalFactory(factory.django.DjangoModelFactory):
    """An active competency goal; ``SmartGoalFactory`` for a SMART one. Takes the
    category's next free place unless ``slot`` is given."""

    class Meta:
        model = Goal

    partnership = factory.SubFactory(PartnershipFactory)
    category = Category.COMPETENCY
    title = factory.Sequence(lambda n: f"Goal {n}")
    why = "Because it matters to me."

    @factory.lazy_attribute
    def slot(self):
        if self.status != Goal.Status.ACTIVE:
            return None
        taken = set(
            Goal.objects.filter(partnership=self.partnership, category=self.category)
            .active()
            .values_list("slot", flat=True)
        )
        return min({1, 2, 3} - taken, default=len(taken) + 1)

    status = Goal.Status.ACTIVE

    @factory.lazy_attribute
    def closed_at(self):
        return None if self.status == Goal.Status.ACTIVE else timezone.now()


class SmartGoalFactory(GoalFactory):
    category = Category.SMART
    metric = "Team retention"
    baseline = Decimal("80")
    target = Decimal("90")
    unit = "%"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class SituationGoalFactory(GoalFactory):
    category = Category.SITUATION


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Step {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class RatingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingRound

    partnership = factory.SubFactory(PartnershipFactory)
    point = RatingRound.Point.CHECK_IN


class ProgressRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressRating

    goal = factory.SubFactory(GoalFactory)
    round = factory.LazyAttribute(
        lambda o: RatingRoundFactory(partnership=o.goal.partnership, created_at=o.created_at)
    )
    value = 5
    created_at = factory.LazyFunction(timezone.now)


class GoalSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalSuggestion

    partnership = factory.SubFactory(PartnershipFactory)
    category = Category.COMPETENCY
    title = factory.Sequence(lambda n: f"Suggested goal {n}")
    note = "I think this would help."
    suggested_by = factory.LazyAttribute(lambda o: o.partnership.mentor.user)


def rate_rounds(partnership, values_by_goal: dict[Goal, list[int]], *, start=None, every_days: int = 14):
    """Rating rounds as the form makes them: round i rates each goal with its i-th value."""
    start = start or timezone.now() - datetime.timedelta(days=every_days * 60)
    rounds = max(len(v) for v in values_by_goal.values())
    made = []
    first = not RatingRound.objects.filter(partnership=partnership).exists()
    for i in range(rounds):
        moment = start + datetime.timedelta(days=every_days * i)
        rating_round = RatingRound.objects.create(
            partnership=partnership,
            point=RatingRound.Point.BASELINE if i == 0 and first else RatingRound.Point.CHECK_IN,
            created_at=moment,
        )
        ProgressRating.objects.bulk_create(
            ProgressRating(round=rating_round, goal=goal, value=values[i], created_at=moment)
            for goal, values in values_by_goal.items()
            if i < len(values)
        )
        made.append(rating_round)
    return made
