"""Who may see and do what on a pair's goals pages: the pair reads, the protégé
writes and rates, the mentor suggests; everyone else gets 404, program admins
included, and an action of the other role gets 403."""

import datetime

import pytest
from django.urls import reverse

from goals.models import Goal, GoalSuggestion, Milestone, ProgressRating

from .factories import GoalSuggestionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

GOAL_DATA = {"category": "competency", "title": "Public speaking", "why": "To be heard."}


def _rating_data(goals):
    data = {}
    for goal in goals.values():
        data[f"g{goal.pk}-value"] = "6"
        if goal.is_smart:
            data[f"g{goal.pk}-metric_value"] = "84"
    return data


def _milestone_data(goal):
    return {
        f"m{goal.pk}-title": "Call Jo",
        f"m{goal.pk}-due_on": f"{datetime.date.today() + datetime.timedelta(days=30)}",
    }


# name: (method, url, data, status for the protégé, status for the mentor)
VIEWS = {
    "goals": ("get", lambda w, o: reverse("goals:goals", args=[w.partnership.pk]), None, 200, 200),
    "goal_new_form": ("get", lambda w, o: reverse("goals:goal_new", args=[w.partnership.pk]), None, 200, 403),
    "goal_new": (
        "post",
        lambda w, o: reverse("goals:goal_new", args=[w.partnership.pk]),
        lambda o: GOAL_DATA,
        303,
        403,
    ),
    "goal_revise": (
        "post",
        lambda w, o: reverse("goals:goal_revise", args=[w.partnership.pk, o["goals"]["competency"].pk]),
        lambda o: {"title": "Negotiating well", "why": "Changed."},
        303,
        403,
    ),
    "goal_advance": (
        "post",
        lambda w, o: reverse("goals:goal_advance", args=[w.partnership.pk, o["goals"]["competency"].pk]),
        lambda o: {"title": "Negotiating with directors", "why": "Next step."},
        303,
        403,
    ),
    "goal_status": (
        "post",
        lambda w, o: reverse("goals:goal_status", args=[w.partnership.pk, o["goals"]["competency"].pk]),
        lambda o: {"status": "dropped"},
        303,
        403,
    ),
    "milestone_add": (
        "post",
        lambda w, o: reverse("goals:milestone_add", args=[w.partnership.pk, o["goals"]["competency"].pk]),
        lambda o: _milestone_data(o["goals"]["competency"]),
        303,
        403,
    ),
    "milestone_done": (
        "post",
        lambda w, o: reverse(
            "goals:milestone_done", args=[w.partnership.pk, o["milestone"].goal_id, o["milestone"].pk]
        ),
        lambda o: {"done": "1"},
        303,
        403,
    ),
    "suggestion_new": (
        "post",
        lambda w, o: reverse("goals:suggestion_new", args=[w.partnership.pk]),
        lambda o: {"category": "situation", "title": "Lead the offsite", "note": "You would shine."},
        403,
        303,
    ),
    "suggestion_accept": (
        "post",
        lambda w, o: reverse("goals:suggestion_accept", args=[w.partnership.pk, o["suggestion"].pk]),
        lambda o: {"title": "Conflict management", "why": "My team argues."},
        303,
        403,
    ),
    "suggestion_decline": (
        "post",
        lambda w, o: reverse("goals:suggestion_decline", args=[w.partnership.pk, o["suggestion"].pk]),
        lambda o: {},
        303,
        403,
    ),
    "rating_form": ("get", lambda w, o: reverse("goals:rating_new", args=[w.partnership.pk]), None, 200, 403),
    "rating_new": (
        "post",
        lambda w, o: reverse("goals:rating_new", args=[w.partnership.pk]),
        lambda o: _rating_data(o["goals"]),
        303,
        403,
    ),
}


@pytest.fixture
def objects(world, goals):
    return {
        "goals": goals,
        "milestone": MilestoneFactory(goal=goals["competency"]),
        "suggestion": GoalSuggestionFactory(partnership=world.partnership, category="competency"),
    }


