"""Times are in the viewer's zone on every page, the admin's included, set once
per request by ``mentoring.middleware.ViewerTimeZoneMiddleware`` (issue 13,
kind 9)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from partnerships.calendar import calendar_feed_reset
from tests.goals.factories import GoalFactory, MilestoneFactory
from tests.pages import every_route, zones_while_rendering
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import AgendaItemFactory, HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db

CALL_AT = datetime.datetime(2026, 5, 6, 17, 0, tzinfo=datetime.UTC)
ZONES = {"admin": "Asia/Tokyo", "mentor": "America/New_York", "protege": "Australia/Adelaide"}


@pytest.fixture
def site(world):
    """The world with a bit of everything, its people in three zones, the
    program admin also the site's staff; and the values of every URL parameter."""
    for role, zone in ZONES.items():
        user = getattr(world, role)
        user.time_zone = zone
        if role == "admin":
            user.is_staff = user.is_superuser = True
        user.save()
    pair = world.partnership
    agree(pair)
    call = SessionFactory(partnership=pair, starts_at=CALL_AT)
    homework = HomeworkFactory(session=call)
    goal = GoalFactory(partnership=pair)
    milestone = MilestoneFactory(goal=goal)
    item = AgendaItemFactory(partnership=pair)
    feed = calendar_feed_reset(user=world.mentor)
    values = {
        "slug": world.program.slug,
        "partnership_id": str(pair.pk),
        "session_id": str(call.pk),
        "homework_id": str(homework.pk),
        "goal_id": str(goal.pk),
        "milestone_id": str(milestone.pk),
        "item_id": str(item.pk),
        "participant_id": str(pair.mentor.pk),
        "token": feed.token if hasattr(feed, "token") else "x",
        "app_label": "accounts",
        "model_name": "user",
        "object_id": str(world.admin.pk),
        "url": "nothing-here/",
    }
    return world, values, call


def test_every_page_renders_in_the_viewers_time_zone(client, site):
    world, values, _ = site
    routes = list(every_route())
    assert len(routes) > 100  # the walk sees the whole site, the admin's pages included
    for role, zone in ZONES.items():
        client.force_login(getattr(world, role))
        answered = {}
        with zones_while_rendering() as seen:
            for route in routes:
                response = client.get(route.path(values))
                answered[route.name] = response.status_code
                assert response.status_code < 500, route.route
        wrong = sorted({(name, active) for name, active in seen if active != zone})
        assert wrong == [], f"{role} ({zone}): rendered in another zone"
        assert seen, role
        assert sum(code == 200 for code in answered.values()) >= 20, answered
    # After a request, the zone is the server's again.
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_a_call_shows_at_each_viewers_own_clock(client, site):
    world, _, _ = site
    path = reverse("sessions_log:call_log", args=[world.partnership.pk])
    expected = {"mentor": "2026-05-06T13:00:00-04:00", "protege": "2026-05-07T02:30:00+09:30"}
    for role, stamp in expected.items():
        client.force_login(getattr(world, role))
        assert f'datetime="{stamp}"' in client.get(path).text, role


def test_the_admin_pages_show_times_in_the_viewers_zone(client, site):
    world, _, _ = site
    world.mentor.date_joined = CALL_AT
    world.mentor.save()
    client.force_login(world.admin)  # Asia/Tokyo: 17:00 UTC is 02:00 the next day
    page = client.get(reverse("admin:accounts_user_change", args=[world.mentor.pk])).text
    assert 'value="07/05/2026"' in page and 'value="02:00:00"' in page


def test_a_person_without_a_known_zone_sees_utc(client, site):
    world, _, _ = site
    from accounts.models import User

    User.objects.filter(pk=world.mentor.pk).update(time_zone="Not/AZone")
    client.force_login(world.mentor)
    path = reverse("sessions_log:call_log", args=[world.partnership.pk])
    assert 'datetime="2026-05-06T17:00:00+00:00"' in client.get(path).text


def test_no_view_sets_the_zone_itself():
    """One mechanism: the middleware. The decorator it replaced is gone, and no
    view module activates a zone of its own."""
    assert "mentoring.middleware.ViewerTimeZoneMiddleware" in settings.MIDDLEWARE
    offenders = []
    for path in sorted(Path(settings.BASE_DIR).rglob("*.py")):
        parts = set(path.relative_to(settings.BASE_DIR).parts)
        if parts & {".venv", "tests", "migrations"} or path.name == "middleware.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "views" in path.parts or path.name == "views.py":
            if re.search(r"in_viewer_time_zone|timezone\.(activate|override)\(", text):
                offenders.append(str(path))
        elif "in_viewer_time_zone" in text:
            offenders.append(str(path))
    assert offenders == []


def test_a_streamed_response_is_written_in_the_viewers_zone(rf, world):
    """Streamed pages (the CSV report) are written after the view returns: the
    middleware keeps the zone for them too, and gives UTC back afterwards."""
    from django.http import StreamingHttpResponse

    from mentoring.middleware import ViewerTimeZoneMiddleware

    def view(request):
        return StreamingHttpResponse(timezone.get_current_timezone_name() for _ in range(2))

    request = rf.get("/")
    request.user = world.mentor
    world.mentor.time_zone = "America/New_York"
    response = ViewerTimeZoneMiddleware(view)(request)
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE
    assert b"".join(response.streaming_content) == b"America/New_YorkAmerica/New_York"
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_a_zone_name_python_does_not_know_is_utc_everywhere_it_is_read():
    """One fallback (mentoring.time_zones): matching's working-hours overlap
    reads an empty or unknown stored zone as the site's zone, as pages do."""
    from programs.matching import utc_offset_hours

    at = datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC)
    assert utc_offset_hours("Not/AZone", at) == utc_offset_hours("", at) == 0.0
    assert utc_offset_hours("America/New_York", at) == -4.0
