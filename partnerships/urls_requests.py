"""Addresses of one feature, included from the app's urls.py: requests for a
mentor, a person's own (/me/requests/) and a program's (/programs/<slug>/requests/)."""

from django.urls import path

from .views import requests

urlpatterns: list = [
    path("me/requests/", requests.my_requests, name="my_requests"),
    path("me/requests/<int:request_id>/withdraw/", requests.withdraw, name="request_withdraw"),
    path("me/requests/<int:request_id>/accept/", requests.accept, name="request_accept"),
    path("me/requests/<int:request_id>/decline/", requests.decline, name="request_decline"),
    path("programs/<slug:slug>/requests/", requests.program_requests, name="program_requests"),
    path("programs/<slug:slug>/requests/<int:request_id>/approve/", requests.approve, name="request_approve"),
    path("programs/<slug:slug>/requests/<int:request_id>/refuse/", requests.refuse, name="request_refuse"),
]
