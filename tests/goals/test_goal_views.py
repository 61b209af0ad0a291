"""Writing goals: categories and their limit, the why, SMART checks, revisions
with history, more advanced versions, achieved and dropped. Milestones and the
mentor's suggestions have their own tests."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import Goal, GoalRevision

from .factories import GoalFactory, SmartGoalFactory, rate_rounds

pytestmark = pytest.mark.django_db


def url(world, name, *args):
    return reverse(f"goals:{name}", args=[world.partnership.pk, *args])


def smart_data(**changes):
    data = {
        "category": "smart",
        "title": "Improve department retention by 10% by June",
        "why": "We keep losing good people.",
        "metric": "12-month retention",
        "baseline": "80",
        "target": "88",
        "unit": "%",
        "deadline": (timezone.localdate() + datetime.timedelta(days=120)).isoformat(),
    }
    return data | changes


# --- Adding a goal ---------------------------------------------------------------


def test_the_form_explains_each_category_with_an_example(protege_client, world):
    text = protege_client.get(url(world, "goal_new")).text
    assert "Improve department retention by 10% by June" in text
    assert "Negotiating" in text
    assert "Influence the decision makers on the Atlas migration" in text
    assert 'href="/static/css/goals.css"' in text


def test_the_protege_adds_a_competency_goal_with_its_why(protege_client, world):
    response = protege_client.post(
        url(world, "goal_new"),
        {"category": "competency", "title": "Negotiating", "why": "I say yes too fast."},
    )
    goal = Goal.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{url(world, 'goals')}#goal-{goal.pk}"
    assert (goal.category, goal.title, goal.why, goal.status, goal.slot) == (
        "competency",
        "Negotiating",
        "I say yes too fast.",
        "active",
        1,
    )
    assert goal.metric == "" and goal.baseline is None  # not a SMART goal


def test_the_why_is_required(protege_client, world):
    response = protege_client.post(url(world, "goal_new"), {"category": "competency", "title": "Negotiating"})
    assert response.status_code == 200
    assert "Say why this goal matters to you" in response.text
    assert 'value="Negotiating"' in response.text  # what was typed stays
    assert not Goal.objects.exists()


def test_a_smart_goal_carries_its_measure(protege_client, world):
    assert protege_client.post(url(world, "goal_new"), smart_data()).status_code == 303
    goal = Goal.objects.get()
    assert (goal.metric, str(goal.baseline), str(goal.target), goal.unit) == (
        "12-month retention",
        "80.00",
        "88.00",
        "%",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": "2020-01-01"}, "deadline", "The deadline is in the past"),
        ({"target": "80"}, "target", "The target is the same as where it is now"),
        ({"unit": ""}, "unit", "Give the unit of the measure"),
        ({"metric": ""}, "metric", "Say what you will measure"),
        ({"baseline": ""}, "baseline", "Give where it is now"),
        ({"baseline": "lots"}, "baseline", "Enter the baseline as a number"),
        ({"deadline": ""}, "deadline", "Give the date by which"),
    ],
)
def test_smart_checks_are_explained_beside_the_field(protege_client, world, changes, field, message):
    response = protege_client.post(url(world, "goal_new"), smart_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert f'href="#id_{field}"' in response.text  # the summary links to the field
    assert (
        'value="We keep losing good people."' in response.text
        or "We keep losing good people." in response.text
    )
    assert not Goal.objects.exists()


def test_smart_fields_typed_for_another_kind_of_goal_are_ignored(protege_client, world):
    data = smart_data(category="situation", baseline="not a number", unit="")
    assert protege_client.post(url(world, "goal_new"), data).status_code == 303
    goal = Goal.objects.get()
    assert goal.category == "situation" and goal.metric == "" and goal.baseline is None


# --- At most three active goals per category ------------------------------------


def test_a_fourth_active_goal_in_a_category_is_refused_by_the_form(protege_client, world):
    GoalFactory.create_batch(3, partnership=world.partnership)
    response = protege_client.post(
        url(world, "goal_new"), {"category": "competency", "title": "Public speaking", "why": "Conferences."}
    )
    assert response.status_code == 200
    assert "You already have 3 active Competency / job skill goals" in response.text
    assert 'value="Public speaking"' in response.text
    assert Goal.objects.count() == 3


def test_another_category_or_a_freed_place_is_fine(protege_client, world):
    goals = GoalFactory.create_batch(3, partnership=world.partnership)
    data = {"title": "Atlas", "why": "It lands on my team."}
    assert protege_client.post(url(world, "goal_new"), data | {"category": "situation"}).status_code == 303
    protege_client.post(url(world, "goal_status", goals[1].pk), {"status": "achieved"})
    response = protege_client.post(url(world, "goal_new"), data | {"category": "competency"})
    assert response.status_code == 303
    assert Goal.objects.get(title="Atlas", category="competency").slot == 2  # the freed place


def test_the_goals_page_prompts_gently_below_two_and_hides_the_add_link_at_three(client, world):
    GoalFactory(partnership=world.partnership)
    GoalFactory.create_batch(3, partnership=world.partnership, category="situation")
    client.force_login(world.protege)
    response = client.get(url(world, "goals"))
    text = response.text
    assert "No SMART goal yet. Two or three of each kind work best." in text
    assert "Kumar’s framework suggests two or three goals of each kind" in text  # competency: 1
    assert f"{url(world, 'goal_new')}?category=smart" in text
    assert f"{url(world, 'goal_new')}?category=situation" not in text
    assert "Three active Real-time situation goals" in text
    assert "There is a problem" not in text  # a prompt, never an error


# --- Revising, with history ---------------------------------------------------------


def test_revising_keeps_the_earlier_wording_in_the_history(protege_client, world):
    goal = SmartGoalFactory(partnership=world.partnership, title="Keep people", why="Attrition hurts.")
    response = protege_client.post(
        url(world, "goal_revise", goal.pk),
        {
            "title": "Raise retention to 90%",
            "why": "Attrition hurts the team.",
            "metric": goal.metric,
            "baseline": "80",
            "target": "90",
            "unit": "%",
            "deadline": goal.deadline.isoformat(),
            "reason": "Made it measurable",
        },
    )
    assert response.status_code == 303
    goal.refresh_from_db()
    assert goal.title == "Raise retention to 90%"
    revision = GoalRevision.objects.get(goal=goal)
    assert (revision.title, revision.why, revision.reason) == (
        "Keep people",
        "Attrition hurts.",
        "Made it measurable",
    )
    text = protege_client.get(url(world, "goals")).text
    assert "History: 1 earlier wording" in text
    assert "“Keep people”" in text and "Changed because: Made it measurable" in text


def test_saving_the_same_words_records_no_revision(protege_client, world):
    goal = GoalFactory(partnership=world.partnership, title="Negotiating", why="Yes too fast.")
    protege_client.post(url(world, "goal_revise", goal.pk), {"title": "Negotiating", "why": "Yes too fast."})
    assert not GoalRevision.objects.exists()


def test_a_smart_goal_with_a_passed_deadline_can_be_reworded_without_moving_it(protege_client, world):
    goal = SmartGoalFactory(partnership=world.partnership)
    Goal.objects.filter(pk=goal.pk).update(deadline=datetime.date(2020, 1, 1))
    goal.refresh_from_db()
    data = {
        "title": "New words",
        "why": goal.why,
        "metric": goal.metric,
        "baseline": "80",
        "target": "90",
        "unit": "%",
    }
    assert (
        protege_client.post(url(world, "goal_revise", goal.pk), data | {"deadline": "2020-01-01"}).status_code
        == 303
    )
    response = protege_client.post(url(world, "goal_revise", goal.pk), data | {"deadline": "2020-02-01"})
    assert "The deadline is in the past" in response.text


# --- A more advanced version ----------------------------------------------------


def test_a_more_advanced_version_links_to_the_goal_it_grows_from(protege_client, world):
    earlier = GoalFactory(partnership=world.partnership, title="Negotiating with peers")
    GoalFactory.create_batch(2, partnership=world.partnership)  # the category is full
    response = protege_client.post(
        url(world, "goal_advance", earlier.pk), {"title": "Negotiating with directors", "why": "Next level."}
    )
    assert response.status_code == 303
    advanced = Goal.objects.get(title="Negotiating with directors")
    earlier.refresh_from_db()
    assert advanced.advances == earlier and advanced.category == earlier.category and advanced.is_active
    assert earlier.status == "achieved" and earlier.slot is None
    text = protege_client.get(url(world, "goals")).text
    assert f'A more advanced version of <a href="#goal-{earlier.pk}">“Negotiating with peers”</a>' in text
    assert (
        f'Followed by a more advanced version: <a href="#goal-{advanced.pk}">“Negotiating with directors”</a>'
        in text
    )


def test_two_ratings_of_8_or_more_suggest_a_more_advanced_version(protege_client, world):
    ready = GoalFactory(partnership=world.partnership, title="Ready")
    almost = GoalFactory(partnership=world.partnership, title="Almost")
    rate_rounds(world.partnership, {ready: [5, 8, 9], almost: [5, 9, 7]})
    text = protege_client.get(url(world, "goals")).text
    assert text.count("The last two ratings are 8 or more") == 1
    assert f'href="{url(world, "goal_advance", ready.pk)}">a more advanced version of this goal' in text


# --- Achieved, dropped, active again ---------------------------------------------


def test_achieved_and_dropped_goals_keep_their_history_and_free_their_place(protege_client, world):
    goal = GoalFactory(partnership=world.partnership, title="Negotiating")
    rate_rounds(world.partnership, {goal: [3, 6]})
    response = protege_client.post(url(world, "goal_status", goal.pk), {"status": "dropped"})
    assert response.status_code == 303
    goal.refresh_from_db()
    assert goal.status == "dropped" and goal.slot is None and goal.closed_at
    page = protege_client.get(url(world, "goals"))
    assert page.context["closed"][0].goal == goal
    assert "Achieved and dropped" in page.text and "Ratings of “Negotiating”" in page.text
    protege_client.post(url(world, "goal_status", goal.pk), {"status": "active"})
    goal.refresh_from_db()
    assert goal.is_active and goal.slot == 1 and goal.closed_at is None


def test_a_goal_cannot_be_made_active_again_into_a_full_category(protege_client, world):
    dropped = GoalFactory(partnership=world.partnership, status="dropped")
    GoalFactory.create_batch(3, partnership=world.partnership)
    response = protege_client.post(url(world, "goal_status", dropped.pk), {"status": "active"}, follow=True)
    assert "You already have 3 active" in response.text
    dropped.refresh_from_db()
    assert dropped.status == "dropped"


def test_saving_unchanged_words_says_nothing_changed(client, world):
    goal = SmartGoalFactory(partnership=world.partnership, title="Retention", why="People leave.")
    client.force_login(world.protege)
    data = {
        "title": "Retention",
        "why": "People leave.",
        "metric": goal.metric,
        "baseline": "80",
        "target": "90",
        "unit": "%",
        "deadline": goal.deadline.isoformat(),
    }
    response = client.post(url(world, "goal_revise", goal.pk), data, follow=True)
    assert "Nothing changed." in response.text
    assert not GoalRevision.objects.exists()


def test_the_pages_keep_to_the_csp_no_inline_styles_or_scripts(client, world, goals):
    rate_rounds(world.partnership, {g: [3, 5] for g in goals.values()})
    client.force_login(world.protege)
    for page in ("goals", "goal_new", "rating_new"):
        text = client.get(url(world, page)).text
        assert " style=" not in text
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", text))
        assert "/static/css/goals.css" in text
