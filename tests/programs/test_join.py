"""Joining a program by the domain of one's verified address: the domains its
admins set, who sees "Join" on their home, and /programs/<slug>/join/."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from programs.models import Participant
from programs.models.programs import JoinRole, ProgramDomain
from programs.services.join import clean_domain, program_join, program_join_set
from tests.factories import ParticipantFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(world):
    """The world's program, open to acme.test, people choosing their role."""
    program_join_set(program=world.program, domains=["acme.test"], role=JoinRole.EITHER, by=world.admin)
    return world.program


def _person(email="kim@acme.test", *, verified=True):
    person = UserFactory(email=email, verified_email=None)
    EmailAddress.objects.filter(user=person).delete()
    EmailAddress.objects.create(user=person, email=email, verified=verified, primary=True)
    return person


def _join_url(program):
    return reverse("programs:join", args=[program.slug])


# The domains ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("Acme.Test", "acme.test"), (" eng.acme.co.uk. ", "eng.acme.co.uk")]
)
def test_a_domain_is_stored_lower_case_and_trimmed(typed, stored):
    assert clean_domain(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [("kim@acme.test", "at"), ("acme", "domain"), ("-acme.test", "domain"), ("gmail.com", "public")],
)
def test_what_is_not_an_organisations_domain_is_refused(typed, code):
    with pytest.raises(ValidationError) as refused:
        clean_domain(typed)
    assert refused.value.code == code


def test_more_than_ten_domains_are_refused_and_nothing_changes(world):
    with pytest.raises(ValidationError) as refused:
        program_join_set(
            program=world.program, domains=[f"d{n}.test" for n in range(11)], role="either", by=world.admin
        )
    assert "domains" in refused.value.message_dict
    assert not ProgramDomain.objects.exists()


def test_the_admin_sets_the_domains_on_a_settings_page(client, world):
    client.force_login(world.admin)
    url = reverse("programs:join_domains", args=[world.program.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"domains": "Acme.test\nlabs.acme.test\nacme.test", "role": "protege"})
    assert response.status_code == 303
    world.program.refresh_from_db()
    assert list(world.program.join_domains.values_list("domain", flat=True)) == [
        "acme.test",
        "labs.acme.test",
    ]
    assert world.program.join_role == JoinRole.PROTEGE
    settings_page = client.get(reverse("programs:settings", args=[world.program.slug])).content.decode()
    assert "labs.acme.test" in settings_page


def test_a_bad_domain_comes_back_beside_the_field_with_what_was_typed(client, world):
    client.force_login(world.admin)
    url = reverse("programs:join_domains", args=[world.program.slug])
    response = client.post(url, {"domains": "acme.test\ngmail.com", "role": "either"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "public mail provider" in page and "acme.test\ngmail.com" in page
    assert not ProgramDomain.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "protege", "outsider", "other_admin"])
