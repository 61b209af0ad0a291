import datetime

from django.urls import reverse
from django.utils import timezone

from sessions_log.models import Homework

from .factories import HomeworkFactory


def url(name, pair, *args):
    return reverse(f"sessions_log:{name}", args=[pair.pk, *args])


def test_the_protege_marks_homework_done_with_a_reflection(client, pair, world):
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    client.force_login(world.protege)
    response = client.post(
        url("homework_done", pair, item.pk), {f"homework-{item.pk}-reflection": "Useful framing."}
    )
    assert response.status_code == 303
    item.refresh_from_db()
    assert item.status == Homework.Status.DONE and item.reflection == "Useful framing." and item.done_at
    client.force_login(world.mentor)
    page = client.get(url("homework", pair)).text
    assert "Useful framing." in page and "Mark done" not in page


def test_marking_done_needs_a_reflection_and_keeps_the_form_open(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(world.protege)
    response = client.post(url("homework_done", pair, item.pk), {f"homework-{item.pk}-reflection": ""})
    assert response.status_code == 200
    assert "Write a line or two: what did you take from it?" in response.text
    assert '<details class="mark-done" open>' in response.text
    item.refresh_from_db()
    assert item.status == Homework.Status.OPEN


def test_overdue_homework_stands_out(client, pair, world):
    HomeworkFactory(
        session__partnership=pair,
        description="Late one",
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    HomeworkFactory(session__partnership=pair, description="On time")
    client.force_login(world.protege)
    page = client.get(url("homework", pair)).text
    assert "(2, 1 overdue)" in page
    assert page.count("homework-item--overdue") == 1
    home = client.get(reverse("home:partnership", args=[pair.pk])).text
    assert "2 to do, 1 overdue" in home and "Late one" in home


def test_the_protege_adds_to_the_agenda_and_pulls_a_someday_topic_in(client, pair, world):
    client.force_login(world.protege)
    client.post(url("agenda_add", pair), {"text": "Public speaking", "someday": "on"})
    client.post(url("agenda_add", pair), {"text": "My review"})
    someday = pair.agenda_items.get(someday=True)
    response = client.post(url("agenda_pull", pair, someday.pk))
    assert response.status_code == 303
    page = client.get(url("call_page", pair)).text
    assert "Public speaking" in page and "My review" in page
    assert not pair.agenda_items.filter(someday=True).exists()
    response = client.post(url("agenda_add", pair), {"text": ""})
    assert response.status_code == 200 and "Write the topic or question to add." in response.text
