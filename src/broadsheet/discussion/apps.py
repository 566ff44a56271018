from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "broadsheet.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        from broadsheet.changes import DisplayNameChanged, SiteRestored, listen
        from broadsheet.discussion import listeners

        listen(listeners.ThreadChange, listeners.move_thread_version)
        listen(DisplayNameChanged, listeners.show_new_display_name)
        listen(SiteRestored, listeners.forget_every_page)
