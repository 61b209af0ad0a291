"""The program overview, its actions and the report (issue 9)."""

import csv
import datetime
import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from goals.models import Goal, ProgressRating
from health import services
from partnerships.models import Partnership
from programs.models import Participant
from sessions_log.models import Homework, PartnershipCheck
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import MentorFactory, PartnershipFactory
from tests.goals.factories import GoalFactory, rate_rounds
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import CallFeedbackFactory, HomeworkFactory, SessionFactory

from .test_rule import calls, started

pytestmark = pytest.mark.django_db


def overview(slug, **params):
    return reverse("home:program_overview", args=[slug]) + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


def a_pair(world, protege_name: str, *, called: list[int], mentor=None) -> Partnership:
    pair = PartnershipFactory(
        program=world.program,
        mentor=mentor or MentorFactory(program=world.program),
        protege__user__display_name=protege_name,
    )
    agree(pair)
    started(pair, 100)
    if called:
        calls(pair, called)
    services.refresh([pair.pk])  # the factories write history without the services that refresh it
    return pair


@pytest.fixture
def three_pairs(world):
    """One thriving-or-on-track pair (Alice), one at risk (Bea), one stalled (Cleo)."""
    return {
        "alice": a_pair(world, "Alice Able", called=[2, 16, 30, 44, 58, 72]),
        "bea": a_pair(world, "Bea Behind", called=[5, 60]),
        "cleo": a_pair(world, "Cleo Quiet", called=[45]),
    }


def rows_of(page: str) -> list[str]:
    return [name for name in ("Alice Able", "Bea Behind", "Cleo Quiet") if name in page]


@pytest.mark.parametrize("name", ["home:program_overview", "health:program_report"])
@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_the_overview_and_report(client, world, name, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse(name, args=[world.program.slug])).status_code == status


@pytest.mark.parametrize("name", ["program_partnership_nudge", "program_partnership_rematch"])
@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_can_nudge_or_rematch(client, world, mailoutbox, name, persona, status):
    client.force_login(getattr(world, persona))
    url = reverse(f"home:{name}", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"message": "Hello", "reason": "Time zones"})
    assert response.status_code == (303 if status == 200 else status)


@pytest.mark.parametrize(
    "name",
    [
        "home:program_overview",
        "health:program_report",
        "home:program_partnership_nudge",
        "home:program_partnership_rematch",
    ],
)
def test_anonymous_is_sent_to_sign_in(client, world, name):
    args = (
        [world.program.slug]
        if name in ("home:program_overview", "health:program_report")
        else [
            world.program.slug,
            world.partnership.pk,
        ]
    )
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_filters_by_health_label(client, world, three_pairs):
    client.force_login(world.admin)
    assert rows_of(client.get(overview(world.program.slug, health="at_risk")).text) == ["Bea Behind"]
    assert rows_of(client.get(overview(world.program.slug, health="stalled")).text) == ["Cleo Quiet"]
    assert "Alice Able" in client.get(overview(world.program.slug, health="on_track")).text


def test_filters_by_column_and_searches_by_name(client, world, three_pairs):
    client.force_login(world.admin)
    slug = world.program.slug
    assert rows_of(client.get(overview(slug, calls="behind")).text) == ["Bea Behind", "Cleo Quiet"]
    assert rows_of(client.get(overview(slug, q="bea")).text) == ["Bea Behind"]
    assert rows_of(client.get(overview(slug, agreement="no")).text) == []
    Partnership.objects.filter(pk=three_pairs["cleo"].pk).update(status=Partnership.Status.ENDED)
    assert rows_of(client.get(overview(slug)).text) == ["Alice Able", "Bea Behind"]
    assert rows_of(client.get(overview(slug, status="ended")).text) == ["Cleo Quiet"]
    # A filter value that makes no sense is ignored, not an error.
    assert client.get(overview(slug, health="nonsense", sort="password")).status_code == 200


def test_sorts_by_column_both_ways(client, world, three_pairs):
    client.force_login(world.admin)
    slug = world.program.slug
    page = client.get(overview(slug, sort="calls")).text
    assert page.index("Cleo Quiet") < page.index("Bea Behind") < page.index("Alice Able")
    page = client.get(overview(slug, sort="-calls")).text
    assert page.index("Alice Able") < page.index("Bea Behind") < page.index("Cleo Quiet")
    page = client.get(overview(slug, sort="health")).text  # worst first
    assert page.index("Cleo Quiet") < page.index("Bea Behind") < page.index("Alice Able")
    assert 'aria-sort="ascending"' in page


