"""Discussion's section of the admin: its settings (comments are moderated on the site)."""

from __future__ import annotations

from django.contrib import admin

from broadsheet.discussion.models import DiscussionSettings
from broadsheet.settings_rows import OneRowPerSiteAdmin


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(OneRowPerSiteAdmin):
    fieldsets = [
        (
            "Who may comment, and for how long",
            {
                "fields": [
                    "allow_anonymous_comments",
                    "comment_edit_minutes",
                    "close_comments_after_days",
                ]
            },
        ),
        (
            "Big threads",
            {"fields": ["overflow_after", "overflow_mode", "top_level_comments_per_page"]},
        ),
        (
            "Hiding by readers' ratings",
            {"fields": ["hide_below_average", "hide_min_ratings", "show_hidden_to_readers"]},
        ),
    ]
