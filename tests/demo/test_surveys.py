"""The demo's surveys (demo.surveys): the admin's outcome report shows an NPS
and both pulse questions' means, the demo pair's rounds wait for them, one
written answer is shared and one is not, and seeding again changes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.seed import seed
from demo.story import the_story
from surveys.models import SurveyAnswer, SurveyResponse
from surveys.selectors.outcomes import survey_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return seed(story=the_story())


def test_the_demo_programs_outcome_page_shows_an_nps_and_both_pulse_means(client, program):
    scores = survey_scores([program.pk])[program.pk]
    assert scores.nps.score is not None
    assert all(scale.mean is not None for scale in scores.scales.values()) and len(scores.scales) == 3
    client.force_login(program.admins.get(email="admin@example.com"))
    page = client.get(reverse("health:program_outcomes", args=[program.slug])).text
    assert f'<span class="outcome-nps-score">{scores.nps.score}</span>' in page
    for question in ["Our calls are worth the time we give them", "I am making progress on what I came for"]:
        assert f"{question} (mean out of 5)" in page


def test_the_demo_pairs_rounds_wait_for_them_and_one_written_answer_is_shared(program):
    theirs = SurveyResponse.objects.filter(
        partnership__mentor__user__email="mentor@example.com",
        partnership__protege__user__email="protege@example.com",
    )
    assert theirs.exists() and not theirs.filter(submitted_at__isnull=False).exists()
    # The latest was asked yesterday: it waits on both their homes.
    latest = theirs.order_by("-asked_at").first()
    assert timezone.now() - latest.asked_at < datetime.timedelta(days=2)
    written = SurveyAnswer.objects.filter(response__survey__program=program).exclude(text="")
    assert sorted(written.values_list("response__shared", flat=True)) == [False, True]


def test_seeding_again_changes_no_survey_round(program):
    def rounds():
        return sorted(SurveyResponse.objects.values_list("pk", "round", "asked_at", "submitted_at"))

    before = rounds()
    seed(story=the_story())
    assert rounds() == before