def call(client, world, objects, view):
    method, url, data, _protege, _mentor = VIEWS[view]
    return getattr(client, method)(url(world, objects), data(objects) if data else None)


def nothing_changed(world, objects) -> bool:
    goal = Goal.objects.get(pk=objects["goals"]["competency"].pk)
    return (
        Goal.objects.filter(partnership=world.partnership).count() == 3
        and goal.title == "Negotiating"
        and goal.status == "active"
        and Milestone.objects.count() == 1
        and Milestone.objects.get().done_at is None
        and GoalSuggestion.objects.filter(status="pending").count() == 1
        and not ProgressRating.objects.exists()
    )


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_is_sent_to_sign_in(client, world, objects, view):
    response = call(client, world, objects, view)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert nothing_changed(world, objects)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("persona", ["outsider", "admin", "other_admin"])
def test_everyone_outside_the_pair_gets_404_program_admins_included(client, world, objects, view, persona):
    client.force_login(getattr(world, persona))
    assert call(client, world, objects, view).status_code == 404
    assert nothing_changed(world, objects)


@pytest.mark.parametrize("view", VIEWS)
def test_the_protege_reads_writes_and_rates(client, world, objects, view):
    client.force_login(world.protege)
    response = call(client, world, objects, view)
    assert response.status_code == VIEWS[view][3], response.content[:2000]


@pytest.mark.parametrize("view", VIEWS)
def test_the_mentor_reads_and_suggests_but_cannot_write_or_rate(client, world, objects, view):
    client.force_login(world.mentor)
    response = call(client, world, objects, view)
    assert response.status_code == VIEWS[view][4]
    if response.status_code == 403:
        assert nothing_changed(world, objects)


def test_a_goal_of_another_partnership_is_404_even_to_a_protege(client, world, goals):
    from .factories import GoalFactory

    elsewhere = GoalFactory()
    client.force_login(world.protege)
    for name in ("goal_revise", "goal_advance", "goal_status"):
        url = reverse(f"goals:{name}", args=[world.partnership.pk, elsewhere.pk])
        assert client.post(url, {"title": "x", "why": "y", "status": "dropped"}).status_code == 404
    assert Goal.objects.get(pk=elsewhere.pk).status == "active"


def test_an_ended_partnership_stays_readable_but_cannot_change(client, world, goals):
    world.partnership.status = "completed"
    world.partnership.save()
    client.force_login(world.protege)
    assert client.get(reverse("goals:goals", args=[world.partnership.pk])).status_code == 200
    assert client.get(reverse("goals:rating_new", args=[world.partnership.pk])).status_code == 403
    assert client.post(reverse("goals:goal_new", args=[world.partnership.pk]), GOAL_DATA).status_code == 403


def test_the_mentor_sees_the_goals_and_ratings_but_no_writing_controls(client, world, goals):
    from .factories import rate_rounds

    rate_rounds(world.partnership, {g: [4, 6] for g in goals.values()})
    client.force_login(world.mentor)
    text = client.get(reverse("goals:goals", args=[world.partnership.pk])).text
    assert "Negotiating" in text and "Because it matters to me." in text
    assert "Ratings of “Negotiating”" in text
    assert reverse("goals:rating_new", args=[world.partnership.pk]) not in text
    assert reverse("goals:goal_new", args=[world.partnership.pk]) not in text
    assert "Achieved" not in text and "Revise" not in text
    assert reverse("goals:suggestion_new", args=[world.partnership.pk]) in text


def test_the_actions_refuse_get(client, world, goals):
    client.force_login(world.protege)
    goal = goals["competency"]
    milestone = MilestoneFactory(goal=goal)
    suggestion = GoalSuggestionFactory(partnership=world.partnership)
    for url in [
        reverse("goals:goal_status", args=[world.partnership.pk, goal.pk]),
        reverse("goals:milestone_add", args=[world.partnership.pk, goal.pk]),
        reverse("goals:milestone_done", args=[world.partnership.pk, goal.pk, milestone.pk]),
        reverse("goals:suggestion_decline", args=[world.partnership.pk, suggestion.pk]),
    ]:
        assert client.get(url).status_code == 405
