from django.urls import path

from .views import calendar, matching, pair, programs

app_name = "partnerships"

urlpatterns = [
    path("programs/", programs.program_list, name="program_list"),
    path("programs/<slug:slug>/", programs.program_overview, name="program_overview"),
    path("programs/<slug:slug>/matching/", matching.board, name="matching_board"),
    path("programs/<slug:slug>/matching/match/", matching.match, name="match"),
    path(
        "programs/<slug:slug>/matching/pairs/<int:partnership_id>/unmatch/", matching.unmatch, name="unmatch"
    ),
    path("programs/<slug:slug>/matching/proposal/", matching.proposal, name="proposal"),
    path(
        "programs/<slug:slug>/matching/proposal/publish/", matching.proposal_publish, name="proposal_publish"
    ),
    path(
        "programs/<slug:slug>/matching/proposal/discard/", matching.proposal_discard, name="proposal_discard"
    ),
    path("programs/<slug:slug>/matching/drafts/<int:draft_id>/", matching.draft_change, name="draft_change"),
    path("programs/<slug:slug>/matching/settings/", matching.matching_settings, name="matching_settings"),
    # --- people and invitations ---
    path(
        "programs/<slug:slug>/people/<int:participant_id>/",
        programs.participant_detail,
        name="participant_detail",
    ),
    # --- the pair's pages, the calendar feed (issue 5) ---
    path("partnerships/<int:partnership_id>/", pair.partnership_home, name="partnership_home"),
    path("partnerships/<int:partnership_id>/agreement/", pair.agreement, name="agreement"),
    path(
        "partnerships/<int:partnership_id>/agreement/<int:version>/accept/",
        pair.agreement_accept,
        name="agreement_accept",
    ),
    path("partnerships/<int:partnership_id>/next-call/", pair.next_call, name="next_call"),
    path("partnerships/<int:partnership_id>/close/", pair.close, name="close"),
    path("partnerships/<int:partnership_id>/reflection/", pair.reflection, name="reflection"),
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
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("me/calendar/", calendar.calendar_link, name="calendar_link"),
    # --- end the pair's pages ---
]
