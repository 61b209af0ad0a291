from django.urls import include, path

from .views import invitations, people

app_name = "programs"

urlpatterns = [
    # Each feature's own addresses, in the "programs" namespace: program setup
    # (new, settings, co-admins, clone), profile questions, and the mentors a
    # protégé may request.
    path("", include("programs.urls_setup")),
    path("", include("programs.urls_questions")),
    path("", include("programs.urls_mentors")),
    # Joining a program by the domain of one's verified address (issue 20).
    path("", include("programs.urls_join")),
    path("programs/<slug:slug>/people/", people.people, name="people"),
    path("programs/<slug:slug>/people/invite/", people.invite, name="invite"),
    path("programs/<slug:slug>/people/upload/", people.upload, name="invitations_upload"),
    path("programs/<slug:slug>/people/invitations.csv", people.template, name="invitations_template"),
    path(
        "programs/<slug:slug>/people/invitations/<int:invitation_id>/resend/",
        people.resend,
        name="invitation_resend",
    ),
    path(
        "programs/<slug:slug>/people/invitations/<int:invitation_id>/revoke/",
        people.revoke,
        name="invitation_revoke",
    ),
    path(
        "programs/<slug:slug>/people/<int:participant_id>/withdraw/",
        people.withdraw,
        name="participant_withdraw",
    ),
    path("invitations/<int:invitation_id>/join/", invitations.join, name="invitation_join"),
    path("invitations/<str:token>/", invitations.accept, name="invitation_accept"),
]
