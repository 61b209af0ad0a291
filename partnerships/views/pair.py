"""The pair's agreement: every version, proposing the first one or a change,
and accepting. Only the mentor and the protégé reach it (``get_partnership_for``:
404 for everyone else, program admins included); accepting belongs to the side
a proposal waits for (403 for the other). Every time is shown in the viewer's
time zone. Every action is a plain form POST that redirects, so the page works
without JavaScript. (The partnership home is the home app's.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.http import HtmxHttpRequest

from .. import agreements
from ..access import cached_pair_page, get_partnership_for, require_role
from ..forms import AgreementForm
from ..models import Agreement, Partnership
from ..selectors import pairs as selectors
from ..selectors.agreement_changes import version_changes


def _to_agreement(partnership: Partnership) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("partnerships:agreement", args=[partnership.pk]), status=303)


def _to_home(partnership: Partnership) -> HttpResponseRedirect:
    """The partnership home (the home app's page, reached by its URL name)."""
    return HttpResponseRedirect(reverse("home:partnership", args=[partnership.pk]), status=303)


@login_required
def agreement(request: HtmxHttpRequest, partnership_id: int) -> TemplateResponse | HttpResponseRedirect:
    """The agreement: the version in force, a proposal waiting, every earlier
    version; and the form to propose the first version or a change."""
    return cached_pair_page(request, partnership_id, lambda: _agreement(request, partnership_id))


def _agreement(request: HtmxHttpRequest, partnership_id: int) -> TemplateResponse | HttpResponseRedirect:
    partnership = get_partnership_for(request.user, partnership_id, write=request.method == "POST")
    context = selectors.agreement_page(partnership, request.user)
    pair = context["pair"]
    latest = pair.proposal or pair.in_force
    revising = bool(context["versions"])
    if request.method == "POST":
        form = AgreementForm(request.POST, revising=revising, partnership=partnership)
        if form.is_valid():
            try:
                version = agreements.agreement_propose(
                    partnership=partnership,
                    by=request.user,
                    terms=form.terms(),
                    change_note=form.cleaned_data.get("change_note", ""),
                )
            except ValidationError as error:
                if error.code == "already_pending":  # a resubmitted proposal: show the one waiting
                    messages.info(request, error.message)
                    return _to_agreement(partnership)
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "Version %(version)d is proposed. %(name)s sees it on their home page and can "
                        "accept it; until then, nothing changes."
                    )
                    % {"version": version.version, "name": pair.other.user.name},
                )
                return _to_agreement(partnership)
    else:
        form = AgreementForm(
            initial=agreements.terms_of(latest) if latest else agreements.agreement_defaults(partnership),
            revising=revising,
        )
    changes = version_changes(context["versions"], in_force=pair.in_force)
    return TemplateResponse(
        request,
        "partnerships/agreement.html",
        {
            **context,
            "history": list(zip(context["versions"], changes, strict=True)),
            "proposal_diff": next((c for c in changes if c.agreement == pair.proposal), None),
            "form": form,
            "open_form": request.method == "POST" or not latest,
        },
    )


@login_required
@require_POST
def agreement_accept(request: HtmxHttpRequest, partnership_id: int, version: int) -> HttpResponseRedirect:
    """The side a proposal waits for accepts it; the proposer gets 403."""
    partnership = get_partnership_for(request.user, partnership_id, write=True)
    proposal = get_object_or_404(partnership.agreements, version=version)
    if proposal.status == Agreement.Status.PROPOSED:
        require_role(partnership, request.user, proposal.waiting_for_role)
    was_proposed = partnership.status == Partnership.Status.PROPOSED
    try:
        agreements.agreement_accept(agreement=proposal, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _to_agreement(partnership)
    said = gettext("You both accepted version %(version)d of your agreement; it is in force.") % {
        "version": version
    }
    if was_proposed:
        said += " " + gettext("Your partnership is active from today.")
    messages.success(request, said)
    return _to_home(partnership)
