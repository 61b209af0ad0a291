"""The pair's scheduling: offered times and the signed link to pick one (issue 19)."""

from django.urls import path

from .views import schedule

urlpatterns = [
    path("partnerships/<int:partnership_id>/schedule/", schedule.schedule, name="schedule"),
]
