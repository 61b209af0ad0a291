"""One rule for how often a pair meets (programs.rhythms): every place that needs
"every N weeks" without an N takes the same N, and every rhythm's interval,
lateness and words come from the one Rhythm."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from goals.selectors.ratings import check_in_interval
from partnerships.agreements import agreement_defaults
from programs import matching
from programs.models import Cadence
from programs.rhythms import DEFAULT_EVERY_WEEKS, Rhythm
from tests.factories import PartnershipFactory


@pytest.mark.django_db
def test_a_program_meeting_every_n_weeks_means_the_same_n_in_agreements_ratings_and_matching():
    partnership = PartnershipFactory(program__default_cadence=Cadence.EVERY_N_WEEKS)
    defaults = agreement_defaults(partnership, today=datetime.date(2027, 1, 4))
    assert defaults["every_weeks"] == DEFAULT_EVERY_WEEKS
    assert check_in_interval(partnership, None) == relativedelta(weeks=DEFAULT_EVERY_WEEKS)
    assert matching.MEETINGS_PER_MONTH[Cadence.EVERY_N_WEEKS] == 52 / DEFAULT_EVERY_WEEKS / 12


@pytest.mark.parametrize(
    ("rhythm", "interval", "nominal_days", "grace_days", "text"),
    [
        (Rhythm(Cadence.WEEKLY), relativedelta(weeks=1), 7, 3, "weekly"),
        (Rhythm(Cadence.EVERY_TWO_WEEKS), relativedelta(weeks=2), 14, 4, "every two weeks"),
        (Rhythm(Cadence.TWICE_A_MONTH), relativedelta(days=15), 15, 4, "twice a month"),
        (Rhythm(Cadence.MONTHLY), relativedelta(months=1), 30, 7, "monthly"),
        (Rhythm(Cadence.EVERY_N_WEEKS, 1), relativedelta(weeks=1), 7, 3, "every week"),
        (Rhythm(Cadence.EVERY_N_WEEKS, 6), relativedelta(weeks=6), 42, 7, "every 6 weeks"),
    ],
)
def test_each_rhythm_has_one_interval_lateness_and_name(rhythm, interval, nominal_days, grace_days, text):
    assert rhythm.interval == interval
    assert rhythm.nominal_days == nominal_days
    assert rhythm.grace_days == grace_days
    assert rhythm.text == text


def test_every_rhythm_is_listed_once_and_every_n_weeks_needs_its_n():
    rhythms = Rhythm.every()
    assert len(rhythms) == len(set(rhythms)) == 4 + 8
    with pytest.raises(ValueError):
        Rhythm(Cadence.EVERY_N_WEEKS)
    with pytest.raises(ValueError):
        Rhythm(Cadence.EVERY_N_WEEKS, 9)
    assert Rhythm.of_cadence(Cadence.EVERY_N_WEEKS) == Rhythm(Cadence.EVERY_N_WEEKS, DEFAULT_EVERY_WEEKS)
