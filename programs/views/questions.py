"""A program's own profile questions, for its admins: the list in order, add,
edit, move up or down, retire. Everyone else gets 404 (``get_program_for_admin``).

Every action is a plain form POST that redirects back with a message; a
refused form comes back as typed with its errors beside the fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring.http import HtmxHttpRequest

from ..access import get_program_for_admin
from ..models import Program, Question
from ..question_forms import QuestionForm
from ..selectors.questions import question_of, questions_of
from ..services import questions as services


def _back(program: Program, question: Question | None = None) -> HttpResponseRedirect:
    url = reverse("programs:questions", args=[program.slug])
    return HttpResponseRedirect(f"{url}#question-{question.pk}" if question else url, status=303)


def _question(program: Program, question_id: int) -> Question:
    question = question_of(program, question_id)
    if question is None:
        raise Http404
    return question


def _list(request: HtmxHttpRequest, program: Program, form: QuestionForm | None = None) -> TemplateResponse:
    found = questions_of(program)
    return TemplateResponse(
        request,
        "programs/questions.html",
        {
            "program": program,
            "questions": [q for q in found if q.retired_at is None],
            "retired": [q for q in found if q.retired_at is not None],
            "form": form or QuestionForm(),
        },
    )


@login_required
@require_safe
def questions(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    return _list(request, get_program_for_admin(request.user, slug))


@login_required
@require_POST
def question_add(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_create(program=program, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question added: %(text)s") % {"text": question.text})
            return _back(program, question)
    return _list(request, program, form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_edit(request: HtmxHttpRequest, slug: str, question_id: int):
    program = get_program_for_admin(request.user, slug)
    question = _question(program, question_id)
    form = QuestionForm.of(question, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.question_update(question=question, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question saved: %(text)s") % {"text": form.cleaned_data["text"]})
            return _back(program, question)
    return TemplateResponse(
        request, "programs/question_edit.html", {"program": program, "question": question, "form": form}
    )


@login_required
@require_POST
def question_move(request: HtmxHttpRequest, slug: str, question_id: int):
    program = get_program_for_admin(request.user, slug)
    question = _question(program, question_id)
    up = request.POST.get("direction") != "down"
    if not services.question_move(question=question, up=up):
        messages.info(
            request, _("That question is first already.") if up else _("That question is last already.")
        )
    return _back(program, question)


@login_required
@require_POST
def question_retire(request: HtmxHttpRequest, slug: str, question_id: int):
    program = get_program_for_admin(request.user, slug)
    question = services.question_retire(question=_question(program, question_id))
    messages.success(
        request,
        _("Question retired: %(text)s. It is no longer asked nor counted in matching; its answers are kept.")
        % {"text": question.text},
    )
    return _back(program)
