from django.apps import AppConfig


class ThemeConfig(AppConfig):
    """The site's look: the base template, the base stylesheet, scripts and error pages."""

    name = "broadsheet.theme"
    label = "theme"
    verbose_name = "Theme"
