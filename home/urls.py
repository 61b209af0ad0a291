from django.urls import path

from .views import calendar, home, partnership, profile, programs

app_name = "home"

urlpatterns = [
    path("", home.home, name="home"),
    path("me/profile/", profile.profile, name="profile"),
    # --- my calendar link and the feed it serves (no sign-in: the link is the key) ---
    path("me/calendar/", calendar.calendar_link, name="calendar_link"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # --- the partnership home and the actions that show it again ---
    path("partnerships/<int:partnership_id>/", partnership.partnership_home, name="partnership"),
    path("partnerships/<int:partnership_id>/next-call/", partnership.next_call, name="next_call"),
    path("partnerships/<int:partnership_id>/close/", partnership.close, name="close"),
    path("partnerships/<int:partnership_id>/reflection/", partnership.reflection, name="reflection"),
    # --- the programs I run: the list, a program's overview and the actions on its pairs ---
    path("programs/", programs.program_list, name="program_list"),
    path("programs/<slug:slug>/", programs.program_overview, name="program_overview"),
    path(
        "programs/<slug:slug>/partnerships/<int:partnership_id>/close/",
        programs.partnership_close,
        name="program_partnership_close",
    ),
    path(
        "programs/<slug:slug>/partnerships/<int:partnership_id>/nudge/",
        programs.partnership_nudge,
        name="program_partnership_nudge",
    ),
    path(
        "programs/<slug:slug>/partnerships/<int:partnership_id>/rematch/",
        programs.partnership_rematch,
        name="program_partnership_rematch",
    ),
]
