"""The partnership home leads with what to do: the role's main actions as
buttons right under its heading, the pair's stage tracker, a gentle note when
the pair falls behind the rhythm it agreed, and the last call's key learnings
(every call is on the Calls tab)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership
from partnerships.services import partnership_close
from tests.goals.factories import GoalFactory, RatingRoundFactory
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db


def home_of(client, world, who: str) -> str:
    client.force_login(getattr(world, who))
    return client.get(reverse("home:partnership", args=[world.partnership.pk])).text


def main_actions(page: str) -> list[tuple[str, str]]:
    """The main actions' (href, name), in order."""
    block = re.search(r'<div class="pair-actions">(.*?)</div>', page, re.S)
    assert block, "no main actions"
    return [
        (href, " ".join(re.sub(r"<[^>]+>", " ", name).split()))
        for href, name in re.findall(r'<a role="button"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', block[1], re.S)
    ]


def test_the_mentors_main_actions_come_first_log_a_call_and_set_the_next_call(client, world):
    agree(world.partnership)
    pair = world.partnership.pk
    page = home_of(client, world, "mentor")
    assert main_actions(page) == [
        (reverse("sessions_log:session_new", args=[pair]), "Log a call"),
        ("#next-call", "Set the next call"),
        (reverse("sessions_log:call_page", args=[pair]), "Prepare the next call"),
    ]
    # Right under the heading, before the stage tracker and every panel.
    assert page.index("<h1>") < page.index('class="pair-actions"') < page.index('class="stage-tracker"')
    assert page.index('class="stage-tracker"') < page.index('id="next-call"')


def test_with_a_half_written_log_the_mentor_is_asked_to_finish_it(client, world):
    agree(world.partnership)
    SessionFactory(partnership=world.partnership, is_draft=True, status="planned")
    page = home_of(client, world, "mentor")
    assert main_actions(page)[0][1] == "Finish your draft log"


def test_the_proteges_main_actions_rate_add_to_the_agenda_and_homework_due(client, world):
    agree(world.partnership)
    pair = world.partnership.pk
    page = home_of(client, world, "protege")
    assert [name for _, name in main_actions(page)] == ["Add a goal", "Add an agenda item", "Your homework"]
    GoalFactory(partnership=world.partnership)
    call = SessionFactory(partnership=world.partnership)
    HomeworkFactory(session=call, due_on=timezone.localdate() - datetime.timedelta(days=1))
    HomeworkFactory(session=call, due_on=timezone.localdate() + datetime.timedelta(days=2))
    page = client.get(reverse("home:partnership", args=[pair])).text
    assert main_actions(page) == [
        (reverse("goals:rating_new", args=[pair]), "Rate your goals"),
        (reverse("sessions_log:call_page", args=[pair]) + "#agenda", "Add an agenda item"),
        (reverse("sessions_log:homework", args=[pair]), "Homework due (2)"),
    ]


def test_the_stage_tracker_is_an_ordered_list_with_the_current_stage_marked_in_words(client, world):
    agree(world.partnership)
    page = home_of(client, world, "mentor")
    tracker = re.search(r'<ol class="stage-tracker">(.*?)</ol>', page, re.S)
    assert tracker
    stages = re.findall(r"<li class=\"stage [^\"]*\"( aria-current=\"step\")?>(.*?)</li>", tracker[1], re.S)
    words = [" ".join(re.sub(r"<[^>]+>", " ", body).split()) for _, body in stages]
    assert words == [
        "✓ Matched done",
        "✓ Agreement done",
        "3 First call to do now",
        "4 Goals rated to come",
        "5 Mid-point review to come",
        "6 Closing to come",
    ]
    assert [bool(current) for current, _ in stages] == [False, False, True, False, False, False]


def test_the_stage_reads_the_same_on_the_home_card(client, world):
    agree(world.partnership)
    SessionFactory(partnership=world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=timezone.now())
    RatingRoundFactory(partnership=world.partnership, point="baseline")
    page = home_of(client, world, "protege")
    assert 'aria-current="step">' in page
    assert re.search(r'aria-current="step">\s*<span class="stage__mark"[^>]*>5</span>', page)
    home = client.get(reverse("home:home")).text
    assert "Stage 5 of 6: Mid-point review" in home