def test_only_the_programs_admins_may_set_its_domains(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("programs:join_domains", args=[world.program.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"domains": "acme.test", "role": "either"}).status_code == 404


def test_setting_domains_signed_out_asks_to_sign_in(client, world):
    response = client.get(reverse("programs:join_domains", args=[world.program.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


# Who may join ---------------------------------------------------------------


def test_a_verified_address_at_the_domain_sees_join_on_home_and_joins_choosing_a_role(client, acme):
    kim = _person()
    client.force_login(kim)
    home = client.get(reverse("home:home")).content.decode()
    assert f"Join {acme.name}" in home and _join_url(acme) in home
    page = client.get(_join_url(acme))
    assert page.status_code == 200 and "A protégé: I want a mentor" in page.content.decode()
    response = client.post(_join_url(acme), {"role": "protege"}, follow=True)
    participant = Participant.objects.get(program=acme, user=kim)
    assert participant.role == Participant.Role.PROTEGE and participant.status == Participant.Status.ACTIVE
    assert f"Welcome to {acme.name}. You joined as a protégé." in response.content.decode()
    assert f"Join {acme.name}" not in response.content.decode()


def test_with_either_the_role_must_be_chosen(client, acme):
    client.force_login(_person())
    response = client.post(_join_url(acme), {})
    assert response.status_code == 200
    assert "Choose whether you join as a mentor or as a protégé." in response.content.decode()
    assert not Participant.objects.filter(program=acme, user__email="kim@acme.test").exists()


def test_a_program_that_sets_the_role_makes_everyone_that_whatever_is_posted(client, world):
    program_join_set(program=world.program, domains=["acme.test"], role=JoinRole.MENTOR, by=world.admin)
    kim = _person()
    client.force_login(kim)
    assert "A protégé: I want a mentor" not in client.get(_join_url(world.program)).content.decode()
    client.post(_join_url(world.program), {"role": "protege"})
    assert Participant.objects.get(program=world.program, user=kim).role == Participant.Role.MENTOR


def test_joining_twice_is_one_participation(acme):
    kim = _person()
    first = program_join(slug=acme.slug, user=kim, role="mentor")
    again = program_join(slug=acme.slug, user=kim, role="protege")
    assert first.pk == again.pk and again.role == Participant.Role.MENTOR
    assert Participant.objects.filter(program=acme, user=kim).count() == 1


@pytest.mark.parametrize(
    ("email", "verified"), [("kim@other.test", True), ("kim@acme.test", False), ("kim@sub.acme.test", True)]
)
def test_another_domain_or_an_unverified_address_gets_404_and_nothing_on_home(client, acme, email, verified):
    client.force_login(_person(email, verified=verified))
    assert client.get(_join_url(acme)).status_code == 404
    assert client.post(_join_url(acme), {"role": "protege"}).status_code == 404
    assert _join_url(acme) not in client.get(reverse("home:home")).content.decode()
    assert not Participant.objects.filter(program=acme, user__email=email).exists()


def test_an_unknown_program_is_the_same_404(client, acme):
    client.force_login(_person())
    assert client.get(reverse("programs:join", args=["no-such-program"])).status_code == 404


def test_someone_withdrawn_by_an_admin_cannot_rejoin_by_domain(client, acme):
    kim = _person()
    ParticipantFactory(program=acme, user=kim, status=Participant.Status.WITHDRAWN)
    client.force_login(kim)
    assert client.get(_join_url(acme)).status_code == 404


def test_a_program_that_ended_is_not_offered(client, acme):
    acme.starts_on, acme.ends_on = datetime.date(2020, 9, 1), datetime.date(2021, 3, 1)
    acme.save()
    client.force_login(_person())
    assert client.get(_join_url(acme)).status_code == 404


def test_anonymous_is_asked_to_sign_in(client, acme):
    response = client.get(_join_url(acme))
    assert response.status_code == 302 and "login" in response["Location"]


def test_someone_already_in_it_is_sent_home_and_told(client, world, acme):
    client.force_login(world.mentor)  # person…@example.org, in the program already
    EmailAddress.objects.create(user=world.mentor, email="morgan@acme.test", verified=True)
    response = client.get(_join_url(acme), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home:home")
    assert "You are already in this program." in response.content.decode()


def test_the_join_page_and_home_run_the_same_queries_for_one_or_many_programs(client, acme):
    kim = _person()
    client.force_login(kim)

    def count() -> tuple[int, int, str]:
        # A new CSRF secret: the home is built, not served from the page cache.
        client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
        with CaptureQueriesContext(connection) as join_page:
            assert client.get(_join_url(acme)).status_code == 200
        with CaptureQueriesContext(connection) as home:
            page = client.get(reverse("home:home")).content.decode()
        return len(join_page), len(home), page

    *few, _ = count()
    for n in range(5):
        program = ProgramFactory(name=f"More {n}")
        program_join_set(
            program=program, domains=["acme.test", f"x{n}.test"], role="either", by=acme.admins.get()
        )
    *many, page = count()
    assert many == few
    assert all(f"Join More {n}" in page for n in range(5))


def test_the_programs_own_admin_at_its_domain_is_not_asked_to_join_it(client, acme):
    boss = _person("boss@acme.test")
    acme.admins.add(boss)
    client.force_login(boss)
    assert f"Join {acme.name}" not in client.get(reverse("home:home")).content.decode()
    assert client.get(_join_url(acme)).status_code == 404


def test_a_program_that_has_started_says_so_in_the_past(client, acme):
    acme.starts_on = timezone.localdate() - datetime.timedelta(days=30)
    acme.save(update_fields=["starts_on"])
    client.force_login(_person())
    page = client.get(_join_url(acme)).content.decode()
    assert "It started on" in page and "It starts on" not in page
