"""The call log, logging a call, the call page and what the pair says after
a call. Only the mentor and the protégé reach these pages
(``get_partnership_for``: 404 for everyone else, program admins included);
logging a call is the mentor's (403 for the protégé), rating a call the
protégé's. Every action is a plain form POST that redirects, so the pages work
without JavaScript; htmx only adds homework rows in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from mentoring.dates import day_shown
from mentoring.http import HtmxHttpRequest
from mentoring.resubmission import saved_once
from partnerships.access import cached_pair_page, get_partnership_for, require_role
from partnerships.models import Partnership
from partnerships.selectors import pairs as partnership_selectors
from partnerships.selectors.pairs import PairView
from programs.models import Participant

from .. import selectors, services
from ..forms import (
    AgendaItemForm,
    CallFeedbackForm,
    HomeworkFormSet,
    HomeworkRowForm,
    PartnershipCheckForm,
    SessionLogForm,
    homework_formset,
    posted_call_start,
)
from ..models import Homework, Session

MENTOR = Participant.Role.MENTOR
PROTEGE = Participant.Role.PROTEGE
ROW_FIELDS = ["kind", "description", "link", "due_on"]


def redirect_to(name: str, partnership: Partnership, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"sessions_log:{name}", args=[partnership.pk]) + anchor, status=303)


def apply_errors(form, error: ValidationError) -> None:
    """Puts a service's refusal beside the field it is about, or on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _call_log(request: HtmxHttpRequest, partnership: Partnership, pair, **forms) -> TemplateResponse:
    role = pair.my_role
    page = selectors.calls_page(partnership, request.GET.get("page"), with_agenda=True)
    context = {
        "partnership": partnership,
        "pair": pair,
        "page": page,
        "draft": selectors.draft_of(partnership) if role == MENTOR else None,
        **selectors.check_for(partnership, request.user, role=role),
    }
    if role == PROTEGE:
        posted = forms.get("feedback_form")
        for call in page:
            if call.status == Session.Status.HELD and not hasattr(call, "feedback"):
                call.feedback_form = (
                    posted
                    if posted is not None and posted.prefix == f"call-{call.pk}"
                    else CallFeedbackForm(prefix=f"call-{call.pk}")
                )
    context["check_form"] = forms.get("check_form") or PartnershipCheckForm()
    return TemplateResponse(request, "sessions_log/call_log.html", context)


def _pair(
    request: HtmxHttpRequest, partnership_id: int, *, write: bool = False
) -> tuple[Partnership, PairView]:
    """The partnership, and the pair as this person sees it (``my_role``, ``other``, ``in_force``, ``next_call``)."""
    partnership = get_partnership_for(request.user, partnership_id, write=write)
    return partnership, partnership_selectors.pair_for(partnership, request.user)


