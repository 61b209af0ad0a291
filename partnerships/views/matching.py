"""The matching board. Every action is a plain form POST that redirects back to
the board; the board is boosted by htmx, so with JavaScript only the board is
swapped, and without it the page reloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentoring.forms import ListQueryForm
from mentoring.http import HtmxHttpRequest
from partnerships.models import Partnership
from programs.access import get_program_for_admin
from programs.forms import MatchingSettingsForm
from programs.models import DraftMatch
from programs.services import matching as program_services

from .. import services
from ..forms import DraftChangeForm, MatchForm, UnmatchForm
from ..selectors import matching as selectors


def _back(request: HtmxHttpRequest, slug: str, **query) -> HttpResponseRedirect:
    url = reverse("partnerships:matching_board", args=[slug])
    params = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return HttpResponseRedirect(f"{url}?{params}" if params else url, status=303)


def _report(request: HtmxHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# Stands for a pair's id in the address of its unmatch form, made once for every row (``_pair_rows``).
_PAIR_ID = 987654321987654321


def _pair_rows(program, pairs) -> None:
    """Gives each current pair shown what its row shows that would otherwise be
    looked up once per row: the address of its unmatch form (``unmatch_url``,
    reversed once and given each pair's id) and the words of its status."""
    unmatch = reverse("partnerships:unmatch", args=[program.slug, _PAIR_ID])
    statuses = dict(Partnership.Status.choices)
    for pair in pairs:
        pair.unmatch_url = unmatch.replace(str(_PAIR_ID), str(pair.pk))
        pair.status_label = statuses.get(pair.status, pair.status)


def _board(
    request: HtmxHttpRequest, program, *, settings_form: MatchingSettingsForm | None = None
) -> TemplateResponse:
    """The board as the query string asks. ``settings_form``: the weights form as
    sent and refused, shown open with what was typed and the errors beside the
    fields (instead of the program's saved weights)."""
    query = ListQueryForm(request.GET)
    context = selectors.board_for(
        program=program,
        protege_id=query.value("protege"),
        waiting_page=query.value("waiting", 1),
        pairs_page=query.value("pairs", 1),
        drafts_page=query.value("drafts", 1),
    )
    _pair_rows(program, context["pairs"].object_list)
    if settings_form is None:
        weights = context["weights"].to_dict()
        settings_form = MatchingSettingsForm(
            initial={
                "min_score": program.min_match_score,
                **{f"weight_{k}": round(v) for k, v in weights.items()},
            }
        )
    return TemplateResponse(
        request,
        "partnerships/board.html",
        {"program": program, "settings_form": settings_form, "unmatch_form": UnmatchForm(), **context},
    )


@login_required
def board(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    return _board(request, get_program_for_admin(request.user, slug))


@login_required
@require_POST
def match(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    form = MatchForm(request.POST, program=program)
    if not form.is_valid():
        messages.error(request, "Choose a waiting protégé and a mentor of this program.")
        return _back(request, slug)
    protege, mentor = form.cleaned_data["protege"], form.cleaned_data["mentor"]
    try:
        services.partnership_match(program=program, protege=protege, mentor=mentor, matched_by=request.user)
    except ValidationError as error:
        _report(request, error)
        return _back(request, slug, protege=protege.pk)
    messages.success(request, f"Matched {protege.user.name} with {mentor.user.name}. Both will get an email.")
    return _back(request, slug)


@login_required
@require_POST
def unmatch(request: HtmxHttpRequest, slug: str, partnership_id: int):
    program = get_program_for_admin(request.user, slug)
    partnership = get_object_or_404(Partnership.objects.with_people(), program=program, pk=partnership_id)
    form = UnmatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say briefly why you are ending this match.")
        return _back(request, slug)
    try:
        services.partnership_unmatch(
            partnership=partnership, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        _report(request, error)
        return _back(request, slug)
    messages.success(
        request, f"Unmatched {partnership.protege.user.name}; here are new suggestions to re-match them."
    )
    return _back(request, slug, protege=partnership.protege_id)


@login_required
@require_POST
def proposal(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    drafts = program_services.proposal_compute(program=program)
    if drafts:
        messages.success(request, f"Proposed {len(drafts)} matches. Review them, then publish.")
    else:
        messages.info(request, "No waiting protégé reaches the minimum score with a mentor who has a place.")
    return _back(request, slug)


@login_required
@require_POST
def proposal_publish(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    try:
        made = services.proposal_publish(program=program, by=request.user)
    except ValidationError as error:
        _report(request, error)
        return _back(request, slug)
    messages.success(request, f"Published {len(made)} matches. Everyone matched will get an email.")
    return _back(request, slug)


@login_required
@require_POST
def proposal_discard(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    DraftMatch.objects.filter(program=program).delete()
    messages.success(request, "The proposal is discarded.")
    return _back(request, slug)


@login_required
@require_POST
def draft_change(request: HtmxHttpRequest, slug: str, draft_id: int):
    program = get_program_for_admin(request.user, slug)
    draft = get_object_or_404(program.draft_matches.select_related("protege__user"), pk=draft_id)
    if "remove" in request.POST:
        draft.delete()
        messages.success(request, f"{draft.protege.user.name} is out of the proposal.")
        return _back(request, slug)
    form = DraftChangeForm(request.POST, program=program)
    try:
        if not form.is_valid():
            raise ValidationError("Choose a mentor of this program.")
        program_services.draft_match_change(draft=draft, mentor=form.cleaned_data["mentor"])
    except ValidationError as error:
        _report(request, error)
        return _back(request, slug)
    messages.success(request, f"{draft.protege.user.name} is now proposed with {draft.mentor.user.name}.")
    return _back(request, slug)


@login_required
@require_POST
def matching_settings(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    form = MatchingSettingsForm(request.POST)
    if not form.is_valid():
        return _board(request, program, settings_form=form)
    program_services.program_set_matching(
        program=program, weights=form.weights(), min_score=form.cleaned_data["min_score"]
    )
    messages.success(request, "Matching weights saved; suggestions use them from now on.")
    return _back(request, slug)
