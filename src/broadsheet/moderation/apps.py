from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Hold rules, the queue, spam defence, flags, bans and the public moderation log."""

    name = "broadsheet.moderation"
    label = "moderation"
    verbose_name = "Moderation"
