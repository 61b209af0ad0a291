import pytest
from django.core.exceptions import ValidationError

from partnerships import services
from partnerships.models import Partnership
from programs.models import DraftMatch, Participant
from programs.services import matching as program_services
from tests.factories import MentorFactory, ParticipantFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    program = world.program
    negotiation, feedback = (
        TopicFactory(program=program, name="Negotiation"),
        TopicFactory(program=program, name="Feedback"),
    )
    mentor = MentorFactory(program=program, capacity=1, user__display_name="Mina Mentor", methods=["video"])
    mentor.topics_offered.set([negotiation, feedback])
    sam = ParticipantFactory(program=program, user__display_name="Sam Seeker", methods=["video"])
    sam.topics_sought.set([negotiation])
    kim = ParticipantFactory(program=program, user__display_name="Kim Keen", methods=["phone"])
    return program, mentor, sam, kim


def test_matching_records_who_score_reasons_and_planned_dates(
    world, people, django_capture_on_commit_callbacks
):
    program, mentor, sam, _ = people
    with django_capture_on_commit_callbacks() as callbacks:
        partnership = services.partnership_match(
            program=program, protege=sam, mentor=mentor, matched_by=world.admin
        )
    assert partnership.status == Partnership.Status.PROPOSED
    assert partnership.matched_by == world.admin
    assert 0 < partnership.match_score <= 100
    assert any("negotiation" in reason.lower() and "Sam" in reason for reason in partnership.match_reasons)
    assert (partnership.planned_end_on - partnership.started_on).days in range(181, 185)
    mentor.refresh_from_db()
    assert mentor.load == 1
    assert len(callbacks) == 1  # the match emails, sent only after commit


def test_both_people_are_emailed_about_their_match(world, people, mailoutbox):
    program, mentor, sam, _ = people
    partnership = services.partnership_match(
        program=program, protege=sam, mentor=mentor, matched_by=world.admin
    )
    services.partnership_send_match_emails(partnership_id=partnership.pk)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentor.user.email, sam.user.email])
    to_sam = next(m for m in mailoutbox if m.to == [sam.user.email])
    assert "Mina Mentor will be your mentor" in to_sam.body
    assert to_sam.alternatives  # an HTML part too


def test_a_mentor_without_a_free_place_is_refused_in_words(world, people):
    program, mentor, sam, kim = people
    services.partnership_match(program=program, protege=sam, mentor=mentor, matched_by=world.admin)
    with pytest.raises(ValidationError, match="Mina Mentor has no free place left"):
        services.partnership_match(program=program, protege=kim, mentor=mentor, matched_by=world.admin)
    assert not Partnership.objects.filter(protege=kim).exists()
    mentor.refresh_from_db()
    assert mentor.load == 1


def test_a_protege_never_has_two_current_mentors(world, people):
    program, mentor, sam, _ = people
    other = MentorFactory(program=program, user__display_name="Otto Other")
    services.partnership_match(program=program, protege=sam, mentor=mentor, matched_by=world.admin)
    with pytest.raises(ValidationError, match="Sam Seeker already has a mentor"):
        services.partnership_match(program=program, protege=sam, mentor=other, matched_by=world.admin)
    other.refresh_from_db()
    assert other.load == 0  # the refused match left nothing behind


def test_people_of_another_program_cannot_be_matched_here(world, people):
    program, mentor, _, _ = people
    stranger = ParticipantFactory()
    with pytest.raises(ValidationError, match="belong to this program"):
        services.partnership_match(program=program, protege=stranger, mentor=mentor, matched_by=world.admin)


def test_unmatching_needs_a_reason_and_frees_the_place(world, people):
    program, mentor, sam, kim = people
    partnership = services.partnership_match(
        program=program, protege=sam, mentor=mentor, matched_by=world.admin
    )
    with pytest.raises(ValidationError):
        services.partnership_unmatch(partnership=partnership, reason="  ", by=world.admin)
    services.partnership_unmatch(partnership=partnership, reason="Time zones did not work", by=world.admin)
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    assert partnership.ended_reason == "Time zones did not work"
    # The place is free again: Kim can be matched with the same mentor.
    services.partnership_match(program=program, protege=kim, mentor=mentor, matched_by=world.admin)


def test_the_proposal_respects_capacity_and_minimum_score_and_publishes_at_once(world, people):
    program, mentor, sam, _kim = people
    program.min_match_score = 60  # Kim, who seeks no topic, fits no one that well
    program.save()
    drafts = program_services.proposal_compute(program=program)
    # Capacity 1: only one of the two waiting protégés fits, the better one (Sam shares topic and method).
    assert [(d.protege_id, d.mentor_id) for d in drafts] == [(sam.pk, mentor.pk)]
    made = services.proposal_publish(program=program, by=world.admin)
    assert [(p.protege_id, p.mentor_id) for p in made] == [(sam.pk, mentor.pk)]
    assert not DraftMatch.objects.filter(program=program).exists()


def test_a_protege_below_the_minimum_score_stays_unmatched(world, people):
    program, mentor, _, _ = people
    mentor.user.time_zone = "Asia/Tokyo"  # no working-day overlap with London: no perfect match left
    mentor.user.save()
    program.min_match_score = 100
    program.save()
    assert program_services.proposal_compute(program=program) == []


def test_publishing_is_all_or_nothing(world, people):
    program, mentor, sam, kim = people
    program.min_match_score = 60
    program.save()
    program_services.proposal_compute(program=program)
    # Meanwhile another admin fills the mentor by hand.
    services.partnership_match(program=program, protege=kim, mentor=mentor, matched_by=world.admin)
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_publish(program=program, by=world.admin)
    assert "Nothing was published." in excinfo.value.messages
    assert not Partnership.objects.filter(protege=sam).exists()
    assert DraftMatch.objects.filter(program=program).count() == 1


def test_a_draft_pair_can_move_to_a_mentor_with_room(world, people):
    program, _, _, _ = people
    program.min_match_score = 60
    program.save()
    (draft,) = program_services.proposal_compute(program=program)
    roomy = MentorFactory(program=program, capacity=2, user__display_name="Rosa Roomy")
    program_services.draft_match_change(draft=draft, mentor=roomy)
    draft.refresh_from_db()
    assert draft.mentor == roomy
    full = MentorFactory(program=program, capacity=1)
    full.load = 1
    full.save()
    with pytest.raises(ValidationError, match="no free place"):
        program_services.draft_match_change(draft=draft, mentor=full)


def test_matching_weights_are_saved_per_program(world):
    program_services.program_set_matching(
        program=world.program, weights={"topics": 80, "methods": 5, "cadence": 5, "time_zone": 5, "load": 5},
        min_score=55,
    )  # fmt: skip
    world.program.refresh_from_db()
    assert world.program.match_weights["topics"] == 80
    assert world.program.min_match_score == 55


def test_withdrawn_people_are_not_matched(world, people):
    program, mentor, sam, _ = people
    sam.status = Participant.Status.WITHDRAWN
    sam.save()
    with pytest.raises(ValidationError, match="not withdrawn"):
        services.partnership_match(program=program, protege=sam, mentor=mentor, matched_by=world.admin)
