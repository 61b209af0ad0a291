"""A form sent again unchanged is saved once.

The browser's double click is guarded in the page, but Back-and-resubmit, a
second tab or a reload that re-posts reach the server. A view wrapped in
``@saved_once`` remembers, for ``WINDOW``, where each successful submission
went (its redirect, or ``response.saved_to`` for an htmx answer that does not
redirect); the same person posting the same fields to the same address within
that window is sent there with a message, and nothing is saved again.

"The same" is exact: the person, the path and every posted field and value,
the CSRF token aside (it changes with each page shown). A submission that
differs in one character is a new one. Posts carrying one of ``unless``'s
names (e.g. "save as draft", "add a row") are never treated as repeats: they
edit in place, and a person may go back to an earlier wording on purpose.

The memory is the cache (Redis in production), keyed by a SHA-256 of the
above, so nothing typed is stored in it. Two identical posts sent at the same
instant both pass; each service's own locks and constraints stay the last word.
"""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

WINDOW = datetime.timedelta(minutes=10)
NOT_COMPARED = {"csrfmiddlewaretoken"}


def _key(request) -> str:
    fields = sorted(
        (name, value) for name, values in request.POST.lists() if name not in NOT_COMPARED for value in values
    )
    payload = json.dumps([request.user.pk, request.path, fields], ensure_ascii=False)
    return "saved-once:" + hashlib.sha256(payload.encode()).hexdigest()


def _destination(response: HttpResponse) -> str | None:
    if saved_to := getattr(response, "saved_to", None):
        return saved_to
    header = "Location"  # i18n: not shown (an HTTP header's name)
    if response.status_code in (302, 303) and response.has_header(header):
        return response[header]
    return None


def saved_once(view: Callable | None = None, *, unless: Iterable[str] = ()) -> Callable:
    """Decorates a view that creates something on POST (under ``login_required``):
    an identical POST by the same person within ``WINDOW`` of a successful one
    redirects (303; with htmx, a client redirect) to where the first went, with
    the message "You already sent this", and the view does not run."""
    skip = frozenset(unless)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST" or skip.intersection(request.POST):
                return view(request, *args, **kwargs)
            key = _key(request)
            if (first := cache.get(key)) is not None:
                messages.info(request, gettext("You already sent this a moment ago; it was saved once."))
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(first)
                return HttpResponseRedirect(first, status=303)
            response = view(request, *args, **kwargs)
            if (destination := _destination(response)) is not None:
                cache.set(key, destination, WINDOW.total_seconds())
            return response

        wrapper.saved_once = True  # type: ignore[attr-defined]  # the walk over every create view checks it
        return wrapper

    return decorate(view) if view is not None else decorate
