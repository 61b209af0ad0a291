"""The pair's active goals as the log-a-call form shows them beside it, fetched
with htmx from the goals (goals.views.fragments): sessions_log does not import
goals, so the goals render their own part."""

import datetime

from django.urls import reverse
from django.utils import timezone

from goals.models import Goal

from .factories import GoalFactory, ProgressRatingFactory


def test_the_active_goals_with_their_latest_rating_and_last_change(client, world):
    pair = world.partnership
    active = GoalFactory(partnership=pair, title="Say no without guilt")
    ProgressRatingFactory(goal=active, value=4, created_at=timezone.now() - datetime.timedelta(days=14))
    ProgressRatingFactory(goal=active, value=6)
    GoalFactory(partnership=pair, title="Not rated one")
    dropped = GoalFactory(partnership=pair, title="An old goal")
    Goal.objects.filter(pk=dropped.pk).update(status="dropped", slot=None, closed_at=timezone.now())
    client.force_login(world.mentor)
    path = reverse("goals:call_context", args=[pair.pk])
    html = client.get(path, headers={"HX-Request": "true"}).text
    assert "Say no without guilt" in html and "rated 6/10 (+2)" in html
    assert "Not rated one" in html and "not rated yet" in html
    assert "An old goal" not in html
    assert "<html" not in html  # a fragment


def test_opened_directly_it_is_the_goals_page(client, world):
    client.force_login(world.protege)
    response = client.get(reverse("goals:call_context", args=[world.partnership.pk]))
    assert response.status_code == 303
    assert response["Location"] == reverse("goals:goals", args=[world.partnership.pk])


def test_no_active_goals_says_so(client, world):
    client.force_login(world.mentor)
    html = client.get(
        reverse("goals:call_context", args=[world.partnership.pk]), headers={"HX-Request": "true"}
    ).text
    assert "No active goals yet." in html
