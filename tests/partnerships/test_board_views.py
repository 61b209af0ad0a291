import re

import pytest
from django.urls import reverse

from partnerships.models import Partnership
from programs.models import DraftMatch
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import MentorFactory, ParticipantFactory, PartnershipFactory, TopicFactory

pytestmark = pytest.mark.django_db


def board_url(world, **query):
    url = reverse("partnerships:matching_board", args=[world.program.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(board_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_the_board(client, world, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(board_url(world)).status_code == status


@pytest.mark.parametrize(
    "action", ["match", "proposal", "proposal_publish", "proposal_discard", "matching_settings"]
)
@pytest.mark.parametrize("persona", ["other_admin", "mentor", "protege", "outsider"])
def test_no_one_else_can_act_on_the_board(client, world, persona, action):
    client.force_login(getattr(world, persona))
    response = client.post(reverse(f"partnerships:{action}", args=[world.program.slug]))
    assert response.status_code == 404


def test_other_people_cannot_unmatch_a_pair(client, world):
    client.force_login(world.mentor)
    url = reverse("partnerships:unmatch", args=[world.program.slug, world.partnership.pk])
    assert client.post(url, {"reason": "no"}).status_code == 404
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE


def grow(world, n: int) -> None:
    topic = TopicFactory(program=world.program)
    for _ in range(n):
        protege = ParticipantFactory(program=world.program)
        protege.topics_sought.add(topic)
        mentor = MentorFactory(program=world.program, capacity=3)
        mentor.topics_offered.add(topic)
        PartnershipFactory(program=world.program, mentor=mentor)
    DraftMatch.objects.create(
        program=world.program, protege=ParticipantFactory(program=world.program),
        mentor=MentorFactory(program=world.program), score=50, reasons=["because"],
    )  # fmt: skip


@pytest.mark.parametrize("with_suggestions", [False, True])
def test_the_board_runs_the_same_queries_for_a_small_and_a_larger_program(
    client, world, django_assert_num_queries, with_suggestions
):
    client.force_login(world.admin)
    grow(world, 2)
    waiting = ParticipantFactory(program=world.program)
    query = {"protege": waiting.pk} if with_suggestions else {}
    # With suggestions, ranked_mentors reads the criteria too (and their answers when there are any).
    # One more than before: each waiting protégé's pending requests (one prefetch).
    with django_assert_num_queries(20 if with_suggestions else 17) as small:
        client.get(board_url(world, **query))
    grow(world, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(board_url(world, **query))
    assert response.status_code == 200


def test_the_board_pages_its_lists_and_a_page_past_the_end_shows_the_last(client, world, monkeypatch):
    """Each list's page is read with the count of the whole list
    (partnerships.selectors.matching._PageByIds); one past the end shows the last."""
    monkeypatch.setattr("partnerships.selectors.matching.PAGE_SIZE", 2)
    waiting = [ParticipantFactory(program=world.program, user__display_name=f"Wai {i}") for i in range(5)]
    client.force_login(world.admin)
    shown = []
    for page in [1, 2, 3]:
        text = client.get(board_url(world, waiting=page)).text
        listed = text[text.index('<ul class="people-list">') :].split("</ul>")[0]
        shown += re.findall(r">(Wai \d)</a>", listed)
        assert f"Page {page} of 3" in text
    assert shown == [p.user.display_name for p in waiting]
    past = client.get(board_url(world, waiting=9)).text
    assert "Page 3 of 3" in past and ">Wai 4</a>" in past and ">Wai 0</a>" not in past
    pairs = client.get(board_url(world, pairs=9)).text
    assert "Sam Protégé" in pairs  # the only pair, on the last (first) page


def test_suggestions_rank_mentors_with_reasons(client, world):
    topic = TopicFactory(program=world.program, name="Negotiation")
    protege = ParticipantFactory(program=world.program, user__display_name="Sam Seeker", methods=["video"])
    protege.topics_sought.add(topic)
    good = MentorFactory(program=world.program, user__display_name="Gina Good", methods=["video"])
    good.topics_offered.add(topic)
    MentorFactory(program=world.program, user__display_name="Fred Far", methods=["phone"])
    client.force_login(world.admin)
    response = client.get(board_url(world, protege=protege.pk))
    text = response.text
    assert "Suggestions for Sam Seeker" in text
    assert text.index("Gina Good") < text.index("Fred Far")
    assert "offers negotiation, which Sam Seeker seeks" in text or "negotiation" in text.lower()
    assert "both prefer video" in text
    # Each reason is a pass or fail mark, in words as well as in colour, with its words.
    gina = text[text.index("<h3>Gina Good") :].split("</li>\n")[0]
    assert (
        '<li class="check check--fits"><span class="check-mark" aria-hidden="true">✓</span>'
        '<span class="visually-hidden">Fits: </span><span class="check-text">both prefer video</span></li>'
    ) in gina
    fred = text[text.index("<h3>Fred Far") :]
    assert (
        '<span class="visually-hidden">Does not fit: </span><span class="check-text">no topics in common'
        in fred
    )
    # And a score bar with the number beside it.
    assert '<svg class="score-bar"' in gina and re.search(
        r'<span class="visually-hidden">Score </span>\d+', gina
    )


def test_waiting_proteges_show_the_topics_they_seek(client, world):
    sought = [TopicFactory(program=world.program, name=name) for name in ["Negotiation", "Q&A <live>"]]
    seeker = ParticipantFactory(program=world.program, user__display_name="Sam Seeker")
    seeker.topics_sought.add(*sought)
    seeker.topics_offered.add(TopicFactory(program=world.program, name="Offered only"))
    ParticipantFactory(program=world.program, user__display_name="Nel New")
    client.force_login(world.admin)
    text = client.get(board_url(world, protege=seeker.pk)).text
    rows = {name: text[text.index(f">{name}</a>") :].split("</li>")[0] for name in ["Sam Seeker", "Nel New"]}
    assert '<small class="meta">Negotiation, Q&amp;A &lt;live&gt;</small>' in rows["Sam Seeker"]
    assert '<small class="meta">No topics chosen yet</small>' in rows["Nel New"]
    assert "Seeks negotiation, q&amp;a &lt;live&gt;" in text
    assert "Offered only" not in text


def test_matching_from_a_suggestion_creates_the_pair_and_says_so(client, world):
    protege = ParticipantFactory(program=world.program, user__display_name="Sam Seeker")
    mentor = MentorFactory(program=world.program, user__display_name="Gina Good")
    client.force_login(world.admin)
    response = client.post(
        reverse("partnerships:match", args=[world.program.slug]), {"protege": protege.pk, "mentor": mentor.pk},
        follow=True,
    )  # fmt: skip
    assert "Matched Sam Seeker with Gina Good" in response.text
    assert Partnership.objects.filter(protege=protege, mentor=mentor, status="proposed").exists()


def test_a_full_mentor_is_refused_with_a_message_on_the_board(client, world):
    protege = ParticipantFactory(program=world.program)
    full = world.partnership.mentor
    full.capacity = 1
    full.load = 1
    full.save()
    client.force_login(world.admin)
    response = client.post(
        reverse("partnerships:match", args=[world.program.slug]), {"protege": protege.pk, "mentor": full.pk},
        follow=True,
    )  # fmt: skip
    assert "has no free place left" in response.text
    assert not Partnership.objects.filter(protege=protege).exists()


def test_unmatching_sends_the_protege_back_with_suggestions(client, world):
    client.force_login(world.admin)
    url = reverse("partnerships:unmatch", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"reason": "Different time zones"}, follow=True)
    assert "Unmatched Sam Protégé" in response.text
    assert "Suggestions for Sam Protégé" in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ENDED


def test_unmatching_without_a_reason_is_refused(client, world):
    client.force_login(world.admin)
    url = reverse("partnerships:unmatch", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Say briefly why" in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ACTIVE


def test_proposal_then_publish_from_the_board(client, world):
    topic = TopicFactory(program=world.program)
    protege = ParticipantFactory(program=world.program, user__display_name="Pat Proposed", methods=["video"])
    protege.topics_sought.add(topic)
    mentor = MentorFactory(program=world.program, methods=["video"])
    mentor.topics_offered.add(topic)
    client.force_login(world.admin)
    response = client.post(reverse("partnerships:proposal", args=[world.program.slug]), follow=True)
    assert "Proposed 1 match. Review it, then publish." in response.text
    assert "Publish 1 match" in response.text
    response = client.post(reverse("partnerships:proposal_publish", args=[world.program.slug]), follow=True)
    assert "Published 1 match." in response.text
    assert Partnership.objects.filter(protege=protege, mentor=mentor).exists()


def test_weights_are_validated_and_saved(client, world):
    client.force_login(world.admin)
    url = reverse("partnerships:matching_settings", args=[world.program.slug])
    zero = {"min_score": 30} | {
        f"weight_{k}": 0 for k in ["topics", "methods", "cadence", "time_zone", "load"]
    }
    response = client.post(url, zero, follow=True)
    assert "At least one criterion must count" in response.text
    response = client.post(url, zero | {"weight_topics": 70, "weight_load": 30}, follow=True)
    assert "Matching weights saved" in response.text
    world.program.refresh_from_db()
    assert world.program.match_weights["topics"] == 70
    assert world.program.min_match_score == 30


def test_the_board_works_with_htmx_swapping_only_the_board(client, world):
    client.force_login(world.admin)
    response = client.get(board_url(world), headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 200
    assert 'id="board"' in response.text
    assert 'hx-boost="true"' in response.text


def test_refused_weights_come_back_open_beside_their_fields_with_what_was_typed(client, world):
    client.force_login(world.admin)
    url = reverse("partnerships:matching_settings", args=[world.program.slug])
    typed = {"min_score": 30, "weight_topics": -50, "weight_methods": 7, "weight_cadence": 10}
    typed |= {"weight_time_zone": "abc", "weight_load": 10}
    response = client.post(url, typed)
    assert response.status_code == 200
    page = response.text
    assert re.search(r'<details open>\s*<summary id="weights-title">', page)
    assert 'id="id_weight_topics_error"' in page and 'id="id_weight_time_zone_error"' in page
    assert 'name="weight_methods" value="7"' in page and 'name="weight_topics" value="-50"' in page
    # The board's links still lead to the board, not to the address the form was sent to.
    assert reverse("partnerships:matching_settings", args=[world.program.slug]) + "?" not in page
    world.program.refresh_from_db()
    assert world.program.match_weights == {}


def test_a_suggestion_set_aside_makes_way_for_the_next(client, world):
    """ "Not this one" is a plain link: the board again with that mentor set aside,
    and the next best in the list; "Show them again" brings them all back."""
    from partnerships.selectors.matching import SUGGESTIONS_SHOWN

    protege = ParticipantFactory(program=world.program, user__display_name="Sam Seeker")
    mentors = [
        MentorFactory(program=world.program, user__display_name=f"Mentor {i:02}")
        for i in range(SUGGESTIONS_SHOWN + 1)
    ]
    client.force_login(world.admin)
    text = client.get(board_url(world, protege=protege.pk)).text
    shown = re.findall(r"<h3>(Mentor \d+)", text)
    assert len(shown) == SUGGESTIONS_SHOWN
    first = next(m for m in mentors if m.user.display_name == shown[0])
    link = re.search(r'<a class="set-aside" href="([^"]+)">Not this one', text).group(1).replace("&amp;", "&")
    assert (
        link == board_url(world, protege=protege.pk, skip=f"{first.pk}").replace(",", "%2C") + "#suggestions"
    )
    text = client.get(link).text
    now = re.findall(r"<h3>(Mentor \d+)", text)
    eleventh = next(m.user.display_name for m in mentors if m.user.display_name not in shown)
    assert now == [*shown[1:], eleventh]
    assert "You set 1 mentor aside for now." in text
    again = re.search(r'<a href="([^"]+)">Show them again', text).group(1)
    assert "skip" not in again
    # Two set aside: the next link carries both; rubbish in the list is dropped.
    second = next(m for m in mentors if m.user.display_name == now[0])
    assert f"skip={min(first.pk, second.pk)}%2C{max(first.pk, second.pk)}" in text
    assert client.get(board_url(world, protege=protege.pk, skip="x,-1,99999999999,,")).status_code == 200


def test_matching_moves_the_board_on_to_the_next_who_waits(client, world):
    first, second, third = (
        ParticipantFactory(program=world.program, user__display_name=name) for name in ["Ann", "Ben", "Cy"]
    )
    mentor = MentorFactory(program=world.program, capacity=3)
    client.force_login(world.admin)
    match = reverse("partnerships:match", args=[world.program.slug])
    response = client.post(match, {"protege": second.pk, "mentor": mentor.pk})
    assert response.status_code == 303
    assert response["Location"] == board_url(world, protege=third.pk)
    response = client.post(match, {"protege": third.pk, "mentor": mentor.pk}, follow=True)
    assert "Suggestions for Ann" in response.text  # the last who waited: back to the first
    response = client.post(match, {"protege": first.pk, "mentor": mentor.pk})
    assert response["Location"] == board_url(world)  # nobody waits any more


def test_the_proposals_summary_and_publish_come_first(client, world):
    topic = TopicFactory(program=world.program)
    for name in ["Pat One", "Pat Two"]:
        protege = ParticipantFactory(program=world.program, user__display_name=name)
        protege.topics_sought.add(topic)
    ParticipantFactory(program=world.program, user__display_name="Pat Alone")  # seeks nothing
    mentor = MentorFactory(program=world.program, capacity=2)
    mentor.topics_offered.add(topic)
    world.program.min_match_score = 60
    world.program.save()
    client.force_login(world.admin)
    text = client.post(reverse("partnerships:proposal", args=[world.program.slug]), follow=True).text
    summary = text[text.index('<section id="proposal"') :].split("</section>")[0]
    figures = re.findall(r'<span class="proposal-figure">(\d+)</span> ([^<]+)</li>', summary)
    assert [label for _, label in figures] == [
        "pairs proposed",
        "average score",
        "lowest score",
        "protégé would still wait",
    ]
    assert figures[0][0] == "2" and figures[3][0] == "1"
    assert "Publish 2 matches" in summary and "Discard the proposal" in summary
    assert text.index("Publish 2 matches") < text.index("Waiting for a mentor</h2>")
    assert text.index("Waiting for a mentor</h2>") < text.index('<h2 id="proposal-pairs-title">')


def test_discarding_when_there_is_no_proposal_says_there_was_none(client, world):
    client.force_login(world.admin)
    url = reverse("partnerships:proposal_discard", args=[world.program.slug])
    response = client.post(url, follow=True)
    assert "There was no proposal to discard." in response.text
    assert "The proposal is discarded." not in response.text


def test_unmatching_a_pair_that_has_ended_says_so(client, world):
    world.partnership.status = Partnership.Status.COMPLETED
    world.partnership.save(update_fields=["status"])
    client.force_login(world.admin)
    url = reverse("partnerships:unmatch", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"reason": "Different time zones"}, follow=True)
    assert "This partnership has already ended." in response.text


def test_a_too_long_unmatch_reason_is_refused_in_the_products_words(client, world):
    client.force_login(world.admin)
    url = reverse("partnerships:unmatch", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"reason": "x" * 5000}, follow=True)
    assert "Keep it to 500 characters or fewer; this is 5000." in response.text
    assert "Ensure this value" not in response.text
