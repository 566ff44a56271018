"""Bans are issued in the admin; the log is read-only there as everywhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from broadsheet.errors import BroadsheetError
from broadsheet.guard.models import Ban
from broadsheet.moderation import services
from broadsheet.moderation.models import Flag, ModerationAction, ModerationSettings
from broadsheet.settings_rows import OneRowPerSiteAdmin


class BanForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Ban
        fields = ["user", "network", "until", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("user")) == bool(cleaned.get("network")):
            raise forms.ValidationError("Ban either a reader or a network, not both or neither.")
        return cleaned


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = BanForm
    list_display = ("__str__", "until", "reason", "created_by", "created", "lifted")
    list_filter = ("lifted",)
    search_fields = ("user__username", "network", "reason")
    autocomplete_fields = ("user",)
    actions = ["lift_bans"]

    def get_readonly_fields(self, request: HttpRequest, obj: Ban | None = None) -> list[str]:
        # A ban is issued once and lifted by the action; the log must match what happened.
        return ["user", "network", "until", "reason"] if obj else []

    def save_model(self, request: HttpRequest, obj: Ban, form: Any, change: bool) -> None:
        if change:
            return
        try:
            if obj.user is not None:
                ban = services.ban_reader(
                    user=obj.user, moderator=request.user, reason=obj.reason, until=obj.until
                )
            else:
                ban = services.ban_network(
                    network=obj.network, moderator=request.user, reason=obj.reason, until=obj.until
                )
        except BroadsheetError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = ban.pk

    @admin.action(description="Lift the selected bans")
    def lift_bans(self, request: HttpRequest, queryset: Any) -> None:
        for ban in queryset:
            services.lift_ban(ban=ban, moderator=request.user)
        self.message_user(request, "The bans are lifted.")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created", "moderator", "action", "target_label", "reason")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("comment", "reporter", "reason", "created", "resolved")
    list_filter = ("reason", "resolved")
    raw_id_fields = ("comment", "reporter")


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(OneRowPerSiteAdmin):
    """Reputation and earned trust (docs/moderation.md gives the formula)."""
