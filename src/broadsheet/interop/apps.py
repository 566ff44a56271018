from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Bringing sites in from WordPress, Disqus and Scoop, and taking everything out again."""

    name = "broadsheet.interop"
    label = "interop"
    verbose_name = "Import and export"
