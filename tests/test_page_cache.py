"""A signed-in person's pages are kept (mentoring.page_cache) until what they
show changes, and never shown stale: after the person's own change, the other
side's change, a change made outside any view, or another person's sign-in."""

import datetime

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from goals.models import Goal, ProgressRating
from mentoring import page_cache
from partnerships.models import Partnership
from programs.models import Program
from sessions_log.models import Homework
from tests.factories import ProgramFactory, UserFactory
from tests.goals.factories import (
    GoalFactory,
    MilestoneFactory,
    ProgressRatingFactory,
    RatingRoundFactory,
    SituationGoalFactory,
)
from tests.pages import our_app_labels
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import CallFeedbackFactory, HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db

PAIR_PAGES = [
    ("home:partnership", "mentor"),
    ("partnerships:agreement", "protege"),
    ("goals:goals", "mentor"),
    ("goals:rating_new", "protege"),
    ("sessions_log:call_log", "mentor"),
    ("sessions_log:call_page", "mentor"),
    ("sessions_log:homework", "protege"),
]

# Tables of ours whose rows no pair page shows, and why.
NOT_ON_PAIR_PAGES = {
    "accounts_user": "people: pair_pages_changed (person_pages_changed)",
    "accounts_dayaway": "a person's days away: read when times are offered, never on a kept page; "
    "saving them restamps accounts_user (availability_set_at) once the weekly hours are set",
    "accounts_weeklyhours": "a person's weekly hours: saving them stamps accounts_user (availability_set_at)",
    "accounts_user_groups": "permissions, shown nowhere",
    "accounts_user_user_permissions": "permissions, shown nowhere",
    "mentoring_sentemail": "the ledger of emails sent",
    "partnerships_calendarfeed": "a person's calendar link, on the profile only",
    "partnerships_draftmatch": "the admin's matching board",
    "partnerships_healthnumbers": "program pages only (what admins see)",
    "health_ratingmonth": "the program overview only (what admins see)",
    "partnerships_invitation": "program pages and the invitee's home (home.scopes)",
    "partnerships_participant": "people: pair_pages_changed (participant_pages_changed)",
    "partnerships_participant_topics_offered": "matching only",
    "partnerships_participant_topics_sought": "matching only",
    "partnerships_program": "programs: pair_pages_changed (program_pages_changed)",
    "partnerships_program_admins": "the header: pair_pages_changed (person_pages_changed)",
    "partnerships_topic": "matching only",
    "programs_programdomain": "program settings and the home's Join cards (home.scopes reads it)",
    "programs_answer": "profile answers: the profile, the admin's person page, matching and the report",
    "programs_answer_choices": "profile answers: the profile, the admin's person page, matching and the report",
    "programs_choice": "profile questions: the admin's questions page, the profile, matching and the report",
    "programs_question": "profile questions: the admin's questions page, the profile, matching and the report",
    "programs_mentorrequest": "requests pages and the matching board, never kept (programs:mentors, /me/requests/)",
    "surveys_survey": "a program's surveys: their setup and results pages, and the survey emails",
    "surveys_surveyquestion": "a survey's questions: its setup, answer and results pages",
    "surveys_surveyanswer": "private answers: aggregates on the results and outcome pages only",
    "reminders_reminder": "reminder emails and notifications, never a pair page",
    "reminders_reminderoptout": "the profile",
}


def _open(client, world, name: str, who: str):
    client.force_login(getattr(world, who))
    return client.get(reverse(name, args=[world.partnership.pk]))


def _version(partnership: Partnership) -> int:
    return Partnership.objects.values_list("page_version", flat=True).get(pk=partnership.pk)


@pytest.mark.parametrize(("name", "who"), PAIR_PAGES)
def test_a_pair_page_seen_again_comes_from_the_cache(client, world, django_assert_num_queries, name, who):
    agree(world.partnership)
    first = _open(client, world, name, who)  # sets the CSRF cookie
    second = client.get(reverse(name, args=[world.partnership.pk]))  # kept
    # savepoint, user, the partnership (its access check and its version), release
    with django_assert_num_queries(4):
        third = client.get(reverse(name, args=[world.partnership.pk]))
    assert first.status_code == second.status_code == third.status_code == 200
    assert third.content == second.content
    assert third["Cache-Control"] == second["Cache-Control"]  # never stored by the browser
    assert third.headers.get("Content-Security-Policy") == second.headers.get("Content-Security-Policy")


