from django.urls import path

from .views import fragments, goals, milestones, ratings, suggestions

app_name = "goals"

GOAL = "partnerships/<int:partnership_id>/goals/<int:goal_id>/"

urlpatterns = [
    path("partnerships/<int:partnership_id>/goals/", goals.goal_list, name="goals"),
    path("partnerships/<int:partnership_id>/goals/new/", goals.goal_new, name="goal_new"),
    path(f"{GOAL}revise/", goals.goal_revise, name="goal_revise"),
    path(f"{GOAL}advance/", goals.goal_advance, name="goal_advance"),
    path(f"{GOAL}status/", goals.goal_status, name="goal_status"),
    path(f"{GOAL}milestones/", milestones.milestone_add, name="milestone_add"),
    path(f"{GOAL}milestones/<int:milestone_id>/done/", milestones.milestone_done, name="milestone_done"),
    path(
        "partnerships/<int:partnership_id>/goals/suggest/", suggestions.suggestion_new, name="suggestion_new"
    ),
    path(
        "partnerships/<int:partnership_id>/goals/suggestions/<int:suggestion_id>/accept/",
        suggestions.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "partnerships/<int:partnership_id>/goals/suggestions/<int:suggestion_id>/decline/",
        suggestions.suggestion_decline,
        name="suggestion_decline",
    ),
    path("partnerships/<int:partnership_id>/ratings/new/", ratings.rating_new, name="rating_new"),
    path(
        "partnerships/<int:partnership_id>/ratings/<int:round_id>/", ratings.rating_round, name="rating_round"
    ),
    path(
        "partnerships/<int:partnership_id>/goals/call-context/", fragments.call_context, name="call_context"
    ),
]
