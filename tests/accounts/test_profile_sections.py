"""The profile is in sections that each save on their own (name and time zone,
each program, reminders, calendar link): a saved section says so itself, a
refused one keeps what was typed with the error beside the field, and the
other sections show what is saved."""

import pytest
from django.urls import reverse

from partnerships.models import CalendarFeed
from reminders.selectors import reachable_kinds, wanted_kinds

pytestmark = pytest.mark.django_db


def test_a_saved_section_says_so_in_the_section_not_at_the_top(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "Sam P.", "time_zone": "Asia/Tokyo", "language": "en-gb"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{reverse('home:profile')}#account"
    page = response.text
    top, account = (
        page.split('id="messages"', 1)[1].split("</section>", 1)[0],
        page.split('id="account"', 1)[1],
    )
    assert "Your profile is saved." not in top
    assert "Your profile is saved." in account.split("</section>", 1)[0]


def test_a_refused_program_section_keeps_what_was_typed_and_the_others_are_untouched(client, world):
    mentor = world.partnership.mentor
    client.force_login(world.mentor)
    prefix = f"p{mentor.pk}"
    response = client.post(
        reverse("home:profile"),
        {"form": str(mentor.pk), f"{prefix}-intro": "Kept as typed", f"{prefix}-capacity": "0"},
    )
    assert response.status_code == 200
    section = response.text.split(f'id="program-{world.program.slug}"', 1)[1].split("</section>", 1)[0]
    assert "There is a problem" in section
    assert f'id="id_{prefix}-capacity_error"' in section
    assert "Kept as typed" in section
    account = response.text.split('id="account"', 1)[1].split("</section>", 1)[0]
    assert "There is a problem" not in account
    assert f'value="{world.mentor.display_name}"' in account
    mentor.refresh_from_db()
    assert mentor.intro != "Kept as typed"


def test_the_calendar_section_makes_and_remakes_the_link_in_place(client, world):
    client.force_login(world.mentor)
    response = client.post(reverse("home:profile"), {"form": "calendar"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('home:profile')}#calendar"
    assert "Your calendar link is ready." in response.text
    first = CalendarFeed.objects.get(user=world.mentor).token
    response = client.post(reverse("home:profile"), {"form": "calendar"}, follow=True)
    assert "Your calendar link is new." in response.text
    assert CalendarFeed.objects.get(user=world.mentor).token != first


def test_each_section_posts_back_to_itself(client, world):
    client.force_login(world.protege)
    page = client.get(reverse("home:profile")).text
    profile = reverse("home:profile")
    for section in ("account", "reminders", "calendar", f"program-{world.program.slug}"):
        assert f'id="{section}"' in page
        assert f'action="{profile}#{section}"' in page


def _section(page: str, section: str) -> str:
    return page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]


def test_saving_reminders_keeps_a_name_and_intro_typed_in_other_sections_unsaved(client, world):
    """The page is one form: saving one section posts the others' typing too,
    which comes back as typed, saying it is not saved yet."""
    mentor = world.partnership.mentor
    prefix = f"p{mentor.pk}"
    program = f"program-{world.program.slug}"
    client.force_login(world.mentor)
    page = client.get(reverse("home:profile")).text
    assert page.count("<form") == 3  # the profile's, the header's sign-out, the footer's language switcher
    response = client.post(
        reverse("home:profile"),
        {
            "form": "reminders",
            "section": ["account", program, "reminders"],
            "display_name": "A new name",
            "time_zone": world.mentor.time_zone,
            "language": world.mentor.language,
            f"{prefix}-intro": "A new intro",
            f"{prefix}-capacity": str(mentor.capacity),
            f"{prefix}-preferred_cadence": mentor.preferred_cadence,
            "reminders-kinds": [],
        },
    )
    assert response.status_code == 200
    page = response.text
    assert "Your reminder settings are saved." in _section(page, "reminders")
    account, in_program = _section(page, "account"), _section(page, program)
    for section, typed in ((account, 'value="A new name"'), (in_program, "A new intro")):
        assert typed in section
        assert "not saved yet" in section
        assert "There is a problem" not in section
    assert "not saved yet" not in _section(page, "reminders")
    world.mentor.refresh_from_db()
    mentor.refresh_from_db()
    assert world.mentor.display_name != "A new name" and mentor.intro != "A new intro"


def test_sections_posted_unchanged_are_not_called_unsaved_and_the_save_redirects(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {
            "form": "account",
            "section": ["account", "reminders"],
            "display_name": "Sam P.",
            "time_zone": "Asia/Tokyo",
            "language": "en-gb",
            # what the page ticks: the kinds offered to a protégé that they want
            "reminders-kinds": [
                k for k in wanted_kinds(world.protege) if k in reachable_kinds(world.protege)
            ],
        },
    )
    assert response.status_code == 302


def test_a_section_typed_with_a_mistake_and_not_saved_shows_no_error_until_saved(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "calendar", "section": ["account"], "display_name": "Typed", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    account = _section(response.text, "account")
    assert "not saved yet" in account and 'value="Typed"' in account
    assert "There is a problem" not in response.text
    assert "Your calendar link is ready." in _section(response.text, "calendar")
    assert CalendarFeed.objects.filter(user=world.protege).exists()
