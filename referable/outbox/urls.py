from django.urls import path

from referable.outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.email_list, name="list"),
    path("<int:email_id>/", views.email_detail, name="detail"),
    path("<int:email_id>/retry/", views.email_retry, name="retry"),
]
