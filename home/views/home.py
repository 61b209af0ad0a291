"""My home: my partnerships and what needs my action in each, the ratings due,
the invitations waiting for me and the programs I run."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.utils import timezone

from goals.selectors.ratings import next_rating_due_for
from mentoring.http import HtmxHttpRequest
from programs.selectors.invitations import invitations_waiting_for

from ..selectors import home_for


@login_required
def home(request: HtmxHttpRequest) -> TemplateResponse:
    context = home_for(request.user) | {
        "ratings_due": next_rating_due_for(request.user),
        "invitations": invitations_waiting_for(request.user, now=timezone.now()),
    }
    return TemplateResponse(request, "home/home.html", context)
