"""My home's one "to do" list: across my partnerships, most urgent first, each
item with its one-click action; the admin's program cards with the pairs
and protégés that need a look. A fixed number of queries whatever the
number of partnerships, and never a kept page that misses a new item."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.agreements import agreement_propose
from partnerships.models import Partnership
from programs.models import Participant
from tests.factories import ParticipantFactory, PartnershipFactory, ProgramFactory
from tests.goals.factories import GoalFactory, GoalSuggestionFactory, RatingRoundFactory
from tests.partnerships.agreement_helpers import agree, terms
from tests.sessions_log.factories import HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def today_plus(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def started(partnership: Partnership, days: int) -> None:
    Partnership.objects.filter(pk=partnership.pk).update(
        started_on=today_plus(-days), planned_end_on=today_plus(180 - days)
    )
    partnership.refresh_from_db()


def to_do_items(page: str) -> list[str]:
    """The to-do list's items, in order, as their text without tags."""
    match = re.search(r'<ol class="to-do-list">(.*?)</ol>', page, re.S)
    assert match, "no to-do list on the page"
    items = re.findall(r"<li class=\"to-do-item.*?</li>", match[1], re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def a_pair_with_everything_due(world) -> Partnership:
    """The world's pair on a two-week rhythm, five weeks after its only call:
    a check-in rating overdue, homework overdue and due soon, a change to the
    agreement and a goal suggestion waiting for the protégé, a half-written log
    for the mentor."""
    pair = world.partnership
    started(pair, 60)
    agree(pair)
    call = SessionFactory(partnership=pair, starts_at=days_ago(35), key_learnings="Ask first.")
    Partnership.objects.filter(pk=pair.pk).update(last_call_at=call.starts_at)
    goals = [GoalFactory(partnership=pair) for _ in range(2)]
    RatingRoundFactory(partnership=pair, point="baseline", created_at=days_ago(20))
    HomeworkFactory(session=call, description="Draft the retro format", due_on=today_plus(-3))
    HomeworkFactory(session=call, description="Read chapter four", due_on=today_plus(2))
    agreement_propose(partnership=pair, by=world.mentor, terms=terms(cadence="weekly"))
    GoalSuggestionFactory(partnership=pair, title="Chair the planning meeting")
    SessionFactory(partnership=pair, is_draft=True, status="planned", starts_at=days_ago(1))
    assert len(goals) == 2
    return pair


def test_the_protege_sees_everything_due_in_one_list_most_urgent_first_each_with_its_action(client, world):
    pair = a_pair_with_everything_due(world)
    client.force_login(world.protege)
    page = client.get(reverse("home:home")).text
    items = to_do_items(page)
    assert [item.split(" ")[0] for item in items[:3]] == ["Overdue"] * 3
    # The oldest overdue first: the call expected three weeks ago, the rating, then the homework.
    assert "No call since" in items[0] and "you agreed to meet every two weeks" in items[0]
    assert "Check in on your 2 goals: rate your progress 0 to 10. It was due" in items[1]
    assert "Homework due" in items[2] and "Draft the retro format" in items[2]
    assert "Morgan Mentor proposed a change to your agreement." in items[3]
    assert "Morgan Mentor suggested a goal for you." in items[4]
    assert "Read chapter four" in items[5] and "Overdue" not in items[5]
    assert len(items) == 6
    assert "rating rating" not in page and "Check-in rating rating" not in page
    for action, address in [
        ("Set a time", reverse("home:partnership", args=[pair.pk]) + "#next-call"),
        ("Rate your goals", reverse("goals:rating_new", args=[pair.pk])),
        ("Open your homework", reverse("sessions_log:homework", args=[pair.pk])),
        ("Read and accept", reverse("partnerships:agreement", args=[pair.pk]) + "#proposal"),
        ("Take it on or decline", reverse("goals:goals", args=[pair.pk]) + "#suggestions-title"),
    ]:
        assert re.search(rf'href="{re.escape(address)}" aria-describedby="[^"]+">{action}</a>', page), action
    # The mentor's half-written log is his, not hers.
    assert "Finish your log" not in page


def test_the_mentor_sees_his_unfinished_log_the_late_call_and_no_homework_or_rating(client, world):
    pair = a_pair_with_everything_due(world)
    client.force_login(world.mentor)
    page = client.get(reverse("home:home")).text
    items = to_do_items(page)
    assert len(items) == 2, items
    assert "No call since" in items[0]
    assert "Your log of the call on" in items[1] and "is not finished yet." in items[1]
    assert f'href="{reverse("sessions_log:session_new", args=[pair.pk])}"' in page
    assert "Homework" not in " ".join(items) and "Rate your goals" not in page
    # His own proposal waits for the other side: said on the card, not a to-do.
    assert "Your proposed agreement waits for Sam Protégé." in page


def test_an_item_names_whose_it_is_only_when_there_are_several_partnerships(client, world):
    started(world.partnership, 10)
    client.force_login(world.mentor)
    assert "Mentoring Sam Protégé" not in client.get(reverse("home:home")).text
    other = PartnershipFactory(
        program=world.program, mentor=world.partnership.mentor, protege__user__display_name="Rae Other"
    )
    page = client.get(reverse("home:home")).text
    assert "Mentoring Sam Protégé" in page and "Mentoring Rae Other" in page
    assert other.pk


def test_a_new_pair_is_asked_to_agree_and_the_protege_to_write_her_goals(client, world):
    started(world.partnership, 3)
    client.force_login(world.protege)
    items = to_do_items(client.get(reverse("home:home")).text)
    assert any("Agree how you will work together" in item for item in items)
    assert any("Write your first goals" in item for item in items)
    assert not any(
        "rate" in item.lower() and "goal" in item.lower() and "Write" not in item for item in items
    )


def test_an_agreed_pair_on_rhythm_is_asked_to_set_the_next_call(client, world):
    started(world.partnership, 5)
    agree(world.partnership)
    client.force_login(world.mentor)
    items = to_do_items(client.get(reverse("home:home")).text)
    assert len(items) == 1 and "Set the date and time of your next call, expected by" in items[0]
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=timezone.now() + datetime.timedelta(days=3), next_call_time_zone="UTC"
    )
    page = client.get(reverse("home:home")).text
    assert "Nothing needs you right now." in page