def test_the_persons_own_change_shows_at_once(client, world):
    """Rating goals, then the goals page and the partnership home: the new rating."""
    agree(world.partnership)
    goal = SituationGoalFactory(partnership=world.partnership, title="Speak up in design reviews")
    client.force_login(world.protege)
    goals_url = reverse("goals:goals", args=[world.partnership.pk])
    client.get(goals_url)
    before = client.get(goals_url).text
    assert "Not rated yet." in before
    response = client.post(
        reverse("goals:rating_new", args=[world.partnership.pk]),
        {f"g{goal.pk}-value": "7", f"g{goal.pk}-reflection": "Spoke first twice."},
    )
    assert response.status_code in (302, 303), response.content[:2000]
    after = client.get(goals_url).text
    assert "Not rated yet." not in after and "Rated 7 on" in after
    assert "Thank you: your rating" in after  # the message waiting is shown, not a kept page


def test_the_other_sides_change_and_a_change_outside_any_view_show_at_once(client, world):
    agree(world.partnership)
    client.force_login(world.protege)
    url = reverse("sessions_log:homework", args=[world.partnership.pk])
    client.get(url)
    assert "Read chapter four of the style guide" not in client.get(url).text
    call = SessionFactory(partnership=world.partnership)  # as the mentor's log would, outside a view
    HomeworkFactory(
        partnership=world.partnership, session=call, description="Read chapter four of the style guide"
    )
    assert "Read chapter four of the style guide" in client.get(url).text
    Homework.objects.filter(partnership=world.partnership).update(description="Draft the review checklist")
    page = client.get(url).text
    assert "Draft the review checklist" in page and "Read chapter four" not in page


def test_a_name_changed_shows_on_the_other_sides_pages_and_a_renamed_program_too(client, world):
    client.force_login(world.mentor)
    url = reverse("home:partnership", args=[world.partnership.pk])
    client.get(url)
    assert "Sam Protégé" in client.get(url).text
    User.objects.filter(pk=world.protege.pk).update(display_name="Samira Protégé")
    assert "Samira Protégé" in client.get(url).text
    Program.objects.filter(pk=world.program.pk).update(name="Engineering Mentoring 2027")
    assert "Engineering Mentoring 2027" in client.get(url).text


def test_each_person_gets_their_own_page(client, world):
    agree(world.partnership)
    url = reverse("home:partnership", args=[world.partnership.pk])
    client.force_login(world.mentor)
    client.get(url)
    mentors = client.get(url)
    client.logout()
    client.force_login(world.protege)
    client.get(url)
    proteges = client.get(url)
    assert mentors.content != proteges.content
    assert "Morgan Mentor" in proteges.text.split("Your profile: ")[0] or "Sam Protégé" in proteges.text
    assert "Your profile: </span>Sam Protégé" in proteges.text
    assert "Your profile: </span>Morgan Mentor" in mentors.text


def test_an_outsider_and_a_signed_out_person_never_get_a_kept_page(client, world):
    url = reverse("home:partnership", args=[world.partnership.pk])
    client.force_login(world.mentor)
    client.get(url)
    client.get(url)
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_my_home_shows_a_new_partnership_and_an_agreement_at_once(client, world):
    from tests.factories import PartnershipFactory

    client.force_login(world.mentor)
    url = reverse("home:home")
    client.get(url)
    assert client.get(url).text.count('class="card"') == 1
    PartnershipFactory(program=world.program, mentor=world.partnership.mentor)
    assert client.get(url).text.count('class="card"') == 2


