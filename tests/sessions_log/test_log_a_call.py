"""Logging a call: everything in one save, kept when rejected, drafts, homework
defaults and the schedule."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sessions_log import services
from sessions_log.models import AgendaItem, Homework, Session

from .factories import AgendaItemFactory, HomeworkFactory, SessionFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
# A due date other than the next call's, inside the homework's window (a year).
EXERCISE_DUE = datetime.date.today() + datetime.timedelta(days=40)


def _local(moment: datetime.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def log_data(rows: list[dict] | None = None, **changes) -> dict:
    now = timezone.now()
    data = {
        "starts_at": _local(now - datetime.timedelta(hours=2)),
        "minutes": "30",
        "method": "video",
        "status": "held",
        "checkin_notes": "Sam is well; the reading helped.",
        "topic": "Saying no to scope creep",
        "key_learnings": "Separate the people from the problem.",
        "prepare_next": "Bring one real request.",
        "next_call_at": _local(now + datetime.timedelta(days=14)),
    }
    rows = rows if rows is not None else []
    data["homework-TOTAL_FORMS"] = str(len(rows))
    data["homework-INITIAL_FORMS"] = "0"
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"homework-{i}-{key}"] = value
    return data | changes


def url(name, pair, *args):
    return reverse(f"sessions_log:{name}", args=[pair.pk, *args])


def test_the_mentor_logs_a_call_with_homework_which_updates_the_schedule(client, pair, world):
    scope = AgendaItemFactory(partnership=pair, text="Scope creep")
    someday = AgendaItemFactory(partnership=pair, text="Public speaking", someday=True)
    client.force_login(world.mentor)
    rows = [
        {"kind": "reading", "description": "Read Getting to Yes, ch. 1", "link": "https://example.org/yes"},
        {"kind": "exercise", "description": "Say no once this week", "due_on": EXERCISE_DUE.isoformat()},
    ]
    data = log_data(rows, covered=[str(scope.pk)])
    response = client.post(url("session_new", pair), data)
    assert response.status_code == 303, response.text
    call = Session.objects.get()
    assert (call.status, call.is_draft, call.key_learnings) == (
        "held",
        False,
        "Separate the people from the problem.",
    )
    pair.refresh_from_db()
    next_call = datetime.datetime.strptime(data["next_call_at"], "%Y-%m-%dT%H:%M").replace(tzinfo=LONDON)
    assert pair.next_call_at == next_call and pair.next_call_set_by == world.mentor
    assert pair.last_call_at == call.starts_at
    reading, exercise = Homework.objects.order_by("pk")
    assert reading.due_on == next_call.date()  # due by the next call unless said otherwise
    assert reading.link == "https://example.org/yes"
    assert exercise.due_on == EXERCISE_DUE
    assert AgendaItem.objects.get(text="Scope creep").session == call  # ticked: this call covered it
    someday.refresh_from_db()
    assert someday.session is None and someday.someday
    page = client.get(url("call_log", pair)).text
    assert "Read Getting to Yes, ch. 1" in page and "Separate the people from the problem." in page


def test_homework_is_due_a_fortnight_later_when_no_next_call_is_known(pair, world):
    starts_at = timezone.now() - datetime.timedelta(hours=1)
    call = services.session_log(
        partnership=pair,
        by=world.mentor,
        data={"status": "held", "starts_at": starts_at, "minutes": 30, "key_learnings": "x"},
        homework=[{"kind": "reading", "description": "Read it"}],
    )
    assert call.homework.get().due_on == (starts_at + datetime.timedelta(days=14)).astimezone(LONDON).date()


def test_a_rejected_log_keeps_every_field_and_every_homework_row(client, pair, world):
    client.force_login(world.mentor)
    rows = [
        {"kind": "research", "description": "Find how the platform team prioritises", "link": "not a link"},
        {"kind": "exercise", "description": "", "link": "https://example.org/x"},
        {"kind": "reading", "description": "Read Radical Candor, ch. 4", "due_on": EXERCISE_DUE.isoformat()},
    ]
    data = log_data(rows, key_learnings="", minutes="45", topic="Delegating without disappearing")
    response = client.post(url("session_new", pair), data)
    assert response.status_code == 200
    page = response.text
    assert "There is a problem" in page
    assert "Summarise the key learnings of the call" in page
    assert "Homework 1, link: Enter a full web address" in page
    assert "Homework 2, what to do: Describe the homework, or clear this row." in page
    for kept in [
        'value="45"',
        "Delegating without disappearing",
        "Sam is well; the reading helped.",
        "Find how the platform team prioritises",
        'value="not a link"',
        'value="https://example.org/x"',
        "Read Radical Candor, ch. 4",
        f'value="{EXERCISE_DUE.isoformat()}"',
        f'value="{data["starts_at"]}"',
        f'value="{data["next_call_at"]}"',
    ]:
        assert kept in page, kept
    assert 'name="homework-TOTAL_FORMS" value="3"' in page
    assert not Session.objects.exists() and not Homework.objects.exists()


def test_one_transaction_a_failing_homework_row_leaves_no_call_saved(pair, world):
    open_item = HomeworkFactory(
        session__partnership=pair, session__starts_at=timezone.now() - datetime.timedelta(days=20)
    )
    before = pair.last_call_at
    with pytest.raises(ValidationError):
        services.session_log(
            partnership=pair,
            by=world.mentor,
            data={
                "status": "held",
                "starts_at": timezone.now() - datetime.timedelta(hours=1),
                "minutes": 30,
                "key_learnings": "x",
                "next_call_at": timezone.now() + datetime.timedelta(days=7),
            },
            homework=[
                {"kind": "reading", "description": "Fine"},
                {"kind": "nonsense", "description": "Bad kind"},
            ],
            recap={open_item.pk: "done"},
        )
    assert Session.objects.count() == 1  # only the earlier call
    assert Homework.objects.count() == 1
    open_item.refresh_from_db()
    pair.refresh_from_db()
    assert open_item.status == "open" and open_item.recapped_in is None
    assert pair.last_call_at == before and pair.next_call_at is None


def test_the_recap_closes_the_homework_due_and_each_needs_an_answer(client, pair, world):
    earlier = SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=14))
    due = timezone.localdate() - datetime.timedelta(days=1)
    read = HomeworkFactory(session=earlier, description="Read chapter 1", due_on=due)
    practise = HomeworkFactory(session=earlier, description="Practise saying no", due_on=due)
    client.force_login(world.mentor)
    response = client.post(url("session_new", pair), log_data(**{f"recap_{read.pk}": "done"}))
    assert response.status_code == 200
    assert "Homework “Practise saying no”: Say whether it was done, partly done or not done." in response.text
    assert 'value="done" checked' in response.text or "checked" in response.text
    response = client.post(
        url("session_new", pair), log_data(**{f"recap_{read.pk}": "done", f"recap_{practise.pk}": "partly"})
    )
    assert response.status_code == 303
    call = Session.objects.latest("starts_at")
    read.refresh_from_db()
    practise.refresh_from_db()
    assert (read.status, read.recapped_in, read.done_at is not None) == ("done", call, True)
    assert (practise.status, practise.recapped_in, practise.done_at) == ("partly", call, None)


def test_a_reflection_kept_on_unticked_homework_is_not_published_by_the_recap(client, pair, world):
    earlier = SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=14))
    due = timezone.localdate() - datetime.timedelta(days=1)
    item = HomeworkFactory(
        session=earlier, description="Read chapter 1", due_on=due, reflection="Taken back."
    )
    client.force_login(world.mentor)
    response = client.post(url("session_new", pair), log_data(**{f"recap_{item.pk}": "partly"}))
    assert response.status_code == 303
    item.refresh_from_db()
    assert (item.status, item.reflection) == ("partly", "")


def test_a_missed_call_needs_no_learnings_and_leaves_homework_open(client, pair, world):
    item = HomeworkFactory(
        session__partnership=pair, session__starts_at=timezone.now() - datetime.timedelta(days=14)
    )
    client.force_login(world.mentor)
    response = client.post(
        url("session_new", pair), log_data(status="missed", key_learnings="", checkin_notes="Sam was ill.")
    )
    assert response.status_code == 303
    item.refresh_from_db()
    assert item.status == "open"
    pair.refresh_from_db()
    assert pair.last_call_at is None  # a missed call is not the last call held


def test_a_draft_keeps_a_half_written_log_for_the_mentor_only(client, pair, world):
    client.force_login(world.mentor)
    data = log_data(
        [{"kind": "reading", "description": "Read chapter 2"}], key_learnings="", topic="Half written"
    )
    response = client.post(url("session_new", pair), data | {"save_draft": "1"})
    assert response.status_code == 303
    draft = Session.objects.get()
    assert draft.is_draft and draft.topic == "Half written"
    pair.refresh_from_db()
    assert pair.next_call_at is None and pair.last_call_at is None  # nothing takes effect yet
    # Opening "Log a call" again opens the draft, rows included.
    page = client.get(url("session_new", pair)).text
    assert "Finish your log" in page and "Half written" in page and "Read chapter 2" in page
    # The protégé sees neither the draft nor its homework.
    client.force_login(world.protege)
    assert "Half written" not in client.get(url("call_log", pair)).text
    assert "Read chapter 2" not in client.get(url("homework", pair)).text
    # Saving it again as a draft overwrites it; finishing it makes it the call.
    client.force_login(world.mentor)
    client.post(url("session_new", pair), data | {"save_draft": "1", "topic": "Still half written"})
    assert Session.objects.get().topic == "Still half written"
    assert Homework.objects.count() == 1
    response = client.post(url("session_new", pair), data | {"key_learnings": "Finished."})
    assert response.status_code == 303
    call = Session.objects.get()
    assert not call.is_draft and call.key_learnings == "Finished." and call.homework.count() == 1
    client.force_login(world.protege)
    assert "Read chapter 2" in client.get(url("homework", pair)).text


def test_add_another_homework_without_javascript_keeps_what_was_typed(client, pair, world):
    client.force_login(world.mentor)
    data = log_data([{"kind": "exercise", "description": "Say no once"}], topic="Typed topic") | {
        "add_row": "1"
    }
    response = client.post(url("session_new", pair), data)
    assert response.status_code == 200
    page = response.text
    assert "There is a problem" not in page
    assert "Typed topic" in page and 'value="Say no once"' in page
    assert 'name="homework-TOTAL_FORMS" value="2"' in page and 'id="id_homework-1-description"' in page
    assert not Session.objects.exists()


def test_add_another_homework_with_htmx_fetches_an_empty_row(client, pair, world):
    client.force_login(world.mentor)
    response = client.get(
        url("homework_row", pair), {"homework-TOTAL_FORMS": "2"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="id_homework-2-description"' in response.text
    assert "Homework 3" in response.text
    assert 'value="3" id="id_homework-TOTAL_FORMS" hx-swap-oob="true"' in response.text


def test_the_log_form_offers_the_agreements_length_and_method(client, pair, world):
    client.force_login(world.mentor)
    page = client.get(url("session_new", pair)).text
    assert 'name="minutes" value="30"' in page
    assert "Log a call" in page


def test_removing_a_homework_row_without_javascript_keeps_the_others_and_saves_nothing(client, pair, world):
    client.force_login(world.mentor)
    rows = [{"kind": "reading", "description": "Keep me"}, {"kind": "exercise", "description": "Drop me"}]
    response = client.post(
        url("session_new", pair), log_data(rows, topic="Typed topic") | {"remove_row": "1"}
    )
    assert response.status_code == 200
    page = response.text
    assert "Typed topic" in page and 'value="Keep me"' in page and "Drop me" not in page
    assert 'name="homework-TOTAL_FORMS" value="1"' in page
    assert not Session.objects.exists()


# --- The context beside the form ---------------------------------------------------


def test_beside_the_form_the_mentor_sees_the_agenda_the_goals_and_the_last_calls_learnings(
    client, pair, world
):
    SessionFactory(
        partnership=pair,
        starts_at=timezone.now() - datetime.timedelta(days=14),
        key_learnings="Lead with the shared goal.",
        prepare_next="Bring one real request.",
    )
    first = AgendaItemFactory(partnership=pair, text="How do I say no?", added_by=world.protege)
    AgendaItemFactory(partnership=pair, text="Public speaking", someday=True)
    client.force_login(world.mentor)
    page = client.get(url("session_new", pair)).text
    context = page[page.index('<aside class="log-context"') : page.index("</aside>")]
    assert f'<input type="checkbox" name="covered" value="{first.pk}"' in context
    assert "How do I say no?" in context and "added by Sam Protégé" in context
    assert "Public speaking" not in context  # someday is not this call's agenda
    assert "Lead with the shared goal." in context and "Bring one real request." in context
    goals = reverse("goals:call_context", args=[pair.pk])
    assert f'hx-get="{goals}" hx-trigger="load"' in context
    assert f'href="{reverse("goals:goals", args=[pair.pk])}"' in context  # without JavaScript, a link


def test_the_ticked_agenda_becomes_the_calls_and_the_rest_waits_for_the_next_call(client, pair, world):
    covered = AgendaItemFactory(partnership=pair, text="Covered")
    waiting = AgendaItemFactory(partnership=pair, text="Not reached")
    client.force_login(world.mentor)
    response = client.post(url("session_new", pair), log_data(covered=[str(covered.pk)]))
    assert response.status_code == 303
    call = Session.objects.get()
    covered.refresh_from_db()
    waiting.refresh_from_db()
    assert covered.session == call and waiting.session is None and not waiting.someday
    page = client.get(url("call_log", pair)).text
    assert "Agenda covered" in page and "Covered" in page
    assert "Not reached" in client.get(url("call_page", pair)).text


def test_a_draft_keeps_the_ticks_and_they_take_effect_when_it_is_finished(client, pair, world):
    covered = AgendaItemFactory(partnership=pair, text="Covered")
    client.force_login(world.mentor)
    data = log_data(covered=[str(covered.pk)], key_learnings="")
    assert client.post(url("session_new", pair), data | {"save_draft": "1"}).status_code == 303
    covered.refresh_from_db()
    assert covered.session is None  # nothing takes effect in a draft
    page = client.get(url("session_new", pair)).text
    assert f'name="covered" value="{covered.pk}" id="id_covered_0" checked' in page
    # "Add another homework" without JavaScript keeps the ticks too.
    page = client.post(url("session_new", pair), data | {"add_row": "1"}).text
    assert f'name="covered" value="{covered.pk}" id="id_covered_0" checked' in page
    assert client.post(url("session_new", pair), data | {"key_learnings": "Done."}).status_code == 303
    covered.refresh_from_db()
    assert covered.session == Session.objects.get()


def test_a_missed_call_covers_nothing_of_the_agenda(client, pair, world):
    item = AgendaItemFactory(partnership=pair)
    client.force_login(world.mentor)
    data = log_data(status="missed", key_learnings="", covered=[str(item.pk)])
    assert client.post(url("session_new", pair), data).status_code == 303
    item.refresh_from_db()
    assert item.session is None


def test_the_recap_asks_only_about_homework_due_by_the_day_of_the_call(client, pair, world):
    earlier = SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=14))
    today = timezone.localdate()
    due = HomeworkFactory(
        session=earlier, description="Due before", due_on=today - datetime.timedelta(days=2)
    )
    later = HomeworkFactory(
        session=earlier, description="Due next week", due_on=today + datetime.timedelta(days=7)
    )
    client.force_login(world.mentor)
    page = client.get(url("session_new", pair)).text
    assert f'name="recap_{due.pk}"' in page and f'name="recap_{later.pk}"' not in page
    assert "1 more is due later; it waits for its own call" in page and "Due next week" in page
    # A call logged for four days ago asks about neither: the first was due after it too.
    four_days_ago = _local(timezone.now() - datetime.timedelta(days=4))
    response = client.post(url("session_new", pair), log_data(starts_at=four_days_ago))
    assert response.status_code == 303, response.text
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.recapped_in is None and later.recapped_in is None
    # The next call, today, recaps the first without asking about the second.
    response = client.post(url("session_new", pair), log_data(**{f"recap_{due.pk}": "done"}))
    assert response.status_code == 303, response.text
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == "done" and due.recapped_in is not None
    assert later.status == "open" and later.recapped_in is None


def test_the_service_recaps_only_homework_due_by_the_day_of_the_call(pair, world):
    earlier = SessionFactory(partnership=pair, starts_at=timezone.now() - datetime.timedelta(days=14))
    later = HomeworkFactory(session=earlier, due_on=timezone.localdate() + datetime.timedelta(days=7))
    call = services.session_log(
        partnership=pair,
        by=world.mentor,
        data={
            "status": "held",
            "starts_at": timezone.now() - datetime.timedelta(hours=1),
            "key_learnings": "x",
        },
        homework=[],
        recap={later.pk: "not_done"},  # not due yet: not this call's to recap
    )
    later.refresh_from_db()
    assert call.pk and later.status == "open" and later.recapped_in is None
