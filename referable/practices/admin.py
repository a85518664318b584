"""The admin site, for owners only, showing only their own practice."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from referable.practices.models import ApiToken, User
from referable.practices.roles import has_permission


class OwnerAdminSite(admin.AdminSite):
    site_header = "Referable administration"
    site_title = "Referable admin"

    def has_permission(self, request):
        return request.user.is_active and has_permission(request.user, "admin")


site = OwnerAdminSite(name="admin")


class PracticeAdmin(admin.ModelAdmin):
    """Base for domain models: the practice scope (activated by the middleware) does
    the filtering; new rows join the owner's practice."""

    exclude = ("practice",)

    def _is_owner(self, request) -> bool:
        return has_permission(request.user, "admin")

    def has_module_permission(self, request):
        return self._is_owner(request)

    def has_view_permission(self, request, obj=None):
        return self._is_owner(request)

    def has_add_permission(self, request):
        return self._is_owner(request)

    def has_change_permission(self, request, obj=None):
        return self._is_owner(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_owner(request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.practice_id = request.user.practice_id
        super().save_model(request, obj, form, change)


@admin.register(User, site=site)
class UserAdmin(PracticeAdmin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    exclude = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "time_zone")}),
        ("Role", {"fields": ("role", "acts_for", "is_active")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "role", "password1", "password2")}),)
    filter_horizontal = ("acts_for",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(practice_id=request.user.practice_id)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "acts_for":
            kwargs["queryset"] = User.objects.filter(practice_id=request.user.practice_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(PracticeAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "last_used_at")

    def has_add_permission(self, request):
        return False  # keys are shown once; they are issued from the account page
