"""A program's surveys, for its admins: the list, a new survey (from a
template or blank), editing one, pausing and resuming it, and its results.
Everyone else gets 404 (``get_program_for_admin``).

A refused form comes back as typed with each error beside its field; a
saved one redirects to the list with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring.http import HtmxHttpRequest
from programs.access import get_program_for_admin
from programs.models import Program

from . import scores
from .forms_setup import QUESTIONS_PREFIX, SurveyForm, question_formset, question_rows, start_of
from .models import Survey
from .selectors.results import survey_results
from .selectors.setup import questions_of, survey_of, surveys_of, when_text
from .services import setup as services


def _survey(program: Program, survey_id: int) -> Survey:
    survey = survey_of(program, survey_id)
    if survey is None:
        raise Http404
    return survey


def _to_list(program: Program) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("surveys:program_surveys", args=[program.slug]), status=303)


@login_required
@require_safe
def program_surveys(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    """The program's surveys with their counts, and the ways to start a new one."""
    program = get_program_for_admin(request.user, slug)
    return TemplateResponse(
        request,
        "surveys/setup_list.html",
        {"program": program, "surveys": surveys_of(program), "floor": scores.FLOOR},
    )


def _form_page(request, program, form, formset, *, survey=None, questions=None, start=""):
    return TemplateResponse(
        request,
        "surveys/setup_form.html",
        {
            "program": program,
            "survey": survey,
            "form": form,
            "formset": formset,
            "questions": questions,
            "start": start,
            "when": when_text(survey) if survey else "",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_new(request: HtmxHttpRequest, slug: str):
    """A new survey, starting from ``?start=pulse``, ``closing`` or ``blank``."""
    program = get_program_for_admin(request.user, slug)
    start = request.GET.get("start", "")
    if request.method != "POST":
        fields, rows = start_of(start)
        return _form_page(
            request, program, SurveyForm(initial=fields), question_formset(rows=rows), start=start
        )
    form, formset = SurveyForm(request.POST), question_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            survey = services.survey_create(
                program=program, by=request.user, fields=form.survey_data(), questions=formset.rows()
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Survey saved: %(title)s") % {"title": survey.title})
            return _to_list(program)
    return _form_page(request, program, form, formset, start=start)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_edit(request: HtmxHttpRequest, slug: str, survey_id: int):
    """One survey's form. Once answered, its questions show read-only and a
    posted change to them is refused; the rest stays editable."""
    program = get_program_for_admin(request.user, slug)
    survey = _survey(program, survey_id)
    questions = questions_of(survey)
    if request.method != "POST":
        form = SurveyForm.of(survey, locked=survey.locked)
        formset = None if survey.locked else question_formset(rows=question_rows(questions))
        return _form_page(request, program, form, formset, survey=survey, questions=questions)
    form = SurveyForm.of(survey, request.POST, locked=survey.locked)
    # Question rows are posted only from a page shown before anyone answered.
    posted_rows = f"{QUESTIONS_PREFIX}-TOTAL_FORMS" in request.POST
    formset = question_formset(request.POST) if posted_rows else None
    if form.is_valid() and (formset is None or formset.is_valid()):
        try:
            services.survey_update(
                survey=survey, fields=form.survey_data(), questions=formset.rows() if formset else None
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            if getattr(error, "code", None) == "locked":
                survey.locked, formset = True, None
        else:
            messages.success(request, _("Survey saved: %(title)s") % {"title": form.cleaned_data["title"]})
            return _to_list(program)
    if formset is None and not survey.locked:
        formset = question_formset(rows=question_rows(questions))
    return _form_page(request, program, form, formset, survey=survey, questions=questions)


@login_required
@require_POST
def survey_pause(request: HtmxHttpRequest, slug: str, survey_id: int):
    """Pauses (``action=pause``) or resumes (``action=resume``) the survey,
    then goes back to the list, or to the survey's page with ``back=edit``."""
    program = get_program_for_admin(request.user, slug)
    survey = _survey(program, survey_id)
    action = request.POST.get("action")
    if action == "pause" and services.survey_pause(survey=survey):
        messages.success(
            request, _("Paused: %(title)s. No new rounds nor reminders go out.") % {"title": survey.title}
        )
    elif action == "resume" and services.survey_resume(survey=survey):
        messages.success(
            request,
            _("Sending again: %(title)s. Rounds that fell due while it was paused are not sent.")
            % {"title": survey.title},
        )
    if request.POST.get("back") == "edit":
        return HttpResponseRedirect(
            reverse("surveys:survey_edit", args=[program.slug, survey.pk]), status=303
        )
    return _to_list(program)


@login_required
@require_safe
def survey_results_page(request: HtmxHttpRequest, slug: str, survey_id: int) -> TemplateResponse:
    """The survey's aggregates, pooled over its rounds, each from ``scores.FLOOR`` answers."""
    program = get_program_for_admin(request.user, slug)
    survey = _survey(program, survey_id)
    return TemplateResponse(
        request,
        "surveys/results.html",
        {
            "program": program,
            "survey": survey,
            "when": when_text(survey),
            "results": survey_results(survey),
            "floor": scores.FLOOR,
        },
    )
