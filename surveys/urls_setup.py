"""A program's surveys, for its admins (``surveys:program_surveys`` and its pages)."""

from django.urls import path

from . import views_setup as views

urlpatterns = [
    path("programs/<slug:slug>/surveys/", views.program_surveys, name="program_surveys"),
    path("programs/<slug:slug>/surveys/new/", views.survey_new, name="survey_new"),
    path("programs/<slug:slug>/surveys/<int:survey_id>/", views.survey_edit, name="survey_edit"),
    path("programs/<slug:slug>/surveys/<int:survey_id>/pause/", views.survey_pause, name="survey_pause"),
    path(
        "programs/<slug:slug>/surveys/<int:survey_id>/results/",
        views.survey_results_page,
        name="survey_results",
    ),
]
