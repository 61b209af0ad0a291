"""A mentor deciding on a request in a browser: what the protégé seeks, their
answers and the fit read beside the note, a full mentor sees their places
are full, and a protégé whose program stopped taking requests is told so;
each page accessible and as wide as a phone."""

import pytest
from playwright.sync_api import Browser, expect

from programs.models import (
    Answer,
    Audience,
    Choice,
    MatchingMode,
    MatchRule,
    Participant,
    Question,
    QuestionKind,
)
from programs.services import requests as request_services
from tests.factories import MentorFactory, ParticipantFactory, ProgramFactory, TopicFactory, UserFactory

from .conftest import assert_accessible
from .test_requests import fits_a_phone, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentor_decides_seeing_what_the_protege_seeks_and_a_full_mentor_only_declines(
    browser: Browser, live_server
):
    program = ProgramFactory(admins=[UserFactory()], name="Rise 2026", matching_mode=MatchingMode.REQUESTS)
    topic = TopicFactory(program=program, name="Negotiation")
    question = Question.objects.create(
        program=program,
        text="Which kind of team do you work in, or hope to work in next year?",
        kind=QuestionKind.SINGLE,
        audience=Audience.BOTH,
        weight=20,
        rule=MatchRule.SAME,
    )
    remote = Choice.objects.create(question=question, label="remote-first team", position=0)
    mina = MentorFactory(program=program, user__display_name="Mina Mentor", capacity=2)
    mina.topics_offered.set([topic])
    sam = ParticipantFactory(
        program=program, user__display_name="Sam Seeker", challenges="Leading " + "x" * 80 + " my first team"
    )
    sam.topics_sought.set([topic])
    for person_ in (mina, sam):
        Answer.objects.create(participant=person_, question=question).choices.set([remote])
    request_services.request_send(protege=sam, mentor=mina, note="Your sales years are what I need.")

    page = person(browser, live_server, mina.user)
    page.goto("/me/requests/")
    card = page.locator(".request-list > li").first
    expect(card.get_by_text("How well you fit")).to_be_visible()
    expect(card.get_by_text("both chose: remote-first team")).to_be_visible()
    expect(card.get_by_text("Which kind of team do you work in")).to_be_visible()
    expect(card.get_by_role("button", name="Accept Sam Seeker")).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)

    Participant.objects.filter(pk=mina.pk).update(load=2)
    page.reload()
    expect(card.get_by_text("Your places are full")).to_be_visible()
    expect(card.get_by_role("button", name="Accept Sam Seeker")).to_have_count(0)
    expect(card.get_by_text("Decline, with a kind word to Sam Seeker")).to_be_visible()
    assert_accessible(page)
    fits_a_phone(page)

    program.matching_mode = MatchingMode.ADMIN
    program.save()
    seeker = person(browser, live_server, sam.user, width=375)
    seeker.goto(f"/programs/{program.slug}/mentors/")
    expect(seeker.get_by_text("makes the matches now")).to_be_visible()
    expect(seeker.get_by_role("link", name="Back to your home page")).to_be_visible()
    assert_accessible(seeker)
    fits_a_phone(seeker)
