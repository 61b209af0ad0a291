"""The machinery of the fuzz pass (tests/test_fuzz.py): every URL pattern from
the resolver, odd values for path and query parameters, every form a page
renders posted back with odd values, and a record of each answer of 500 or more.

Each probe runs in a savepoint that is rolled back, so every probe sees the same
seeded world and a request that breaks the transaction cannot break the next.
Counting is deterministic (values are fixed or drawn from ``random.Random(0)``);
the pass stops at a request cap or a time budget and says so."""

import dataclasses
import datetime
import inspect
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PROJECT = Path(__file__).resolve().parent.parent
# Server errors the site answers on purpose, each what it says: the fuzz pass's
# identity providers are configured at a loopback address where none answers.
DELIBERATE = {502: "the organisation's sign-in service cannot be reached (mentoring.sso_guard)"}

# --- Odd values ------------------------------------------------------------------
# Path and query values are written as they go on the wire (percent-encoded):
# the test client decodes the path, so "%00" reaches the view as a NUL.
HUGE = "9" * 30
PATH_ODD = {
    "int": ["0", HUGE, "2147483648"],
    "slug": ["x" * 300, "-"],
    "text": ["%00", "..%2F..%2Fsettings", "%C3%A9%E2%98%83", "x" * 2000, "%FF"],
}
# A view function met again under another pattern (the admin's, for each model)
# gets this many of the values.
AGAIN = 2
QUERY_ODD = [
    "",
    "-1",
    HUGE,
    "%00",
    "%C3%A9%E2%98%83%F0%9F%98%80",
    "x" * 4000,
    "2026-02-30",
]
# A page already fuzzed (as another role, or its view under another pattern)
# gets this many of the values.
QUERY_ODD_AGAIN = 2
UNKNOWN_PARAMETER = "zz"

MARKUP = '<a href="javascript:alert(1)">x</a><meta http-equiv="refresh" content="0;url=https://x.example">'
LONG_TEXT = "x" * 200_000
# Form values are raw text (the client encodes them): what each field gets in
# turn, by its kind, besides the empty value. 5,000 characters are longer than any
# column; 200,000 go into every field at once (below).
FORM_ODD = {
    "text": ["x" * 5000, "a\x00b"],
    "date": ["9999-12-31", "0001-01-01", "31/12/9999"],
    "datetime": ["9999-12-31T23:59", "31/12/9999 23:59", "0001-01-01T00:00"],
    "time": ["24:00", "99:99"],
    "number": ["1e309", HUGE, "-1"],
    "choice": ["x", HUGE],
}
# Every field of the form at once (besides the form's hidden ones).
ALL_FIELDS_ODD = [
    LONG_TEXT,
    "line one\r\nBcc: victim@example.org",
    MARKUP,
    "é☃😀\u202e",
    "9999-12-31",
    "31/12/9999 23:59",
]
# What stored bad data shows up on: after a POST with an odd date, time or number
# is accepted, the pages that show it are read before the probe is undone.
WITNESSED_KINDS = {"date", "datetime", "time", "number"}


def upload_odd() -> list[tuple[str, bytes]]:
    """(label, content) of odd uploads for a file field."""
    return [
        ("garbage bytes", bytes(range(256)) * 40),
        (
            "csv, one field of 200,000 characters",
            b"email,name,role\n" + b"a@example.org," + b"x" * 200_000 + b",mentor\n",
        ),
        ("csv with NUL, CR/LF and formulas", b'email,name,role\n"a@example.org","=1+1\r\nx\x00","mentor"\n'),
        ("empty file", b""),
        ("latin-1 csv", "email,name,role\nchloé@example.org,Chloé,protégé\n".encode("latin-1")),
    ]


# --- URL patterns ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    kind: str  # a route converter ("int", "slug", "str", "path"…) or "regex"


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name", or the route when the pattern has no name
    route: str  # the pattern as written, for reports
    parts: tuple  # str for literal text, Param for a parameter
    callback: Callable

    @property
    def params(self) -> list[Param]:
        return [p for p in self.parts if isinstance(p, Param)]

    def path(self, values: dict[str, str]) -> str:
        """The path with each parameter replaced by ``values[name]`` (wire form)."""
        return "/" + "".join(p if isinstance(p, str) else values[p.name] for p in self.parts)


_ROUTE_PARAM = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def _parts(pattern) -> list:
    if isinstance(pattern, RoutePattern):
        text, finder, kind_of = str(pattern._route), _ROUTE_PARAM, lambda m: m["kind"] or "str"
    elif isinstance(pattern, RegexPattern):
        text, finder, kind_of = pattern._regex.lstrip("^").rstrip("$"), _REGEX_GROUP, lambda m: "regex"
    else:  # pragma: no cover - a new kind of pattern must be taught here
        raise TypeError(f"unknown URL pattern type {type(pattern)!r}")
    parts, at = [], 0
    for match in finder.finditer(text):
        parts += [text[at : match.start()], Param(match["name"], kind_of(match))]
        at = match.end()
    return [*parts, text[at:]]


