"""Homework: the protégé ticks each item done, with an optional reflection that
opens with the tick (a plain form; htmx swaps the item in place), and may untick
it until the next call recaps it. And the next call's agenda: either side adds
to it, and a page of ours may ask to come back after adding."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_log.models import AgendaItem, Homework

from .factories import HomeworkFactory

HTMX = {"HX-Request": "true"}


def url(name, pair, *args):
    return reverse(f"sessions_log:{name}", args=[pair.pk, *args])


def tick(client, pair, item, *, done=True, reflection="", **kwargs):
    data = {f"homework-{item.pk}-reflection": reflection}
    if done:
        data[f"homework-{item.pk}-done"] = "on"
    return client.post(url("homework_done", pair, item.pk), data, **kwargs)


def test_each_homework_is_a_checkbox_for_the_protege_with_its_reflection_in_the_same_form(
    client, pair, world
):
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    client.force_login(world.protege)
    page = client.get(url("homework", pair)).text
    box = f'<input type="checkbox" name="homework-{item.pk}-done" id="id_homework-{item.pk}-done"'
    assert box in page
    assert f'<label for="id_homework-{item.pk}-done" class="homework-title">' in page
    assert f'name="homework-{item.pk}-reflection"' in page and "What did you take from it?" in page
    assert f'hx-post="{url("homework_done", pair, item.pk)}"' in page  # htmx saves the tick in place
    client.force_login(world.mentor)
    page = client.get(url("homework", pair)).text
    assert "Read chapter 3" in page and 'type="checkbox"' not in page  # the mentor reads, does not tick


def test_the_protege_ticks_homework_done_with_a_reflection_and_the_mentor_sees_it(client, pair, world):
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    client.force_login(world.protege)
    response = tick(client, pair, item, reflection="Useful framing.", follow=True)
    assert response.redirect_chain[-1][0] == url("homework", pair) + f"#homework-{item.pk}"
    assert "“Read chapter 3” is done. Morgan Mentor sees your reflection." in response.text
    item.refresh_from_db()
    assert item.status == Homework.Status.DONE and item.reflection == "Useful framing." and item.done_at
    client.force_login(world.mentor)
    page = client.get(url("homework", pair)).text
    assert "Useful framing." in page


def test_the_reflection_is_optional(client, pair, world):
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    client.force_login(world.protege)
    response = tick(client, pair, item, follow=True)
    assert "“Read chapter 3” is done." in response.text and "sees your reflection" not in response.text
    item.refresh_from_db()
    assert (item.status, item.reflection) == (Homework.Status.DONE, "")


def test_with_htmx_the_tick_swaps_the_item_in_place_and_says_so(client, pair, world):
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    client.force_login(world.protege)
    response = tick(client, pair, item, headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith(f'<li class="homework-item homework-item--done" id="homework-{item.pk}">')
    assert f'id="id_homework-{item.pk}-done" checked' in html  # ticked; the reflection opens with it
    assert 'id="messages"' in html and 'hx-swap-oob="true"' in html and "is done." in html
    # Then the reflection, in the same place.
    response = tick(client, pair, item, reflection="Trust first.", headers=HTMX)
    assert "Your reflection on “Read chapter 3” is saved." in response.text
    assert "Trust first." in response.text
    item.refresh_from_db()
    assert item.reflection == "Trust first."


def test_unticking_puts_it_back_on_the_list_until_the_call_recaps_it(client, pair, world):
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    client.force_login(world.protege)
    tick(client, pair, item, reflection="Too quick.")
    response = tick(client, pair, item, done=False, reflection="Too quick.", headers=HTMX)
    assert "“Read chapter 3” is back on your to-do list." in response.text
    assert f'id="id_homework-{item.pk}-done" aria-describedby' in response.text  # not checked
    item.refresh_from_db()
    assert (item.status, item.done_at) == (Homework.Status.OPEN, None)


def test_unticking_keeps_the_saved_reflection_for_the_next_tick(client, pair, world):
    """Tick, save a reflection, untick: the reflection is not lost; it is kept
    in the protégé's form and comes back with the tick."""
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    client.force_login(world.protege)
    tick(client, pair, item, reflection="Useful framing of trust.")
    response = tick(client, pair, item, done=False, reflection="Useful framing of trust.", follow=True)
    assert "Your reflection is kept for when you tick it again." in response.text
    item.refresh_from_db()
    assert (item.status, item.reflection) == (Homework.Status.OPEN, "Useful framing of trust.")
    assert "Useful framing of trust." in response.text  # in the protégé's form, as typed
    # The mentor does not see a reflection on an item that is to do.
    client.force_login(world.mentor)
    assert "Useful framing of trust." not in client.get(url("homework", pair)).text
    # Ticked again (the form sends the kept text back, or nothing): it is there.
    client.force_login(world.protege)
    tick(client, pair, item, reflection="")
    item.refresh_from_db()
    assert (item.status, item.reflection) == (Homework.Status.DONE, "Useful framing of trust.")


