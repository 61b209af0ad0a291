"""Versioning and acceptance: a version is in force only when both accepted it;
a change is a new version; nothing is erased. The database has the last word."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from partnerships.agreements import (
    agreement_accept,
    agreement_defaults,
    agreement_propose,
    default_time_boxes,
)
from partnerships.models import Agreement, Partnership
from partnerships.selectors.agreement_changes import term_changes, version_changes
from partnerships.selectors.pairs import agreement_page
from tests.factories import PartnershipFactory, ProgramFactory

from .agreement_helpers import agree, terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(world) -> Partnership:
    """A pair just matched: proposed, no agreement yet."""
    return PartnershipFactory(program=world.program, status=Partnership.Status.PROPOSED, started_on=None)


def test_a_version_accepted_by_one_side_is_not_in_force(proposed):
    version = agreement_propose(partnership=proposed, by=proposed.mentor.user, terms=terms())
    assert version.status == Agreement.Status.PROPOSED
    assert version.mentor_accepted_at is not None and version.protege_accepted_at is None
    assert version.waiting_for_role == "protege"
    assert not proposed.agreements.filter(status=Agreement.Status.IN_FORCE).exists()
    proposed.refresh_from_db()
    assert proposed.status == Partnership.Status.PROPOSED


def test_the_partnership_becomes_active_when_both_accept_the_first_version(proposed):
    version = agreement_propose(partnership=proposed, by=proposed.protege.user, terms=terms())
    agreement_accept(agreement=version, by=proposed.mentor.user)
    version.refresh_from_db()
    proposed.refresh_from_db()
    assert version.status == Agreement.Status.IN_FORCE
    assert version.in_force_at and version.mentor_accepted_at and version.protege_accepted_at
    assert proposed.status == Partnership.Status.ACTIVE
    assert proposed.started_on is not None
    assert proposed.planned_end_on == version.ends_on


def test_the_proposer_cannot_accept_their_own_proposal(proposed):
    version = agreement_propose(partnership=proposed, by=proposed.mentor.user, terms=terms())
    with pytest.raises(ValidationError, match="waits for the other side"):
        agreement_accept(agreement=version, by=proposed.mentor.user)


def test_only_the_pair_may_propose(world, proposed):
    with pytest.raises(ValidationError, match="Only the mentor or the protégé"):
        agreement_propose(partnership=proposed, by=world.admin, terms=terms())


def test_a_change_is_a_new_version_and_the_old_one_stays_in_force_until_accepted(world):
    first = agree(world.partnership)
    change = agreement_propose(
        partnership=world.partnership,
        by=world.protege,
        terms=terms(call_minutes=45, topic_minutes=30),
        change_note="More time for the deeper topic.",
    )
    first.refresh_from_db()
    assert (first.version, change.version) == (1, 2)
    assert first.status == Agreement.Status.IN_FORCE  # the change waits for the mentor
    agreement_accept(agreement=change, by=world.mentor)
    first.refresh_from_db()
    change.refresh_from_db()
    assert first.status == Agreement.Status.SUPERSEDED
    assert (
        first.call_minutes == 30 and first.mentor_accepted_at and first.protege_accepted_at
    )  # still readable
    assert (
        change.status == Agreement.Status.IN_FORCE and change.change_note == "More time for the deeper topic."
    )


def test_a_new_proposal_does_not_erase_the_old_one(world):
    agree(world.partnership)
    mentors = agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms(cadence="weekly"))
    proteges = agreement_propose(
        partnership=world.partnership, by=world.protege, terms=terms(cadence="monthly")
    )
    mentors.refresh_from_db()
    assert mentors.status == Agreement.Status.SET_ASIDE and mentors.cadence == "weekly"
    assert proteges.status == Agreement.Status.PROPOSED and proteges.version == 3
    assert world.partnership.agreements.count() == 3
    with pytest.raises(ValidationError, match="set aside"):
        agreement_accept(agreement=mentors, by=world.protege)


def test_proposing_the_terms_in_force_again_is_refused(world):
    agree(world.partnership)
    with pytest.raises(ValidationError, match="Nothing changed"):
        agreement_propose(partnership=world.partnership, by=world.protege, terms=terms())


def test_an_accepted_version_cannot_be_accepted_again(world):
    version = agree(world.partnership)
    with pytest.raises(ValidationError, match="already been accepted"):
        agreement_accept(agreement=version, by=world.protege)


def test_an_ended_partnership_cannot_change_its_agreement(world):
    agree(world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.ENDED)
    with pytest.raises(ValidationError, match="has ended"):
        agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms(cadence="weekly"))


def test_the_service_refuses_time_boxes_that_miss_the_call(world):
    with pytest.raises(ValidationError, match="time boxes must add up"):
        agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms(topic_minutes=10))
    assert not world.partnership.agreements.exists()


def test_every_n_weeks_keeps_n_and_other_cadences_drop_it(world):
    version = agreement_propose(
        partnership=world.partnership, by=world.mentor, terms=terms(cadence="weekly", every_weeks=3)
    )
    assert version.every_weeks is None
    version = agreement_propose(
        partnership=world.partnership, by=world.mentor, terms=terms(cadence="every_n_weeks", every_weeks=3)
    )
    assert version.every_weeks == 3 and version.cadence_text == "every 3 weeks"


# --- What the database refuses, whatever the code does ---


def _raw(partnership, **changes) -> Agreement:
    fields = {
        "partnership": partnership,
        "version": 1,
        "proposed_by_role": "mentor",
        **terms(),
    } | changes
    return Agreement(**fields)


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"topic_minutes": 20}, "agreement_time_boxes_fill_the_call"),
        (
            {"call_minutes": 10, "checkin_minutes": 5, "topic_minutes": 5, "prepare_minutes": 0},
            "agreement_call_minutes_range",
        ),
        ({"call_minutes": 150, "topic_minutes": 135}, "agreement_call_minutes_range"),
        ({"cadence": "every_n_weeks", "every_weeks": 9}, "agreement_every_n_weeks_range"),
        ({"cadence": "every_n_weeks", "every_weeks": None}, "agreement_every_n_weeks_range"),
        ({"cadence": "weekly", "every_weeks": 2}, "agreement_every_n_weeks_range"),
        ({"status": "in_force"}, "agreement_in_force_only_when_both_accepted"),
        ({"ends_on": terms()["first_review_on"]}, "agreement_review_before_end"),
    ],
)
def test_the_database_refuses_broken_terms(world, changes, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        _raw(world.partnership, **changes).save()


def test_the_database_keeps_one_version_in_force_per_partnership(world):
    agree(world.partnership)
    with pytest.raises(IntegrityError, match="agreement_one_in_force"), transaction.atomic():
        accepted = {"mentor_accepted_at": F("created_at"), "protege_accepted_at": F("created_at")}
        version = _raw(world.partnership, version=2)
        version.save()
        Agreement.objects.filter(pk=version.pk).update(
            status="in_force", in_force_at=F("created_at"), **accepted
        )


def test_the_database_keeps_one_open_proposal_per_partnership(world):
    _raw(world.partnership).save()
    with pytest.raises(IntegrityError, match="agreement_one_open_proposal"), transaction.atomic():
        _raw(world.partnership, version=2).save()


def test_a_fully_accepted_proposal_must_be_in_force(world):
    version = _raw(world.partnership)
    version.save()
    with pytest.raises(IntegrityError, match="agreement_proposal_waits_for_one_side"), transaction.atomic():
        Agreement.objects.filter(pk=version.pk).update(
            mentor_accepted_at=F("created_at"), protege_accepted_at=F("created_at")
        )


# --- Defaults ---


@pytest.mark.parametrize(
    ("minutes", "boxes"), [(30, (10, 15, 5)), (60, (20, 30, 10)), (45, (15, 22, 8)), (15, (5, 8, 2))]
)
def test_default_time_boxes_fill_the_call(minutes, boxes):
    assert default_time_boxes(minutes) == boxes
    assert sum(boxes) == minutes


def test_defaults_come_from_the_program_and_what_both_prefer(world):
    program = ProgramFactory(default_cadence="monthly", default_call_minutes=60)
    pair = PartnershipFactory(
        program=program, mentor__methods=["phone", "chat"], protege__methods=["video", "chat"]
    )
    defaults = agreement_defaults(pair)
    assert defaults["cadence"] == "monthly"
    assert (defaults["call_minutes"], defaults["checkin_minutes"], defaults["topic_minutes"]) == (60, 20, 30)
    assert defaults["method"] == "chat"
    assert defaults["agenda_owner"] == "protege"
    assert "honest" in defaults["ground_rules"]
    assert defaults["first_review_on"] < defaults["ends_on"]


# --- What each version changed, as old → new values ---


def _diff(before: Agreement, after: Agreement) -> dict:
    return {c.label: (c.old, c.new, c.removed, c.added) for c in term_changes(before, after)}


def test_a_change_is_told_term_by_term_as_old_and_new_values_leaving_out_what_stayed(world):
    one = agree(world.partnership)
    two = agree(
        world.partnership,
        cadence="weekly",
        call_minutes=45,
        topic_minutes=30,
        method="phone",
        async_welcome=False,
        ground_rules="Be honest.\nNo phones during the call.",
        success="I push back on scope calmly.",
    )
    assert _diff(one, two) == {
        "How often": ("every two weeks", "weekly", [], []),
        "Call length": ("30 minutes", "45 minutes", [], []),
        "Deeper topic": ("15 minutes", "30 minutes", [], []),
        "How you meet": ("Video", "Phone", [], []),
        "Between calls": ("Messages welcome", "Kept for the calls", [], []),
        "Ground rules": ("", "", ["Say whether calls help."], ["No phones during the call."]),
        "What success means": (
            "I negotiate scope without escalating.",
            "I push back on scope calmly.",
            [],
            [],
        ),
    }
    three = agree(
        world.partnership,
        cadence="every_n_weeks",
        every_weeks=3,
        call_minutes=45,
        topic_minutes=30,
        method="phone",
        async_welcome=False,
        ground_rules="Be honest.\nNo phones during the call.",
        success="I push back on scope calmly.",
    )
    assert _diff(two, three) == {"How often": ("weekly", "every 3 weeks", [], [])}
    assert term_changes(three, three) == []


def test_the_proposal_is_compared_with_the_version_in_force_and_history_with_the_one_before(world):
    agree(world.partnership)
    agree(world.partnership, call_minutes=45, topic_minutes=30)
    agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms(cadence="monthly"))
    agreement_propose(partnership=world.partnership, by=world.protege, terms=terms(cadence="weekly"))
    page = agreement_page(world.partnership, world.mentor)
    rows = version_changes(page["versions"], in_force=page["pair"].in_force)
    assert [(r.agreement.version, r.compared_with and r.compared_with.version) for r in rows] == [
        (4, 2),  # the proposal waiting, against the version in force
        (3, 2),  # set aside
        (2, 1),
        (1, None),  # the first: nothing to compare with
    ]
    proposal = rows[0]
    assert {c.label: (c.old, c.new) for c in proposal.changes} == {
        "How often": ("every two weeks", "weekly"),
        "Call length": ("45 minutes", "30 minutes"),
        "Deeper topic": ("30 minutes", "15 minutes"),
    }


def test_the_agreement_page_shows_each_change_as_old_and_new(client, world):
    agree(world.partnership)
    agreement_propose(
        partnership=world.partnership,
        by=world.protege,
        terms=terms(cadence="weekly", ground_rules="Be honest."),
    )
    client.force_login(world.mentor)
    text = client.get(reverse("partnerships:agreement", args=[world.partnership.pk])).text
    proposal = text[text.index('id="proposal"') : text.index('id="in-force"')]
    assert "What changes from version 1" in proposal
    assert "<dt>How often</dt>" in proposal
    assert "was </span>every two weeks</del>" in proposal and "now </span>weekly</ins>" in proposal
    assert ">removed</span> <del>Say whether calls help.</del>" in proposal
    assert "<dt>Call length</dt>" not in proposal  # unchanged: left out
    history = text[text.index('id="versions"') :]
    assert "Changes from version 1, in force:" in history and "The first version." in history
