"""The site administration (Django's admin) answers odd input with a page or a
400, never a 500, on every model admin of ours."""

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from mentoring.admin import SiteAdminMixin
from tests.factories import UserFactory
from tests.pages import our_app_labels

OURS = our_app_labels()


def our_model_admins():
    return [
        model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label in OURS
    ]


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, display_name="Stella Staff")


def test_every_model_admin_of_ours_shares_the_site_mixin():
    assert our_model_admins()
    assert [type(a).__name__ for a in our_model_admins() if not isinstance(a, SiteAdminMixin)] == []


def test_a_participant_saved_with_empty_methods_keeps_an_empty_list(client, world, staff):
    participant = world.partnership.mentor
    participant.methods = ["video"]
    participant.save()
    client.force_login(staff)
    url = reverse("admin:programs_participant_change", args=[participant.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data["methods"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    participant.refresh_from_db()
    assert participant.methods == []


@pytest.mark.parametrize("value", ["99999999999", "0", "x"])
def test_every_list_refuses_a_date_part_out_of_range_with_400(client, world, staff, value):
    """The example: ``/admin/reminders/reminder/?send_at__year=99999999999`` answered 500."""
    client.force_login(staff)
    walked = 0
    for model_admin in our_model_admins():
        meta = model_admin.model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        for field in meta.get_fields():
            if isinstance(field, models.DateField) and field.concrete:
                for part in ("year", "month", "day"):
                    response = client.get(url, {f"{field.name}__{part}": value})
                    assert response.status_code in (200, 302, 400), (url, field.name, part)
                    walked += 1
    assert walked > 10


def test_a_date_part_in_range_still_filters(client, world, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:reminders_reminder_changelist"), {"send_at__year": "2026"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/admin/", "/admin/partnerships/program/"])
def test_a_signed_in_person_who_is_not_staff_is_told_the_site_administration_is_for_staff(
    client, world, path
):
    client.force_login(world.mentor)
    response = client.get(path, follow=True)
    assert response.status_code == 403
    assert "The site administration is for staff" in response.text
    assert "belongs to someone else" not in response.text
    assert world.mentor.name in response.text


def test_other_refusals_keep_their_own_words(client, world):
    client.force_login(world.mentor)  # a goal's rating is the protégé's to give
    response = client.get(reverse("goals:rating_new", args=[world.partnership.pk]))
    assert response.status_code == 403
    assert "That is not yours to do" in response.text
    assert "site administration" not in response.text
