"""Pages of checkpoints, passages, five-haves, risk areas and arrival tasks (helper A's part of /checkpoints/)."""

from django.urls import path

from . import views_checkpoints, views_passages

urlpatterns = [
    path("", views_checkpoints.checkpoint_list, name="list"),
    path("new/", views_checkpoints.checkpoint_new, name="new"),
    path("<int:pk>/", views_checkpoints.checkpoint_detail, name="detail"),
    path("<int:pk>/edit/", views_checkpoints.checkpoint_edit, name="edit"),
    path("<int:pk>/close/", views_checkpoints.checkpoint_close, name="close"),
    path("<int:pk>/reopen/", views_checkpoints.checkpoint_reopen, name="reopen"),
    path("<int:pk>/shifts/", views_checkpoints.shift_new, name="shift_new"),
    path("shifts/<int:pk>/cancel/", views_checkpoints.shift_cancel, name="shift_cancel"),
    path("<int:pk>/inspect/", views_checkpoints.inspect, name="inspect"),
    path("five-haves/failing/", views_checkpoints.failing, name="failing"),
    path("risk-areas/", views_checkpoints.risk_areas, name="risk_areas"),
    path("risk-areas/<int:pk>/end/", views_checkpoints.risk_area_end, name="risk_area_end"),
    path("<int:pk>/passages/new/", views_passages.register_passage, name="register_passage"),
    path("tasks/", views_passages.tasks, name="tasks"),
    path("tasks/<int:pk>/close/", views_passages.task_close, name="task_close"),
]
