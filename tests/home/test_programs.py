"""The programs I run: the list, a program's overview (only its admins; the
terms of each pair, never what the pair keeps to itself) and closing a pair
from it."""

import pytest
from django.urls import reverse

from partnerships.models import ClosingReflection
from programs.models import Participant
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import PartnershipFactory, ProgramFactory
from tests.partnerships.agreement_helpers import agree

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in [
        reverse("home:program_list"),
        reverse("home:program_overview", args=[world.program.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_program_list_shows_only_programs_i_run(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("home:program_list"))
    assert world.program.name in response.text
    other = ProgramFactory()
    assert other.name not in response.text


def test_someone_who_runs_no_program_sees_an_empty_list(client, world):
    client.force_login(world.mentor)
    response = client.get(reverse("home:program_list"))
    assert response.status_code == 200
    assert "You run no program yet" in response.text


def test_the_program_list_runs_the_same_queries_for_one_or_many_programs(
    client, world, django_assert_num_queries
):
    client.force_login(world.admin)
    # 5, and 2 for whether they may create programs (Django's permissions: their own, their groups').
    with django_assert_num_queries(7) as first:
        client.get(reverse("home:program_list"))
    for _ in range(5):
        ProgramFactory(admins=[world.admin])
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("home:program_list"))
    assert response.text.count('class="card"') == 6


@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_its_overview(client, world, persona, status):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("home:program_overview", args=[world.program.slug]))
    assert response.status_code == status


# --- Closing a pair from the overview ---


def load_of(participant: Participant) -> int:
    participant.refresh_from_db()
    return participant.load


@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_close_from_the_program_page(client, world, persona, status):
    client.force_login(getattr(world, persona))
    response = client.post(
        reverse("home:program_partnership_close", args=[world.program.slug, world.partnership.pk]),
        {"outcome": "completed", "confirm": "on"},
    )
    assert response.status_code == (303 if status == 200 else status)
    world.partnership.refresh_from_db()
    assert (world.partnership.status == "completed") == (persona == "admin")


def test_the_admin_ends_a_pair_early_with_a_reason_and_the_mentors_place_is_free(client, world):
    client.force_login(world.admin)
    url = reverse("home:program_partnership_close", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"outcome": "ended", "reason": ""})
    assert response.status_code == 200  # the overview again, the form open beside the error
    assert "Say in a sentence what changed" in response.text
    client.post(url, {"outcome": "ended", "reason": "Time zones did not work out.", "confirm": "on"})
    world.partnership.refresh_from_db()
    assert world.partnership.status == "ended" and world.partnership.ended_by == world.admin
    assert load_of(world.partnership.mentor) == 0
    assert not ClosingReflection.objects.exists()


def test_the_overview_shows_the_admin_the_terms_and_never_the_success_text(
    client, world, django_assert_num_queries
):
    from health import services as health_services

    agree(world.partnership, cadence="monthly")
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    assert "Monthly, 30 min, video" in page
    assert "negotiate scope" not in page  # what success means to the protégé
    assert "Be honest" not in page  # the pair's ground rules
    # 14 (health: the stale numbers check, the ratings of the month counted today,
    # head counts, invitations, totals, session value, ratings by month, a count and
    # a page of pairs), and one for the reminders that failed.
    with django_assert_num_queries(15) as first:
        client.get(reverse("home:program_overview", args=[world.program.slug]))
    # Not even loaded: the agreements' query leaves out what only the pair sees.
    agreement_sql = [q["sql"] for q in first.captured_queries if "partnerships_agreement" in q["sql"]]
    assert agreement_sql and not any('"success"' in sql or '"ground_rules"' in sql for sql in agreement_sql)
    mentor = world.partnership.mentor
    mentor.capacity = 10
    mentor.save()
    for _ in range(5):
        agree(PartnershipFactory(program=world.program, mentor=mentor))
    health_services.refresh_stale_rating_months(world.program)
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    assert page.count("Monthly, 30 min") == 1 and page.count("Every two weeks, 30 min") == 5


@pytest.mark.parametrize("given_to", ["person", "group", "superuser"])
def test_someone_who_may_create_programs_but_runs_none_finds_them_in_the_header(client, world, given_to):
    from django.contrib.auth.models import Group, Permission

    create = Permission.objects.get(content_type__app_label="programs", codename="add_program")
    creator = world.outsider
    header = f'href="{reverse("home:program_list")}"'
    client.force_login(creator)
    for path in [reverse("home:home"), reverse("home:profile")]:
        assert header not in client.get(path).text
    if given_to == "person":
        creator.user_permissions.add(create)
    elif given_to == "group":
        group = Group.objects.create(name="Program creators")
        group.permissions.add(create)
        creator.groups.add(group)
    else:
        creator.is_superuser = True
        creator.save()
    for path in [reverse("home:home"), reverse("home:profile")]:
        assert header in client.get(path).text, path
    page = client.get(reverse("home:program_list")).text
    assert f'href="{reverse("programs:new")}"' in page
