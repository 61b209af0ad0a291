from django.urls import include, path

from .views import matching, pair, programs

app_name = "partnerships"

urlpatterns = [
    # Requests for a mentor: mine (/me/requests/) and a program's (/programs/<slug>/requests/).
    path("", include("partnerships.urls_requests")),
    # Offered times for the next call and the signed link to pick one.
    path("", include("partnerships.urls_schedule")),
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
    # --- the pair's agreement (issue 5); its home and the calendar feed are the home app's ---
    path("partnerships/<int:partnership_id>/agreement/", pair.agreement, name="agreement"),
    path(
        "partnerships/<int:partnership_id>/agreement/<int:version>/accept/",
        pair.agreement_accept,
        name="agreement_accept",
    ),
    # --- end the pair's pages ---
]