def endpoints() -> list[Endpoint]:
    """Every URL pattern the project serves, walked from the root resolver."""
    found = []

    def walk(patterns, parts, namespaces):
        for entry in patterns:
            here = [*parts, *_parts(entry.pattern)]
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    here,
                    [*namespaces, entry.namespace] if entry.namespace else namespaces,
                )
            elif isinstance(entry, URLPattern):
                joined = tuple(p for p in here if p != "")
                route = "".join(p if isinstance(p, str) else f"<{p.name}>" for p in joined)
                name = ":".join([*namespaces, entry.name]) if entry.name else route
                found.append(Endpoint(name, route, joined, entry.callback))

    walk(get_resolver().url_patterns, [], [])
    return found


_GET_READ = re.compile(r"request\.GET(?:\.get|\.getlist|\[)\(?\s*[\"']([^\"']+)[\"']")
_FORM_OF_GET = re.compile(r"(\w+)\(\s*request\.GET")


def query_params_read(endpoint: Endpoint) -> set[str]:
    """The query parameters a view reads: ``request.GET.get("x")``, ``request.GET["x"]``
    and the fields of a form bound to ``request.GET``, found in the view's source."""
    source = _view_source(endpoint)
    names = set(_GET_READ.findall(source))
    module = inspect.getmodule(inspect.unwrap(getattr(endpoint.callback, "view_class", endpoint.callback)))
    for form_name in _FORM_OF_GET.findall(source):
        form_class = getattr(module, form_name, None)
        names |= set(getattr(form_class, "base_fields", {}))
    return names


# --- Pages' forms and links -------------------------------------------------------


@dataclasses.dataclass
class Field:
    name: str
    tag: str  # input, textarea, select, button
    type: str
    value: str = ""
    checked: bool = False
    options: list = dataclasses.field(default_factory=list)
    attrs: dict = dataclasses.field(default_factory=dict)

    @property
    def kind(self) -> str:
        """Which odd values suit it: text, date, datetime, number, choice, file."""
        if self.tag == "select" or self.type in ("radio", "checkbox"):
            return "choice"
        if self.type in ("date", "datetime-local", "time", "number", "file"):
            return {"datetime-local": "datetime"}.get(self.type, self.type)
        css = self.attrs.get("class", "").split()
        if "vDateField" in css:  # the Django admin's date and time inputs
            return "date"
        if "vTimeField" in css:
            return "time"
        if re.fullmatch(r"-?\d+", self.value):
            return "number"
        return "text"


@dataclasses.dataclass
class Form:
    method: str
    action: str
    htmx: bool
    fields: list = dataclasses.field(default_factory=list)


class PageParser(HTMLParser):
    """The forms (with their fields) and the same-site links of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=a.get("hx-post") or a.get("action", ""),
                htmx=bool(a.get("hx-post") or a.get("hx-get")),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag in ("input", "button", "textarea", "select") and a.get("name"):
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            field = Field(a["name"], tag, kind, a.get("value", ""), "checked" in a, attrs=a)
            self._form.fields.append(field)
            self._textarea = field if tag == "textarea" else None
            self._select = field if tag == "select" else None
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._select.options.append(self._option)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                # HTML drops the newline right after <textarea>, as browsers do.
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option["text"] += data


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def plausible(field: Field, today, *, password: str, ordinal: int = 1) -> str | None:
    """What a person would send: what the page shows; an empty field left empty
    unless it is required or a text box; those filled by their kind (``ordinal``
    tells number fields apart, so a target differs from its baseline). None
    leaves the field out."""
    if field.tag == "select":
        options = field.options
        chosen = [o for o in options if o["selected"]]
        if not chosen and "required" in field.attrs:
            chosen = [o for o in options if o["value"]]
        chosen = chosen or options[:1]
        if not chosen:
            return None
        option = chosen[0]
        return option["value"] if option["value"] is not None else option["text"].strip()
    if field.type in ("checkbox", "radio"):
        return (field.value or "on") if field.checked else None
    if field.type in ("submit", "button", "image", "reset", "file"):
        return None
    if field.value or ("required" not in field.attrs and field.tag != "textarea"):
        return field.value  # a box of prose is written in even when optional
    soon = today + datetime.timedelta(days=14)
    kind = field.kind
    if kind == "date":
        return soon.isoformat() if field.type == "date" else soon.strftime("%d/%m/%Y")
    if kind == "datetime":
        return f"{soon.isoformat()}T10:00"
    if kind == "time":
        return "10:00"
    if kind == "number" or field.attrs.get("inputmode") in ("numeric", "decimal"):
        return str(int(float(field.attrs.get("min") or 0)) + ordinal)
    if field.type == "email" or "email" in field.name.lower():
        return "fuzz.person@example.org"
    if field.type == "url":
        return "https://example.org/"
    if field.type == "password":
        return password
    return "Fuzz text"


# --- Probing ----------------------------------------------------------------------


@dataclasses.dataclass
class Failure:
    role: str
    method: str
    path: str
    route: str
    probe: str  # which parameter and value, in words
    status: int
    error: str  # exception type and message
    where: str  # the innermost frame of the project's own code


class BudgetSpent(Exception):
    pass


def _where(exc_info) -> str:
    """file:line in function of the innermost traceback frame in the project's code."""
    if not exc_info:
        return "(no exception recorded)"
    frames = traceback.extract_tb(exc_info[2])
    own = [f for f in frames if f.filename.startswith(str(PROJECT)) and "/.venv/" not in f.filename]
    frame = (own or frames)[-1]
    name = Path(frame.filename)
    name = name.relative_to(PROJECT) if name.is_relative_to(PROJECT) else name
    deepest = frames[-1]
    tail = "" if frame is deepest else f" (raised in {Path(deepest.filename).name}:{deepest.lineno})"
    return f"{name}:{frame.lineno} in {frame.name}{tail}"


