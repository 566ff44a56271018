"""Screening's section of the admin: the hold rules."""

from __future__ import annotations

from django.contrib import admin

from broadsheet.screening.models import ScreeningSettings
from broadsheet.settings_rows import OneRowPerSiteAdmin


@admin.register(ScreeningSettings)
class ScreeningSettingsAdmin(OneRowPerSiteAdmin):
    """Which new comments wait in the moderation queue (docs/moderation.md)."""
