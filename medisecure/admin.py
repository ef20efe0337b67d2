from django.contrib import admin
from django.contrib.auth.models import Group

from medisecure.models import User

# Roles are Cognito groups, managed in Cognito; Django's own groups are unused.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """People as mirrored from Cognito. Role and staff status follow the
    Cognito groups at each sign-in, so they are read-only here; deactivating
    a user stops their portal sign-in at once."""

    list_display = ("email", "role", "is_active", "last_login", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("email", "username")
    ordering = ("email",)
    fields = ("username", "email", "role", "is_active", "is_staff", "last_login", "date_joined")
    readonly_fields = ("username", "email", "role", "is_staff", "last_login", "date_joined")

    def has_add_permission(self, request):
        return False
