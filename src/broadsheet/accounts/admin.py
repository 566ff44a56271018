from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from broadsheet.accounts.models import ApiToken, User


@admin.register(User)
class BroadsheetUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "email", "email_confirmed", "is_staff", "date_joined")
    list_filter = ("groups", "is_staff", "is_active", "email_confirmed")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Broadsheet", {"fields": ("email_confirmed", "bio")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "created", "last_used")
    readonly_fields = ("key", "created", "last_used")
    search_fields = ("user__username",)
