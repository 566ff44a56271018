from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    """Which new comments wait for a moderator: hold rules and the spam classifier."""

    name = "broadsheet.screening"
    label = "screening"
    verbose_name = "Comment screening"