def short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}…({len(str(value))} chars)"


class Prober:
    """Sends requests as each role, each in a savepoint rolled back afterwards, and
    records every answer of 500 or more (or a transaction left broken)."""

    def __init__(self, clients: dict[str, Client], *, max_requests: int, seconds: float, after_post=None):
        self.clients = clients
        self.after_post = after_post
        self.max_requests = max_requests
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.count = 0
        self.failures: list[Failure] = []
        self.timing: dict[tuple, tuple[int, float]] = {}

    @contextmanager
    def scratch(self) -> Iterator[None]:
        """Whatever happens inside (requests, their writes, cookies) is undone after."""
        cookies = {role: SimpleCookie(c.cookies) for role, c in self.clients.items()}
        try:
            with transaction.atomic():
                try:
                    yield
                finally:
                    transaction.set_rollback(True)
        finally:
            for role, client in self.clients.items():
                client.cookies = cookies[role]

    def send(self, role, method, path, *, query="", data=None, probe="", htmx=False):
        """One request as ``role``; its response. Raises BudgetSpent past the cap or the time budget."""
        if self.count >= self.max_requests:
            raise BudgetSpent(f"the request cap of {self.max_requests} was reached")
        if time.monotonic() > self.deadline:
            raise BudgetSpent(f"the time budget of {self.seconds:.0f} s ran out")
        self.count += 1
        client = self.clients[role]
        url = f"{path}?{query}" if query else path
        headers = {"HX-Request": "true"} if htmx else {}
        savepoint = transaction.savepoint_create()
        started = time.monotonic()
        try:
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.post(url, data=data or {}, headers=headers)
        except Exception:
            transaction.savepoint_rollback(savepoint)
            raise
        finally:
            if method == "POST" and self.after_post:
                self.after_post()
        spent = time.monotonic() - started
        key = (method, route_of(path))
        self.timing[key] = self.timing.get(key, (0, 0.0))
        self.timing[key] = (self.timing[key][0] + 1, self.timing[key][1] + spent)
        failed = response.status_code >= 500 and response.status_code not in DELIBERATE
        if not failed:
            try:
                transaction.savepoint_commit(savepoint)
            except DatabaseError as error:  # the request left the transaction unusable
                failed, response.exc_info = True, (type(error), error, error.__traceback__)
        if failed:
            transaction.savepoint_rollback(savepoint)
            self._record(role, method, path, query, probe, response)
        return response

    def _record(self, role, method, path, query, probe, response):
        route = route_of(path)
        exc_info = getattr(response, "exc_info", None)
        error = f"{exc_info[0].__name__}: {str(exc_info[1])[:160]}" if exc_info else "(none)"
        self.failures.append(
            Failure(
                role=role,
                method=method,
                path=(path if len(path) < 120 else path[:100] + "…") + (f"?{query[:80]}" if query else ""),
                route=route,
                probe=probe,
                status=response.status_code,
                error=error,
                where=_where(exc_info),
            )
        )


def report(failures: list[Failure]) -> str:
    """The failures grouped by cause (exception type and place), each with examples."""
    causes: dict[tuple, list[Failure]] = {}
    for failure in failures:
        causes.setdefault((failure.error.split(":")[0], failure.where), []).append(failure)
    lines = [f"{len(failures)} answers of 500 or more, {len(causes)} distinct causes:"]
    for (error, where), group in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"\n* {error} at {where} ({len(group)} requests)")
        lines.append(f"  {group[0].error}")
        seen = set()
        for f in group:
            key = (f.method, f.route, f.role)
            if key in seen or len(seen) >= 6:
                continue
            seen.add(key)
            lines.append(f"  - {f.method} {f.route} as {f.role}: {f.probe} [{f.path}] → {f.status}")
    return "\n".join(lines)


