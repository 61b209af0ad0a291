"""A program's pages that an admin runs it from: the list of the programs I
run, the overview of a program's pairs and their health, and the actions on a
pair the overview shows again when refused (close, nudge, rematch). Only the
program's admins reach a program's pages (``get_program_for_admin``: 404 for
everyone else)."""

import datetime
import functools
import hashlib
from collections.abc import Iterable, Mapping

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.loader import get_template, render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from health import charts as health_charts
from health import rule as health
from health import selectors as health_selectors
from health import services as health_services
from health.forms import HealthFilterForm
from mentoring.forms import ListQueryForm
from mentoring.http import HtmxHttpRequest
from mentoring.percent import share
from partnerships import services
from partnerships.forms import ClosePartnershipForm, NudgeForm, UnmatchForm
from partnerships.models import Partnership
from programs.access import get_program_for_admin
from programs.models import CURRENT_PAIR_STATUSES
from programs.services.setup import can_create_programs
from reminders.selectors import program_reminder_health

from ..selectors import programs_run_by


@login_required
def program_list(request: HtmxHttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request,
        "home/program_list.html",
        {"programs": programs_run_by(request.user), "can_create": can_create_programs(request.user)},
    )


# The forms each current pair's Actions menu opens: (action, form class).
PAIR_ACTIONS = {"nudge": NudgeForm, "rematch": UnmatchForm, "close": ClosePartnershipForm}

# Stand for a pair's id and names in its row of actions, rendered once for every row (``_pair_actions``).
_PAIR_ID = 987654321987654321
_NAMES = "__names__"


def _action_form(action: str, *, kind: str, pair_id: int, data=None) -> forms.Form:
    """The form of an action on a pair of ``kind`` (``_pair_kind``), its fields'
    ids unique on the page (``pair_id``). The closing form chooses nothing
    beforehand and asks to tick "Yes, close this partnership"."""
    auto_id = f"{action}-{pair_id}-%s"
    if action == "close":
        return ClosePartnershipForm(
            data,
            with_reflection=False,
            can_complete=kind == "complete",
            started=kind != "proposed",
            with_confirm=True,
            auto_id=auto_id,
        )
    return PAIR_ACTIONS[action](data, auto_id=auto_id)


def _pair_kind(pair: Partnership) -> str:
    """What a pair's closing form offers: "complete" (active and at or near its
    planned end: complete or end early), "early" (active: end early only) or
    "proposed" (not started: end early only)."""
    if services.partnership_can_complete(pair):
        return "complete"
    return "early" if pair.status == Partnership.Status.ACTIVE else "proposed"


def _pair_form(action: str, pair: Partnership, data=None) -> forms.Form:
    """The form of one pair's action."""
    return _action_form(action, kind=_pair_kind(pair), pair_id=pair.pk, data=data)


@functools.cache
def _blank_forms(kind: str, language: str | None) -> dict[str, SafeString]:
    """The blank forms of the actions on a pair of ``kind`` (``_pair_kind``),
    with ``_PAIR_ID`` for its id: the same for every such pair in one language,
    so rendered once per process."""
    return {action: _action_form(action, kind=kind, pair_id=_PAIR_ID).render() for action in PAIR_ACTIONS}


