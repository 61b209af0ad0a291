import io

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from demo.goals import seed_goals
from goals.models import Goal, GoalRevision, GoalSuggestion, Milestone, ProgressRating, RatingRound
from goals.selectors import panel as selectors
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        model.__name__: [model_to_dict(o) for o in model.objects.order_by("pk")]
        for model in (Goal, GoalRevision, Milestone, GoalSuggestion, RatingRound, ProgressRating)
    } | {"partnerships": list(Partnership.objects.order_by("pk").values())}


@pytest.fixture
def demo_pair(db):
    call_command("seed_demo", stdout=io.StringIO())
    return Partnership.objects.get(
        protege__user__email="protege@example.com", status__in=["proposed", "active"]
    )


def test_the_demo_protege_has_goals_of_each_kind_history_and_three_months_of_ratings(demo_pair):
    seed_goals(partnership=demo_pair)
    goals = Goal.objects.filter(partnership=demo_pair)
    for category in ("smart", "competency", "situation"):
        assert 2 <= goals.filter(category=category).count() <= 3
        assert 2 <= goals.filter(category=category, status="active").count() <= 3  # room to add one more
    assert GoalRevision.objects.filter(goal__partnership=demo_pair).exists()
    advanced = goals.get(advances__isnull=False)
    assert advanced.advances.status == "achieved"
    rounds = RatingRound.objects.filter(partnership=demo_pair).order_by("created_at")
    assert rounds.first().point == "baseline"
    assert (rounds.last().created_at - rounds.first().created_at).days >= 90  # across three months
    demo_pair.refresh_from_db()
    assert demo_pair.started_on <= rounds.first().created_at.date()  # no rating before the start
    panel = selectors.goals_panel_for(demo_pair)
    assert panel.ready_to_advance and not panel.baseline_missing and panel.next_due


def test_seeding_twice_changes_nothing(demo_pair):
    seed_goals(partnership=demo_pair)
    before = snapshot()
    seed_goals(partnership=demo_pair)
    assert snapshot() == before
