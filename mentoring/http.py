from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request type of every view: django-htmx adds ``request.htmx``.
    Every view runs in the viewer's time zone (mentoring.middleware)."""

    htmx: HtmxDetails
