"""Every page of the site, for tests that must hold on each of them: every URL
pattern from the resolver (so a page added later is walked too), its
parameters filled from a seeded world, fetched with GET by a signed-in person.
While it renders, each template notes the time zone that was active."""

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test.signals import template_rendered
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

_PARAM = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^()]*\)")


def our_app_labels() -> set[str]:
    """The labels of the project's own installed apps (not Django's, allauth's or django-htmx's)."""
    project = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(project) and ".venv" not in Path(config.path).parts
    }


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when unnamed
    route: str  # as written, e.g. "partnerships/<int:partnership_id>/goals/"
    parameters: dict[str, str]  # name -> converter ("str", "int", "slug", "path"; "regex" for a group)

    def path(self, values: dict[str, object], default: object = 1) -> str:
        """The route with each parameter replaced by ``values[name]`` (or ``default``)."""
        return "/" + _PARAM.sub(lambda m: str(values.get(m["name"] or m["group"], default)), self.route)


def every_route(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the site, in the order Django tries them; a regex
    pattern's groups (the admin's, allauth's) count as parameters."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = str(pattern.pattern).removeprefix("^").removesuffix("$").removesuffix("\\Z")
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            yield from every_route(pattern.url_patterns, prefix + text, inner or namespace)
        elif isinstance(pattern, URLPattern):
            route = prefix + text
            parameters = {
                m["name"] or m["group"]: (m["kind"] or "str") if m["name"] else "regex"
                for m in _PARAM.finditer(route)
            }
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or route)
            yield Route(name=name, route=route, parameters=parameters)


@contextmanager
def zones_while_rendering() -> Iterator[list[tuple[str, str]]]:
    """Yields a list that fills with (template name, active zone) per render."""
    seen: list[tuple[str, str]] = []

    def note(sender, template, context, **kwargs):
        seen.append((template.name or "?", timezone.get_current_timezone_name()))

    template_rendered.connect(note, dispatch_uid="tests.pages.zones")
    try:
        yield seen
    finally:
        template_rendered.disconnect(dispatch_uid="tests.pages.zones")