def test_a_rating_due_later_than_a_week_is_not_on_the_list_yet(client, world):
    started(world.partnership, 5)
    agree(world.partnership, cadence="monthly")
    GoalFactory(partnership=world.partnership)
    RatingRoundFactory(partnership=world.partnership, point="baseline", created_at=days_ago(2))
    client.force_login(world.protege)
    page = client.get(reverse("home:home")).text
    assert "Rate your goals" not in page


def test_a_kept_home_shows_a_new_to_do_at_once(client, world):
    """The home is kept (home.scopes) under each pair's page version: a new
    homework, a half-written log or a suggestion raises it."""
    started(world.partnership, 5)
    agree(world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=timezone.now() + datetime.timedelta(days=3), next_call_time_zone="UTC"
    )
    GoalFactory(partnership=world.partnership)
    RatingRoundFactory(partnership=world.partnership, point="baseline", created_at=days_ago(1))
    client.force_login(world.protege)
    url = reverse("home:home")
    client.get(url)
    assert "Nothing needs you right now." in client.get(url).text  # kept
    call = SessionFactory(partnership=world.partnership, starts_at=days_ago(1))
    HomeworkFactory(session=call, description="Sketch the team map", due_on=today_plus(1))
    assert "Sketch the team map" in client.get(url).text
    GoalSuggestionFactory(partnership=world.partnership)
    assert "Morgan Mentor suggested a goal for you." in client.get(url).text


# --- The programs I run ---


def test_the_admins_program_card_counts_stalled_at_risk_and_waiting_and_links_to_each_list(client, world):
    program = world.program
    stalled = PartnershipFactory(program=program)
    Partnership.objects.filter(pk=stalled.pk).update(started_on=today_plus(-60))
    agree(stalled, cadence="weekly")
    at_risk = PartnershipFactory(program=program)  # matched a month ago, no agreement yet
    Partnership.objects.filter(pk=at_risk.pk).update(started_on=today_plus(-30))
    ParticipantFactory(program=program, role=Participant.Role.PROTEGE, status=Participant.Status.ACTIVE)
    client.force_login(world.admin)
    page = client.get(reverse("home:home")).text
    overview = reverse("home:program_overview", args=[program.slug])
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "1 stalled pair" in text and "at risk" in text and "1 protégé waiting for a mentor" in text
    assert f'href="{overview}?health=stalled#pairs"' in page
    assert f'href="{overview}?health=at_risk#pairs"' in page
    assert f'href="{reverse("partnerships:matching_board", args=[program.slug])}#waiting"' in page
    # The world's own pair (started in the factory's past, no agreement) is at risk too.
    at_risk_count = re.search(r'watch--at-risk[^>]*>.*?<span class="watch__count">(\d+)</span>', page, re.S)
    assert at_risk_count and int(at_risk_count[1]) >= 1