def _pair_actions(
    request: HtmxHttpRequest,
    program,
    shown: QueryDict,
    pairs: Iterable[Partnership],
    failed: tuple[Partnership, str, forms.Form] | None,
) -> None:
    """Gives each current pair of ``pairs`` its one Actions menu (nudge, re-match,
    close), for the last cell of its row, as HTML (``pair.actions``). The menus
    are the same but for the pair's id and names, and the closing form for
    whether the pair has started: each kind is rendered once and given each
    pair's id and names, instead of once a pair (which was most of the
    overview's time). ``failed``: a refused form, rendered in its pair's menu,
    open, with what was typed and the errors."""

    def render(
        pair_id: int, names: str, action_forms: Mapping[str, forms.Form | str], open_action: str
    ) -> str:
        context = {
            "program": program,
            "shown": shown,
            "pair_id": pair_id,
            "names": names,
            "forms": action_forms,
        }
        return render_to_string(
            "home/program_overview.html#pair-actions", context | {"open_action": open_action}, request
        )

    # A pair's actions as a format_html template: the blank actions rendered once,
    # with their stand-ins for the pair's id and names as the fields it fills in.
    blank: dict[str, str] = {}
    for pair in pairs:
        if pair.status not in CURRENT_PAIR_STATUSES:
            continue
        # Translators: the two people of a pair, in its Actions menu.
        names = gettext("%(protege)s and %(mentor)s") % {
            "protege": pair.protege.user.name,
            "mentor": pair.mentor.user.name,
        }
        if failed and failed[0].pk == pair.pk:
            refused = {action: _pair_form(action, pair) for action in PAIR_ACTIONS} | {failed[1]: failed[2]}
            pair.actions = render(pair.pk, names, refused, failed[1])
            continue
        kind = _pair_kind(pair)
        if kind not in blank:
            html = render(_PAIR_ID, _NAMES, _blank_forms(kind, get_language()), "")
            blank[kind] = (
                html.replace("{", "{{")
                .replace("}", "}}")
                .replace(str(_PAIR_ID), "{id}")
                .replace(_NAMES, "{names}")
            )
        # format_html escapes the names as the template would.
        pair.actions = format_html(blank[kind], id=pair.pk, names=names)


# How long a pair's rendered row is kept (``_rows``). It is keyed on everything it
# shows and on the template, so it is never out of date for the pair; the limit only
# bounds how long a new translation takes to show.
ROW_CACHE_SECONDS = 10 * 60


@functools.cache
def _template_version() -> str:
    """The overview template's content, hashed: a changed template is a new key for every row."""
    source = get_template("home/program_overview.html").template.source
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def _row_key(row: health_selectors.OverviewRow) -> str:
    """The cache key of a pair's row: a hash of everything the row's template reads
    (the row, the pair's fields and annotations, the two people's names), the
    language, the time zone dates are shown in, and the template."""
    pair = row.partnership
    fields = sorted((name, value) for name, value in vars(pair).items() if not name.startswith("_"))
    shown = (
        fields,
        pair.protege.user.name,
        pair.mentor.user.name,
        [getattr(row, name) for name in row.__dataclass_fields__ if name != "partnership"],
        get_language(),
        timezone.get_current_timezone_name(),
        _template_version(),
    )
    return "overview-row:" + hashlib.sha256(repr(shown).encode()).hexdigest()


def _rows(rows: Iterable[health_selectors.OverviewRow]) -> None:
    """Gives each pair of ``rows`` its cells of the table but the menu's, as HTML (``pair.row_html``):
    from the cache when nothing it shows has changed, else rendered and kept
    (``ROW_CACHE_SECONDS``). Rendering the rows was most of the page's template time."""
    keyed = {_row_key(row): row for row in rows}
    kept = cache.get_many(list(keyed))
    rendered = {}
    for key, row in keyed.items():
        html = kept.get(key)
        if html is None:
            html = rendered[key] = render_to_string("home/program_overview.html#pair-row", {"row": row})
        row.partnership.row_html = html  # a template's output, kept as such (SafeString) by the cache
    if rendered:
        cache.set_many(rendered, ROW_CACHE_SECONDS)


@functools.lru_cache(maxsize=256)
def _filter_fields(language: str | None, data: tuple[tuple[str, tuple[str, ...]], ...]) -> SafeString:
    """The overview's filter fields as ``data`` (each field's values in the query
    string) fills them in, with the errors of those it cannot read, as HTML: the
    same for the same filters in one language, so kept for the next view (their
    menus' options were half of the page's template)."""
    query = QueryDict(mutable=True)
    for name, values in data:
        query.setlist(name, list(values))
    return render_to_string("home/program_overview.html#filter-fields", {"form": HealthFilterForm(query)})


