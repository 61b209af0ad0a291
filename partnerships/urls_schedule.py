"""The pair's scheduling: offered times and the signed link to pick one (issue 19)."""

from django.urls import path

from .views import schedule

urlpatterns = [
    path("partnerships/<int:partnership_id>/schedule/", schedule.schedule, name="schedule"),
    path("partnerships/<int:partnership_id>/schedule/offer/", schedule.offer, name="schedule_offer"),
    path(
        "partnerships/<int:partnership_id>/schedule/offer/typed/",
        schedule.offer_typed,
        name="schedule_offer_typed",
    ),
    path(
        "partnerships/<int:partnership_id>/schedule/pick/<int:time_id>/",
        schedule.pick,
        name="schedule_pick",
    ),
    path("partnerships/<int:partnership_id>/schedule/withdraw/", schedule.withdraw, name="schedule_withdraw"),
    # The link in the email: works signed out; GET shows, POST picks.
    path("schedule/pick/<str:token>/", schedule.pick_link, name="schedule_link"),
]
