from django.urls import path

from referable.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.scorecard, name="list"),
    path("new/", views.partner_create, name="create"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("send/", views.send, name="send"),
    path("suggest/", views.suggest, name="suggest"),
    path("settings/", views.settings_page, name="settings"),
    path("gifts/", views.gifts, name="gifts"),
    path("gifts/<int:gift_id>/delete/", views.gift_delete, name="gift-delete"),
    path("people/<int:person_id>/gifts/", views.person_gifts, name="person-gifts"),
    path("people/<int:person_id>/agreement/", views.agreement, name="agreement"),
    path("<int:partner_id>/", views.partner_detail, name="detail"),
    path("<int:partner_id>/edit/", views.partner_edit, name="edit"),
    path("<int:partner_id>/meetings/new/", views.meeting_add, name="meeting-add"),
    path("<int:partner_id>/send/", views.send, name="send-to"),
    path("sent/<int:outbound_referral_id>/feedback/", views.feedback, name="feedback"),
]