@login_required
def call_log(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """Every call the pair has logged, newest first, with its homework."""
    return cached_pair_page(
        request, partnership_id, lambda: _call_log(request, *_pair(request, partnership_id)), params=("page",)
    )


def _rows_from(data) -> list[dict]:
    """What was typed in each posted homework row, to show it again."""
    try:
        total = min(int(data.get("homework-TOTAL_FORMS") or 0), 20)
    except ValueError:
        total = 0
    return [{name: data.get(f"homework-{i}-{name}", "") for name in ROW_FIELDS} for i in range(total)]


def _recap_lists(partnership: Partnership, starts_at) -> tuple[list[Homework], list[Homework]]:
    """The homework a call starting at ``starts_at`` (else now) recaps, due by
    its day, and the homework waiting for a later call."""
    waiting = services.homework_to_recap(partnership)
    day = services.call_day(partnership, starts_at or timezone.now())
    return [h for h in waiting if h.due_on <= day], [h for h in waiting if h.due_on > day]


def _initial(partnership: Partnership, draft: Session | None, in_force) -> tuple[dict, list[dict]]:
    """The form's starting values: the draft's, or the call that was just due
    under the agreement."""
    if draft is not None:
        data = {name: getattr(draft, name) for name in services.SESSION_FIELDS}
        data |= {f"recap_{pk}": status for pk, status in draft.draft_recap.items()}
        data["covered"] = [str(pk) for pk in draft.draft_covered]
        rows = [{name: getattr(h, name) for name in ROW_FIELDS} for h in draft.homework.all()]
        return data, rows
    now = timezone.now()
    set_at = partnership.next_call_at
    starts_at = set_at if set_at and set_at <= now else now.replace(minute=0, second=0, microsecond=0)
    return {
        "starts_at": starts_at,
        "minutes": in_force.call_minutes if in_force else partnership.program.default_call_minutes,
        "method": in_force.method if in_force else "video",
        "status": Session.Status.HELD,
    }, []


def _logged_message(session: Session, assigned: int, other_name: str) -> str:
    day = day_shown(timezone.localtime(session.starts_at), "j F")
    if assigned:
        said = ngettext(
            "The call of %(day)s is logged with %(count)d homework item.",
            "The call of %(day)s is logged with %(count)d homework items.",
            assigned,
        ) % {"day": day, "count": assigned}
    else:
        said = gettext("The call of %(day)s is logged.") % {"day": day}
    return said + " " + gettext("%(name)s sees it now.") % {"name": other_name}


@login_required
@saved_once(unless=["save_draft", "add_row", "remove_row"])
def session_new(request: HtmxHttpRequest, partnership_id: int):
    """The mentor logs a call, or finishes their draft: the call, the recap of
    the homework due by its day, what it covered of the agenda, the key
    learnings, the next call and new homework, saved together or not at all.
    "Save as draft" keeps a half-written log. Beside the form: the agenda, the
    last call's key learnings and next steps, and (fetched from the goals
    with htmx) the active goals."""
    partnership, pair = _pair(request, partnership_id, write=True)
    require_role(partnership, request.user, MENTOR)
    draft = selectors.draft_of(partnership)
    context = selectors.log_context(partnership)
    if request.method == "POST":
        due, later = _recap_lists(partnership, posted_call_start(request.POST))
    if request.method == "POST" and ("add_row" in request.POST or "remove_row" in request.POST):
        # "Add another homework" and "Remove" without JavaScript: the same form,
        # one row more or less, nothing saved.
        rows = _rows_from(request.POST)
        if "remove_row" in request.POST:
            removed = request.POST["remove_row"]
            rows = [row for i, row in enumerate(rows) if str(i) != removed] or [{}]
        else:
            rows = [*rows, {}] if rows else [{}, {}]
        form = SessionLogForm(
            initial=request.POST.dict() | {"covered": request.POST.getlist("covered")},
            homework_due=due,
            agenda=context["agenda"],
        )
        formset = HomeworkFormSet(prefix="homework", initial=rows)
        formset.extra = 0
    elif request.method == "POST":
        saving_draft = "save_draft" in request.POST
        form = SessionLogForm(
            request.POST,
            homework_due=due,
            agenda=context["agenda"],
            draft=saving_draft,
            partnership=partnership,
        )
        formset = homework_formset(request.POST, partnership=partnership)
        if form.is_valid() and formset.is_valid():
            rows = [f.row() for f in formset if f.has_changed() and f.cleaned_data]
            try:
                session = services.session_log(
                    partnership=partnership,
                    by=request.user,
                    data=form.session_data(),
                    homework=rows,
                    recap=form.recap(),
                    covered=form.covered_ids(),
                    draft=saving_draft,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if saving_draft:
                    messages.success(
                        request,
                        gettext("Your draft is saved. Finish it here when you are ready; only you see it."),
                    )
                    return redirect_to("session_new", partnership)
                messages.success(request, _logged_message(session, len(rows), pair.other.user.name))
                return redirect_to("call_log", partnership)
    else:
        data, rows = _initial(partnership, draft, pair.in_force)
        due, later = _recap_lists(partnership, data["starts_at"])
        form = SessionLogForm(initial=data, homework_due=due, agenda=context["agenda"])
        formset = homework_formset(rows=rows)
    return TemplateResponse(
        request,
        "sessions_log/session_form.html",
        {
            "partnership": partnership,
            "pair": pair,
            "form": form,
            "formset": formset,
            "draft": draft,
            "due_later": later,
            **context,
        },
    )


@login_required
@require_GET
def homework_row(request: HtmxHttpRequest, partnership_id: int) -> HttpResponse:
    """One more empty homework row for the log form (htmx), and the formset's
    new row count out of band."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    require_role(partnership, request.user, MENTOR)
    try:
        index = int(request.GET.get("homework-TOTAL_FORMS", ""))
    except ValueError:
        index = 0
    if not 0 <= index < 20:
        return HttpResponse(status=204)
    row = HomeworkRowForm(prefix=f"homework-{index}", use_required_attribute=False)
    return TemplateResponse(
        request,
        "sessions_log/_homework_row.html",
        {"row": row, "number": index + 1, "total": index + 1, "oob_total": True},
    )


@login_required
def call_page(request: HtmxHttpRequest, partnership_id: int, agenda_form=None) -> HttpResponse:
    """The next call, following the agreement's time boxes: check in and recap
    the homework due with the last call's key learnings; go deep on the
    agenda; prepare the next call. A rejected agenda item (``agenda_form``)
    shows the page again, built afresh."""
    return cached_pair_page(request, partnership_id, lambda: _call_page(request, partnership_id, agenda_form))


def _call_page(request: HtmxHttpRequest, partnership_id: int, agenda_form) -> TemplateResponse:
    partnership, pair = _pair(request, partnership_id)
    boxes = (
        pair.in_force.time_boxes
        if pair.in_force
        else [
            (gettext("Check-in and homework recap"), 10),
            (gettext("Deeper topic"), 15),
            (gettext("Preparing the next call"), 5),
        ]
    )
    return TemplateResponse(
        request,
        "sessions_log/call_page.html",
        {
            "partnership": partnership,
            "pair": pair,
            "boxes": boxes,
            **selectors.next_call_page(partnership),
            "agenda_form": agenda_form or AgendaItemForm(),
        },
    )


def _already_rated(
    request: HtmxHttpRequest, partnership: Partnership, session: Session
) -> HttpResponseRedirect:
    messages.info(request, gettext("You already rated this call."))
    return redirect_to("call_log", partnership, f"#call-{session.pk}")


@login_required
@require_POST
def feedback(request: HtmxHttpRequest, partnership_id: int, session_id: int):
    """The protégé rates how valuable a held call was (1–5), with an optional comment."""
    partnership, pair = _pair(request, partnership_id)
    require_role(partnership, request.user, PROTEGE)
    session = get_object_or_404(Session.objects.logged().filter(partnership=partnership), pk=session_id)
    if hasattr(session, "feedback"):  # a second submit (Back, another tab): say so, keep the first
        return _already_rated(request, partnership, session)
    form = CallFeedbackForm(request.POST, prefix=f"call-{session.pk}")
    if form.is_valid():
        try:
            services.call_feedback_give(
                session=session,
                by=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if error.code == "already_rated":
                return _already_rated(request, partnership, session)
            apply_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Thank you. %(name)s sees how valuable the call was.")
                % {"name": pair.other.user.name},
            )
            return redirect_to("call_log", partnership, f"#call-{session.pk}")
    return _call_log(request, partnership, pair, feedback_form=form)


@login_required
@require_POST
def partnership_check(request: HtmxHttpRequest, partnership_id: int):
    """Either side says whether the partnership is working and the conversations valuable."""
    partnership, pair = _pair(request, partnership_id)
    state = selectors.check_for(partnership, request.user, role=pair.my_role)
    form = PartnershipCheckForm(request.POST)
    if state["check_round"] is None:
        messages.info(request, gettext("Nothing to answer now; you will be asked again in a few calls."))
        return redirect_to("call_log", partnership)
    if form.is_valid():
        try:
            services.partnership_check_give(
                partnership=partnership,
                by=request.user,
                after_calls=state["check_round"],
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, gettext("Thank you for saying how it is going. Talk about it at your next call.")
            )
            return redirect_to("call_log", partnership)
    return _call_log(request, partnership, pair, check_form=form)
