"""The matching board. Every action is a plain form POST (or, to set a suggestion
aside, a link) that leads back to the board; the board is boosted by htmx, so
with JavaScript only the board is swapped in place, and without it the page
reloads. Matching a protégé moves the board on to the next who waits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from mentoring.forms import ListQueryForm
from mentoring.http import HtmxHttpRequest
from partnerships.models import Partnership
from programs.access import get_program_for_admin
from programs.forms import MatchingSettingsForm
from programs.matching import Reason
from programs.models import CURRENT_PAIR_STATUSES, DraftMatch
from programs.services import matching as program_services

from .. import services
from ..forms import DraftChangeForm, MatchForm, UnmatchForm
from ..selectors import matching as selectors
from ..selectors.requests import board_requests


def _back(request: HtmxHttpRequest, slug: str, **query) -> HttpResponseRedirect:
    url = reverse("partnerships:matching_board", args=[slug])
    params = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return HttpResponseRedirect(f"{url}?{params}" if params else url, status=303)


# How many suggestions one protégé's list may set aside at once (``skip``).
SET_ASIDE_MAX = 50


def _set_aside(request: HtmxHttpRequest) -> frozenset[int]:
    """The mentors set aside for the chosen protégé: ``skip`` in the query string,
    their ids joined by commas. Anything else in it is dropped, never an error."""
    ids = request.GET.get("skip", "")[:1000].split(",")
    return frozenset(int(pk) for pk in ids[:SET_ASIDE_MAX] if pk.isdigit() and 0 < int(pk) < 2**31)


def _board_address(board_url: str, **query) -> str:
    kept = {name: value for name, value in query.items() if value}
    return f"{board_url}?{urlencode(kept)}#suggestions" if kept else f"{board_url}#suggestions"


def _suggestion_rows(program, context: dict, set_aside: frozenset[int], waiting_page: int) -> None:
    """Gives each suggestion's mentor its reasons as marks and words (``checks``)
    and the address of the board with them set aside too (``set_aside_url``);
    the board its address with none set aside (``set_aside_none_url``); and each
    proposed pair its reasons as marks and words."""
    board_url = reverse("partnerships:matching_board", args=[program.slug])
    chosen = context["chosen"]
    page = waiting_page if waiting_page > 1 else None
    for mentor, suggestion in context["suggestions"]:
        mentor.checks = [Reason.of(line) for line in suggestion.reasons]
        skip = ",".join(str(pk) for pk in sorted(set_aside | {mentor.pk}))
        mentor.set_aside_url = _board_address(board_url, protege=chosen.pk, waiting=page, skip=skip)
    if chosen is not None:
        context["set_aside_none_url"] = _board_address(board_url, protege=chosen.pk, waiting=page)
    for draft in context["drafts"].object_list:
        draft.checks = [Reason.of(line) for line in draft.reasons]


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
    set_aside = _set_aside(request)
    waiting_page = query.value("waiting", 1) or 1
    context = selectors.board_for(
        program=program,
        protege_id=query.value("protege"),
        waiting_page=waiting_page,
        pairs_page=query.value("pairs", 1),
        drafts_page=query.value("drafts", 1),
        set_aside=set_aside,
    )
    _pair_rows(program, context["pairs"].object_list)
    _suggestion_rows(program, context, set_aside, waiting_page)
    if settings_form is None:
        weights = context["weights"].to_dict()
        settings_form = MatchingSettingsForm(
            initial={
                "min_score": program.min_match_score,
                **{f"weight_{k}": round(v) for k, v in weights.items()},
            }
        )
    still_waiting = max(0, context["waiting"].paginator.count - context["drafts"].paginator.count)
    return TemplateResponse(
        request,
        "partnerships/board.html",
        {
            "program": program,
            "settings_form": settings_form,
            "unmatch_form": UnmatchForm(),
            "still_waiting": still_waiting,
            **context,
            **board_requests(program),
        },
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
        messages.error(request, gettext("Choose a waiting protégé and a mentor of this program."))
        return _back(request, slug)
    protege, mentor = form.cleaned_data["protege"], form.cleaned_data["mentor"]
    try:
        services.partnership_match(program=program, protege=protege, mentor=mentor, matched_by=request.user)
    except ValidationError as error:
        _report(request, error)
        return _back(request, slug, protege=protege.pk)
    messages.success(
        request,
        gettext("Matched %(protege)s with %(mentor)s. Both will get an email.")
        % {"protege": protege.user.name, "mentor": mentor.user.name},
    )
    # On to the next protégé who waits: their suggestions take the place of these.
    return _back(request, slug, protege=selectors.next_waiting(program, protege))


@login_required
@require_POST
def unmatch(request: HtmxHttpRequest, slug: str, partnership_id: int):
    program = get_program_for_admin(request.user, slug)
    partnership = get_object_or_404(Partnership.objects.with_people(), program=program, pk=partnership_id)
    if partnership.status not in CURRENT_PAIR_STATUSES:
        messages.error(request, gettext("This partnership has already ended."))
        return _back(request, slug)
    form = UnmatchForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("reason", [gettext("Say briefly why you are ending this match.")]):
            messages.error(request, message)
        return _back(request, slug)
    try:
        services.partnership_unmatch(
            partnership=partnership, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        _report(request, error)
        return _back(request, slug)
    messages.success(
        request,
        gettext("Unmatched %(protege)s; here are new suggestions to re-match them.")
        % {"protege": partnership.protege.user.name},
    )
    return _back(request, slug, protege=partnership.protege_id)


@login_required
@require_POST
def proposal(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    drafts = program_services.proposal_compute(program=program)
    if drafts:
        messages.success(
            request,
            ngettext(
                "Proposed %(count)s match. Review it, then publish.",
                "Proposed %(count)s matches. Review them, then publish.",
                len(drafts),
            )
            % {"count": len(drafts)},
        )
    else:
        messages.info(
            request, gettext("No waiting protégé reaches the minimum score with a mentor who has a place.")
        )
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
    messages.success(
        request,
        ngettext(
            "Published %(count)s match. Both people will get an email.",
            "Published %(count)s matches. Everyone matched will get an email.",
            len(made),
        )
        % {"count": len(made)},
    )
    return _back(request, slug)


@login_required
@require_POST
def proposal_discard(request: HtmxHttpRequest, slug: str):
    program = get_program_for_admin(request.user, slug)
    discarded, _ = DraftMatch.objects.filter(program=program).delete()
    if discarded:
        messages.success(request, gettext("The proposal is discarded."))
    else:
        messages.info(request, gettext("There was no proposal to discard."))
    return _back(request, slug)


@login_required
@require_POST
def draft_change(request: HtmxHttpRequest, slug: str, draft_id: int):
    program = get_program_for_admin(request.user, slug)
    draft = get_object_or_404(program.draft_matches.select_related("protege__user"), pk=draft_id)
    if "remove" in request.POST:
        draft.delete()
        messages.success(
            request, gettext("%(protege)s is out of the proposal.") % {"protege": draft.protege.user.name}
        )
        return _back(request, slug)
    form = DraftChangeForm(request.POST, program=program)
    try:
        if not form.is_valid():
            raise ValidationError(gettext("Choose a mentor of this program."))
        program_services.draft_match_change(draft=draft, mentor=form.cleaned_data["mentor"])
    except ValidationError as error:
        _report(request, error)
        return _back(request, slug)
    messages.success(
        request,
        gettext("%(protege)s is now proposed with %(mentor)s.")
        % {"protege": draft.protege.user.name, "mentor": draft.mentor.user.name},
    )
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
    messages.success(request, gettext("Matching weights saved; suggestions use them from now on."))
    return _back(request, slug)
