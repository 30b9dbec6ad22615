"""Pages of the risk-area list."""

from django.urls import path

from . import views

app_name = "risk_areas"
urlpatterns = [
    path("", views.risk_areas, name="list"),
    path("<int:pk>/end/", views.risk_area_end, name="end"),
]
