"""Answering a survey from a second tab, someone else's link, and a written
answer far too long (issue 21): each says what happened, and nothing more is
saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from mentoring.time_zones import zone_of
from surveys.models import SurveyAnswer, SurveyResponse
from tests.reminders.surveys import a_survey
from tests.surveys.test_answer import filled, link, page

pytestmark = pytest.mark.django_db

TAB_TWO = "Written in the second tab"


@pytest.fixture
def asked(world) -> SurveyResponse:
    return SurveyResponse.objects.create(
        survey=a_survey(world),
        partnership=world.partnership,
        respondent=world.protege,
        role=SurveyResponse.Role.PROTEGE,
        round="1",
        asked_at=timezone.now() - datetime.timedelta(days=1),
    )


def answered_on(response: SurveyResponse) -> str:
    """The day the response was submitted, as its respondent's page writes it."""
    response.refresh_from_db()
    local = timezone.localtime(response.submitted_at, zone_of(response.respondent))
    return dateformat.format(local, "l j F Y")


def late_words(response) -> str:
    return f"You had already answered this survey on {answered_on(response)}; these answers were not saved."


def saved(response) -> set:
    return set(SurveyAnswer.objects.filter(response=response).values_list("number", "choice", "text"))


FIRST_TAB = {(4, "", ""), (9, "", ""), (None, "Monthly", ""), (None, "", "We meet well.")}


def test_a_second_tab_sent_after_the_first_is_told_its_answers_were_not_saved(client, world, asked):
    client.force_login(world.protege)
    assert client.get(page(asked)).status_code == 200  # both tabs open the form
    assert client.post(page(asked), filled(asked, shared=None)).status_code == 303
    second = client.post(page(asked), filled(asked, nps="0", text=TAB_TWO, shared="on"))
    assert second.status_code == 200
    assert late_words(asked) in second.text
    assert "Your written answers stay private" in second.text  # the first tab did not share
    assert TAB_TWO not in second.text
    assert saved(asked) == FIRST_TAB
    assert SurveyResponse.objects.get(pk=asked.pk).shared is False
    # Opened again, the page thanks them without the warning.
    assert "these answers were not saved" not in client.get(page(asked)).text


def test_a_first_submission_says_nothing_of_answers_not_saved(client, world, asked):
    client.force_login(world.protege)
    response = client.post(page(asked), filled(asked), follow=True)
    assert "Thank you" in response.text
    assert "not saved" not in response.text


def test_a_second_tab_of_the_link_signed_in_is_told_too(client, world, asked):
    client.force_login(world.protege)
    assert client.post(link(asked), filled(asked)).status_code == 200
    second = client.post(link(asked), filled(asked, text=TAB_TWO))
    assert second.status_code == 200
    assert late_words(asked) in second.text
    assert saved(asked) == FIRST_TAB


def test_a_second_tab_of_the_link_signed_out_is_told_on_the_way_to_sign_in(client, world, asked):
    assert client.post(link(asked), filled(asked)).status_code == 200
    second = client.post(link(asked), filled(asked, text=TAB_TWO))
    assert second.status_code == 302
    assert second["Location"] == f"{reverse('account_login')}?next={page(asked)}"
    sign_in = client.get(second["Location"])
    assert late_words(asked) in sign_in.text
    assert TAB_TWO not in sign_in.text and "We meet well." not in sign_in.text
    assert saved(asked) == FIRST_TAB


# --- someone else's link ---


def test_someone_elses_link_does_not_name_them_and_offers_to_sign_out(client, world, asked):
    url = link(asked)  # one link: its signature carries the second it was made
    client.force_login(world.mentor)
    response = client.get(url)
    assert response.status_code == 403
    assert "This link was sent to someone else. You are signed in as Morgan Mentor." in response.text
    assert "Sam Prot" not in response.text
    main = response.text.split("<main", 1)[1]
    assert f'action="{reverse("account_logout")}"' in main
    assert f'name="next" value="{url}"' in main
    signed_out = client.post(reverse("account_logout"), {"next": url})
    assert signed_out["Location"] == url
    assert "My mentor listens to me." in client.get(url).text
    assert not SurveyAnswer.objects.exists()


def test_someone_elses_link_posted_saves_nothing_and_names_no_one(client, world, asked):
    client.force_login(world.admin)
    response = client.post(link(asked), filled(asked))
    assert response.status_code == 403
    assert "You are signed in as Ada Admin." in response.text
    assert "Sam" not in response.text
    assert not SurveyAnswer.objects.exists()


# --- a written answer far too long ---


def test_a_written_answer_too_long_is_refused_in_the_products_words(client, world, asked):
    client.force_login(world.protege)
    response = client.post(page(asked), filled(asked, text="x" * 2_000_000))
    assert response.status_code == 200
    assert "Keep it to 1000 characters or fewer; this is 2000000." in response.text
    assert "Ensure this value" not in response.text
    assert not SurveyAnswer.objects.exists()
