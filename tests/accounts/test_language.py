"""A person's language: the switcher's cookie or the browser's for everyone,
the profile's for a signed-in person, stored once so emails follow it."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

SETLANG = "/i18n/setlang/"


def _lang(response) -> str:
    return response.text.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.django_db
def test_a_signed_out_page_is_in_the_browsers_language(client):
    assert _lang(client.get(reverse("account_login"), headers={"accept-language": "de-AT,de;q=0.9"})) == "de"
    assert _lang(client.get(reverse("account_login"), headers={"accept-language": "fr"})) == "en-gb"


@pytest.mark.django_db
def test_the_switcher_sets_the_language_and_goes_back_to_the_page(client):
    response = client.post(SETLANG, {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert _lang(client.get("/accounts/login/", headers={"accept-language": "de"})) == "es"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [{"language": "fr", "next": "/"}, {"language": "", "next": "/"}, {"next": "https://evil.example/"}, {}],
)
def test_the_switcher_answers_odd_posts_calmly_and_never_leaves_the_site(client, data):
    response = client.post(SETLANG, data)
    assert response.status_code in (302, 204)
    assert not response.get("Location", "").startswith("https://evil")


@pytest.mark.django_db
def test_the_switcher_only_takes_a_post(client):
    assert client.get(SETLANG).status_code == 405


def test_a_signed_in_persons_pages_are_in_their_profiles_language_whatever_the_browser(client, world):
    world.protege.language = "es"
    world.protege.save()
    client.force_login(world.protege)
    assert _lang(client.get(reverse("home:home"), headers={"accept-language": "de"})) == "es"


def test_switching_while_signed_in_changes_the_profiles_language(client, world):
    client.force_login(world.mentor)
    client.post(SETLANG, {"language": "de", "next": "/"})
    world.mentor.refresh_from_db()
    assert world.mentor.language == "de"
    assert _lang(client.get(reverse("home:home"))) == "de"


@pytest.mark.django_db
def test_a_person_without_a_language_gets_their_browsers_kept_for_their_emails(client):
    person = UserFactory(language="")
    client.force_login(person)
    client.get(reverse("home:home"), headers={"accept-language": "de-DE"})
    person.refresh_from_db()
    assert person.language == "de"
    assert _lang(client.get(reverse("home:home"), headers={"accept-language": "es"})) == "de"


def test_the_profile_saves_the_language_and_answers_in_it(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "Sam", "time_zone": "Europe/Madrid", "language": "es"},
        follow=True,
    )
    world.protege.refresh_from_db()
    assert world.protege.language == "es"
    assert _lang(response) == "es"


def test_the_profile_refuses_a_language_we_do_not_speak_beside_the_field(client, world):
    client.force_login(world.protege)
    response = client.post(
        reverse("home:profile"),
        {"form": "account", "display_name": "Sam", "time_zone": "Europe/Madrid", "language": "fr"},
    )
    assert response.status_code == 200
    assert 'id="id_language_error"' in response.text or "not one of the available choices" in response.text
    world.protege.refresh_from_db()
    assert world.protege.language == "en-gb" and world.protege.display_name != "Sam"


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en-gb", "30 minutes, video"), ("es", "30 minutos, videollamada"), ("de", "30 Minuten, Video")],
)
def test_a_label_inside_a_sentence_is_lower_case_but_for_german_nouns(language, shown):
    from django.template import Context, Template
    from django.utils import translation

    from programs.models import Method

    with translation.override(language):
        text = Template(
            "{% load i18n %}{% blocktranslate count minutes=30 with method=method.label|in_sentence %}{{ minutes }} minute, {{ method }}{% plural %}{{ minutes }} minutes, {{ method }}{% endblocktranslate %}"
        ).render(Context({"method": Method.VIDEO}))
    assert text == shown


def test_chart_coordinates_keep_a_decimal_point_in_languages_that_write_a_comma(client, world):
    """An SVG reads only "75.6": a German page writes its numbers "75,6" but
    its charts' coordinates as SVG wants them."""
    import re

    from tests.goals.factories import GoalFactory, ProgressRatingFactory

    goal = GoalFactory(partnership=world.partnership)
    for value in (3, 6, 8):
        ProgressRatingFactory(goal=goal, value=value)
    world.admin.language = "de"
    world.admin.save()
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    assert "<svg" in page
    coordinates = re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|width|height|r)="([^"]*)"', page)
    assert coordinates and not [c for c in coordinates if "," in c]
    for points in re.findall(r'points="([^"]*)"', page):
        assert re.fullmatch(r"(-?[\d.]+,-?[\d.]+\s*)+", points), points


def test_a_refusal_for_the_other_side_of_the_pair_says_who_may_in_the_readers_language(client, world):
    world.mentor.language = "de"
    world.mentor.save()
    client.force_login(world.mentor)
    response = client.get(reverse("goals:rating_new", args=[world.partnership.pk]))
    assert response.status_code == 403
    assert "Only" not in response.text and "Nur der Mentee" in response.text
