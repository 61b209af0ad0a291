"""The language switcher's address, ``/i18n/setlang/`` (POST ``language`` and
``next``): Django's ``set_language`` (the cookie, then back to ``next`` when it
is one of our pages), and for a signed-in person their profile's language too,
so that their emails follow."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from mentoring.languages import supported

from .services import user_language_set


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = supported(request.POST.get("language"))
    if language is not None and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response
