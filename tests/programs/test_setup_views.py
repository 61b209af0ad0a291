"""Program setup pages: creating a program, its settings, co-admins and cloning:
who may, what a refused form says, and the queries a page runs."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from programs.models import Invitation, InvitationRole, Program, Topic
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import MentorFactory, ParticipantFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def allow_creating(user: User) -> User:
    user.user_permissions.add(
        Permission.objects.get(codename="add_program", content_type__app_label="programs")
    )
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached on the instance


def new_program_data(**changes) -> dict:
    return {
        "name": "Spring 2027 cohort",
        "slug": "",
        "description": "Engineers help engineers.",
        "starts_on": "2027-03-01",
        "ends_on": "2027-12-01",
        "engagement_months": "6",
        "default_cadence": "every_two_weeks",
        "default_call_minutes": "45",
        "default_checkin_minutes": "",
        "default_topic_minutes": "",
        "default_prepare_minutes": "",
        "matching_mode": "both",
        "requests_need_approval": "on",
        "request_expiry_days": "10",
        "default_capacity": "2",
        "topics": "Leadership\nCareer growth\n\nleadership\n",
        **changes,
    }


def settings_data(program: Program, **changes) -> dict:
    data = {
        "name": program.name,
        "description": program.description,
        "starts_on": program.starts_on.isoformat(),
        "ends_on": program.ends_on.isoformat() if program.ends_on else "",
        "engagement_months": str(program.engagement_months),
        "default_cadence": program.default_cadence,
        "default_call_minutes": str(program.default_call_minutes),
        "default_checkin_minutes": "",
        "default_topic_minutes": "",
        "default_prepare_minutes": "",
        "matching_mode": program.matching_mode,
        "request_expiry_days": str(program.request_expiry_days),
        "default_capacity": str(program.default_capacity),
        "new_topics": "",
    }
    for topic in program.topics.all():
        data[f"topic_{topic.pk}"] = topic.name
    data.update(changes)
    return data


# --- Creating a program -------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_to_create_a_program(client, db):
    response = client.get(reverse("programs:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["admin", "mentor", "protege", "outsider"])
def test_people_without_the_permission_are_told_who_may_create_programs(client, world, persona):
    client.force_login(getattr(world, persona))
    for response in (
        client.get(reverse("programs:new")),
        client.post(reverse("programs:new"), new_program_data()),
    ):
        assert response.status_code == 403
        assert "allowed to create programs" in response.text
    assert not Program.objects.filter(name="Spring 2027 cohort").exists()


def test_creating_a_program_makes_the_creator_its_admin_with_its_topics(client, world):
    creator = allow_creating(world.outsider)
    client.force_login(creator)
    assert client.get(reverse("programs:new")).status_code == 200

    response = client.post(reverse("programs:new"), new_program_data())

    program = Program.objects.get(slug="spring-2027-cohort")
    assert response.status_code == 303
    assert response["Location"] == reverse("programs:settings", args=[program.slug])
    assert list(program.admins.all()) == [creator]
    assert sorted(program.topics.values_list("name", flat=True)) == ["Career growth", "Leadership"]
    assert (program.matching_mode, program.requests_need_approval, program.default_capacity) == (
        "both",
        True,
        2,
    )
    assert program.default_checkin_minutes is None  # blank: split from the call length


def test_a_superuser_may_create_a_program(client, db):
    client.force_login(UserFactory(is_superuser=True))
    assert client.post(reverse("programs:new"), new_program_data(slug="by-the-site")).status_code == 303
    assert Program.objects.filter(slug="by-the-site").exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": ""}, "name", "Enter the program's name."),
        ({"slug": "new"}, "slug", "kept for the site's own pages"),
        ({"slug": "with spaces"}, "slug", "Use only letters, digits and hyphens"),
        ({"starts_on": "31/02/2027"}, "starts_on", "Enter a real date."),
        ({"starts_on": "2090-01-01"}, "starts_on", "Choose a date on or before"),
        ({"ends_on": "2027-02-01"}, "ends_on", "must end after it starts"),
        ({"engagement_months": "37"}, "engagement_months", "from 1 to 36"),
        ({"default_call_minutes": "500"}, "default_call_minutes", "from 15 to 120"),
        ({"default_checkin_minutes": "10"}, "default_checkin_minutes", "Give all three time boxes"),
        (
            {"default_checkin_minutes": "10", "default_topic_minutes": "20", "default_prepare_minutes": "5"},
            "default_checkin_minutes",
            "add up to 35 minutes, 10 minutes short of the 45-minute call",
        ),
        ({"matching_mode": "anarchy"}, "matching_mode", "Choose one of the options shown."),
        ({"request_expiry_days": "0"}, "request_expiry_days", "from 1 to 60"),
        ({"default_capacity": "11"}, "default_capacity", "from 1 to 10"),
        ({"topics": "x" * 81}, "topics", "Keep each topic to 80 characters"),
        ({"topics": "\n".join(f"Topic {n}" for n in range(61))}, "topics", "at most 60 topics"),
        ({"description": "x" * 2001}, "description", "Keep it to 2000 characters"),
        ({"name": "Bad\u202ename"}, "name", "invisible formatting characters"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(client, world, changes, field, words):
    client.force_login(allow_creating(world.outsider))
    data = new_program_data(**changes)

    response = client.post(reverse("programs:new"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert words in " ".join(form.errors[field]), form.errors
    assert f'id="id_{field}_error"' in response.text
    assert Program.objects.count() == 2  # the world's two, nothing half-saved
    assert not Topic.objects.filter(name="Leadership").exists()
    if field != "topics" and data["name"]:
        assert f'value="{data["name"]}"' in response.text or data["name"] in response.text


def test_an_address_already_taken_is_refused_beside_it(client, world):
    client.force_login(allow_creating(world.outsider))
    response = client.post(reverse("programs:new"), new_program_data(slug=world.program.slug.upper()))
    assert response.status_code == 200
    assert "Another program already has the address" in " ".join(response.context["form"].errors["slug"])


# --- The settings page: who may ----------------------------------------------


def _settings_calls(world):
    program = world.program
    return {
        "settings": ("get", reverse("programs:settings", args=[program.slug]), None, 200),
        "settings_save": (
            "post",
            reverse("programs:settings", args=[program.slug]),
            settings_data(program),
            303,
        ),
        "admin_add": (
            "post",
            reverse("programs:admin_add", args=[program.slug]),
            {"email": "nia@example.org"},
            303,
        ),
        "admin_remove": (
            "post",
            reverse("programs:admin_remove", args=[program.slug, world.other_admin.pk]),
            {},
            404,  # not one of this program's admins: nothing to remove, even for an admin
        ),
    }


@pytest.mark.parametrize("view", ["settings", "settings_save", "admin_add", "admin_remove", "clone"])
def test_anonymous_is_sent_to_sign_in_from_the_settings(client, world, view):
    calls = _settings_calls(world)
    calls["clone"] = ("post", reverse("programs:clone", args=[world.program.slug]), {}, 0)
    method, url, data, _ok = calls[view]
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("view", ["settings", "settings_save", "admin_add", "admin_remove"])
@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_reach_its_settings(client, world, view, persona, status):
    method, url, data, ok = _settings_calls(world)[view]
    client.force_login(getattr(world, persona))
    response = getattr(client, method)(url, data or {})
    assert response.status_code == (ok if status == 200 else 404)
    if status == 404:
        assert not Invitation.objects.filter(email="nia@example.org").exists()


@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_with_the_permission_clone_it(client, world, persona, status):
    user = allow_creating(getattr(world, persona))
    client.force_login(user)
    data = {"name": "Next cohort", "slug": "next-cohort", "starts_on": "2027-09-01"}
    response = client.post(reverse("programs:clone", args=[world.program.slug]), data)
    assert response.status_code == (303 if status == 200 else 404)
    assert Program.objects.filter(slug="next-cohort").exists() == (status == 200)


def test_an_admin_without_the_permission_may_not_clone(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("programs:settings", args=[world.program.slug]))
    assert "Clone for a new cohort" not in page.text
    data = {"name": "Next cohort", "slug": "next-cohort", "starts_on": "2027-09-01"}
    response = client.post(reverse("programs:clone", args=[world.program.slug]), data)
    assert response.status_code == 403
    assert "allowed to create programs" in response.text
    assert not Program.objects.filter(slug="next-cohort").exists()


def test_the_actions_refuse_get(client, world):
    client.force_login(world.admin)
    slug = world.program.slug
    for url in (
        reverse("programs:admin_add", args=[slug]),
        reverse("programs:admin_remove", args=[slug, world.admin.pk]),
        reverse("programs:clone", args=[slug]),
    ):
        assert client.get(url).status_code == 405


# --- Changing the settings ---------------------------------------------------


def test_saving_settings_changes_them_and_renames_removes_and_adds_topics(client, world):
    program = world.program
    _kept, renamed, dropped = (TopicFactory(program=program, name=n) for n in ("Kept", "Old name", "Dropped"))
    client.force_login(world.admin)
    data = settings_data(
        program,
        name="Renamed program",
        default_call_minutes="60",
        default_checkin_minutes="15",
        default_topic_minutes="35",
        default_prepare_minutes="10",
        **{f"topic_{renamed.pk}": "New name", f"remove_topic_{dropped.pk}": "on"},
        new_topics="Fresh\nkept",
    )

    response = client.post(reverse("programs:settings", args=[program.slug]), data)

    assert response.status_code == 200  # "kept" is "Kept" again
    assert "Two topics would be called “Kept”" in response.text
    data["new_topics"] = "Fresh"
    response = client.post(reverse("programs:settings", args=[program.slug]), data)
    assert response.status_code == 303
    program.refresh_from_db()
    assert program.name == "Renamed program"
    assert (
        program.default_checkin_minutes,
        program.default_topic_minutes,
        program.default_prepare_minutes,
    ) == (15, 35, 10)
    assert sorted(program.topics.values_list("name", flat=True)) == ["Fresh", "Kept", "New name"]
    assert program.slug == data.get("slug", program.slug)


def test_a_topic_people_chose_is_not_removed(client, world):
    program = world.program
    topic = TopicFactory(program=program, name="Leadership")
    world.partnership.mentor.topics_offered.add(topic)
    world.partnership.protege.topics_sought.add(topic)
    client.force_login(world.admin)
    data = settings_data(program, name="Changed", **{f"remove_topic_{topic.pk}": "on"})

    response = client.post(reverse("programs:settings", args=[program.slug]), data)

    assert response.status_code == 200
    assert "2 people chose “Leadership”, so it stays" in response.text
    assert f'id="id_remove_topic_{topic.pk}_error"' in response.text
    assert Topic.objects.filter(pk=topic.pk).exists()
    program.refresh_from_db()
    assert program.name != "Changed"  # nothing half-saved


def test_settings_refuse_time_boxes_that_miss_the_call(client, world):
    client.force_login(world.admin)
    data = settings_data(
        world.program, default_checkin_minutes="10", default_topic_minutes="30", default_prepare_minutes="5"
    )
    response = client.post(reverse("programs:settings", args=[world.program.slug]), data)
    assert response.status_code == 200
    assert "add up to 45 minutes, 15 minutes over the 30-minute call" in response.text
    assert 'value="30"' in response.text


def test_the_settings_page_runs_the_same_queries_whatever_the_size(client, world, django_assert_num_queries):
    program = world.program
    client.force_login(world.admin)
    url = reverse("programs:settings", args=[program.slug])
    client.get(url)  # warm: the session, the site's caches

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries()
    for n in range(6):
        topic = TopicFactory(program=program)
        MentorFactory(program=program).topics_offered.add(topic)
        program.admins.add(UserFactory())
        Invitation.objects.create(
            program=program,
            email=f"admin{n}@example.org",
            role=InvitationRole.ADMIN,
            token_hash=f"{n:064d}",
            expires_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
        )
    ParticipantFactory(program=program)
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200
