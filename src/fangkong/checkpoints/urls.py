"""Pages of roadside checkpoints: the list, duty shifts, five-haves inspections and passages."""

from django.urls import path

from .views import checkpoints, passages

app_name = "checkpoints"
urlpatterns = [
    path("", checkpoints.checkpoint_list, name="list"),
    path("new/", checkpoints.checkpoint_new, name="new"),
    path("<int:pk>/", checkpoints.checkpoint_detail, name="detail"),
    path("<int:pk>/edit/", checkpoints.checkpoint_edit, name="edit"),
    path("<int:pk>/close/", checkpoints.checkpoint_close, name="close"),
    path("<int:pk>/reopen/", checkpoints.checkpoint_reopen, name="reopen"),
    path("<int:pk>/shifts/", checkpoints.shift_new, name="shift_new"),
    path("shifts/<int:pk>/cancel/", checkpoints.shift_cancel, name="shift_cancel"),
    path("<int:pk>/inspect/", checkpoints.inspect, name="inspect"),
    path("five-haves/failing/", checkpoints.failing, name="failing"),
    path("<int:pk>/passages/new/", passages.register_passage, name="register_passage"),
    path("passages/", passages.passage_list, name="passages"),
]