def test_ticking_again_keeps_when_it_was_done_and_an_empty_reflection_keeps_the_written_one(
    client, pair, world
):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(world.protege)
    tick(client, pair, item, reflection="First thoughts.")
    item.refresh_from_db()
    done_at = item.done_at
    tick(client, pair, item, reflection="")  # e.g. Back and the tick sent again
    item.refresh_from_db()
    assert (item.reflection, item.done_at) == ("First thoughts.", done_at)
    tick(client, pair, item, reflection="Second thoughts.")
    item.refresh_from_db()
    assert (item.reflection, item.done_at) == ("Second thoughts.", done_at)


def test_a_reflection_too_long_is_refused_beside_the_field_and_kept(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(world.protege)
    response = tick(client, pair, item, reflection="x" * 2001)
    assert response.status_code == 200
    assert "Keep it to 2000 characters or fewer; this is 2001." in response.text
    assert "Ensure this value" not in response.text
    assert "x" * 2001 in response.text
    item.refresh_from_db()
    assert item.status == Homework.Status.OPEN


def test_saving_without_the_tick_changes_nothing_and_says_how(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(world.protege)
    response = tick(client, pair, item, done=False, follow=True)
    assert "Nothing changed: tick the homework, then save." in response.text
    item.refresh_from_db()
    assert item.status == Homework.Status.OPEN


def test_homework_recapped_at_a_call_is_read_only_with_its_outcome(client, pair, world):
    item = HomeworkFactory(session__partnership=pair, description="Read chapter 3")
    Homework.objects.filter(pk=item.pk).update(status=Homework.Status.PARTLY, recapped_in=item.session)
    client.force_login(world.protege)
    page = client.get(url("homework", pair)).text
    assert "Partly done" in page and f"homework-{item.pk}-done" not in page


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


def test_adding_to_the_agenda_goes_back_to_a_page_of_ours_when_asked(client, pair, world):
    client.force_login(world.protege)
    back = reverse("goals:goals", args=[pair.pk]) + "?saved=1#moved"
    response = client.post(url("agenda_add", pair), {"text": "My review", "next": back})
    assert response.status_code == 303 and response["Location"] == back
    assert pair.agenda_items.filter(text="My review").exists()


@pytest.mark.parametrize(
    "unsafe",
    [
        "//evil.example/",
        "https://evil.example/",
        "http://evil.example/partnerships/1/",
        "javascript:alert(1)",
        "\\\\evil.example",
        "/\\evil.example",
        "https:///evil.example",
    ],
)
def test_adding_to_the_agenda_never_goes_back_to_another_site(client, pair, world, unsafe):
    client.force_login(world.protege)
    response = client.post(url("agenda_add", pair), {"text": f"Topic for {unsafe}", "next": unsafe})
    assert response.status_code == 303
    assert response["Location"] == url("call_page", pair) + "#agenda"


def test_a_control_character_in_a_reflection_is_one_message(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(world.protege)
    response = tick(client, pair, item, reflection="Read it\x00 twice.")
    assert response.status_code == 200
    assert response.context["open_homework"] is not None
    assert "Remove the control characters" in response.text
    assert "Null characters are not allowed." not in response.text


def test_crafted_agenda_posts_get_the_products_words(client, pair, world):
    client.force_login(world.protege)
    response = client.post(url("agenda_add", pair), {"text": "x" * 5000})
    assert response.status_code == 200
    assert "Keep it to 300 characters or fewer; this is 5000." in response.text
    assert "Ensure this value" not in response.text
    response = client.post(url("agenda_add", pair), {"text": "Ask\x00 about pay"})
    assert "Keep it to one line" in response.text and "Null characters" not in response.text
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"])
def test_homework_due_on_the_viewers_today_says_today_as_the_home_does(client, pair, world, zone):
    """The due date is a date; "today" is the viewer's local date, on the
    homework page as on the home's to-do (found with Pacific/Kiritimati, UTC+14)."""
    world.protege.time_zone = zone
    world.protege.save()
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))
    HomeworkFactory(session__partnership=pair, description="Read chapter 3", due_on=today)
    client.force_login(world.protege)
    assert "Homework due today: Read chapter 3" in client.get(reverse("home:home")).text
    HomeworkFactory(
        session__partnership=pair, description="Read chapter 4", due_on=today + datetime.timedelta(days=1)
    )
    page = client.get(url("homework", pair)).text
    assert page.count("due today") == 1 and "Overdue" not in page
    assert "due tomorrow" in page