def test_the_overview_shows_figures_and_explains_the_rule(client, world, three_pairs):
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug)).text
    assert "How health is worked out" in page
    assert "twice the agreed interval" in page
    assert "2 of 6 calls held" in page  # Bea's reason, in a short phrase
    assert "9 of 18" in page  # calls held of expected, all current pairs (world's own pair expects none)


def test_the_stalled_headline_agrees_with_the_table_from_the_first_view(client, world, three_pairs):
    """As right after `make run`: no reminder scan has run, yet Cleo's pair is
    stalled in the table, so the headline counts it, in the same word."""
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug)).text
    assert re.search(
        r"<dt>Stalled pairs</dt><dd><a href=\"/programs/[^\"]+/\?health=stalled#pairs\">1</a></dd>", page
    )
    assert rows_of(client.get(overview(world.program.slug, health="stalled")).text) == ["Cleo Quiet"]
    assert "stalling" not in page.lower()
    Partnership.objects.filter(pk=three_pairs["cleo"].pk).update(last_call_at=timezone.now())  # a call since
    page = client.get(overview(world.program.slug)).text
    assert re.search(r"<dt>Stalled pairs</dt><dd>0</dd>", page)


def test_the_state_has_one_name_stalled_everywhere_the_product_shows_or_sends_it():
    """Templates (pages and emails) and the code that writes labels, filters and
    email subjects say "stalled", never "stalling"."""
    from django.conf import settings

    root = settings.BASE_DIR
    sources = [*root.glob("templates/**/*.*"), *root.glob("*/**/*.py")]
    found = [
        str(path.relative_to(root))
        for path in sources
        if not path.is_relative_to(root / ".venv")
        and not path.is_relative_to(root / "tests")
        and "migrations" not in path.parts
        and re.search(r"\bstalling\b", path.read_text(errors="ignore"), re.IGNORECASE)
    ]
    assert found == [], found


def test_the_overview_runs_the_same_queries_at_any_size(client, world, django_assert_num_queries):
    client.force_login(world.admin)
    a_pair(world, "First Pair", called=[3, 20])
    services.refresh([world.partnership.pk])  # every pair's numbers of the day are stored
    services.refresh_stale_rating_months(world.program)  # and the ratings of the months drawn
    # Two look for numbers of an earlier day (refresh_stale_numbers, refresh_stale_rating_months)
    # and find none.
    with django_assert_num_queries(15) as small:
        client.get(overview(world.program.slug))
    for i in range(30):  # more than a page
        pair = a_pair(world, f"Pair {i}", called=[3, 20, 40])
        HomeworkFactory(session=pair.sessions.first())
        CallFeedbackFactory(session=pair.sessions.first())
        rate_rounds(pair, {GoalFactory(partnership=pair): [4, 6]})
        services.refresh([pair.pk])
    for params in [{}, {"health": "at_risk", "sort": "-rating"}, {"page": "2", "sort": "health"}]:
        with django_assert_num_queries(len(small.captured_queries)):
            assert client.get(overview(world.program.slug, **params)).status_code == 200


@pytest.fixture
def eager_tasks():
    from mentoring.celery import app

    before = {name: app.conf[name] for name in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(before)


def test_nudging_emails_both_with_the_admins_message(
    client, world, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(world.admin)
    url = reverse("home:program_partnership_nudge", args=[world.program.slug, world.partnership.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"message": "Could you set a date for your next call?", "next": "health=at_risk"}
        )
    assert response.status_code == 303
    assert response["Location"].endswith("?health=at_risk#pairs")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.mentor.email, world.protege.email])
    assert all("Could you set a date for your next call?" in m.body for m in mailoutbox)
    assert mailoutbox[0].reply_to == [world.admin.email]


@pytest.mark.parametrize(
    ("shown", "back_to"),
    [
        ("health=stalled&sort=-rating&page=2", "?health=stalled&sort=-rating&page=2#pairs"),
        ("health=nonsense&page=x&evil=1", "#pairs"),
        ("q=a%0Ab&sort=%00", "#pairs"),
        ("é" * 3000, "#pairs"),
    ],
)
def test_after_an_action_the_overview_comes_back_with_the_filters_it_accepts_only(
    client, world, mailoutbox, shown, back_to
):
    client.force_login(world.admin)
    url = reverse("home:program_partnership_nudge", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"message": "How are your calls going?", "next": shown})
    assert response.status_code == 303
    assert response["Location"] == overview(world.program.slug) + back_to


