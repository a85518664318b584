from django.urls import path

from referable.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.book, name="book"),
    path("new/", views.client_create, name="create"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/tiers/new/", views.tier_form, name="tier-create"),
    path("settings/tiers/<int:tier_id>/edit/", views.tier_form, name="tier-edit"),
    path("settings/tiers/<int:tier_id>/delete/", views.tier_delete, name="tier-delete"),
    path("settings/scripts/new/", views.script_form, name="script-create"),
    path("settings/scripts/<int:script_id>/edit/", views.script_form, name="script-edit"),
    path("profiles/new/", views.profile_form, name="profile-create"),
    path("profiles/<int:profile_id>/", views.profile_detail, name="profile"),
    path("profiles/<int:profile_id>/edit/", views.profile_form, name="profile-edit"),
    path("profiles/<int:profile_id>/pdf/", views.profile_pdf, name="profile-pdf"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/expectations/new/", views.expectation_add, name="expectation-add"),
    path("<int:client_id>/check-ins/new/", views.check_in_add, name="check-in-add"),
    path("<int:client_id>/trust/new/", views.trust_add, name="trust-add"),
    path("<int:client_id>/agreements/new/", views.agreement_add, name="agreement-add"),
    path("<int:client_id>/shares/new/", views.share_add, name="share-add"),
    path("<int:client_id>/asks/new/", views.ask_add, name="ask-add"),
    path(
        "expectations/<int:expectation_id>/edit/", views.expectation_edit, name="expectation-edit"
    ),
    path(
        "expectations/<int:expectation_id>/delete/",
        views.expectation_delete,
        name="expectation-delete",
    ),
    path("check-ins/<int:check_in_id>/delete/", views.check_in_delete, name="check-in-delete"),
]
