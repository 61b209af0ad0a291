"""Who may open and use each call-log page: the pair only (404 for everyone
else, program admins included); logging a call is the mentor's, marking
homework done and rating a call the protégé's (403 for the other side)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_log.models import Homework, Session

from .factories import HomeworkFactory, SessionFactory

PAGES = ["call_log", "session_new", "call_page", "homework"]
PAIR_READ = {
    "anonymous": 302,
    "outsider": 404,
    "admin": 404,
    "other_admin": 404,
    "mentor": 200,
    "protege": 200,
}


def _login(client, world, who):
    if who != "anonymous":
        client.force_login(getattr(world, who))


@pytest.mark.parametrize("who", PAIR_READ)
@pytest.mark.parametrize("name", PAGES)
def test_pair_pages_are_the_pairs_alone(client, pair, world, name, who):
    _login(client, world, who)
    response = client.get(reverse(f"sessions_log:{name}", args=[pair.pk]))
    expected = PAIR_READ[who]
    if name == "session_new" and who == "protege":
        expected = 403  # logging a call is the mentor's
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_a_protege_cannot_log_a_call_or_change_the_mentors_draft(client, pair, world):
    draft = SessionFactory(partnership=pair, is_draft=True, key_learnings="Mentor's own words")
    client.force_login(world.protege)
    url = reverse("sessions_log:session_new", args=[pair.pk])
    response = client.post(
        url, {"starts_at": "2026-09-01T10:00", "status": "held", "key_learnings": "Mine now"}
    )
    assert response.status_code == 403
    assert client.get(reverse("sessions_log:homework_row", args=[pair.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.key_learnings == "Mentor's own words"
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "expected"), [("outsider", 404), ("admin", 404), ("other_admin", 404), ("mentor", 403)]
)
def test_only_the_protege_marks_homework_done(client, pair, world, who, expected):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("sessions_log:homework_done", args=[pair.pk, item.pk]),
        {f"homework-{item.pk}-done": "on", f"homework-{item.pk}-reflection": "Done"},
    )
    assert response.status_code == expected
    item.refresh_from_db()
    assert item.status == Homework.Status.OPEN


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("admin", 404), ("mentor", 403)])
def test_only_the_protege_unticks_homework(client, pair, world, who, expected):
    item = HomeworkFactory(
        session__partnership=pair, status="done", done_at=timezone.now(), reflection="Mine"
    )
    client.force_login(getattr(world, who))
    response = client.post(reverse("sessions_log:homework_done", args=[pair.pk, item.pk]), {})
    assert response.status_code == expected
    item.refresh_from_db()
    assert (item.status, item.reflection) == (Homework.Status.DONE, "Mine")


@pytest.mark.parametrize("who", PAIR_READ)
def test_the_goals_beside_the_log_form_are_the_pairs_alone(client, pair, world, who):
    """The log form fetches the active goals from the goals (htmx); the pair only."""
    _login(client, world, who)
    response = client.get(reverse("goals:call_context", args=[pair.pk]), headers={"HX-Request": "true"})
    assert response.status_code == PAIR_READ[who]


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("admin", 404), ("mentor", 403)])
def test_only_the_protege_rates_a_call(client, pair, world, who, expected):
    call = SessionFactory(partnership=pair)
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("sessions_log:feedback", args=[pair.pk, call.pk]), {f"call-{call.pk}-rating": "5"}
    )
    assert response.status_code == expected
    assert not hasattr(Session.objects.get(pk=call.pk), "feedback")


@pytest.mark.parametrize(
    ("who", "expected"), [("outsider", 404), ("admin", 404), ("mentor", 303), ("protege", 303)]
)
def test_either_side_adds_to_the_agenda_and_nobody_else(client, pair, world, who, expected):
    client.force_login(getattr(world, who))
    response = client.post(reverse("sessions_log:agenda_add", args=[pair.pk]), {"text": "How do I say no?"})
    assert response.status_code == expected
    assert pair.agenda_items.count() == (1 if expected == 303 else 0)


def test_an_ended_partnership_keeps_its_log_readable_but_closed(client, pair, world):
    pair.status = "completed"
    pair.save()
    client.force_login(world.mentor)
    assert client.get(reverse("sessions_log:call_log", args=[pair.pk])).status_code == 200
    assert client.get(reverse("sessions_log:session_new", args=[pair.pk])).status_code == 403