def test_an_empty_nudge_is_refused_and_sends_nothing(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    url = reverse("home:program_partnership_nudge", args=[world.program.slug, world.partnership.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "  "}, follow=True)
    assert "Write a short message" in response.text
    assert mailoutbox == []


def test_rematching_ends_the_partnership_and_sends_both_to_the_board(client, world):
    client.force_login(world.admin)
    mentor = world.partnership.mentor
    assert mentor.load == 1
    url = reverse("home:program_partnership_rematch", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"reason": "Time zones did not work out."})
    assert response.status_code == 303
    board = reverse("partnerships:matching_board", args=[world.program.slug])
    assert response["Location"] == f"{board}?protege={world.partnership.protege_id}"
    world.partnership.refresh_from_db()
    assert world.partnership.status == Partnership.Status.ENDED
    assert Participant.objects.get(pk=mentor.pk).load == 0
    # Without a reason nothing changes.
    other = a_pair(world, "Dee Dee", called=[3])
    response = client.post(
        reverse("home:program_partnership_rematch", args=[world.program.slug, other.pk]),
        {"reason": ""},
    )
    other.refresh_from_db()
    assert other.status == Partnership.Status.ACTIVE


def test_the_report_streams_one_row_per_partnership_with_iso_dates(client, world, three_pairs):
    client.force_login(world.admin)
    Partnership.objects.filter(pk=three_pairs["cleo"].pk).update(status=Partnership.Status.ENDED)
    response = client.get(reverse("health:program_report", args=[world.program.slug]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 4  # every partnership, ended ones too
    bea = next(r for r in rows if r["protege"] == "Bea Behind")
    assert (bea["calls_held_90d"], bea["calls_expected_90d"], bea["health"]) == ("2", "6", "at_risk")
    assert datetime.datetime.fromisoformat(bea["last_call_at"]).tzinfo is not None
    assert datetime.date.fromisoformat(bea["started_on"])
    assert datetime.datetime.fromisoformat(bea["agreement_accepted_at"])
    assert next(r for r in rows if r["protege"] == "Cleo Quiet")["status"] == "ended"


def test_the_report_writes_each_row_byte_for_byte(client, world, three_pairs):
    """The header and a pair's line exactly: the columns, their order, numbers
    as numbers, ISO 8601 times in UTC and the reason in words."""
    client.force_login(world.admin)
    bea = three_pairs["bea"]
    bea.refresh_from_db()
    accepted = bea.agreements.get(status="in_force").in_force_at
    lines = (
        b"".join(client.get(reverse("health:program_report", args=[world.program.slug])).streaming_content)
        .decode("utf-8")
        .split("\r\n")
    )
    assert lines[0] == (
        "\ufeffpartnership_id,protege,mentor,status,started_on,agreement_accepted_at,cadence,last_call_at,"
        "next_call_at,calls_held_90d,calls_expected_90d,homework_done,homework_due,homework_assigned,"
        "rating_latest,rating_change,is_it_working,health,health_reason"
    )

    def utc(at: datetime.datetime) -> str:
        return at.astimezone(datetime.UTC).isoformat(timespec="seconds")

    expected = (
        f"{bea.pk},Bea Behind,{bea.mentor.user.name},active,{bea.started_on.isoformat()},{utc(accepted)},"
        f"every two weeks,{utc(bea.last_call_at)},{utc(bea.last_call_at + datetime.timedelta(days=14))},"
        "2,6,0,0,0,,,,at_risk,Only 2 of 6 expected calls held in 90 days."
    )
    assert expected in lines, lines


def test_the_report_reads_through_a_server_side_cursor_in_chunks(world, django_assert_num_queries):
    from health.selectors.report import program_report_rows

    for i in range(5):
        a_pair(world, f"Pair {i}", called=[3])
    rows = program_report_rows(world.program, chunk_size=2)
    assert next(rows)[0] == "partnership_id"
    assert len(list(rows)) == 6


SECRETS = {
    "call notes": "SECRET-notes",
    "key learnings": "SECRET-learnings",
    "homework reflection": "SECRET-hw-reflection",
    "goal why": "SECRET-why",
    "goal evidence": "SECRET-evidence",
    "rating reflection": "SECRET-rating-reflection",
    "feedback comment": "SECRET-feedback",
    "check comment": "SECRET-check",
}


def test_no_admin_page_nor_the_report_shows_what_a_pair_wrote(client, world):
    pair = world.partnership
    agree(pair)
    started(pair, 100)
    call = SessionFactory(
        partnership=pair,
        checkin_notes=SECRETS["call notes"],
        topic=SECRETS["call notes"],
        prepare_next=SECRETS["call notes"],
        key_learnings=SECRETS["key learnings"],
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    HomeworkFactory(
        session=call,
        status=Homework.Status.DONE,
        done_at=timezone.now(),
        reflection=SECRETS["homework reflection"],
    )
    CallFeedbackFactory(session=call, comment=SECRETS["feedback comment"])
    PartnershipCheck.objects.create(
        partnership=pair,
        role="protege",
        after_calls=3,
        working=2,
        valuable=2,
        comment=SECRETS["check comment"],
    )
    goal = GoalFactory(partnership=pair, why=SECRETS["goal why"])
    rate_rounds(pair, {goal: [7, 5]})
    ProgressRating.objects.filter(goal=goal).update(
        self_assessment=SECRETS["goal evidence"], reflection=SECRETS["rating reflection"]
    )
    Goal.objects.filter(pk=goal.pk).update(why=SECRETS["goal why"])
    slug = world.program.slug
    participant = Participant.objects.get(user=world.protege, program=world.program)
    client.force_login(world.admin)
    pages = [
        overview(slug),
        overview(slug, health="at_risk", sort="-rating", q="Sam"),
        overview(slug, status="all", sort="health", rating="down"),
        reverse("programs:people", args=[slug]),
        reverse("partnerships:participant_detail", args=[slug, participant.pk]),
        reverse("partnerships:matching_board", args=[slug]),
        reverse("health:program_report", args=[slug]),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for what, secret in SECRETS.items():
            assert secret.encode() not in body, f"{what} on {path}"
    # The pair is there, as numbers.
    assert b"Sam Prot" in client.get(overview(slug, health="stalled")).content


def test_an_admin_of_two_programs_sees_only_this_programs_pairs(client, world, three_pairs):
    elsewhere = PartnershipFactory(protege__user__display_name="Zed Elsewhere")
    elsewhere.program.admins.add(world.admin)
    client.force_login(world.admin)
    assert "Zed Elsewhere" not in client.get(overview(world.program.slug, status="all")).text
    report = b"".join(
        client.get(reverse("health:program_report", args=[world.program.slug])).streaming_content
    )
    assert b"Zed Elsewhere" not in report


def test_right_after_the_demo_is_seeded_the_stalled_headline_counts_the_stalled_rows(client):
    import io

    from django.core.management import call_command

    from accounts.models import User
    from programs.models import Program

    call_command("seed_demo", stdout=io.StringIO())
    admin = User.objects.get(email="admin@example.com")
    client.force_login(admin)
    slug = Program.objects.run_by(admin).get().slug
    page = client.get(overview(slug)).text
    stalled_rows = client.get(overview(slug, health="stalled")).text
    count = int(re.search(r"(\d+) partnerships?[.,]", stalled_rows).group(1))
    assert count >= 1  # the demo shows a stalled pair
    assert re.search(
        rf"<dt>Stalled pairs</dt><dd><a href=\"/programs/[^\"]+/\?health=stalled#pairs\">{count}</a></dd>",
        page,
    )


# --- A pair's action refused: the overview again, the form open under the row ---

REFUSED = {
    "nudge": ({"message": "Hello\x07 there"}, "message", "Hello"),
    "rematch": ({"reason": "   "}, "reason", None),
    "close": ({"outcome": "ended", "reason": ""}, "reason", None),
}


def test_every_pair_action_of_the_overview_is_walked_by_the_refusal_test():
    from home.views.programs import PAIR_ACTIONS

    assert set(REFUSED) == set(PAIR_ACTIONS)


def _open_details(page: str, details_id: str) -> str:
    """The HTML of the ``<details id=…>`` if it is open, else ''."""
    found = re.search(
        rf'<details class="pair-action" name="[^"]+" id="{details_id}" open>(.*?)</details>', page, re.S
    )
    return found.group(1) if found else ""


@pytest.mark.parametrize("action", sorted(REFUSED))
def test_a_refused_pair_action_shows_the_error_beside_its_field_keeping_text_and_filters(
    client, world, mailoutbox, action
):
    data, field, typed = REFUSED[action]
    client.force_login(world.admin)
    pair = world.partnership
    url = reverse(f"home:program_partnership_{action}", args=[world.program.slug, pair.pk])
    response = client.post(url, {**data, "next": "q=Sam&sort=-rating"})
    assert response.status_code == 200
    form = _open_details(response.text, f"{action}-{pair.pk}")
    assert form, "the pair's form is open under its row"
    assert "There is a problem" in form and f'id="{action}-{pair.pk}-{field}_error"' in form
    if typed:
        assert typed in form  # what was typed is kept
    # The other forms of the row stay closed, and the filters are kept.
    assert [a for a in REFUSED if a != action and _open_details(response.text, f"{a}-{pair.pk}")] == []
    assert 'name="q" value="Sam"' in response.text
    assert response.text.count('name="next" value="q=Sam&amp;sort=-rating"') == len(REFUSED)
    pair.refresh_from_db()
    assert pair.status == Partnership.Status.ACTIVE and mailoutbox == []


def test_a_refused_rematch_keeps_the_name_filter_for_the_next_try(client, world):
    """Found in review: after a failed re-match on ?q=Chlo the page lost the filter."""
    client.force_login(world.admin)
    url = reverse("home:program_partnership_rematch", args=[world.program.slug, world.partnership.pk])
    response = client.post(url, {"reason": "", "next": "q=Sam"})
    assert response.status_code == 200
    assert 'name="q" value="Sam"' in response.text
    response = client.post(url, {"reason": "Time zones did not work out.", "next": "q=Sam"})
    assert response.status_code == 303


@pytest.mark.parametrize("q", ["x" * 101, "%00"])
def test_a_filter_it_cannot_read_is_named_beside_its_field(client, world, three_pairs, q):
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug, q=q)).text
    assert re.search(r'<p class="field-error" id="id_q_error">.*Not filtered on this\.</p>', page)
    assert "One filter could not be read, so it was not applied" in page
    assert rows_of(page) == ["Alice Able", "Bea Behind", "Cleo Quiet"]


def test_an_expected_call_whose_date_has_passed_is_overdue(client, world, three_pairs):
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug, sort="pair")).text
    rows = {name: page[page.index(name) :].split("</tr>")[0] for name in rows_of(page)}
    assert "overdue since" in rows["Cleo Quiet"] and "expected" not in rows["Cleo Quiet"].split("overdue")[1]
    assert "overdue since" not in rows["Alice Able"]