def test_an_ended_partnership_has_no_actions_and_is_closed(client, world):
    agree(world.partnership)
    partnership_close(partnership=world.partnership, by=world.mentor, outcome="completed")
    page = home_of(client, world, "protege")
    assert 'class="pair-actions"' not in page
    assert "Closing closed" in " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_gentle_note_when_the_pair_falls_behind_the_rhythm_it_agreed(client, world):
    agree(world.partnership)  # every two weeks
    Partnership.objects.filter(pk=world.partnership.pk).update(
        last_call_at=timezone.now() - datetime.timedelta(days=36)
    )
    page = home_of(client, world, "protege")
    assert "Your last call was 5 weeks ago; you agreed to meet every two weeks." in page
    assert '<a href="#next-call">Set a time?</a>' in page
    Partnership.objects.filter(pk=world.partnership.pk).update(
        last_call_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert (
        "Your last call was" not in client.get(reverse("home:partnership", args=[world.partnership.pk])).text
    )


def test_a_pair_that_never_met_is_told_since_when(client, world):
    agree(world.partnership, cadence="weekly")
    Partnership.objects.filter(pk=world.partnership.pk).update(
        started_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    page = home_of(client, world, "mentor")
    assert "You have not had a call since you started on" in page and "you agreed to meet weekly." in page


def test_the_last_calls_learnings_and_next_steps_instead_of_a_paged_log(client, world):
    agree(world.partnership)
    SessionFactory(
        partnership=world.partnership,
        starts_at=timezone.now() - datetime.timedelta(days=20),
        key_learnings="An older lesson",
    )
    SessionFactory(
        partnership=world.partnership,
        starts_at=timezone.now() - datetime.timedelta(days=6),
        key_learnings="Ask the team first.",
        prepare_next="Bring the retro notes.",
    )
    SessionFactory(
        partnership=world.partnership, starts_at=timezone.now() - datetime.timedelta(days=2), status="missed"
    )
    page = home_of(client, world, "protege")
    section = re.search(r'<section id="last-call".*?</section>', page, re.S)
    assert section
    assert "Ask the team first." in section[0] and "Bring the retro notes." in section[0]
    assert "An older lesson" not in page
    assert (
        f'href="{reverse("sessions_log:call_log", args=[world.partnership.pk])}">All calls</a>' in section[0]
    )
    assert 'id="timeline"' not in page and "Older calls" not in page


def test_an_address_with_the_old_calls_page_is_not_kept(client, world, django_assert_num_queries):
    """The paged log and its ?calls= are gone: such an address is built every time, never kept."""
    agree(world.partnership)
    url = reverse("home:partnership", args=[world.partnership.pk])
    client.force_login(world.mentor)
    client.get(url)
    client.get(url)
    with django_assert_num_queries(4):  # kept
        client.get(url)
    client.get(url + "?calls=2")
    with CaptureQueriesContext(connection) as built:
        client.get(url + "?calls=2")
    assert len(built) > 4


def test_the_partnership_home_runs_the_same_queries_whatever_is_to_do(
    client, world, django_assert_num_queries
):
    agree(world.partnership)
    client.force_login(world.protege)
    url = reverse("home:partnership", args=[world.partnership.pk])
    # savepoint, user, the page version, partnership, its current versions, what is to do and
    # the stage and times offered waiting, the last call, the open homework, the agenda, goals
    # panel (2: no goals), header, release
    with django_assert_num_queries(13):
        client.get(url)
    for n in range(8):
        call = SessionFactory(
            partnership=world.partnership, starts_at=timezone.now() - datetime.timedelta(days=60 - n)
        )
        HomeworkFactory(session=call, due_on=timezone.localdate() + datetime.timedelta(days=n - 4))
    for _ in range(3):
        GoalFactory(partnership=world.partnership)
    RatingRoundFactory(partnership=world.partnership, point="baseline")
    with django_assert_num_queries(14):  # with active goals, their ratings too
        client.get(url)
