"""The profile offers each reminder kind only to people it can reach."""

import pytest
from django.urls import reverse

from reminders.forms import ReminderPreferencesForm
from reminders.models import Kind, ReminderOptOut
from reminders.selectors import REACHES, reachable_kinds

pytestmark = pytest.mark.django_db

STALL_LABEL = "Stalled partnerships in programs you run"


def offered_on_the_profile(client, user) -> set[str]:
    client.force_login(user)
    page = client.get(reverse("home:profile")).text
    return {kind for kind in Kind.values if f'name="reminders-kinds" value="{kind}"' in page}


def test_a_protege_is_not_offered_stall_flags_of_programs_they_do_not_run(client, world):
    client.force_login(world.protege)
    page = client.get(reverse("home:profile")).text
    assert STALL_LABEL not in page
    assert "Prompts to rate your goals" in page


@pytest.mark.parametrize(
    "persona, kinds",
    [
        ("protege", {"check_in", "agreement_pending", "nudge", "rating", "homework", "survey"}),
        ("mentor", {"check_in", "agreement_pending", "nudge", "survey"}),
        ("admin", {"stall"}),
        ("outsider", set()),
    ],
)
def test_each_person_is_offered_the_kinds_that_can_reach_them(client, world, persona, kinds):
    assert offered_on_the_profile(client, getattr(world, persona)) == kinds


def test_every_kind_says_whom_it_reaches():
    """A new kind must say whom it reaches, or the profile cannot offer it."""
    assert set(REACHES) == set(Kind.values)
    assert all(REACHES[kind] <= {"mentor", "protege", "admin"} and REACHES[kind] for kind in Kind.values)


def test_an_admin_who_mentors_is_offered_both(world):
    world.program.admins.add(world.mentor)
    assert set(reachable_kinds(world.mentor)) == {"check_in", "agreement_pending", "nudge", "stall", "survey"}


def test_saving_keeps_a_kind_not_offered_as_it_was(client, world):
    ReminderOptOut.objects.create(user=world.protege, kind=Kind.STALL)
    client.force_login(world.protege)
    client.post(
        reverse("home:profile"), {"form": "reminders", "reminders-kinds": [Kind.CHECK_IN, Kind.RATING]}
    )
    assert set(ReminderOptOut.objects.filter(user=world.protege).values_list("kind", flat=True)) == {
        Kind.STALL,  # still stopped: it was not on the form
        Kind.AGREEMENT_PENDING,
        Kind.NUDGE,
        Kind.HOMEWORK,
        Kind.SURVEY,
    }


def test_a_kind_not_offered_is_refused_if_posted(world):
    form = ReminderPreferencesForm({"kinds": [Kind.STALL]}, offered=reachable_kinds(world.protege))
    assert not form.is_valid()
    assert "kinds" in form.errors


def test_someone_no_reminder_can_reach_is_told_so_instead_of_an_empty_form(client, world):
    client.force_login(world.outsider)
    page = client.get(reverse("home:profile")).text
    assert "No reminders reach you yet" in page
    assert "Save reminder settings" not in page
    client.force_login(world.protege)
    assert "Save reminder settings" in client.get(reverse("home:profile")).text


def test_the_reminder_kinds_left_as_they_were_do_not_read_as_changed(world):
    """A protégé is offered some kinds only; the kinds they want include one
    not offered (stall flags), which made the part always read "not saved yet"."""
    offered = reachable_kinds(world.protege)
    wanted = list(Kind.values)
    assert set(wanted) - set(offered)
    form = ReminderPreferencesForm(
        {"kinds": [kind for kind in Kind.values if kind in offered]},
        offered=offered,
        initial={"kinds": wanted},
    )
    assert not form.has_changed()
    assert form.is_valid() and set(form.wanted(wanted)) == set(wanted)