def form_payloads(form: Form, today, *, full: bool, password: str) -> Iterable[tuple[str, str, dict]]:
    """(probe description, odd kind, data) for one form: the plausible submission;
    when ``full`` (the first time these fields are met) also each field odd or
    empty in turn, every field odd at once and keys sent twice. The odd kind is
    "" for the plausible submission."""
    submits = [f for f in form.fields if f.type in ("submit", "image")]
    base: dict = {}
    for ordinal, field in enumerate(form.fields, start=1):
        value = plausible(field, today, password=password, ordinal=ordinal)
        if value is not None and field not in submits:
            base.setdefault(field.name, []).append(value)
    for field in form.fields:  # a radio group with none checked: its first choice
        if field.type == "radio" and field.name not in base:
            base[field.name] = [field.value or "on"]
    files = [f for f in form.fields if f.type == "file"]
    for f in files:
        base[f.name] = [SimpleUploadedFile("people.csv", b"email,name,role\nfuzz@example.org,Fuzz,mentor\n")]

    def data(changes: dict) -> dict:
        return {k: list(v) for k, v in base.items()} | changes

    # As Enter sends it (no button named), then, the first time, by each named button.
    yield "plausible submission", "", data({})
    for submit in submits if full else []:
        yield (
            f"plausible submission (button {submit.name}={submit.value!r})",
            "",
            data({submit.name: [submit.value]}),
        )
    editable = [f for f in form.fields if f.type not in ("hidden", "submit", "image", "button", "reset")]
    fields_by_name = {f.name: f for f in editable}
    if full:
        for field in [*fields_by_name.values(), *(f for f in form.fields if f.type == "hidden")]:
            kind = field.kind
            if field.name == "csrfmiddlewaretoken":
                continue
            if kind == "file":
                for label, content in upload_odd():
                    upload = SimpleUploadedFile("people.csv", content, content_type="text/csv")
                    yield f"{field.name}: {label}", "file", data({field.name: [upload]})
                continue
            for value in [*FORM_ODD[kind], ""]:
                yield f"{field.name}={short(value)}", kind, data({field.name: [value]})
    for value in ALL_FIELDS_ODD if full and fields_by_name else []:
        odd = {name: [value] for name, f in fields_by_name.items() if f.kind != "file"}
        kind = "date" if value[:1].isdigit() else "all"
        yield f"every field={short(value)}", kind, data(odd)
    if full:
        doubled = {
            k: [*v, "x"] for k, v in base.items() if k != "csrfmiddlewaretoken" and isinstance(v[0], str)
        }
        yield "every key sent twice (plausible, then 'x')", "twice", data(doubled)


def same_site(page_url: str, href: str) -> tuple[str, str] | None:
    """(path, query) of a link or form action on this site, resolved against the page."""
    target = urlsplit(urljoin("http://testserver" + page_url, href))
    if target.scheme not in ("http", "https") or target.netloc != "testserver":
        return None
    return target.path, target.query


def link_params(page_url: str, links: Iterable[str]) -> set[str]:
    """Query parameters the page's own links pass back to it (pagination, sorting…)."""
    path = urlsplit(page_url).path
    names = set()
    for href in links:
        target = same_site(page_url, href)
        if target and target[0] == path:
            names |= {k for k, _ in parse_qsl(target[1], keep_blank_values=True)}
    return names


def encode_query(pairs: Iterable[tuple[str, str]]) -> str:
    """A query string from (name, wire value) pairs: names are quoted, values are not."""
    return "&".join(f"{quote(name, safe='')}={value}" for name, value in pairs)


def _view_source(endpoint: Endpoint) -> str:
    view = inspect.unwrap(getattr(endpoint.callback, "view_class", endpoint.callback))
    try:
        return inspect.getsource(view)
    except (OSError, TypeError):
        return ""


def view_key(endpoint: Endpoint) -> str:
    """The view function behind a pattern: the same for each model's admin page."""
    view = inspect.unwrap(getattr(endpoint.callback, "view_class", endpoint.callback))
    view = getattr(view, "__func__", view)
    return f"{getattr(view, '__module__', '?')}.{getattr(view, '__qualname__', repr(view))}"


def reads_htmx(endpoint: Endpoint) -> bool:
    """Whether the view answers htmx requests differently (it reads ``request.htmx``)."""
    return "request.htmx" in _view_source(endpoint)


def match_of(path: str):
    """The resolver's match for a path, or None."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except (Resolver404, ValueError, UnicodeError):
        return None


def route_of(path: str) -> str:
    match = match_of(path)
    return match.route if match else "(unresolved)"
