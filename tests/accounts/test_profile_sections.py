"""The profile is in sections that each save on their own (name and time zone,
each program, reminders, calendar link): a saved section says so itself, a
refused one keeps what was typed with the error beside the field, and the
other sections show what is saved."""

import pytest
from django.urls import reverse

from partnerships.models import CalendarFeed

pytestmark = pytest.mark.django_db


def test_a_saved_section_says_so_in_the_section_not_at_the_top(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "Sam P.", "time_zone": "Asia/Tokyo"},
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
