from django.urls import path

from referable.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/delete/", views.person_delete, name="delete"),
    path("<int:person_id>/merge/", views.person_merge, name="merge"),
    path("<int:person_id>/brief/", views.brief_show, name="brief"),
    path("<int:person_id>/brief/edit/", views.brief_edit, name="brief-edit"),
    path("<int:person_id>/connections/new/", views.connection_add, name="connection-add"),
    path(
        "<int:person_id>/connections/<int:connection_id>/edit/",
        views.connection_edit,
        name="connection-edit",
    ),
    path(
        "<int:person_id>/connections/<int:connection_id>/delete/",
        views.connection_delete,
        name="connection-delete",
    ),
]
