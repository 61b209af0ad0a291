"""Answering a survey: the respondent's page of one response, and the signed
link of the email, which works signed out.

Only the respondent reaches a response (``selectors.asks.get_response_for``:
404 for everyone else). The link's GET only shows the form (mail scanners
follow links); its POST takes one submission. Once the round is answered or
closed, the link sends the person to sign in and then to their page, which
shows their own answers (or that the survey closed, 410). Someone else
signed in is refused (403) and nothing is saved: the house way of
``partnerships.views.schedule.pick_link``."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

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


def _page(request, response: SurveyResponse, *, action: str, form=None, now=None) -> TemplateResponse:
    """The page of ``response`` in its respondent's zone: the form while open,
    their answers once answered, "closed" (410) after ``closes_at``."""
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
    }
    return TemplateResponse(request, PAGE, context, status=410 if state == "closed" else 200)


def _submit(request, response: SurveyResponse, *, action: str, done):
    """Validates and saves the posted answers; a rejected form comes back with
    what was typed, a round answered or closed meanwhile saves nothing."""
    now = timezone.now()
    if _state(response, now) != "open":
        return _page(request, response, action=action, now=now)
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
    except ValidationError:
        response.refresh_from_db(fields=["submitted_at", "shared"])
        return _page(request, response, action=action, now=now)
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
    gets 403 and saves nothing."""
    response = answer_link_read(token, response_id)
    if response is None:
        return TemplateResponse(request, LINK_PAGE, {"state": "forged"}, status=404)
    if request.user.is_authenticated and request.user.pk != response.respondent_id:
        context = {"state": "not_yours", "respondent": response.respondent}
        return TemplateResponse(request, LINK_PAGE, context, status=403)
    own_page = reverse("surveys:answer", args=[response.pk])
    if _state(response, timezone.now()) != "open":
        if request.user.is_authenticated:
            return HttpResponseRedirect(own_page)
        return redirect_to_login(own_page)
    action = reverse("surveys:answer_link", args=[response.pk, token])
    if request.method == "POST":
        return _submit(request, response, action=action, done=lambda: _page(request, response, action=action))
    return _page(request, response, action=action)
