"""The surveys journey in a browser (issue 21): the demo admin sets a pulse
survey and a closing survey; the demo pair each get the pulse round once by
email and answer it (the protégé from her email's link, signed out); the pair
completes and the protégé answers the closing survey; the admin sees no figure
under five answers and the figures at five, never an unshared written answer;
the outcome report shows the demo program's categories and its NPS, and prints
without navigation. Every page is checked with axe and at a phone's width.

The reminder scan and the sending run at 10:30 on the westernmost of the two
people's clocks, a moment in both people's daytime, whatever the wall clock."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from mentoring.time_zones import zone_of
from partnerships.models import Partnership
from reminders.timing import at_local
from surveys.models import Survey, SurveyResponse
from surveys.services.answers import Ask, survey_answer, survey_responses_ask
from tests.reminders.surveys import scan_and_send

from .conftest import assert_accessible, screenshot
from .test_requests import fits_a_phone
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "mentoring-demo"
PROGRAM = "Leadership Mentoring 2026"
PULSE = "Pulse after the match"
CLOSING = "End of mentoring survey"
CALLS = "Our calls are worth the time we give them"
PROGRESS = "I am making progress on what I came for"
ANYTHING = "Anything the program team should know?"
SHARED_TEXT = "The agenda template helps us start each call well."
MENTOR_SECRET = "Mentor secret: my protégé's manager is leaving."
OTHER_SECRET = "Unshared note from another pair, kept private."


def checked(page: Page) -> None:
    """axe on the page, and no sideways scroll at 375 px."""
    assert_accessible(page)
    fits_a_phone(page)


def signed_in(browser: Browser, live_server, email: str) -> Page:
    page = signed_out(browser, live_server)
    page.goto("/accounts/login/")
    sign_in(page, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def signed_out(browser: Browser, live_server) -> Page:
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def morning(day: datetime.date, pair: Partnership) -> datetime.datetime:
    """10:30 on ``day`` on the westernmost clock of the pair: the other's is
    later in their day, and both are outside the quiet hours (21:00–08:00)."""
    zones = [zone_of(pair.mentor.user), zone_of(pair.protege.user)]
    now = max(at_local(day, datetime.time(10, 30), tz) for tz in zones)
    for tz in zones:
        assert 8 <= now.astimezone(tz).hour < 21, (tz, now)
    return now


def survey_emails(mailoutbox, response: SurveyResponse) -> list:
    """The emails to the respondent that carry this response's signed link."""
    marker = f"/surveys/{response.pk}/a/"
    return [m for m in mailoutbox if m.to == [response.respondent.email] and marker in m.body]


def link_in(message) -> str:
    (link,) = set(re.findall(r"https?://\S+/surveys/\d+/a/\S+/", message.body))
    return link


def answer_pulse(page: Page, *, calls: str, progress: str, text: str, share: bool) -> None:
    page.get_by_role("group", name=CALLS).get_by_label(calls, exact=True).check()
    page.get_by_role("group", name=PROGRESS).get_by_label(progress, exact=True).check()
    page.get_by_role("textbox", name=re.compile(re.escape(ANYTHING))).fill(text)
    if share:
        page.get_by_label("Share my written answers with the program team (without my name)").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you", level=1)).to_be_visible()


def new_survey(admin: Page, start: str, title: str, days: int | None = None) -> None:
    admin.get_by_role("button", name=start).click()
    expect(admin.get_by_role("heading", name="New survey", level=1)).to_be_visible()
    checked(admin)
    admin.get_by_label("Title").fill(title)
    if days is not None:
        admin.get_by_label("Days after the match").fill(str(days))
    admin.get_by_role("button", name="Save the survey").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Survey saved: {title}")
    expect(admin.get_by_role("heading", name=title, level=2)).to_be_visible()


