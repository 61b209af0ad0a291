"""Joining a program by the domain of one's verified address (issue 20)."""

urlpatterns: list = []
