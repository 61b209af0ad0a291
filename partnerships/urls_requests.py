"""Addresses of one feature, included from the app's urls.py."""

urlpatterns: list = []
