"""The goals page and the rating form run a fixed number of queries, whatever
the number of goals, milestones, revisions and ratings."""

import pytest
from django.urls import reverse

from goals.models import GoalRevision, RatingRound

from .factories import (
    GoalFactory,
    GoalSuggestionFactory,
    MilestoneFactory,
    SituationGoalFactory,
    SmartGoalFactory,
    rate_rounds,
)

pytestmark = pytest.mark.django_db

# Every page: the request's savepoint and its release, user, partnership, the menu's "programs I run".
EVERY_PAGE = 5
PAIR_PAGE = EVERY_PAGE + 1  # and the pair's page version (partnerships.access.cached_pair_page)
GOALS_PAGE = PAIR_PAGE + 6  # goals, milestones, revisions, ratings, suggestions, rounds
RATING_FORM = PAIR_PAGE + 3  # goals with their last rating, their recent ratings, rounds
# Lock the pair, active goals, the last round with the agreed rhythm, insert round,
# insert ratings, a savepoint; then the pair's health numbers counted and stored.
RATING_SAVE = EVERY_PAGE + 7 + 2


def make_goals(world, per_category: int, ratings: int):
    goals = []
    for factory in (SmartGoalFactory, GoalFactory, SituationGoalFactory):
        goals += factory.create_batch(per_category, partnership=world.partnership)
    for goal in goals:
        MilestoneFactory.create_batch(2, goal=goal)
        GoalRevision.objects.create(goal=goal, title="Earlier", why="Earlier why")
    GoalFactory(partnership=world.partnership, status="achieved")
    GoalSuggestionFactory(partnership=world.partnership)
    rate_rounds(
        world.partnership, {g: list(range(ratings)) if ratings <= 11 else [5] * ratings for g in goals}
    )
    return goals


def rating_data(goals):
    data = {}
    for goal in goals:
        data[f"g{goal.pk}-value"] = "6"
        if goal.is_smart:
            data[f"g{goal.pk}-metric_value"] = "85"
    return data


@pytest.mark.parametrize("persona", ["protege", "mentor"])
def test_the_goals_page_runs_the_same_queries_for_3_goals_x_2_ratings_and_9_x_50(
    client, world, django_assert_num_queries, persona
):
    client.force_login(getattr(world, persona))
    url = reverse("goals:goals", args=[world.partnership.pk])
    make_goals(world, per_category=1, ratings=2)
    with django_assert_num_queries(GOALS_PAGE):
        small = client.get(url)
    assert small.text.count('<article class="goal-card') == 4

    world.partnership.goals.all().delete()
    RatingRound.objects.all().delete()
    make_goals(world, per_category=3, ratings=50)
    with django_assert_num_queries(GOALS_PAGE):
        large = client.get(url)
    assert large.text.count('<article class="goal-card') == 10
    assert large.text.count("<circle") == 9 * 50


def test_the_rating_form_runs_the_same_queries_for_3_goals_x_2_ratings_and_9_x_50(
    client, world, django_assert_num_queries
):
    client.force_login(world.protege)
    url = reverse("goals:rating_new", args=[world.partnership.pk])
    goals = make_goals(world, per_category=1, ratings=2)
    with django_assert_num_queries(RATING_FORM):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(RATING_SAVE):
        assert client.post(url, rating_data(goals)).status_code == 303
    client.get(reverse("goals:goals", args=[world.partnership.pk]))  # shows the "thank you"

    world.partnership.goals.all().delete()
    RatingRound.objects.all().delete()
    goals = make_goals(world, per_category=3, ratings=50)
    with django_assert_num_queries(RATING_FORM):
        response = client.get(url)
    assert response.text.count('<section class="rating-goal') == 9
    with django_assert_num_queries(RATING_SAVE):
        assert client.post(url, rating_data(goals)).status_code == 303
    assert RatingRound.objects.latest("created_at").ratings.count() == 9
