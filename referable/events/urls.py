from django.urls import path

from referable.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("settings/", views.settings_page, name="settings"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>/edit/", views.event_edit, name="edit"),
    path("<int:event_id>/door/", views.door, name="door"),
    path("<int:event_id>/invite/", views.invite, name="invite"),
    path("<int:event_id>/send/", views.send, name="send"),
    path("<int:event_id>/invitation.ics", views.ics, name="ics"),
    path("<int:event_id>/propose/", views.propose, name="propose"),
    path("<int:event_id>/attribute/", views.attribute, name="attribute"),
    path("invitations/<int:invitation_id>/answer/", views.answer, name="answer"),
    path("invitations/<int:invitation_id>/check-in/", views.check_in, name="check-in"),
    path("invitations/<int:invitation_id>/guest/", views.guest_add, name="guest"),
    path("invitations/<int:invitation_id>/remove/", views.invitation_remove, name="remove"),
    path(
        "attributions/<int:event_attribution_id>/decide/",
        views.confirm,
        name="decide",
    ),
]
