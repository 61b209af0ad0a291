"""The demo program asks its own questions: everyone who joined has answered
each, the demo pair chose the same way of working, and protégés may request a
mentor there."""

import io

import pytest
from django.core.management import call_command

from programs.models import Answer, MatchingMode, Participant, Program, Question

pytestmark = pytest.mark.django_db


def test_every_active_demo_participant_answered_every_question_once_and_again_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    program = Program.objects.get(slug="demo-leadership")
    questions = list(program.questions.all())
    people = program.participants.filter(status=Participant.Status.ACTIVE)
    assert len(questions) == 3 and sum(q.is_criterion for q in questions) == 2
    assert Answer.objects.filter(question__program=program).count() == people.count() * len(questions)
    before = set(Answer.objects.values_list("pk", "updated_at"))
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Answer.objects.values_list("pk", "updated_at")) == before
    assert program.questions.count() == 3
    program.refresh_from_db()
    assert program.matching_mode == MatchingMode.BOTH and program.takes_requests


def test_the_demo_pair_chose_the_same_way_of_working():
    call_command("seed_demo", stdout=io.StringIO())
    team = Question.objects.get(program__slug="demo-leadership", text="How does your team work?")
    chosen = {
        answer.participant.user.email: {c.label for c in answer.choices.all()}
        for answer in team.answers.filter(
            participant__user__email__in=["mentor@example.com", "protege@example.com"]
        ).select_related("participant__user")
    }
    assert chosen == {
        "mentor@example.com": {"Remote-first team"},
        "protege@example.com": {"Remote-first team"},
    }


def test_the_demo_has_a_request_waiting_for_a_mentor_and_one_declined_kindly_once():
    from programs.models import MentorRequest, RequestStatus

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    requests = MentorRequest.objects.select_related("protege__user", "mentor__user")
    assert {(r.protege.user.email, r.mentor.user.email, r.status) for r in requests} == {
        ("diego.herrera@example.com", "priya.raman@example.com", RequestStatus.OPEN),
        ("sara.lindgren@example.com", "daniel.weiss@example.com", RequestStatus.DECLINED),
    }
    declined = requests.get(status=RequestStatus.DECLINED)
    assert declined.answer and declined.answered_at and declined.created_at < declined.answered_at
