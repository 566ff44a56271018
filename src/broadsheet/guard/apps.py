from django.apps import AppConfig


class GuardConfig(AppConfig):
    """What every write passes first: bans, the forms' honeypot, and rate limits."""

    name = "broadsheet.guard"
    label = "guard"
    verbose_name = "Bans and write limits"