def test_a_program_with_nothing_to_look_at_shows_zeros_without_links(client, world):
    program = ProgramFactory(admins=[world.admin])
    client.force_login(world.admin)
    page = client.get(reverse("home:home")).text
    overview = reverse("home:program_overview", args=[program.slug])
    assert f'href="{overview}?health=stalled#pairs"' not in page


# --- A fixed number of queries, whatever the number of partnerships ---


def _everything_due_in(partnership: Partnership, mentor) -> None:
    started(partnership, 60)
    agreement_propose(partnership=partnership, by=mentor, terms=terms())
    call = SessionFactory(partnership=partnership, starts_at=days_ago(30))
    HomeworkFactory(session=call, due_on=today_plus(-2))
    HomeworkFactory(session=call, due_on=today_plus(2))
    GoalFactory(partnership=partnership)
    RatingRoundFactory(partnership=partnership, point="baseline", created_at=days_ago(40))
    GoalSuggestionFactory(partnership=partnership)
    SessionFactory(partnership=partnership, is_draft=True, status="planned", starts_at=days_ago(1))


@pytest.mark.parametrize("who", ["mentor", "protege"])
def test_the_home_runs_the_same_queries_for_one_or_many_partnerships_with_everything_due(
    client, world, django_assert_num_queries, who
):
    _everything_due_in(world.partnership, world.mentor)
    client.force_login(getattr(world, who))
    # savepoint, user, the page's scope (home.scopes), partnerships with what is to do
    # and their stage (home.selectors.facts), their current versions, programs run,
    # invitations waiting, requests for a mentor (home.selectors.requests), programs open to my domain
    # (programs.selectors.join), release
    with django_assert_num_queries(10):
        first = client.get(reverse("home:home")).text
    mentor = world.partnership.mentor
    Participant.objects.filter(pk=mentor.pk).update(capacity=10)
    protege_user = world.protege
    for _ in range(6):
        # The mentor mentors more; the protégé has mentors in more programs.
        _everything_due_in(PartnershipFactory(program=world.program, mentor=mentor), world.mentor)
        elsewhere = PartnershipFactory(protege__user=protege_user)
        _everything_due_in(elsewhere, elsewhere.mentor.user)
    with django_assert_num_queries(10):
        page = client.get(reverse("home:home")).text
    assert len(to_do_items(page)) > len(to_do_items(first))


def test_the_admins_home_runs_the_same_queries_for_one_or_many_programs_and_pairs(
    client, world, django_assert_num_queries
):
    client.force_login(world.admin)
    # user, savepoint, the scope's "runs a program?" (then not kept), partnerships,
    # programs run with what needs a look, invitations waiting, requests for a mentor, programs
    # open to my domain, release
    with django_assert_num_queries(9):
        client.get(reverse("home:home"))
    for _ in range(3):
        program = ProgramFactory(admins=[world.admin])
        for days in (10, 40, 70):
            pair = PartnershipFactory(program=program)
            Partnership.objects.filter(pk=pair.pk).update(started_on=today_plus(-days))
            if days > 10:
                agree(pair, cadence="weekly")
        ParticipantFactory(program=program, role=Participant.Role.PROTEGE, status=Participant.Status.ACTIVE)
    with django_assert_num_queries(9):
        page = client.get(reverse("home:home")).text
    assert page.count('class="card program-card"') == 4


def test_times_offered_for_the_next_call_are_the_pickers_to_do_and_stop_nagging_the_one_who_offered(
    client, world
):
    from partnerships.scheduling import time_offer_create

    pair = world.partnership
    started(pair, 10)
    agree(pair)
    Partnership.objects.filter(pk=pair.pk).update(last_call_at=days_ago(10))
    client.force_login(world.mentor)
    assert any(
        "Set the date and time of your next call" in item for item in to_do_items(client.get("/").text)
    )

    time_offer_create(partnership=pair, by=world.mentor)

    mentor_items = to_do_items(client.get("/").text) if "to-do-list" in client.get("/").text else []
    assert not any("next call" in item for item in mentor_items)
    client.force_login(world.protege)
    page = client.get("/").text
    picks = [item for item in to_do_items(page) if "offered times for your next call" in item]
    assert picks and "Pick a time" in picks[0]
    assert reverse("partnerships:schedule", args=[pair.pk]) in page
    # The pair's own home says it in its next-call panel, not twice.
    pair_page = client.get(reverse("home:partnership", args=[pair.pk])).text
    assert pair_page.count("offered times for your next call") == 1
