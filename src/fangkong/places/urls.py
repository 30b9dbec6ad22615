"""Pages of key places, place codes and the public check-in."""

from django.urls import path

from .views import check_in, places

app_name = "places"
urlpatterns = [
    path("", places.places, name="list"),
    path("new/", places.place_new, name="new"),
    path("compliance/", places.hygiene_compliance, name="hygiene_compliance"),
    path("<int:pk>/", places.place_detail, name="detail"),
    path("<int:pk>/edit/", places.place_edit, name="edit"),
    path("<int:pk>/close/", places.place_close, name="close"),
    path("<int:pk>/reopen/", places.place_reopen, name="reopen"),
    path("<int:pk>/hygiene/", places.place_hygiene, name="hygiene"),
    path("<int:pk>/hygiene/<str:day>/correct/", places.hygiene_correct, name="hygiene_correct"),
    path("<int:pk>/code/", places.place_code, name="code"),
    path("checkpoints/<int:pk>/code/", places.checkpoint_code, name="checkpoint_code"),
    path("c/<str:token>/", check_in.check_in, name="check_in"),
]
