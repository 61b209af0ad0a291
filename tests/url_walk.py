"""Every URL the site serves, with its parameters filled in: for tests that walk
every page of a kind (every CSV, every URL with a token or a slug), so a page
added later is walked too without anyone listing it."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when unnamed
    route: str  # e.g. "programs/<slug:slug>/report.csv"
    parameters: dict[str, str]  # parameter name -> converter name ("str", "slug", "int", "path")

    def path(self, values: dict[str, object], default: object = 1) -> str:
        """The route with each parameter replaced by ``values[name]`` (or ``default``)."""
        return "/" + PARAMETER.sub(lambda m: str(values.get(m["name"], default)), self.route)


def _walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if not isinstance(pattern.pattern, RoutePattern):
                continue  # a regex include (none of ours)
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and isinstance(pattern.pattern, RoutePattern):
            route = prefix + str(pattern.pattern)
            if "^" in route or "(?P" in route:
                continue  # third-party regex routes (allauth's keys, the admin's catch-all)
            parameters = {m["name"]: m["converter"] or "str" for m in PARAMETER.finditer(route)}
            yield Route(f"{namespace}{pattern.name}" if pattern.name else route, route, parameters)


def every_route() -> list[Route]:
    """Every route of the root URLconf, in the order Django tries them."""
    return list(_walk(get_resolver().url_patterns, "", ""))
