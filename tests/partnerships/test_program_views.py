import pytest
from django.urls import reverse

from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in [
        reverse("partnerships:program_list"),
        reverse("partnerships:program_overview", args=[world.program.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_program_list_shows_only_programs_i_run(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("partnerships:program_list"))
    assert world.program.name in response.text
    other = ProgramFactory()
    assert other.name not in response.text


def test_someone_who_runs_no_program_sees_an_empty_list(client, world):
    client.force_login(world.mentor)
    response = client.get(reverse("partnerships:program_list"))
    assert response.status_code == 200
    assert "You run no program yet" in response.text


def test_the_program_list_runs_the_same_queries_for_one_or_many_programs(
    client, world, django_assert_num_queries
):
    client.force_login(world.admin)
    with django_assert_num_queries(6) as first:
        client.get(reverse("partnerships:program_list"))
    for _ in range(5):
        ProgramFactory(admins=[world.admin])
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("partnerships:program_list"))
    assert response.text.count('class="card"') == 6


@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_its_overview(client, world, persona, status):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("partnerships:program_overview", args=[world.program.slug]))
    assert response.status_code == status
