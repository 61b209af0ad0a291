"""A goal's first and latest rating and its number of ratings, stored on the
goal by the database (goals migration 0004), stay right whoever writes the
ratings and in whatever order: the outcome report reads nothing else."""

from datetime import timedelta

from django.utils import timezone

from goals.models import Goal, ProgressRating, RatingRound
from goals.services import RatingEntry, ratings_record

from .factories import GoalFactory, ProgressRatingFactory


def _summary(goal) -> tuple:
    goal = Goal.objects.get(pk=goal.pk)
    return goal.first_rating, goal.latest_rating, goal.rating_count


def test_a_goal_never_rated_has_no_first_or_latest_rating(world):
    goal = GoalFactory(partnership=world.partnership)
    assert _summary(goal) == (None, None, 0)


def test_the_rating_service_keeps_the_summary(world):
    goal = GoalFactory(partnership=world.partnership)
    ratings_record(partnership=world.partnership, by=world.protege, entries=[RatingEntry(goal, 3)])
    assert _summary(goal) == (3, 3, 1)
    ratings_record(partnership=world.partnership, by=world.protege, entries=[RatingEntry(goal, 8)])
    assert _summary(goal) == (3, 8, 2)


def test_ratings_written_out_of_time_order_in_one_statement_are_summed_by_time(world):
    goal = GoalFactory(partnership=world.partnership)
    now = timezone.now()
    rounds = [
        RatingRound.objects.create(partnership=world.partnership, created_at=now - timedelta(days=d))
        for d in (1, 30, 10)
    ]
    ProgressRating.objects.bulk_create(
        ProgressRating(round=r, goal=goal, value=v, created_at=r.created_at)
        for r, v in zip(rounds, (9, 2, 5), strict=True)
    )
    assert _summary(goal) == (2, 9, 3)


def test_deleting_the_latest_round_puts_the_one_before_back(world):
    goal = GoalFactory(partnership=world.partnership)
    now = timezone.now()
    ProgressRatingFactory(goal=goal, value=4, created_at=now - timedelta(days=20))
    latest = ProgressRatingFactory(goal=goal, value=7, created_at=now)
    other = GoalFactory(partnership=world.partnership)
    ProgressRatingFactory(goal=other, value=1, created_at=now)
    latest.round.delete()
    assert _summary(goal) == (4, 4, 1)
    assert _summary(other) == (1, 1, 1)


def test_a_rating_moved_to_another_goal_is_taken_off_the_first(world):
    first, second = GoalFactory(partnership=world.partnership), GoalFactory(partnership=world.partnership)
    now = timezone.now()
    ProgressRatingFactory(goal=first, value=2, created_at=now - timedelta(days=3))
    moved = ProgressRatingFactory(goal=first, value=9, created_at=now)
    ProgressRating.objects.filter(pk=moved.pk).update(goal=second)
    assert _summary(first) == (2, 2, 1)
    assert _summary(second) == (9, 9, 1)
