"""Addresses of program setup, included from the app's urls.py: creating a
program, its settings, its co-admins and cloning it for a new cohort."""

from django.urls import path

from .views import setup

urlpatterns = [
    path("programs/new/", setup.new, name="new"),
    path("programs/<slug:slug>/settings/", setup.settings, name="settings"),
    path("programs/<slug:slug>/settings/admins/", setup.admin_add, name="admin_add"),
    path(
        "programs/<slug:slug>/settings/admins/<int:user_id>/remove/", setup.admin_remove, name="admin_remove"
    ),
    path("programs/<slug:slug>/clone/", setup.clone, name="clone"),
]
