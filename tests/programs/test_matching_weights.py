"""Matching weights have one rule, the board's weights form: the site admin
refuses what that form refuses, and a value stored past both (by hand in the
database) falls back to the default weights instead of breaking the board."""

import json
import logging

import pytest
from django.urls import reverse

from programs import matching
from programs.forms import CRITERIA, MatchingSettingsForm
from programs.models import Program
from programs.selectors import matching as selectors
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

BAD_WEIGHTS = [
    {"topics": -50},
    {"bogus": 5},
    [1, 2],
    "x",
    {"topics": "abc"},
    {"topics": 1e308},
    {"topics": 101},
    {"topics": True},
    {"topics": 2.5},
    {"topics": None},
    {name: 0 for name in CRITERIA},
    7,
]


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, display_name="Stella Staff")


def _admin_post(client, program, match_weights: str):
    url = reverse("admin:programs_program_change", args=[program.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): management[k].value() for k in management.fields})
        for sub in inline.formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                data[sub.add_prefix(name)] = "" if value is None else value
    data["match_weights"] = match_weights
    return client.post(url, data)


@pytest.mark.parametrize("weights", BAD_WEIGHTS, ids=repr)
def test_the_site_admin_refuses_weights_the_board_refuses(client, world, staff, weights):
    client.force_login(staff)
    response = _admin_post(client, world.program, json.dumps(weights))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["match_weights"], errors
    html = response.content.decode()
    field_row = html[html.index("field-match_weights") :]
    assert field_row.index("errorlist") < field_row.index("</textarea>")  # beside the field
    world.program.refresh_from_db()
    assert world.program.match_weights == {}


def test_the_site_admin_saves_good_weights(client, world, staff):
    client.force_login(staff)
    response = _admin_post(client, world.program, '{"topics": 60, "load": 0}')
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.program.refresh_from_db()
    assert world.program.match_weights == {"topics": 60, "load": 0}
    assert selectors.weights_of(world.program) == matching.Weights(topics=60, load=0)


@pytest.mark.parametrize("weights", BAD_WEIGHTS, ids=repr)
def test_bad_stored_weights_fall_back_to_the_defaults_and_are_logged(world, weights, caplog):
    Program.objects.filter(pk=world.program.pk).update(match_weights=weights)
    world.program.refresh_from_db()
    with caplog.at_level(logging.WARNING, logger="programs.selectors.matching"):
        assert selectors.weights_of(world.program) == matching.Weights()
    assert "unusable matching weights" in caplog.text


@pytest.mark.parametrize("weights", BAD_WEIGHTS, ids=repr)
def test_bad_stored_weights_never_break_the_board_or_a_proposal(client, world, weights):
    Program.objects.filter(pk=world.program.pk).update(match_weights=weights)
    waiting = ParticipantFactory(program=world.program)
    client.force_login(world.admin)
    board = reverse("partnerships:matching_board", args=[world.program.slug])
    assert client.get(board).status_code == 200
    assert client.get(board, {"protege": waiting.pk}).status_code == 200
    response = client.post(reverse("partnerships:proposal", args=[world.program.slug]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(board)


def test_every_criterion_the_form_knows_is_a_matching_weight():
    """Walks every criterion: the form and the matching kernel name the same ones."""
    assert set(CRITERIA) == set(matching.Weights().to_dict())
    for name in CRITERIA:
        assert MatchingSettingsForm.stored_weights_errors({name: 100}) == []
        assert MatchingSettingsForm.stored_weights_errors({name: -1}) != []