def test_each_pairs_actions_carry_its_own_id_and_names_escaped(client, world):
    """The rows of actions are rendered once for every pair (home.views.programs._pair_actions):
    each still names its own pair, with its own ids and addresses, and a pair that has
    not started can only be ended."""
    proposed = PartnershipFactory(
        program=world.program,
        status=Partnership.Status.PROPOSED,
        started_on=None,
        mentor__user__display_name="Mo <b>Bold</b>",
        protege__user__display_name="Tom & Jerry",
    )
    client.force_login(world.admin)
    page = client.get(overview(world.program.slug)).text
    pairs = {
        world.partnership.pk: ("Sam Protégé and Morgan Mentor", True),
        proposed.pk: ("Tom &amp; Jerry and Mo &lt;b&gt;Bold&lt;/b&gt;", False),
    }
    for pk, (names, has_started) in pairs.items():
        for action in ["nudge", "rematch", "close"]:
            url = reverse(f"home:program_partnership_{action}", args=[world.program.slug, pk])
            assert f'<form method="post" action="{url}#{action}-{pk}">' in page
            found = re.search(
                rf'<details class="pair-action" name="pair-{pk}" id="{action}-{pk}">(.*?)</details>',
                page,
                re.S,
            )
            assert found, (pk, action)
            assert names in found.group(1)
            assert re.search(rf'id="{action}-{pk}-\w+"', found.group(1))
        close = _open_details(page.replace(f'id="close-{pk}">', f'id="close-{pk}" open>'), f"close-{pk}")
        assert ("It is complete" in close) is has_started
    assert "<b>Bold</b>" not in page