def _active_filters(form: HealthFilterForm, shown: QueryDict, overview_url: str) -> list[dict[str, str]]:
    """The filters ``shown`` applies (those the form could read, but the default
    "current" status and the sort), each with its label, its value in words and
    the address of the overview without it (from the first page), for the chips."""
    chips = []
    filters = form.filters
    for name, field in form.fields.items():
        value = filters.get(name)
        if name == "sort" or not value or (name == "status" and value == "current"):
            continue
        choices = dict(getattr(field, "choices", ()))
        kept = shown.copy()
        for dropped in (name, "page"):
            kept.pop(dropped, None)
        # Translators: a typed filter's value in quotation marks, on its chip.
        quoted = gettext("“%(value)s”") % {"value": value}
        chips.append(
            {
                "name": name,
                "label": str(field.label),
                "value": str(choices.get(value, value)) if choices else quoted,
                "remove": f"{overview_url}?{kept.urlencode()}" if kept else overview_url,
            }
        )
    return chips


def _overview(
    request: HtmxHttpRequest,
    program,
    shown: QueryDict,
    *,
    failed: tuple[Partnership, str, forms.Form] | None = None,
) -> TemplateResponse:
    """The overview as filtered by ``shown`` (its query string). ``failed``: a pair's
    action whose form was refused, shown open in the pair's Actions menu with what
    was typed and the errors beside the fields."""
    form = HealthFilterForm(shown)
    filters = form.filters
    health_services.refresh_stale_numbers(program)  # numbers of today, before reading them
    health_services.refresh_stale_rating_months(program)
    overview = health_selectors.program_health(program, filters, ListQueryForm(shown).value("page", 1))
    overview_url = reverse("home:program_overview", args=[program.slug])
    _rows(overview["pairs"].object_list)
    _pair_actions(request, program, shown, (row.partnership for row in overview["pairs"].object_list), failed)
    return TemplateResponse(
        request,
        "home/program_overview.html",
        {
            "program": program,
            "form": form,
            "filter_fields": _filter_fields(
                get_language(), tuple((name, tuple(shown.getlist(name))) for name in form.fields)
            ),
            "shown": shown,
            "failed": failed,
            **overview,
            "active_filters": _active_filters(form, shown, overview_url),
            "rating_chart": health_charts.rating_chart(
                overview["rating_months"], today=timezone.localdate(timezone=datetime.UTC)
            ),
            "matched": overview["proteges"] - overview["waiting"],
            "calls_share": share(overview["calls_held"], overview["calls_expected"]),
            "sort": filters.get("sort") or health_selectors.DEFAULT_HEALTH_SORT,
            "rule": health.RULE,
            **program_reminder_health(program),
        },
    )