def test_the_admin_sets_surveys_the_demo_pair_answers_and_the_admin_sees_figures_from_five(
    page: Page, browser: Browser, live_server, mailoutbox, settings
):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.with_people().get(
        mentor__user__email="mentor@example.com",
        protege__user__email="protege@example.com",
        status=Partnership.Status.ACTIVE,
    )
    mentor, protege = pair.mentor.user, pair.protege.user
    today = timezone.localdate()
    days = (today - pair.started_on).days  # the pulse's first round falls due today
    assert 1 <= days <= 365, pair.started_on

    # 1. The admin sets a pulse and a closing survey from the program's navigation.
    admin = page
    admin.goto("/accounts/login/")
    sign_in(admin, "admin@example.com", DEMO_PASSWORD)
    admin.get_by_role("link", name="Programs", exact=True).click()
    admin.get_by_role("link", name=PROGRAM).click()
    admin.get_by_role("navigation", name=PROGRAM).get_by_role("link", name="Surveys").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Surveys of")
    checked(admin)
    new_survey(admin, "From the pulse template", PULSE, days)
    checked(admin)
    new_survey(admin, "From the closing template", CLOSING)
    checked(admin)
    screenshot(admin, "surveys-list")
    pulse = Survey.objects.get(program=pair.program, title=PULSE)
    closing = Survey.objects.get(program=pair.program, title=CLOSING)
    assert (pulse.first_after_days, pulse.every_days, pulse.audience) == (days, 30, "both")
    assert (closing.kind, closing.first_after_days) == ("closing", None)

    # 2. The scan and the sending, twice at the same moment: one email each.
    now = morning(today, pair)
    scan_and_send(now)
    scan_and_send(now)
    asked = {r.respondent_id: r for r in SurveyResponse.objects.filter(survey=pulse, partnership=pair)}
    assert set(asked) == {mentor.pk, protege.pk}
    assert all(r.round == "1" for r in asked.values())
    (her_email,) = survey_emails(mailoutbox, asked[protege.pk])
    (his_email,) = survey_emails(mailoutbox, asked[mentor.pk])

    # The protégé answers from her email's link, signed out.
    hers = signed_out(browser, live_server)
    hers.goto(link_in(her_email))
    expect(hers.get_by_role("heading", name=PULSE, level=1)).to_be_visible()
    checked(hers)
    answer_pulse(hers, calls="Strongly agree", progress="Agree", text=SHARED_TEXT, share=True)
    expect(hers.get_by_text("You shared your written answers with the program team")).to_be_visible()
    checked(hers)
    # The link worked once: now it asks her to sign in.
    hers.goto(link_in(her_email))
    expect(hers).to_have_url(re.compile(rf"/accounts/login/\?next=/surveys/{asked[protege.pk].pk}/$"))
    expect(hers.get_by_role("heading", name="Sign in")).to_be_visible()
    hers.context.close()

    # The mentor, signed in, answers his at /surveys/<id>/ and does not share.
    his = signed_in(browser, live_server, mentor.email)
    assert f"/surveys/{asked[mentor.pk].pk}/a/" in his_email.body
    his.goto(f"/surveys/{asked[mentor.pk].pk}/")
    expect(his.get_by_role("heading", name=PULSE, level=1)).to_be_visible()
    checked(his)
    answer_pulse(his, calls="Agree", progress="Agree", text=MENTOR_SECRET, share=False)
    expect(his.get_by_text("Your written answers stay private")).to_be_visible()
    checked(his)

    # 3. The mentor completes the partnership; the next day the closing survey goes.
    his.goto(f"/partnerships/{pair.pk}/close/")
    expect(his.get_by_role("heading", name="Complete or end the partnership")).to_be_visible()
    checked(his)
    his.get_by_label("It is complete: we reached the end we agreed").check()
    his.get_by_label("Your closing reflection").fill("Priya found her voice in the leadership meetings.")
    his.get_by_role("button", name="Close the partnership").click()
    pair.refresh_from_db()
    assert pair.status == Partnership.Status.COMPLETED
    his.context.close()

    scan_and_send(morning(today + datetime.timedelta(days=1), pair))
    closing_asks = SurveyResponse.objects.filter(survey=closing, partnership=pair)
    assert {(r.respondent_id, r.round) for r in closing_asks} == {(mentor.pk, "end"), (protege.pk, "end")}
    her_closing = closing_asks.get(respondent=protege)
    (closing_email,) = survey_emails(mailoutbox, her_closing)
    assert len(survey_emails(mailoutbox, asked[protege.pk])) == 1  # the pulse was not sent again

    hers = signed_in(browser, live_server, protege.email)
    hers.goto(link_in(closing_email))
    expect(hers.get_by_role("heading", name=CLOSING, level=1)).to_be_visible()
    checked(hers)
    nps = hers.get_by_role("group", name="How likely are you to recommend this program to a colleague?")
    nps.get_by_label("9", exact=True).check()
    hers.get_by_role("group", name="The program met my expectations").get_by_label(
        "Strongly agree", exact=True
    ).check()
    hers.get_by_role("group", name="Would you take part again?").get_by_label("Yes, as a mentor").check()
    hers.get_by_role("textbox", name=re.compile("What was the most valuable part")).fill(
        "Rehearsing the difficult conversations."
    )
    hers.get_by_label("Share my written answers with the program team (without my name)").check()
    hers.get_by_role("button", name="Send my answers").click()
    expect(hers.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    checked(hers)
    her_closing.refresh_from_db()
    assert her_closing.submitted_at is not None
    hers.context.close()

    # 4. Two answers: the results show no figure, only that fewer than five answered.
    admin.goto(f"/programs/{pair.program.slug}/surveys/")
    admin.get_by_role("button", name=f"Results {PULSE}").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text(f"Results of “{PULSE}”")
    floor_notes = admin.get_by_text("Fewer than 5 answers so far")
    expect(floor_notes).to_have_count(3)
    expect(admin.get_by_text("mean, out of 5")).to_have_count(0)
    for secret in (SHARED_TEXT, MENTOR_SECRET):
        assert secret not in admin.content()
    checked(admin)

    # Three more protégés of other pairs are asked round 1 as the sending would, and answer.
    others = list(
        Partnership.objects.with_people()
        .filter(program=pair.program, status=Partnership.Status.ACTIVE)
        .exclude(pk=pair.pk)
        .order_by("pk")[:3]
    )
    assert len(others) == 3
    survey_responses_ask(
        asks=[Ask(pulse.pk, other.pk, other.protege.user_id, "1", "protege") for other in others], now=now
    )
    questions = list(pulse.questions.order_by("position", "pk"))
    assert [q.text for q in questions] == [CALLS, PROGRESS, ANYTHING]
    for other, (calls, progress) in zip(others, [(3, 4), (4, 4), (5, 3)], strict=True):
        response = SurveyResponse.objects.get(survey=pulse, partnership=other, round="1")
        survey_answer(
            response=response,
            by=other.protege.user,
            answers={questions[0].pk: calls, questions[1].pk: progress, questions[2].pk: OTHER_SECRET},
            shared=False,
            questions=questions,
            now=now,
        )

    # Five answers: the figures show, with the shared written answer and no unshared one.
    admin.reload()
    expect(admin.get_by_text("Fewer than 5 answers so far")).to_have_count(0)
    calls_section = admin.get_by_role("region", name=re.compile(re.escape(CALLS)))
    expect(calls_section.locator(".survey-score-value")).to_have_text("4.2")  # (5 + 4 + 3 + 4 + 5) / 5
    progress_section = admin.get_by_role("region", name=re.compile(re.escape(PROGRESS)))
    expect(progress_section.locator(".survey-score-value")).to_have_text("3.8")  # (4 + 4 + 4 + 4 + 3) / 5
    written = admin.get_by_role("region", name=re.compile(re.escape(ANYTHING)))
    expect(written.get_by_text(SHARED_TEXT)).to_be_visible()
    expect(written.get_by_text("4 answers were not shared.")).to_be_visible()
    for secret in (MENTOR_SECRET, OTHER_SECRET):
        assert secret not in admin.content()
    checked(admin)
    screenshot(admin, "survey-results")

    # 5. The outcome report: the demo's categories and the surveys' NPS; printed without navigation.
    admin.get_by_role("navigation", name=PROGRAM).get_by_role("link", name="Outcomes").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Outcomes")
    for category in ["SMART", "Competency / job skill", "Real-time situation"]:
        expect(admin.get_by_role("heading", name=category, exact=True)).to_be_visible()
    surveys = admin.get_by_role("region", name="Surveys", exact=True)
    expect(surveys.get_by_text("Net promoter score, −100 to 100").first).to_be_visible()
    expect(surveys.locator(".outcome-nps-score").first).to_have_text(re.compile(r"^-?\d+$"))
    for secret in (MENTOR_SECRET, OTHER_SECRET):
        assert secret not in admin.content()
    checked(admin)
    admin.emulate_media(media="print")
    expect(admin.locator(".site-header")).to_be_hidden()
    expect(admin.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(admin.get_by_role("navigation", name=PROGRAM)).to_be_hidden()
    expect(admin.get_by_role("heading", name="SMART", exact=True)).to_be_visible()
    expect(surveys.get_by_role("heading", name="Surveys")).to_be_visible()
