"""Joining a program by the domain of one's verified address: the join page
and the program admins' domain settings."""

from django.urls import path

from .views import join

urlpatterns = [
    path("programs/<slug:slug>/join/", join.join, name="join"),
    path("programs/<slug:slug>/settings/join/", join.domains, name="join_domains"),
]