def test_a_page_is_kept_no_later_than_midnight_and_the_moment_it_names(settings):
    settings.PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    with timezone.override(datetime.UTC):
        midnight = datetime.datetime.combine(
            now.date() + datetime.timedelta(days=1), datetime.time.min, datetime.UTC
        )
        assert page_cache._seconds_valid(None) <= min(3600, (midnight - now).total_seconds())
        assert page_cache._seconds_valid(now + datetime.timedelta(seconds=90)) <= 90
        assert page_cache._seconds_valid(now - datetime.timedelta(seconds=90)) <= 3600  # past: no cut


def test_a_message_waiting_is_never_kept_nor_skipped(rf: RequestFactory, world):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    request = rf.get("/")
    request.user = world.mentor
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.META["CSRF_COOKIE"] = "x" * 32
    request._messages.add(20, "Saved.")
    assert page_cache._key(request, "scope") is None
    assert len(get_messages(request)) == 1  # looked at, not used up


# --- every table a pair page shows raises the pair's page version ---


def _triggers() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return found


def test_every_table_of_ours_raises_the_page_version_or_is_named_as_not_shown():
    triggers = _triggers()
    tables = {
        model._meta.db_table
        for label in our_app_labels()
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    missing = sorted(
        table for table in tables if table not in NOT_ON_PAIR_PAGES and not triggers.get(table, set())
    )
    assert not missing, f"no page-version trigger and not named as not shown: {missing}"
    assert set(NOT_ON_PAIR_PAGES) <= tables, set(NOT_ON_PAIR_PAGES) - tables
    for table in (
        "accounts_user",
        "partnerships_participant",
        "partnerships_program",
        "partnerships_program_admins",
    ):
        assert "pair_pages_changed" in triggers.get(table, set()), table
    assert "page_version_rises" in triggers["partnerships_partnership"]


def test_each_kind_of_write_raises_the_version(world):
    pair = world.partnership
    steps = [
        lambda: agree(pair),  # agreement rows
        lambda: GoalFactory(partnership=pair),  # a row with the pair's id
        lambda: MilestoneFactory(goal=Goal.objects.filter(partnership=pair).first()),  # through a goal
        lambda: ProgressRatingFactory(
            goal=Goal.objects.filter(partnership=pair).first(), round=RatingRoundFactory(partnership=pair)
        ),
        lambda: ProgressRating.objects.filter(goal__partnership=pair).update(value=3),  # bulk update
        lambda: CallFeedbackFactory(session=SessionFactory(partnership=pair)),  # through a call
        lambda: ProgressRating.objects.filter(goal__partnership=pair).delete(),  # deletes
        lambda: User.objects.filter(pk=world.mentor.pk).update(display_name="M. Mentor"),  # a person
        lambda: pair.mentor.__class__.objects.filter(pk=pair.protege_id).update(
            capacity=3
        ),  # a participation
        lambda: Program.objects.filter(pk=pair.program_id).update(name="Renamed"),  # the program
        lambda: world.program.admins.add(world.protege),  # the header's "Programs"
        lambda: Partnership.objects.filter(pk=pair.pk).update(ended_reason="x"),  # the pair itself
    ]
    for step in steps:
        before = _version(pair)
        step()
        assert _version(pair) > before, step


def test_a_save_that_writes_back_an_old_version_still_raises_it(world):
    pair = Partnership.objects.get(pk=world.partnership.pk)
    GoalFactory(partnership=pair)  # raises it in the database, not on `pair`
    raised = _version(pair)
    assert pair.page_version < raised
    pair.save()
    assert _version(pair) > raised


def test_another_persons_pages_are_left_alone(world):
    other = UserFactory()
    before = _version(world.partnership)
    User.objects.filter(pk=other.pk).update(display_name="Someone else")
    assert _version(world.partnership) == before


def test_my_home_shows_invitations_as_they_come_change_and_go(client, world):
    from programs.models import Invitation
    from tests.home.test_home_invitations import invitation_to

    person = UserFactory(email="newcomer@example.org")
    client.force_login(person)
    url = reverse("home:home")
    client.get(url)
    assert "Invitations waiting for you" not in client.get(url).text
    invitation = invitation_to(world, "NEWCOMER@example.org")
    assert f"invited you to {world.program.name} as mentor" in client.get(url).text
    Program.objects.filter(pk=world.program.pk).update(name="Mentoring Circle 2027")
    assert "invited you to Mentoring Circle 2027 as mentor" in client.get(url).text
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    assert "Invitations waiting for you" not in client.get(url).text


def test_my_home_is_kept_no_later_than_the_first_invitation_expires(world):
    from home.scopes import home_scope
    from tests.home.test_home_invitations import invitation_to

    person = UserFactory(email="soon@example.org")
    soon = timezone.now() + datetime.timedelta(minutes=5)
    invitation_to(world, "soon@example.org", expires_at=soon)
    invitation_to(
        world, "soon@example.org", program=ProgramFactory(), expires_at=soon + datetime.timedelta(days=3)
    )
    scope = home_scope(person)
    assert scope is not None and scope[1] == soon
    world.program.admins.add(person)
    assert home_scope(person) is None  # the home of someone who runs a program counts its people


def test_my_home_is_kept_no_later_than_a_set_next_call_starts(world):
    from home.scopes import home_scope

    soon = timezone.now() + datetime.timedelta(minutes=7)
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=soon, next_call_time_zone="UTC")
    scope = home_scope(world.mentor)
    assert scope is not None and scope[1] == soon