@login_required
def program_overview(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    return _overview(request, get_program_for_admin(request.user, slug), request.GET)


def _shown(request: HtmxHttpRequest) -> QueryDict:
    """The overview's query string a pair's form was sent from (its ``next``)."""
    return QueryDict(request.POST.get("next", "")[:2000])


def _back_to_overview(request: HtmxHttpRequest, slug: str) -> HttpResponseRedirect:
    """Back to the overview as it was filtered: ``next`` is its query string, read
    through the overview's forms, so only filters, a sort and a page they accept
    come back (anything else is dropped, never an error after the action is done)."""
    shown = _shown(request)
    kept = {name: value for name, value in HealthFilterForm(shown).filters.items() if value}
    if (page := ListQueryForm(shown).value("page")) is not None:
        kept["page"] = page
    query = f"?{urlencode(kept)}" if kept else ""
    return HttpResponseRedirect(reverse("home:program_overview", args=[slug]) + query + "#pairs", status=303)


def _current_pair(program, partnership_id: int) -> Partnership:
    return get_object_or_404(Partnership.objects.with_people(), program=program, pk=partnership_id)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: beside the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _pair_action(request: HtmxHttpRequest, slug: str, partnership_id: int, action: str, act):
    """Runs one pair's action from the overview: ``act(partnership, cleaned_data)``
    calls the service and returns the success message. Done: None (the caller
    redirects). The pair has ended: back to the overview, which says so. Refused: the overview again (200, as filtered) with the pair's
    menu and form open, what was typed kept and the errors beside the fields."""
    program = get_program_for_admin(request.user, slug)
    partnership = _current_pair(program, partnership_id)
    if partnership.status not in CURRENT_PAIR_STATUSES:
        return _already_ended(request, slug)
    form = _pair_form(action, partnership, request.POST)
    if form.is_valid():
        try:
            done = act(partnership, form.cleaned_data)
        except ValidationError as error:
            partnership.refresh_from_db(fields=["status"])
            if partnership.status not in CURRENT_PAIR_STATUSES:  # closed meanwhile, by someone else
                return _already_ended(request, slug)
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return None
    return _overview(request, program, _shown(request), failed=(partnership, action, form))


def _already_ended(request: HtmxHttpRequest, slug: str) -> HttpResponseRedirect:
    """An action on a pair that has ended: nothing to do, and the overview says so."""
    messages.error(request, gettext("This partnership has already ended."))
    return _back_to_overview(request, slug)


@login_required
@require_POST
def partnership_close(request: HtmxHttpRequest, slug: str, partnership_id: int):
    """A program admin completes a pair's partnership or ends it early, with a
    reason; the closing reflections are the pair's own."""

    def close(partnership: Partnership, data: dict) -> str:
        services.partnership_close(
            partnership=partnership, by=request.user, outcome=data["outcome"], reason=data["reason"]
        )
        if partnership.status == Partnership.Status.COMPLETED:
            return gettext("The partnership of %(pair)s is complete; the mentor's place is free again.") % {
                "pair": partnership
            }
        return gettext("The partnership of %(pair)s has ended; the mentor's place is free again.") % {
            "pair": partnership
        }

    refused = _pair_action(request, slug, partnership_id, "close", close)
    return refused if refused is not None else _back_to_overview(request, slug)


@login_required
@require_POST
def partnership_nudge(request: HtmxHttpRequest, slug: str, partnership_id: int):
    """A program admin emails both people of a pair a message of their own."""

    def nudge(partnership: Partnership, data: dict) -> str:
        services.partnership_nudge(partnership=partnership, by=request.user, message=data["message"])
        return gettext("Your note is on its way to %(mentor)s and %(protege)s.") % {
            "mentor": partnership.mentor.user.name,
            "protege": partnership.protege.user.name,
        }

    refused = _pair_action(request, slug, partnership_id, "nudge", nudge)
    return refused if refused is not None else _back_to_overview(request, slug)


@login_required
@require_POST
def partnership_rematch(request: HtmxHttpRequest, slug: str, partnership_id: int):
    """Ends a pair's partnership early and sends both back to the matching board
    (the protégé to be matched again, the mentor with their place free)."""
    ended: list[Partnership] = []

    def rematch(partnership: Partnership, data: dict) -> str:
        services.partnership_unmatch(partnership=partnership, reason=data["reason"], by=request.user)
        ended.append(partnership)
        return gettext(
            "The partnership of %(pair)s has ended; here are new suggestions for %(protege)s, "
            "and %(mentor)s's place is free."
        ) % {
            "pair": partnership,
            "protege": partnership.protege.user.name,
            "mentor": partnership.mentor.user.name,
        }

    refused = _pair_action(request, slug, partnership_id, "rematch", rematch)
    if refused is not None:
        return refused
    board = reverse("partnerships:matching_board", args=[slug])
    return HttpResponseRedirect(f"{board}?protege={ended[0].protege_id}", status=303)
