"""Pages of key places, place codes, the public check-in and the exposure search."""

from django.urls import path

from . import views_check_in, views_exposure, views_places

urlpatterns = [
    path("places/", views_places.places, name="places"),
    path("places/new/", views_places.place_new, name="place_new"),
    path("places/compliance/", views_places.hygiene_compliance, name="hygiene_compliance"),
    path("places/<int:pk>/", views_places.place_detail, name="place_detail"),
    path("places/<int:pk>/edit/", views_places.place_edit, name="place_edit"),
    path("places/<int:pk>/close/", views_places.place_close, name="place_close"),
    path("places/<int:pk>/reopen/", views_places.place_reopen, name="place_reopen"),
    path("places/<int:pk>/hygiene/", views_places.place_hygiene, name="place_hygiene"),
    path("places/<int:pk>/hygiene/<str:day>/correct/", views_places.hygiene_correct, name="hygiene_correct"),
    path("places/<int:pk>/code/", views_places.place_code, name="place_code"),
    path("<int:pk>/code/", views_places.checkpoint_code, name="checkpoint_code"),
    path("c/<str:token>/", views_check_in.check_in, name="check_in"),
    path("check-ins/<int:pk>/match/", views_check_in.check_in_match, name="check_in_match"),
    path("check-ins/<int:pk>/unmatch/", views_check_in.check_in_unmatch, name="check_in_unmatch"),
    path("exposure/", views_exposure.exposure, name="exposure"),
    path("exposure/export/", views_exposure.exposure_export, name="exposure_export"),
    path("exposure/reveal/", views_exposure.exposure_reveal, name="exposure_reveal"),
]