def test_a_pairs_row_comes_from_the_cache_until_anything_it_shows_changes(
    client, world, three_pairs, monkeypatch
):
    """Rows are kept in the cache under everything they show (home.views.programs._rows):
    an unchanged row is not rendered again, and a change shows at once."""
    from home.views import programs as views

    client.force_login(world.admin)
    bea = three_pairs["bea"]

    def bea_row(page: str, name: str = "Bea Behind") -> str:
        return page.split(name)[1].split("</tr>")[0]

    assert "2 of 6 calls held" in bea_row(client.get(overview(world.program.slug)).text)  # in 90 days
    rendered = []

    def counting(name, *args, **kwargs):
        rendered.append(name)
        return render_to_string(name, *args, **kwargs)

    monkeypatch.setattr(views, "render_to_string", counting)
    client.get(overview(world.program.slug))
    assert "home/program_overview.html#pair-row" not in rendered
    calls(bea, [1, 2])
    services.refresh([bea.pk])
    type(bea.protege.user).objects.filter(pk=bea.protege.user_id).update(display_name="Bea Busier")
    page = client.get(overview(world.program.slug)).text
    assert rendered.count("home/program_overview.html#pair-row") == 1  # Bea's row only
    assert "4 of 6 calls held" in bea_row(page, "Bea Busier") and "Bea Behind" not in page
