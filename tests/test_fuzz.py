"""No request answers 500, however odd (issue 13): a bounded fuzz pass over every
URL pattern of the resolver, as every role, with odd path parameters, odd query
parameters (those the view reads, those its links and filters pass, and an unknown
one) and every form the pages render posted back with odd values.

A new page is covered when it is added: its pattern comes from the resolver, and
a path parameter the pass has no real value for fails the test until one is
given in ``real_values``. The machinery lives in tests/fuzz.py."""

import datetime
import logging
import random
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from partnerships.agreements import agreement_propose
from partnerships.calendar import calendar_feed_reset
from partnerships.scheduling import pick_token, time_offer_create
from programs.models import DraftMatch, Invitation, Program
from programs.services.questions import question_create
from reminders.emails import stop_token
from reminders.models import Kind, Reminder, ReminderOptOut
from surveys.models import Survey, SurveyQuestion, SurveyResponse
from surveys.selectors.asks import answer_token
from tests.goals.factories import (
    GoalFactory,
    GoalSuggestionFactory,
    MilestoneFactory,
    SituationGoalFactory,
    SmartGoalFactory,
    rate_rounds,
)
from tests.partnerships.agreement_helpers import agree, terms
from tests.sessions_log.factories import AgendaItemFactory, HomeworkFactory, SessionFactory

from . import fuzz
from .factories import PASSWORD, MentorFactory, ParticipantFactory, PartnershipFactory, UserFactory

# The most able first: path parameters are fuzzed as the first role the page opens for.
ROLES = ("mentor", "protege", "admin", "staff", "other_admin", "outsider", "anonymous")
# The Django admin site checks staff once for all its pages (AdminSite.admin_view):
# besides staff, one stranger signed in and one signed out probe it.
ADMIN_SITE_ROLES = ("staff", "admin", "anonymous")
MAX_REQUESTS = 6500
# A safety net far above a normal run (about 90 s of CPU on two cores), for a loaded machine.
SECONDS = 600
WITNESS_ROUNDS = 60
WITNESS_ROUNDS_PER_FORM = 6


