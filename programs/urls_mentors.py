"""Addresses of one feature, included from the app's urls.py: the mentors a
protégé may request, and sending a request to one of them."""

from django.urls import path

from .views import mentors

urlpatterns: list = [
    path("programs/<slug:slug>/mentors/", mentors.mentors, name="mentors"),
    path(
        "programs/<slug:slug>/mentors/<int:mentor_id>/request/", mentors.request_mentor, name="mentor_request"
    ),
]
