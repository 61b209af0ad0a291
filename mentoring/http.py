import functools

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request type of every view: django-htmx adds ``request.htmx``."""

    htmx: HtmxDetails


def in_viewer_time_zone(view):
    """Runs the view and renders its response in the signed-in person's time
    zone (``User.time_zone``), so every time on the page, and every time typed
    into its forms, is theirs. Stored times stay in UTC."""

    @functools.wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs):
        zone = getattr(request.user, "time_zone", "") or settings.TIME_ZONE
        with timezone.override(zone):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # a TemplateResponse renders lazily: inside the zone, please
        return response

    return wrapper
