"""Pages of the pharmacy register and the buyer's public page."""

from django.urls import path

from . import views

app_name = "medical"
urlpatterns = [
    path("", views.purchases, name="purchases"),
    path("new/", views.purchase_new, name="purchase_new"),
    path("<int:pk>/", views.purchase_detail, name="purchase"),
    path("<int:pk>/reveal/", views.purchase_reveal, name="purchase_reveal"),
    path("<int:pk>/confirm/", views.purchase_confirm, name="purchase_confirm"),
    path("pharmacies/", views.pharmacies, name="pharmacies"),
    path("pharmacies/<int:pk>/code/", views.pharmacy_code, name="pharmacy_code"),
    path("p/<str:token>/", views.public_purchase, name="public"),
]
