"""Answering a survey: the respondent's page of one response, and the signed
link of the email, which works signed out.

Only the respondent reaches a response (``selectors.asks.get_response_for``:
404 for everyone else). The link's GET only shows the form (mail scanners
follow links); its POST takes one submission. Once the round is answered or
closed, the link sends the person to sign in and then to their page, which
shows their own answers (or that the survey closed, 410). Someone else
signed in is refused (403), told only who they are signed in as (never whose
link it is) and offered to sign out; nothing is saved.

A submission that comes after the round was answered (a second tab, an
older page) saves nothing and says so: on the thank-you page, or, through
the link signed out, on the way to sign in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentoring.dates import date_format
from mentoring.http import HtmxHttpRequest
from mentoring.time_zones import zone_of

from .forms_answer import NPS_HIGH, NPS_LOW, SCALE_LABELS, AnswerForm
from .models import QuestionKind, SurveyAnswer, SurveyQuestion, SurveyResponse
from .selectors.asks import answer_link_read, answer_page, get_response_for
from .services.answers import survey_answer

PAGE = "surveys/answer.html"
LINK_PAGE = "surveys/answer_link.html"


def _state(response: SurveyResponse, now) -> str:
    if response.submitted_at is not None:
        return "answered"
    return "closed" if now >= response.closes_at else "open"


def _shown(question: SurveyQuestion, answer: SurveyAnswer | None) -> str:
    """An answer as its author reads it back on the thank-you page ("" when skipped)."""
    if answer is None:
        return ""
    if question.kind == QuestionKind.SCALE:
        return str(dict(SCALE_LABELS).get(answer.number, answer.number))
    if question.kind == QuestionKind.NPS:
        return str(answer.number)
    return answer.choice if question.kind == QuestionKind.CHOICE else answer.text


def _late_words(response: SurveyResponse) -> str:
    """What a submission made after ``response`` was answered is told: the day
    it was answered, on the respondent's calendar, and that nothing was saved."""
    answered = timezone.localtime(response.submitted_at, zone_of(response.respondent))
    return _("You had already answered this survey on %(day)s; these answers were not saved.") % {
        "day": date_format(answered, "l j F Y")
    }


def _page(
    request, response: SurveyResponse, *, action: str, form=None, now=None, late: bool = False
) -> TemplateResponse:
    """The page of ``response`` in its respondent's zone: the form while open,
    their answers once answered (with ``late``: saying that what was just
    sent came after and was not saved), "closed" (410) after ``closes_at``."""
    now = now or timezone.now()
    page = answer_page(response)
    state = _state(response, now)
    context = {
        "page": page,
        "response": response,
        "state": state,
        "action": action,
        "form": form or AnswerForm(questions=page.questions),
        "zone": zone_of(response.respondent),
        "nps_low": NPS_LOW,
        "nps_high": NPS_HIGH,
        "given": [(question, _shown(question, page.answers.get(question.pk))) for question in page.questions],
        "late": _late_words(response) if late and state == "answered" else "",
    }
    return TemplateResponse(request, PAGE, context, status=410 if state == "closed" else 200)


def _submit(request, response: SurveyResponse, *, action: str, done):
    """Validates and saves the posted answers; a rejected form comes back with
    what was typed, a round answered or closed meanwhile saves nothing."""
    now = timezone.now()
    if (state := _state(response, now)) != "open":
        return _page(request, response, action=action, now=now, late=state == "answered")
    page = answer_page(response)
    form = AnswerForm(request.POST, questions=page.questions)
    if not form.is_valid():
        return _page(request, response, action=action, form=form, now=now)
    try:
        survey_answer(
            response=response,
            by=response.respondent,
            answers=form.answers(),
            shared=form.cleaned_data["shared"],
            questions=page.questions,
            now=now,
        )
    except ValidationError as refused:
        response.refresh_from_db(fields=["submitted_at", "shared"])
        return _page(request, response, action=action, now=now, late=refused.code == "answered")
    return done()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HtmxHttpRequest, response_id: int) -> HttpResponse:
    """The respondent's page of one response: the survey's form, their answers
    once given, or that it closed."""
    response = get_response_for(request.user, response_id)
    action = reverse("surveys:answer", args=[response.pk])
    if request.method == "POST":
        return _submit(
            request, response, action=action, done=lambda: HttpResponseRedirect(action, status=303)
        )
    return _page(request, response, action=action)


@require_http_methods(["GET", "HEAD", "POST"])
def answer_link(request: HtmxHttpRequest, response_id: int, token: str) -> HttpResponse:
    """The signed link of the email: the form, signed out or signed in as the
    respondent, for one submission; a forged link 404s, anyone else signed in
    gets 403 (with a way to sign out and come back) and saves nothing.
    Posted once the round is answered, it saves nothing and says so."""
    response = answer_link_read(token, response_id)
    if response is None:
        return TemplateResponse(request, LINK_PAGE, {"state": "forged"}, status=404)
    action = reverse("surveys:answer_link", args=[response.pk, token])
    if request.user.is_authenticated and request.user.pk != response.respondent_id:
        return TemplateResponse(request, LINK_PAGE, {"state": "not_yours", "link": action}, status=403)
    own_page = reverse("surveys:answer", args=[response.pk])
    if (state := _state(response, timezone.now())) != "open":
        late = request.method == "POST" and state == "answered"
        if request.user.is_authenticated:
            if late:
                return _page(request, response, action=own_page, late=True)
            return HttpResponseRedirect(own_page)
        if late:
            messages.warning(request, _late_words(response))
        return redirect_to_login(own_page)
    if request.method == "POST":
        return _submit(request, response, action=action, done=lambda: _page(request, response, action=action))
    return _page(request, response, action=action)
