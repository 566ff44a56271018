"""Screening's section of the admin: the hold rules and the remembered spam addresses."""

from __future__ import annotations

from django.contrib import admin

from broadsheet.screening.models import RememberedSpam, ScreeningSettings
from broadsheet.settings_rows import OneRowPerSiteAdmin


@admin.register(ScreeningSettings)
class ScreeningSettingsAdmin(OneRowPerSiteAdmin):
    """Which new comments wait in the moderation queue or go to the spam folder
    (docs/moderation.md)."""


@admin.register(RememberedSpam)
class RememberedSpamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Addresses moderators rejected as spam. Deleting one stops holding comments that carry
    it; moderators' approvals forget them too."""

    list_display = ["value", "kind", "rejected_comments", "last_rejected"]
    list_filter = ["kind"]
    search_fields = ["value"]
    readonly_fields = ["rejected_comments", "created", "last_rejected"]

    def has_add_permission(self, request: object) -> bool:
        return False
