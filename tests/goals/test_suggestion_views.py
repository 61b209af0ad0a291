"""The mentor's suggestions: the protégé takes one on in their own words, or declines it."""

import pytest
from django.urls import reverse

from goals.models import Goal, GoalSuggestion

from .factories import GoalFactory, GoalSuggestionFactory

pytestmark = pytest.mark.django_db


def url(world, name, *args):
    return reverse(f"goals:{name}", args=[world.partnership.pk, *args])


def test_the_mentor_suggests_and_the_protege_takes_it_on_in_their_own_words(client, world):
    client.force_login(world.mentor)
    client.post(
        url(world, "suggestion_new"),
        {"category": "competency", "title": "Conflict", "note": "Your team argues."},
    )
    suggestion = GoalSuggestion.objects.get()
    assert suggestion.suggested_by == world.mentor and suggestion.status == "pending"

    client.force_login(world.protege)
    page = client.get(url(world, "goals")).text
    assert "Suggested by Morgan Mentor" in page and "Your team argues." in page
    form = client.get(url(world, "suggestion_accept", suggestion.pk)).text
    assert 'value="Conflict"' in form
    response = client.post(
        url(world, "suggestion_accept", suggestion.pk),
        {"title": "Conflict management", "why": "My team argues."},
    )
    assert response.status_code == 303
    goal = Goal.objects.get()
    suggestion.refresh_from_db()
    assert (goal.title, goal.category, goal.suggestion) == ("Conflict management", "competency", suggestion)
    assert suggestion.status == "accepted" and suggestion.decided_at
    assert "Suggested by Morgan Mentor" in client.get(url(world, "goals")).text  # the goal's badge


def test_the_protege_declines_a_suggestion_and_the_mentor_sees_it(client, world):
    suggestion = GoalSuggestionFactory(partnership=world.partnership, title="Public speaking")
    client.force_login(world.protege)
    assert client.post(url(world, "suggestion_decline", suggestion.pk)).status_code == 303
    suggestion.refresh_from_db()
    assert suggestion.status == "declined"
    assert client.post(url(world, "suggestion_decline", suggestion.pk)).status_code == 404  # answered
    client.force_login(world.mentor)
    assert "Sam Protégé declined: “Public speaking”" in client.get(url(world, "goals")).text


def test_the_mentor_suggests_a_more_advanced_version(client, world):
    goal = GoalFactory(partnership=world.partnership, title="Negotiating")
    client.force_login(world.mentor)
    form = client.get(url(world, "suggestion_new") + f"?advances={goal.pk}").text
    assert "Suggest a more advanced version" in form
    client.post(url(world, "suggestion_new"), {"advances": goal.pk, "title": "Negotiating with directors"})
    suggestion = GoalSuggestion.objects.get()
    assert suggestion.advances == goal and suggestion.category == goal.category

    client.force_login(world.protege)
    client.post(
        url(world, "suggestion_accept", suggestion.pk),
        {"title": "Negotiating with directors", "why": "Next."},
    )
    advanced = Goal.objects.get(title="Negotiating with directors")
    goal.refresh_from_db()
    assert advanced.advances == goal and goal.status == "achieved"


def test_taking_on_a_suggestion_into_a_full_category_says_why_beside_the_category(client, world):
    GoalFactory.create_batch(3, partnership=world.partnership)
    suggestion = GoalSuggestionFactory(partnership=world.partnership, category="competency")
    client.force_login(world.protege)
    response = client.post(
        url(world, "suggestion_accept", suggestion.pk), {"title": "Conflict", "why": "Argues."}
    )
    assert response.status_code == 200
    assert 'href="#id_category"' in response.text and 'id="id_category"' in response.text
    assert (
        response.text.count("You already have 3 active Competency / job skill goals") == 2
    )  # summary, beside
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"


def test_a_crafted_suggestion_gets_the_products_words_and_one_message_each(client, world):
    client.force_login(world.mentor)
    response = client.post(
        url(world, "suggestion_new"), {"category": "X", "title": "x" * 5000, "note": "Your\x00 team."}
    )
    assert response.status_code == 200 and not GoalSuggestion.objects.exists()
    text = response.text
    assert "Choose one of the options shown." in text and "Select a valid choice" not in text
    assert "Keep it to 200 characters or fewer; this is 5000." in text and "Ensure this value" not in text
    assert "Remove the control characters" in text and "Null characters" not in text