def test_no_page_is_kept_past_the_next_quarter_hour_when_any_zones_day_may_turn(settings):
    """A call turns late at midnight in its pair's zone, which may be neither
    the viewer's midnight nor a moment the view names: every zone's midnight
    falls on a quarter hour of UTC."""
    settings.PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    to_quarter = 900 - now.timestamp() % 900
    assert page_cache._seconds_valid(None) <= to_quarter


def test_an_address_with_a_query_the_page_does_not_read_is_not_kept(client, world, django_assert_num_queries):
    url = reverse("sessions_log:homework", args=[world.partnership.pk])
    client.force_login(world.protege)
    client.get(url + "?x=1")
    with django_assert_num_queries(8):  # built again: nothing kept for ?x=…
        client.get(url + "?x=1")
    calls = reverse("sessions_log:call_log", args=[world.partnership.pk])
    client.get(calls + "?page=2")
    with django_assert_num_queries(4):  # the call log reads ?page=
        client.get(calls + "?page=2")


def test_a_row_moved_to_another_pair_changes_both_and_a_sign_in_changes_neither(world):
    from tests.factories import PartnershipFactory

    other = PartnershipFactory(program=world.program)
    goal = GoalFactory(partnership=world.partnership)
    before = (_version(world.partnership), _version(other))
    Goal.objects.filter(pk=goal.pk).update(partnership=other)
    after = (_version(world.partnership), _version(other))
    assert after[0] > before[0] and after[1] > before[1]
    User.objects.filter(pk=world.mentor.pk).update(last_login=timezone.now(), password="!")
    assert (_version(world.partnership), _version(other)) == after


def test_a_new_release_never_serves_a_page_of_the_one_before(rf, world, monkeypatch):
    request = rf.get("/")
    request.user = world.mentor
    request.META["CSRF_COOKIE"] = "x" * 32
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    key = page_cache._key(request, "scope")
    monkeypatch.setattr(page_cache, "release", lambda: "next-release")
    assert page_cache._key(request, "scope") != key


def test_my_home_shows_a_program_open_to_my_domain_as_soon_as_an_admin_opens_it(client, world):
    from allauth.account.models import EmailAddress

    from programs.services.join import program_join_set

    person = UserFactory(email="newcomer@acme-mentoring.org")
    EmailAddress.objects.filter(user=person).update(verified=True)
    client.force_login(person)
    url = reverse("home:home")
    client.get(url)
    assert world.program.name not in client.get(url).text
    program_join_set(program=world.program, domains=["acme-mentoring.org"], role="protege", by=world.admin)
    assert world.program.name in client.get(url).text
    program_join_set(program=world.program, domains=[], role="protege", by=world.admin)
    assert world.program.name not in client.get(url).text
