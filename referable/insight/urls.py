from django.urls import path

from referable.insight import views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
