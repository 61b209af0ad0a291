from django.urls import path

from . import views_answer

urlpatterns = [
    # The respondent's own page of one response: the form, the thank-you, or "closed".
    path("surveys/<int:response_id>/", views_answer.answer, name="answer"),
    # The signed link in the email: works signed out, for one submission.
    path("surveys/<int:response_id>/a/<str:token>/", views_answer.answer_link, name="answer_link"),
]
