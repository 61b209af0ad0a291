import datetime

from django.urls import reverse
from django.utils import timezone

from sessions_log.models import CallFeedback, PartnershipCheck

from .factories import HomeworkFactory, SessionFactory


def url(name, pair, *args):
    return reverse(f"sessions_log:{name}", args=[pair.pk, *args])


def test_the_call_page_follows_the_agreements_time_boxes(client, pair, world):
    last = SessionFactory(partnership=pair, key_learnings="Lead with the shared goal.")
    HomeworkFactory(session=last, description="Role-play the conversation")
    client.force_login(world.protege)
    page = client.get(url("call_page", pair)).text
    for text in [
        "10 min",
        "Check-in and homework recap",
        "15 min",
        "Deeper topic",
        "5 min",
        "Preparing the next call",
        "Role-play the conversation",
        "Lead with the shared goal.",
        "data-timer",
    ]:
        assert text in page, text
    assert '<script src="/static/js/sessions.js"' in page and "style=" not in page


def test_the_call_page_flags_the_homework_to_recap_that_is_overdue(client, pair, world):
    last = SessionFactory(partnership=pair)
    HomeworkFactory(
        session=last, description="Late one", due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    HomeworkFactory(session=last, description="On time", due_on=timezone.localdate())
    client.force_login(world.mentor)
    page = client.get(url("call_page", pair)).text
    assert "Late one" in page and "On time" in page
    assert page.count('class="overdue"') == 1 and page.count("badge--overdue") == 1


def test_the_protege_rates_a_held_call_once(client, pair, world):
    call = SessionFactory(partnership=pair)
    client.force_login(world.protege)
    assert "Rate this call" in client.get(url("call_log", pair)).text
    response = client.post(url("feedback", pair, call.pk), {f"call-{call.pk}-rating": "9"})
    assert response.status_code == 200 and "Choose a number from 1 to 5." in response.text
    assert "Select a valid choice" not in response.text
    response = client.post(
        url("feedback", pair, call.pk), {f"call-{call.pk}-rating": "5", f"call-{call.pk}-comment": "Great"}
    )
    assert response.status_code == 303
    assert CallFeedback.objects.get().rating == 5
    page = client.get(url("call_log", pair)).text
    assert "Rated 5 of 5" in page and "Rate this call" not in page


def test_every_three_held_calls_both_are_asked_whether_it_is_working(client, pair, world):
    for days in (40, 30, 20):
        SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=days))
    for user in (world.mentor, world.protege):
        client.force_login(user)
        assert "After 3 calls: how is it going?" in client.get(url("call_log", pair)).text
        response = client.post(
            url("partnership_check", pair), {"working": "4", "valuable": "5", "comment": "Good"}
        )
        assert response.status_code == 303
        assert "how is it going?" not in client.get(url("call_log", pair)).text
    assert sorted(PartnershipCheck.objects.values_list("role", "after_calls")) == [
        ("mentor", 3),
        ("protege", 3),
    ]
