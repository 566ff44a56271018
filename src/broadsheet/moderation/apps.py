from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """The queue, readers' flags, reputation and the public moderation log."""

    name = "broadsheet.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from broadsheet.changes import CommentEdited, CommentStateChanged, listen
        from broadsheet.moderation import listeners

        listen(CommentEdited, listeners.log_edit_by_moderator)
        listen(CommentStateChanged, listeners.log_deletion_by_moderator)
        listen(listeners.ThreadOpenedOrClosed, listeners.log_thread_opened_or_closed)
        listen(listeners.ReputationChange, listeners.recompute_author_reputation)
