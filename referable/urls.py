from django.contrib.auth import views as auth_views
from django.urls import include, path

from referable.api import api
from referable.practices.admin import site as admin_site
from referable.practices.registry import areas
from referable.practices.views import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin_site.urls),
    path("api/v1/", api.urls),
]

urlpatterns += [
    path(area.url_prefix, include(f"{area.name}.urls", namespace=area.label))
    for area in areas()
    if area.url_prefix
]
