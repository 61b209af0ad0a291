"""My home: one list of what needs my action across my partnerships, each
partnership with its stage and progress, the invitations waiting for me and
the programs I run."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from mentoring.http import HtmxHttpRequest
from mentoring.page_cache import cached_page
from programs.selectors.invitations import invitations_waiting_for

from ..scopes import home_scope
from ..selectors import home_for
from ..selectors.requests import requests_on_home


@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    def build() -> TemplateResponse:
        context = (
            home_for(request.user)
            | {"invitations": invitations_waiting_for(request.user, now=timezone.now())}
            | requests_on_home(request.user)
        )
        return TemplateResponse(request, "home/home.html", context)

    scope = home_scope(request.user)
    if scope is None:
        return build()
    return cached_page(request, scope=scope[0], build=build, changes_at=scope[1])
