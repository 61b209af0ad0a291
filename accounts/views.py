"""A person's own pages kept by the accounts app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def availability(request: HttpRequest) -> HttpResponse:
    """/me/availability/: weekly hours and days away (to be built)."""
    raise NotImplementedError