@pytest.fixture
def seeded(world):
    """The world with something behind every path parameter: an agreement in force
    and a proposal, goals with a milestone, ratings and a suggestion, a held call
    with homework, an agenda item, an invitation, a draft match, a calendar link,
    a sent reminder, a pair in the other admin's program, and a site staff user."""
    p = world.partnership
    now = timezone.now()
    # Zones at both ends of the clock: a typed local time near the ends of the
    # calendar leaves the representable range only once turned into UTC.
    world.protege.time_zone = "America/New_York"
    world.protege.save(update_fields=["time_zone"])
    world.mentor.time_zone = "Pacific/Kiritimati"
    world.mentor.save(update_fields=["time_zone"])
    agree(p)
    proposal = agreement_propose(partnership=p, by=world.mentor, terms=terms(method="phone"))
    smart = SmartGoalFactory(partnership=p)
    competency = GoalFactory(partnership=p)
    SituationGoalFactory(partnership=p)
    rating_rounds = rate_rounds(p, {smart: [3, 5], competency: [4, 6]})
    held = SessionFactory(partnership=p)
    invitation = Invitation(
        program=world.program,
        email="invited@example.org",
        name="Ivy Invited",
        role="mentor",
        invited_by=world.admin,
        expires_at=now + datetime.timedelta(days=14),
    )
    invitation_token = invitation.new_token()
    invitation.save()
    draft = DraftMatch.objects.create(
        program=world.program,
        protege=ParticipantFactory(program=world.program),
        mentor=MentorFactory(program=world.program),
        score=50,
        reasons=["because"],
    )
    Reminder.objects.create(
        kind=Kind.NUDGE,
        recipient=world.mentor,
        partnership=p,
        object_key="nudge-fuzz",
        due_at=now,
        send_at=now,
        state=Reminder.State.SENT,
        sent_at=now,
    )
    other_program = Program.objects.get(admins=world.other_admin)
    other_pair = PartnershipFactory(program=other_program)
    staff = UserFactory(display_name="Stella Staff", is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    Group.objects.create(name="Reviewers")
    ReminderOptOut.objects.create(user=world.outsider, kind=Kind.NUDGE)
    email = EmailAddress.objects.get(user=world.mentor)
    # A protégé's open request to a mentor with a place, in a program that takes requests.
    from programs.services.requests import request_send

    world.program.matching_mode = "both"
    world.program.save(update_fields=["matching_mode"])
    asked_mentor = MentorFactory(program=world.program)
    mentor_request = request_send(
        protege=ParticipantFactory(program=world.program), mentor=asked_mentor, note="Fuzz"
    )
    # Times the mentor offered the protégé for their next call: a time to pick and its link.
    offered = time_offer_create(partnership=p, by=world.mentor).times.first()
    # A pulse survey of the program, asked of the protégé and not yet answered.
    survey = Survey.objects.create(program=world.program, title="Pulse", kind="pulse", first_after_days=30)
    SurveyQuestion.objects.create(survey=survey, kind="scale", text="Our calls are worth it")
    SurveyQuestion.objects.create(survey=survey, kind="choice", text="Again?", choices="Yes\nNo")
    asked = SurveyResponse.objects.create(
        survey=survey, partnership=p, respondent=world.protege, role="protege", round="1"
    )
    # The organisation's identity providers, configured as from the environment, at a
    # loopback address where none answers: every sign-in page must still answer calmly.
    from allauth.socialaccount.models import SocialApp

    from mentoring import sso
    from tests.sso.saml_idp import key_and_certificate

    _key, _cert, certificate = key_and_certificate(Path(tempfile.mkdtemp()))
    unreachable = "http://127.0.0.1:9"
    environment = {
        "SSO_OIDC_NAME": "Fuzz Org",
        "SSO_OIDC_PROVIDER_ID": "org",
        "SSO_OIDC_ISSUER": unreachable,
        "SSO_OIDC_CLIENT_ID": "fuzz",
        "SSO_OIDC_CLIENT_SECRET": "fuzz-secret",
        "SSO_SAML_NAME": "Fuzz Org",
        "SSO_SAML_ORGANISATION": "org",
        "SSO_SAML_IDP_ENTITY_ID": f"{unreachable}/metadata",
        "SSO_SAML_IDP_SSO_URL": f"{unreachable}/sso",
        "SSO_SAML_IDP_X509_CERT": certificate,
    }
    apps = {}
    for provider, app in (("openid_connect", sso.oidc_app(environment)), ("saml", sso.saml_app(environment))):
        assert app is not None, provider
        apps[provider] = SocialApp.objects.create(provider=provider, **app)
    # Someone who signed in through it once, for the site administration's pages.
    from allauth.socialaccount.models import SocialAccount, SocialToken

    linked = SocialAccount.objects.create(user=world.outsider, provider="org", uid="fuzz-subject")
    SocialToken.objects.create(app=apps["openid_connect"], account=linked, token="fuzz-token")
    co_admin = UserFactory(display_name="Casey Co-admin")
    world.program.admins.add(co_admin)
    return {
        "world": world,
        "staff": staff,
        "values": {
            "slug": world.program.slug,
            "partnership_id": p.pk,
            "goal_id": smart.pk,
            "milestone_id": MilestoneFactory(goal=smart).pk,
            "suggestion_id": GoalSuggestionFactory(partnership=p).pk,
            "round_id": rating_rounds[-1].pk,
            "version": proposal.version,
            "session_id": held.pk,
            "homework_id": HomeworkFactory(session=held).pk,
            "item_id": AgendaItemFactory(partnership=p).pk,
            "draft_id": draft.pk,
            "invitation_id": invitation.pk,
            "participant_id": p.protege_id,
            "question_id": question_create(
                program=world.program, text="Team style?", kind="single", choices=["Remote", "Office"]
            ).pk,
            "mentor_id": asked_mentor.pk,
            "request_id": mentor_request.pk,
            "time_id": offered.pk,
            "survey_id": survey.pk,
            "response_id": asked.pk,
            "user_id": co_admin.pk,
            "organization_slug": "org",
            "provider_id": "org",
            "app_label": "partnerships",
            "url": "nowhere/",
            "content_type_id": ContentType.objects.get_for_model(Program).pk,
        },
        "by_endpoint": {
            ("home:calendar_feed", "token"): calendar_feed_reset(user=world.mentor).token,
            ("programs:invitation_accept", "token"): invitation_token,
            ("reminders:stop", "token"): stop_token(world.mentor.pk, Kind.NUDGE),
            ("partnerships:schedule_link", "token"): pick_token(offered, world.protege),
            ("surveys:answer_link", "token"): answer_token(asked),
            ("account_confirm_email", "key"): EmailConfirmationHMAC(email).key,
            ("account_reset_password_from_key", "uidb36"): user_pk_to_url_str(world.mentor),
            ("account_reset_password_from_key", "key"): default_token_generator.make_token(world.mentor),
            ("admin:view_on_site", "object_id"): world.program.pk,
        },
        # Odd but real: another program's slug, another program's pair.
        "odd": {"slug": [other_program.slug], "partnership_id": [other_pair.pk]},
    }


def real_values(endpoint: fuzz.Endpoint, seeded) -> dict[str, str]:
    """Each path parameter of ``endpoint`` filled with a real id, slug or token (wire form)."""
    values = {}
    for param in endpoint.params:
        key = (endpoint.name, param.name)
        if key in seeded["by_endpoint"]:
            value = seeded["by_endpoint"][key]
        elif param.name in ("object_id", "id") and endpoint.route.startswith("admin/"):
            # admin/<app>/<model>/<object_id>/…: the first row of that model.
            app_label, model_name = endpoint.route.split("/")[1:3]
            value = (
                apps.get_model(app_label, model_name)
                .objects.order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if value is None:
                pytest.fail(f"The fuzz pass needs a row of {app_label}.{model_name}: add one in seeded().")
        elif param.name in seeded["values"]:
            value = seeded["values"][param.name]
        else:
            pytest.fail(
                f"The fuzz pass has no real value for <{param.name}> of {endpoint.route} "
                f"({endpoint.name}): give it one in tests/test_fuzz.py seeded()/real_values()."
            )
        values[param.name] = quote(str(value), safe="")
    return values


def odd_path_values(param: fuzz.Param, seeded) -> list[str]:
    kind = {"int": "int", "slug": "slug"}.get(param.kind, "text")
    extra = [quote(str(v), safe="") for v in seeded["odd"].get(param.name, [])]
    return fuzz.PATH_ODD[kind] + extra


def witness_pages(seeded, paths: dict) -> list[tuple[str, str]]:
    """Where stored bad data would show: the pair's home, the admin's overview and
    the calendar feed (and the page the form leads to)."""
    return [
        ("protege", paths["home:partnership"]),
        ("admin", paths["home:program_overview"]),
        ("anonymous", paths["home:calendar_feed"]),
    ]


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def run(prober: fuzz.Prober, seeded, stats: dict) -> None:
    t0 = time.monotonic()
    rng = random.Random(0)
    today = timezone.localdate()
    endpoints = fuzz.endpoints()
    real = {e.name: real_values(e, seeded) for e in endpoints}
    paths = {e.name: e.path(real[e.name]) for e in endpoints}
    witnesses = witness_pages(seeded, paths)
    stats["patterns"] = len(endpoints)

    # 1. Every page as every role, as linked (and as htmx asks for it, where the view reads it).
    status: dict[tuple[str, str], int] = {}
    pages: dict[tuple[str, str], fuzz.PageParser] = {}
    for endpoint in endpoints:
        roles = ADMIN_SITE_ROLES if endpoint.route.startswith("admin/") else ROLES
        path = paths[endpoint.name]
        for role in roles:
            with prober.scratch():
                response = prober.send(role, "GET", path, probe="the page as linked")
            status[endpoint.name, role] = response.status_code
            if response.status_code == 200 and is_html(response):
                pages[endpoint.name, role] = fuzz.parse_page(response.content.decode(errors="replace"))
                if fuzz.reads_htmx(endpoint):
                    with prober.scratch():
                        prober.send(role, "GET", path, probe="the page as htmx asks for it", htmx=True)
    stats["pages open"] = len(pages)
    # What no role reached with real values: a seed gone stale shows up here.
    stats["patterns no role reached"] = sorted(
        e.route
        for e in endpoints
        if all(code in (302, 404) for (n, _), code in status.items() if n == e.name)
    )
    stats["after pages"] = (prober.count, round(time.monotonic() - t0))

    # 2. Odd path parameters, the others real: as the first role the page opens for,
    #    or for an action (POST only) as the first role shown a form that posts to it;
    #    and signed out where it opens signed out (tokens).
    posts_to: dict[str, str] = {}
    for (name, role), page in pages.items():
        for form in page.forms:
            target = fuzz.same_site(paths[name], form.action) if form.method == "post" else None
            if target and (match := fuzz.match_of(target[0])):
                posts_to.setdefault(match.view_name, role)
    fuzzed_path: set[tuple] = set()
    for endpoint in endpoints:
        if not endpoint.params:
            continue
        tried = [r for r in ROLES if (endpoint.name, r) in status]
        chosen = next((r for r in tried if status[endpoint.name, r] < 300), None)
        method = "GET"
        if chosen is None and endpoint.name in posts_to:
            chosen, method = posts_to[endpoint.name], "POST"
        if chosen is None:
            chosen = next((r for r in tried if status[endpoint.name, r] == 405), None)
            method = "POST" if chosen else "GET"
        chosen = chosen or next((r for r in tried if status[endpoint.name, r] == 403), "staff")
        roles = [chosen]
        if chosen != "anonymous" and status.get((endpoint.name, "anonymous"), 0) < 300:
            roles.append("anonymous")
        for param in endpoint.params:
            values = odd_path_values(param, seeded)
            key = (fuzz.view_key(endpoint), param.name)
            if key in fuzzed_path:
                values = rng.sample(values, fuzz.AGAIN)
            fuzzed_path.add(key)
            for value in values:
                path = endpoint.path(real[endpoint.name] | {param.name: value})
                for role in roles:
                    with prober.scratch():
                        prober.send(role, method, path, probe=f"path <{param.name}>={fuzz.short(value)}")

    stats["after paths"] = (prober.count, round(time.monotonic() - t0))

    # 3. Odd query parameters on every page that opens: each value for all of the
    #    page's parameters at once, then each parameter given three times.
    fuzzed_query: set[tuple] = set()
    for (name, role), page in pages.items():
        endpoint = next(e for e in endpoints if e.name == name)
        params = sorted(
            fuzz.query_params_read(endpoint)
            | fuzz.link_params(paths[name], page.links)
            | {f.name for form in page.forms if form.method == "get" for f in form.fields}
            | {fuzz.UNKNOWN_PARAMETER}
        )
        # Met again (another role, or the same view and parameters under another
        # pattern): a sample of the values.
        again = (fuzz.view_key(endpoint), tuple(params)) in fuzzed_query
        values = rng.sample(fuzz.QUERY_ODD, fuzz.QUERY_ODD_AGAIN) if again else fuzz.QUERY_ODD
        fuzzed_query.add((fuzz.view_key(endpoint), tuple(params)))
        for value in values:
            query = fuzz.encode_query((p, value) for p in params)
            with prober.scratch():
                prober.send(
                    role, "GET", paths[name], query=query, probe=f"query {params}={fuzz.short(value)}"
                )
        if again:
            continue
        query = fuzz.encode_query((p, v) for p in params for v in ("1", "x", ""))
        with prober.scratch():
            prober.send(role, "GET", paths[name], query=query, probe=f"query {params} each sent three times")
    stats["pages fuzzed in full by query"] = len(fuzzed_query)
    stats["after queries"] = (prober.count, round(time.monotonic() - t0))

    # 4. Every form a page renders, posted back: plausible, then (once per set of
    #    fields) each field odd or empty, every field odd at once, keys twice. A POST
    #    with an odd date, time or number that is accepted is followed by the pages
    #    that show it (a few per form).
    # A form of an existing object goes deeper (its fields hold valid values): the
    # pages with the most path parameters first, so theirs are fuzzed in full (the
    # admin's change page before its add page).
    seen_forms: set[tuple] = set()
    fully_fuzzed: set[tuple] = set()
    witness_rounds = 0
    refused: set[str] = set()
    witnessed: dict[tuple, int] = {}
    depth = {e.name: len(e.params) for e in endpoints}
    for (name, role), page in sorted(pages.items(), key=lambda item: -depth[item[0][0]]):
        for form in page.forms:
            if form.method != "post":
                continue
            target = fuzz.same_site(paths[name], form.action)
            if target is None:
                continue
            path, query = target
            shape = tuple(sorted({f.name for f in form.fields}))
            if (role, path, shape) in seen_forms:
                continue
            seen_forms.add((role, path, shape))
            full = shape not in fully_fuzzed
            fully_fuzzed.add(shape)
            for description, kind, data in fuzz.form_payloads(form, today, full=full, password=PASSWORD):
                probe = f"form of {fuzz.route_of(path)} on {name}: {description}"
                with prober.scratch():
                    response = prober.send(role, "POST", path, query=query, data=data, probe=probe)
                    if kind == "" and full and response.status_code < 300:
                        # Refused (or answered in place): the odd values may stop at the form.
                        refused.add(f"{fuzz.route_of(path)} {response.status_code}")
                    if (
                        kind in fuzz.WITNESSED_KINDS
                        and response.status_code in (301, 302, 303)
                        and witness_rounds < WITNESS_ROUNDS
                        and witnessed.get(shape, 0) < WITNESS_ROUNDS_PER_FORM
                    ):
                        witness_rounds += 1
                        witnessed[shape] = witnessed.get(shape, 0) + 1
                        after = f"after {probe}"
                        location = fuzz.same_site(path, response["Location"])
                        if location:
                            prober.send(role, "GET", location[0], query=location[1], probe=after)
                        for who, page_path in witnesses:
                            prober.send(who, "GET", page_path, probe=after)
                if kind == "" and form.htmx:
                    with prober.scratch():
                        prober.send(
                            role, "POST", path, query=query, data=data, probe=f"{probe} (htmx)", htmx=True
                        )
    stats["after forms"] = (prober.count, round(time.monotonic() - t0))
    stats["forms"] = len(seen_forms)
    stats["forms fuzzed field by field"] = len(fully_fuzzed)
    stats["accepted odd posts followed"] = witness_rounds
    stats["plausible submissions not redirected"] = sorted(refused)


def forget_rate_limits() -> None:
    """Rate limits live in Redis, outside the rolled-back savepoints: each probe starts
    with none counted, as tests/conftest.py does for each test (only this run's keys)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@contextmanager
def quiet(*names: str):
    """Django logs each 4xx and 5xx with its traceback; the pass records its own."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def test_no_request_of_any_role_answers_500(seeded):
    world = seeded["world"]
    users = {
        "mentor": world.mentor,
        "protege": world.protege,
        "admin": world.admin,
        "staff": seeded["staff"],
        "other_admin": world.other_admin,
        "outsider": world.outsider,
    }
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    prober = fuzz.Prober(clients, max_requests=MAX_REQUESTS, seconds=SECONDS, after_post=forget_rate_limits)
    stats: dict = {}
    started = time.monotonic()
    cut = ""
    try:
        with quiet("django.request", "django.security"):
            run(prober, seeded, stats)
    except fuzz.BudgetSpent as spent:
        cut = f"The pass was cut short: {spent} after {prober.count} requests; raise the bound or trim the plan."
    stats |= {"requests": prober.count, "seconds": round(time.monotonic() - started, 1)}
    print("fuzz pass:", stats)
    for (method, route), (n, spent) in sorted(prober.timing.items(), key=lambda kv: -kv[1][1])[:10]:
        print(f"  {spent:6.1f} s in {n:4d} requests: {method} {route}")
    assert not prober.failures and not cut, "\n".join(filter(None, [cut, fuzz.report(prober.failures)]))
