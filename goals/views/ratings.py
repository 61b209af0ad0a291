"""The rating form: the protégé rates every active goal 0–10 in one go. The
mentor sees the ratings on the goals page but does not rate (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from mentoring.http import HtmxHttpRequest
from mentoring.resubmission import saved_once
from partnerships.access import cached_pair_page
from partnerships.models import Partnership

from .. import services
from ..forms.ratings import RatingForm
from ..selectors import ratings as selectors
from .common import back_to_goals, goals_url, pair_context, protege_partnership


@login_required
@saved_once
def rating_new(request: HtmxHttpRequest, partnership_id: int):
    return cached_pair_page(
        request, partnership_id, lambda: _rating_form(request, protege_partnership(request, partnership_id))
    )


def _rating_form(request: HtmxHttpRequest, partnership: Partnership):
    goals = selectors.goals_for_rating(partnership)
    form = RatingForm(request.POST or None, goals=goals)
    if request.method == "POST" and goals and form.is_valid():
        try:
            services.ratings_record(partnership=partnership, by=request.user, entries=form.entries())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(goals)
            messages.success(
                request,
                f"Thank you: your rating{'s' if count != 1 else ''} of {count} goal{'s' if count != 1 else ''} "
                f"{'are' if count != 1 else 'is'} saved. {partnership.mentor.user.name} can see them now.",
            )
            return back_to_goals(partnership)
    return TemplateResponse(
        request,
        "goals/rating_form.html",
        {
            **pair_context(request, partnership),
            "form": form,
            "goals": goals,
            "due": selectors.rating_due(partnership, active_goals=len(goals)),
            "cancel_url": goals_url(partnership),
        },
    )
