from django.apps import AppConfig


class GuardConfig(AppConfig):
    """What every write passes first: bans, the forms' honeypot, and rate limits."""

    name = "broadsheet.guard"
    label = "guard"
    verbose_name = "Bans and write limits"

    def ready(self) -> None:
        from django.core import checks

        from broadsheet.guard.checks import rate_limits_as_designed

        checks.register(rate_limits_as_designed, checks.Tags.security, deploy=False)
