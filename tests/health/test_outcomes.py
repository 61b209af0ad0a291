"""The outcome report's figures (issue 21): counted by hand on a small dataset."""

import datetime

import pytest
from django.utils import timezone

from goals.models import Category, Goal, ProgressRating, RatingRound
from health import outcomes
from health.models import HealthNumbers
from partnerships.models import Partnership
from tests.factories import PartnershipFactory, ProgramFactory
from tests.goals.factories import GoalFactory, SmartGoalFactory
from tests.sessions_log.factories import CallFeedbackFactory, HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 9, 20, 10, tzinfo=datetime.UTC)


def rate(partnership, values_by_goal: dict[Goal, list[int | None]]) -> None:
    """Round i rates each goal with its i-th value (None: not rated in that round)."""
    for i in range(max(len(v) for v in values_by_goal.values())):
        moment = T0 + datetime.timedelta(days=14 * i)
        rating_round = RatingRound.objects.create(
            partnership=partnership, point=RatingRound.Point.CHECK_IN, created_at=moment
        )
        for goal, values in values_by_goal.items():
            if i < len(values) and values[i] is not None:
                ProgressRating.objects.create(
                    round=rating_round, goal=goal, value=values[i], created_at=moment
                )


def hand_built(pair: Partnership) -> None:
    """SMART: 2→5, 6→4, 3→9 (achieved). Competency: 4→4→5 (achieved), one rating
    of 7 (rated once: no change yet), none, and 5→7 for an advanced version of
    the first. No situation goal."""
    g = {
        "s1": SmartGoalFactory(partnership=pair),
        "s2": SmartGoalFactory(partnership=pair),
        "s3": SmartGoalFactory(partnership=pair, status=Goal.Status.ACHIEVED),
        "c1": GoalFactory(partnership=pair, category=Category.COMPETENCY, status=Goal.Status.ACHIEVED),
        "c2": GoalFactory(partnership=pair, category=Category.COMPETENCY),
        "c3": GoalFactory(partnership=pair, category=Category.COMPETENCY),
    }
    g["c4"] = GoalFactory(partnership=pair, category=Category.COMPETENCY, advances=g["c1"])
    rate(
        pair,
        {
            g["s1"]: [2, 5],
            g["s2"]: [6, 4],
            g["s3"]: [3, None, 9],
            g["c1"]: [4, 4, 5],
            g["c2"]: [None, 7],
            g["c4"]: [None, 5, 7],
        },
    )
    # Calls: 3 held of 4 agreed (the stored health numbers).
    HealthNumbers.objects.update_or_create(
        partnership=pair, defaults={"as_of": T0.date(), "calls_held": 3, "calls_expected": 4}
    )
    # Homework recapped: 2 done, 1 partly, 1 not done; one still open is not counted.
    call = SessionFactory(partnership=pair)
    for status in ["done", "done", "partly", "not_done", "open"]:
        HomeworkFactory(
            session=call,
            status=status,
            done_at=timezone.now() if status == "done" else None,
            recapped_in=call if status != "open" else None,
        )
    for rating in (4, 5):
        CallFeedbackFactory(session=SessionFactory(partnership=pair), rating=rating)
    for status, reason in [
        (Partnership.Status.COMPLETED, ""),
        (Partnership.Status.ENDED, "Moved abroad"),
        (Partnership.Status.ENDED, "Moved abroad"),
        (Partnership.Status.ENDED, "=HYPERLINK(1)"),
    ]:
        PartnershipFactory(program=pair.program, status=status, ended_reason=reason)


def test_category_figures_equal_those_counted_by_hand(world):
    hand_built(world.partnership)
    [outcome] = outcomes.program_outcomes([world.program])
    smart, competency, situation = outcome.categories
    assert (smart.category, competency.category, situation.category) == ("smart", "competency", "situation")

    assert (smart.goals, smart.rated, smart.rated_once) == (3, 3, 0)
    assert smart.first_mean == 3.7  # (2 + 6 + 3) / 3, one decimal
    assert smart.latest_mean == 6.0  # (5 + 4 + 9) / 3
    assert smart.change_mean == 2.3  # (3 - 2 + 6) / 3
    assert [b.count for b in smart.bands] == [1, 0, 0, 1, 1]
    assert [b.share for b in smart.bands] == [33, 0, 0, 33, 33]
    assert (smart.achieved, smart.achieved_share, smart.advanced) == (1, 33, 0)

    # The goal rated once (7) is no change: it is left out of the means and the bands.
    assert (competency.goals, competency.rated, competency.rated_once) == (4, 2, 1)
    assert competency.first_mean == 4.5  # (4 + 5) / 2
    assert competency.latest_mean == 6.0  # (5 + 7) / 2
    assert competency.change_mean == 1.5  # (1 + 2) / 2
    assert [b.count for b in competency.bands] == [0, 0, 2, 0, 0]
    assert [b.share for b in competency.bands] == [0, 0, 100, 0, 0]
    assert (competency.achieved, competency.achieved_share, competency.advanced) == (1, 25, 1)

    assert (situation.goals, situation.rated, situation.first_mean, situation.achieved_share) == (
        0,
        0,
        None,
        None,
    )

    assert (outcome.calls_held, outcome.calls_expected, outcome.calls_share) == (3, 4, 75)
    assert (outcome.homework_recapped, outcome.homework_done) == (4, 2)
    assert (outcome.done_share, outcome.partly_share, outcome.not_done_share) == (50, 25, 25)
    assert (outcome.call_value, outcome.call_ratings) == (4.5, 2)
    assert (outcome.pairs, outcome.completed, outcome.ended_early) == (5, 1, 3)
    assert outcome.reasons == [("Moved abroad", 2), ("=HYPERLINK(1)", 1)]


def test_cohort_is_the_program_its_original_and_their_clones_that_the_admin_runs(world):
    original = world.program
    clone = ProgramFactory(admins=[world.admin], cloned_from=original, starts_on=datetime.date(2027, 3, 1))
    sibling = ProgramFactory(admins=[world.admin], cloned_from=original, starts_on=datetime.date(2027, 9, 1))
    ProgramFactory(cloned_from=original)  # run by someone else
    ProgramFactory(admins=[world.admin])  # not of this cohort
    assert outcomes.cohort_of(original, world.admin) == [original, clone, sibling]
    assert outcomes.cohort_of(clone, world.admin) == [original, clone, sibling]
