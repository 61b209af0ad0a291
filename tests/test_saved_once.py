"""A form sent again unchanged (Back and resubmit, a second tab) is saved once:
the repeat is sent where the first went, with a message. Walks every create
action of the pair's pages; an agreement proposal identical to the one waiting
is answered the same way, however long after."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from goals.models import Goal, GoalSuggestion, Milestone, RatingRound
from partnerships.models import Agreement
from sessions_log.models import AgendaItem, Session
from tests.goals.factories import GoalFactory, GoalSuggestionFactory, SituationGoalFactory, SmartGoalFactory
from tests.partnerships.agreement_helpers import agree, form_data
from tests.sessions_log.test_log_a_call import log_data

pytestmark = pytest.mark.django_db

REPEATED = "You already sent this a moment ago; it was saved once."


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _goals(world) -> dict:
    p = world.partnership
    return {
        "smart": SmartGoalFactory(partnership=p),
        "competency": GoalFactory(partnership=p, title="Negotiating"),
        "situation": SituationGoalFactory(partnership=p),
    }


def _rating(world) -> tuple[str, dict]:
    data = {}
    for goal in _goals(world).values():
        data[f"g{goal.pk}-value"] = "6"
        if goal.is_smart:
            data[f"g{goal.pk}-metric_value"] = "84"
    return reverse("goals:rating_new", args=[world.partnership.pk]), data


def _milestone(world) -> tuple[str, dict]:
    goal = GoalFactory(partnership=world.partnership)
    due = timezone.localdate() + datetime.timedelta(days=30)
    return reverse("goals:milestone_add", args=[world.partnership.pk, goal.pk]), {
        f"m{goal.pk}-title": "Call Jo",
        f"m{goal.pk}-due_on": due.isoformat(),
    }


def _advance(world) -> tuple[str, dict]:
    goal = GoalFactory(partnership=world.partnership)
    return reverse("goals:goal_advance", args=[world.partnership.pk, goal.pk]), {
        "title": "Negotiating with directors",
        "why": "Next step.",
    }


def _accept(world) -> tuple[str, dict]:
    suggestion = GoalSuggestionFactory(partnership=world.partnership, category="competency")
    return reverse("goals:suggestion_accept", args=[world.partnership.pk, suggestion.pk]), {
        "title": "Conflict management",
        "why": "My team argues.",
    }


def _call(world) -> tuple[str, dict]:
    agree(world.partnership)
    return reverse("sessions_log:session_new", args=[world.partnership.pk]), log_data()


# action: (who sends it, its address and data, what it creates)
CREATE_ACTIONS = {
    "goal_new": (
        "protege",
        lambda w: (
            reverse("goals:goal_new", args=[w.partnership.pk]),
            {"category": "competency", "title": "Public speaking", "why": "To be heard."},
        ),
        lambda: Goal.objects.count(),
    ),
    "goal_advance": ("protege", _advance, lambda: Goal.objects.count()),
    "milestone_add": ("protege", _milestone, lambda: Milestone.objects.count()),
    "suggestion_new": (
        "mentor",
        lambda w: (
            reverse("goals:suggestion_new", args=[w.partnership.pk]),
            {"category": "situation", "title": "Lead the offsite", "note": "You would shine."},
        ),
        lambda: GoalSuggestion.objects.count(),
    ),
    "suggestion_accept": ("protege", _accept, lambda: Goal.objects.count()),
    "rating_new": ("protege", _rating, lambda: RatingRound.objects.count()),
    "session_new": ("mentor", _call, lambda: Session.objects.count()),
    "agenda_add": (
        "protege",
        lambda w: (reverse("sessions_log:agenda_add", args=[w.partnership.pk]), {"text": "My review"}),
        lambda: AgendaItem.objects.count(),
    ),
}


@pytest.mark.parametrize("action", sorted(CREATE_ACTIONS))
def test_a_create_action_sent_twice_saves_once_and_sends_the_repeat_where_the_first_went(
    client, world, action
):
    who, address, count = CREATE_ACTIONS[action]
    client.force_login(getattr(world, who))
    path, data = address(world)
    before = count()
    first = client.post(path, data, follow=False)
    assert first.status_code == 303, first.content[:2000]
    client.get(first["Location"])  # the first's page, its message shown
    assert count() == before + 1
    again = client.post(path, data)  # Back and resubmit, 1.4 s later
    assert again.status_code == 303
    assert again["Location"] == first["Location"]
    assert said(again) == [REPEATED]
    assert count() == before + 1


def test_ratings_posted_twice_seconds_apart_make_one_round(client, world):
    client.force_login(world.protege)
    path, data = _rating(world)
    first = client.post(path, data)
    again = client.post(path, data)
    assert again.status_code == 303 and again["Location"] == first["Location"]
    assert RatingRound.objects.count() == 1


def test_a_different_submission_is_a_new_one(client, world):
    client.force_login(world.protege)
    path = reverse("sessions_log:agenda_add", args=[world.partnership.pk])
    client.post(path, {"text": "My review"})
    client.post(path, {"text": "My review!"})  # one character more: typed on purpose
    client.post(path, {"text": "My next review", "someday": "on"})
    assert AgendaItem.objects.count() == 3


def test_the_other_side_sending_the_same_words_is_not_a_repeat(client, world):
    path = reverse("sessions_log:agenda_add", args=[world.partnership.pk])
    client.force_login(world.protege)
    client.post(path, {"text": "My review"})
    # The topic is taken away, so the agenda itself would take the same words again.
    AgendaItem.objects.all().delete()
    client.force_login(world.mentor)
    client.post(path, {"text": "My review"})
    assert list(AgendaItem.objects.values_list("added_by", flat=True)) == [world.mentor.pk]


def test_a_repeat_after_the_window_is_a_new_submission(client, world):
    from django.core.cache import cache

    client.force_login(world.protege)
    path = reverse("sessions_log:agenda_add", args=[world.partnership.pk])
    client.post(path, {"text": "My review"})
    AgendaItem.objects.all().delete()  # so the agenda itself would take the same words again
    cache.clear()  # what ten minutes do to the memory of the first
    client.post(path, {"text": "My review"})
    assert AgendaItem.objects.count() == 1


def test_a_rejected_submission_is_not_remembered(client, world):
    client.force_login(world.protege)
    path = reverse("goals:goal_new", args=[world.partnership.pk])
    data = {"category": "competency", "title": "", "why": "To be heard."}
    assert client.post(path, data).status_code == 200
    assert client.post(path, data).status_code == 200  # still the form, with its error
    assert Goal.objects.count() == 0


def test_saving_a_draft_again_is_never_a_repeat(client, world):
    agree(world.partnership)
    client.force_login(world.mentor)
    path = reverse("sessions_log:session_new", args=[world.partnership.pk])
    data = log_data() | {"save_draft": "1"}
    assert client.post(path, data).status_code == 303
    client.post(path, data | {"topic": "Changed"})
    client.post(path, data)  # back to the first wording, on purpose
    assert Session.objects.get().topic == data["topic"]


def test_a_milestone_repeated_with_htmx_is_sent_to_the_goals_page(client, world):
    client.force_login(world.protege)
    path, data = _milestone(world)
    assert client.post(path, data, headers={"HX-Request": "true"}).status_code == 200
    again = client.post(path, data, headers={"HX-Request": "true"})
    assert again["HX-Redirect"].startswith(reverse("goals:goals", args=[world.partnership.pk]))
    assert Milestone.objects.count() == 1


def _create_views():
    """Every view of the pair's pages named as a creation (``…_new``, ``…_add``)."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in ("goals", "sessions_log"):
                yield f"{namespace}:{pattern.name}", pattern.callback

    return [
        (name, view) for name, view in walk(get_resolver().url_patterns) if name.endswith(("_new", "_add"))
    ]


