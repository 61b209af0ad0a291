"""Milestones: short-term steps under a goal, added and ticked off with or without htmx."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import Milestone

from .factories import GoalFactory

pytestmark = pytest.mark.django_db


def url(world, name, *args):
    return reverse(f"goals:{name}", args=[world.partnership.pk, *args])


def test_a_milestone_is_added_without_javascript(protege_client, world):
    goal = GoalFactory(partnership=world.partnership)
    due = timezone.localdate() + datetime.timedelta(days=5)
    response = protege_client.post(
        url(world, "milestone_add", goal.pk),
        {f"m{goal.pk}-title": "Call Jo", f"m{goal.pk}-due_on": due.isoformat()},
    )
    assert response.status_code == 303 and response["Location"].endswith(f"#goal-{goal.pk}")
    assert Milestone.objects.get().title == "Call Jo"


def test_a_milestone_is_added_with_htmx_and_only_the_list_comes_back(protege_client, world):
    goal = GoalFactory(partnership=world.partnership)
    due = timezone.localdate() + datetime.timedelta(days=5)
    response = protege_client.post(
        url(world, "milestone_add", goal.pk),
        {f"m{goal.pk}-title": "Call Jo", f"m{goal.pk}-due_on": due.isoformat()},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div class="milestones" id="milestones-{goal.pk}"')
    assert "Call Jo" in response.text
    assert 'hx-swap-oob="true"' in response.text and "Added the step “Call Jo”" in response.text
    assert "<html" not in response.text


def test_a_rejected_milestone_keeps_what_was_typed_with_or_without_htmx(protege_client, world):
    goal = GoalFactory(partnership=world.partnership)
    data = {f"m{goal.pk}-title": "Call Jo", f"m{goal.pk}-due_on": "2020-01-01"}
    for headers in ({}, {"HX-Request": "true"}):
        response = protege_client.post(url(world, "milestone_add", goal.pk), data, headers=headers)
        assert response.status_code == 200
        assert "The due date is in the past" in response.text
        assert 'value="Call Jo"' in response.text
        assert " open>" in response.text  # the add form stays open
    assert not Milestone.objects.exists()


def test_a_milestone_is_ticked_off_and_back_on(protege_client, world):
    goal = GoalFactory(partnership=world.partnership)
    milestone = Milestone.objects.create(goal=goal, title="Call Jo", due_on=timezone.localdate())
    done_url = url(world, "milestone_done", goal.pk, milestone.pk)
    response = protege_client.post(done_url, {"done": "1"}, headers={"HX-Request": "true"})
    assert "milestone--done" in response.text
    milestone.refresh_from_db()
    assert milestone.done
    protege_client.post(done_url, {"done": "0"})
    milestone.refresh_from_db()
    assert not milestone.done
