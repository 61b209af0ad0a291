"""A program's own profile questions, for its admins (``programs:questions`` and its actions)."""

from django.urls import path

from .views import questions

urlpatterns = [
    path("programs/<slug:slug>/questions/", questions.questions, name="questions"),
    path("programs/<slug:slug>/questions/add/", questions.question_add, name="question_add"),
    path(
        "programs/<slug:slug>/questions/<int:question_id>/edit/",
        questions.question_edit,
        name="question_edit",
    ),
    path(
        "programs/<slug:slug>/questions/<int:question_id>/move/",
        questions.question_move,
        name="question_move",
    ),
    path(
        "programs/<slug:slug>/questions/<int:question_id>/retire/",
        questions.question_retire,
        name="question_retire",
    ),
]