def test_every_create_view_of_the_pair_is_saved_once():
    """A create view added later is covered too: named ``…_new`` or ``…_add``,
    it must be ``@saved_once`` and have a case in CREATE_ACTIONS."""
    views = _create_views()
    assert len(views) >= 5
    for name, view in views:
        assert getattr(view, "saved_once", False), f"{name} is not @saved_once"
        assert name.split(":")[1] in CREATE_ACTIONS, f"{name} has no case above"


# --- The agreement: a proposal identical to the one waiting -----------------------


def test_a_proposal_identical_to_the_one_waiting_is_not_a_new_version(client, world):
    agree(world.partnership)
    client.force_login(world.mentor)
    path = reverse("partnerships:agreement", args=[world.partnership.pk])
    data = form_data(cadence="weekly") | {"change_note": "Weekly for a while."}
    assert client.post(path, data, follow=True).status_code == 200
    again = client.post(path, data)
    assert again.status_code == 303 and again["Location"] == path
    assert said(again) == ["This version is already waiting for acceptance."]
    assert list(world.partnership.agreements.order_by("version").values_list("status", flat=True)) == [
        Agreement.Status.IN_FORCE,
        Agreement.Status.PROPOSED,
    ]


def test_the_other_side_proposing_the_waiting_terms_is_told_to_accept_them(world):
    from django.core.exceptions import ValidationError

    from partnerships.agreements import agreement_propose
    from tests.partnerships.agreement_helpers import terms

    agree(world.partnership)
    agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms(cadence="weekly"))
    with pytest.raises(ValidationError) as refused:
        agreement_propose(partnership=world.partnership, by=world.protege, terms=terms(cadence="weekly"))
    assert refused.value.code == "already_pending"
    assert world.partnership.agreements.count() == 2
