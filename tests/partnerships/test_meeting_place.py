"""Where the pair meets (``Agreement.location``): a term of their agreement,
typed in its form, shown to the two of them (a link when it is a web
address, escaped either way), never to their program's admins."""

import pytest
from django.urls import reverse

from partnerships.models import Agreement

from .agreement_helpers import agree, form_data

pytestmark = pytest.mark.django_db

ZOOM = "https://zoom.example.com/j/123?pwd=a&b"


def propose(client, world, **changes):
    client.force_login(world.mentor)
    return client.post(reverse("partnerships:agreement", args=[world.partnership.pk]), form_data(**changes))


@pytest.mark.parametrize(
    "location",
    [ZOOM, "+44 20 7946 0000", "Café Central, Herrengasse 14, Vienna", "Room 3: second floor", ""],
)
def test_a_link_a_phone_number_a_place_or_nothing_is_where_they_meet(client, world, location):
    response = propose(client, world, location=f"  {location} ")
    assert response.status_code == 303
    assert Agreement.objects.get().location == location


@pytest.mark.parametrize(
    "location",
    [
        "javascript:alert(1)",
        "ftp://files.example.com/x",
        "www.zoom.example.com/j/1",
        "https://",
        "tel:+442079460000",
    ],
)
def test_a_link_that_is_not_a_web_page_is_refused_next_to_the_field_and_kept(client, world, location):
    response = propose(client, world, location=location)
    assert response.status_code == 200
    assert "Enter a link that starts with https:// (or http://)" in response.text
    assert 'href="#id_location"' in response.text  # the summary links to the field
    assert f'value="{location}"' in response.text
    assert not Agreement.objects.exists()


def test_a_place_past_300_characters_is_refused(client, world):
    response = propose(client, world, location="x" * 301)
    assert response.status_code == 200
    assert 'href="#id_location"' in response.text
    assert not Agreement.objects.exists()


def test_the_form_offers_it_and_a_revision_keeps_it(client, world):
    agree(world.partnership, location=ZOOM)
    client.force_login(world.protege)
    page = client.get(reverse("partnerships:agreement", args=[world.partnership.pk]))
    label = page.text.split('for="id_location"', 1)[1].split("</label>", 1)[0]
    assert "Where you meet" in label and label.count("(optional)") == 1
    assert 'name="location" value="https://zoom.example.com/j/123?pwd=a&amp;b"' in page.text


def test_changing_where_they_meet_is_a_change_of_terms_the_other_side_sees(client, world):
    agree(world.partnership, location=ZOOM)
    response = propose(client, world, location="+44 20 7946 0000", change_note="Phone is easier.")
    assert response.status_code == 303
    client.force_login(world.protege)
    page = client.get(reverse("partnerships:agreement", args=[world.partnership.pk]))
    assert "Where you meet" in page.text and "+44 20 7946 0000" in page.text


@pytest.mark.parametrize("persona", ["mentor", "protege"])
def test_the_pair_see_a_web_link_as_a_link_escaped(client, world, persona):
    agree(world.partnership, location=ZOOM)
    client.force_login(getattr(world, persona))
    for page in ("home:partnership", "partnerships:agreement"):
        text = client.get(reverse(page, args=[world.partnership.pk])).text
        assert (
            '<dd><a href="https://zoom.example.com/j/123?pwd=a&amp;b" rel="noopener noreferrer" '
            'target="_blank">https://zoom.example.com/j/123?pwd=a&amp;b</a></dd>'
        ) in text


def test_a_place_is_shown_as_text_escaped(client, world):
    agree(world.partnership, location='Café <b>"Central"</b>')
    client.force_login(world.mentor)
    text = client.get(reverse("home:partnership", args=[world.partnership.pk])).text
    assert "<dd>Café &lt;b&gt;&quot;Central&quot;&lt;/b&gt;</dd>" in text


def test_the_programs_admin_never_sees_where_the_pair_meets(client, world):
    agree(world.partnership, location=ZOOM)
    client.force_login(world.admin)
    pages = [
        reverse("home:program_overview", args=[world.program.slug]),
        reverse("partnerships:participant_detail", args=[world.program.slug, world.partnership.mentor_id]),
        reverse("partnerships:participant_detail", args=[world.program.slug, world.partnership.protege_id]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert "zoom.example.com" not in response.text
