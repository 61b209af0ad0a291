"""A signed-in person reads every page in their own language."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from mentoring.languages import supported

from .services import user_language_set


class PersonLanguageMiddleware:
    """After ``LocaleMiddleware`` (the switcher's cookie, else the browser's
    ``Accept-Language``) and authentication: a signed-in person's pages are in
    the language of their profile (``User.language``). A person who has none
    yet gets the one this request was given, stored once, so that the emails
    and reminders sent to them later, by whoever, are in it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = supported(user.language)
            if language is None:
                user_language_set(user=user, language=translation.get_language())
            elif language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
