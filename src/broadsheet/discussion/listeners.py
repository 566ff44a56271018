"""Discussion's reactions to changes (broadsheet.changes), registered by DiscussionConfig.ready."""

from __future__ import annotations

from django.db.models import F, Q

from broadsheet.changes import (
    CommentEdited,
    CommentRated,
    CommentsPosted,
    CommentStateChanged,
    DisplayNameChanged,
    PostEdited,
    PostPublished,
    PostUnpublished,
    SiteRestored,
    ThreadClosed,
    ThreadOpened,
    ThreadRecounted,
)
from broadsheet.discussion.models import Comment, ThreadState
from broadsheet.page_versions import move_site_token, move_thread_token

ThreadChange = (
    CommentsPosted
    | CommentEdited
    | CommentStateChanged
    | CommentRated
    | ThreadOpened
    | ThreadClosed
    | ThreadRecounted
    | PostPublished
    | PostEdited
    | PostUnpublished
)


def move_thread_version(change: ThreadChange) -> None:
    """Anything that changes what the post's page shows moves its thread's version on: the
    count in the database, and the token in the shared cache that keys the cached pages
    (broadsheet.page_versions). A post coming out, changing or going away also changes its
    neighbours' previous/next links and the lists, so it moves the site's token."""
    if not ThreadState.objects.filter(post_id=change.post_id).update(version=F("version") + 1):
        ThreadState.objects.get_or_create(post_id=change.post_id, defaults={"version": 1})
    move_thread_token(change.post_id)
    if isinstance(change, PostPublished | PostEdited | PostUnpublished):
        move_site_token()


def show_new_display_name(change: DisplayNameChanged) -> None:
    """The person's comments show their name in stored fragments: marked stale, each is
    rendered again when its thread is next read (fragments.refresh_stale_fragments). The
    threads they wrote in, and the posts they wrote, move their versions on."""
    Comment.objects.filter(author_id=change.user_id).exclude(fragment_key="").update(
        fragment_key=""
    )
    ThreadState.objects.filter(
        Q(post__comments__author_id=change.user_id) | Q(post__authors=change.user_id)
    ).update(version=F("version") + 1)
    move_site_token()  # the name shows in bylines, comment heads and lists everywhere


def forget_every_page(change: SiteRestored) -> None:
    """Every cached page's key holds the site's token (discussion.page_cache.page_key), so
    moving it on makes every page cached before the import unreachable, those of a site
    that stood in this cache before with the same post ids included."""
    move_site_token()
