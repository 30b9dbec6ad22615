from django.urls import path

from .views import followups, orders, policies, sites, transfers

app_name = "quarantine"
urlpatterns = [
    path("", followups.index, name="index"),
    path("mine/", followups.mine, name="mine"),
    path("due/", followups.due, name="due"),
    path("overdue/", followups.overdue, name="overdue"),
    path("fevers/", followups.fevers, name="fevers"),
    path("follow-ups/<int:pk>/excuse/", followups.excuse, name="excuse"),
    path("orders/", orders.orders, name="orders"),
    path("orders/<int:pk>/", orders.order, name="order"),
    path("orders/<int:pk>/follow-up/", followups.record_follow_up, name="record_follow_up"),
    path("orders/<int:pk>/call/", followups.call_person, name="call_person"),
    path("orders/<int:pk>/release/", orders.release, name="release"),
    path("orders/<int:pk>/end/", orders.end, name="end"),
    path("orders/<int:pk>/planned-end/", orders.planned_end, name="planned_end"),
    path("orders/<int:pk>/responsible/", orders.responsible, name="responsible"),
    path("orders/<int:pk>/tests/", orders.record_test, name="record_test"),
    path("orders/<int:pk>/check-in/", sites.check_in, name="check_in"),
    path("orders/<int:pk>/check-out/", sites.check_out, name="check_out"),
    path("orders/<int:pk>/notice/", orders.notice, name="notice"),
    path("start/<int:key_person_pk>/", orders.start, name="start"),
    path("transfers/", transfers.transfers, name="transfers"),
    path("transfers/<int:pk>/assign/", transfers.assign, name="assign_transfer"),
    path("transfers/<int:pk>/close/", transfers.close, name="close_transfer"),
    path("sites/", sites.sites, name="sites"),
    path("sites/new/", sites.site_new, name="site_new"),
    path("sites/<int:pk>/", sites.site, name="site"),
    path("sites/<int:pk>/rooms/", sites.add_room, name="add_room"),
    path("rooms/<int:pk>/capacity/", sites.room_capacity, name="room_capacity"),
    path("policies/", policies.policies, name="policies"),
    path("policies/<str:category>/", policies.policy_edit, name="policy_edit"),
]
