"""Every change is announced once by the service that made it, and only after it commits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from broadsheet import changes
from broadsheet.accounts.models import User
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, CommentState, ThreadState
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.moderation import services as moderation
from broadsheet.publishing import services as publishing
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.tests.factories import make_post


@dataclass
class Cast:
    editor: User
    reader: User
    moderator: User
    post: Post
    comment: Comment


@pytest.fixture
def cast(editor: User, reader: User, moderator: User) -> Cast:
    post = make_post(editor, "Budget vote delayed")
    return Cast(editor, reader, moderator, post, make_comment(post, reader, "A first thought."))


def _post_comment(cast: Cast) -> None:
    make_comment(cast.post, cast.moderator, "Another thought.")


def _edit_comment(cast: Cast) -> None:
    discussion.edit_comment(comment=cast.comment, editor=cast.reader, subject="", body="Better.")


def _delete_comment(cast: Cast) -> None:
    discussion.delete_comment(comment=cast.comment, user=cast.reader)


def _hide_comment(cast: Cast) -> None:
    moderation.moderate_comment(comment_id=cast.comment.pk, moderator=cast.moderator, action="hide")


def _rate_comment(cast: Cast) -> None:
    discussion.rate_comment(comment=cast.comment, rater=cast.moderator, value=4)


def _close_thread(cast: Cast) -> None:
    discussion.set_comments_open(post=cast.post, user=cast.editor, is_open=False)


def _open_thread(cast: Cast) -> None:
    Post.objects.filter(pk=cast.post.pk).update(comments_open=False)
    cast.post.comments_open = False
    discussion.set_comments_open(post=cast.post, user=cast.editor, is_open=True)


def _recount(cast: Cast) -> None:
    Post.objects.filter(pk=cast.post.pk).update(comment_count=99)
    discussion.recount_comments(post_ids=[cast.post.pk])


def _publish_post(cast: Cast) -> None:
    draft = make_post(cast.editor, "Draft", status=PostStatus.DRAFT)
    publishing.update_post(editor=cast.editor, post=draft, changes={"status": "published"})


def _edit_post(cast: Cast) -> None:
    publishing.update_post(editor=cast.editor, post=cast.post, changes={"title": "New title"})


def _unpublish_post(cast: Cast) -> None:
    publishing.update_post(editor=cast.editor, post=cast.post, changes={"status": "draft"})


WRITES: list[tuple[type[changes.Change], Callable[[Cast], None]]] = [
    (changes.CommentsPosted, _post_comment),
    (changes.CommentEdited, _edit_comment),
    (changes.CommentStateChanged, _delete_comment),
    (changes.CommentStateChanged, _hide_comment),
    (changes.CommentRated, _rate_comment),
    (changes.ThreadClosed, _close_thread),
    (changes.ThreadOpened, _open_thread),
    (changes.ThreadRecounted, _recount),
    (changes.PostPublished, _publish_post),
    (changes.PostEdited, _edit_post),
    (changes.PostUnpublished, _unpublish_post),
]


class RolledBack(Exception):
    pass


@pytest.mark.parametrize(
    ("change_type", "write"), WRITES, ids=[write.__name__.strip("_") for _, write in WRITES]
)
def test_a_change_reaches_its_listener_once_after_commit_and_never_after_rollback(
    cast: Cast,
    change_type: type[changes.Change],
    write: Callable[[Cast], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    heard: list[changes.Change] = []

    def write_then_fail() -> None:
        with transaction.atomic():
            write(cast)
            raise RolledBack

    with changes.listening(change_type, heard.append):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RolledBack):
            write_then_fail()
        assert heard == []  # the write rolled back: nothing to hear

        with django_capture_on_commit_callbacks(execute=False) as pending:
            write(cast)
            assert heard == []  # not before the commit
        for callback in pending:
            callback()
    assert len(heard) == 1
    assert isinstance(heard[0], change_type)
    assert getattr(heard[0], "post_id", None) is not None


def test_a_service_that_changes_nothing_announces_nothing(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[changes.Change] = []
    with (
        changes.listening(changes.Change, heard.append),
        django_capture_on_commit_callbacks(execute=True),
    ):
        discussion.set_comments_open(post=cast.post, user=cast.editor, is_open=True)
        discussion.remove_rating(comment=cast.comment, rater=cast.moderator)
        discussion.recount_comments(post_ids=[cast.post.pk])
    assert heard == []


def test_a_change_moves_the_threads_version_after_commit(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    before = ThreadState.objects.get(post=cast.post).version
    with django_capture_on_commit_callbacks(execute=False) as pending:
        _edit_comment(cast)
    assert ThreadState.objects.get(post=cast.post).version == before
    for callback in pending:
        callback()
    assert ThreadState.objects.get(post=cast.post).version == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_listener_is_logged_and_neither_undoes_the_write_nor_stops_the_others(
    editor: User, reader: User, caplog: pytest.LogCaptureFixture
) -> None:
    post = make_post(editor, "Open thread")
    heard: list[changes.CommentsPosted] = []

    def broken(change: changes.CommentsPosted) -> None:
        raise RuntimeError("the search index is down")

    with (
        changes.listening(changes.CommentsPosted, broken),
        changes.listening(changes.CommentsPosted, heard.append),
        caplog.at_level(logging.ERROR, logger="broadsheet.changes"),
    ):
        comment = make_comment(post, reader, "Still here.")
    assert Comment.objects.get(pk=comment.pk).body == "Still here."
    assert [change.comment_ids for change in heard] == [(comment.pk,)]
    assert "the search index is down" in caplog.text
    assert "CommentsPosted" in caplog.text
    assert "broken" in caplog.text


def test_listen_refuses_what_is_not_a_change() -> None:
    with pytest.raises(TypeError, match="not a change type"):
        changes.listen(int, print)


def test_a_listener_of_a_union_hears_each_member(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[changes.Change] = []
    with (
        changes.listening(changes.ThreadOpened | changes.ThreadClosed, heard.append),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _close_thread(cast)
        discussion.set_comments_open(post=cast.post, user=cast.editor, is_open=True)
    assert [type(change) for change in heard] == [changes.ThreadClosed, changes.ThreadOpened]


def test_the_queue_changes_a_state_through_discussions_one_writer(cast: Cast) -> None:
    """The queue's decision and the author's delete both land in discussion's one writer."""
    changed = moderation.moderate_comment(
        comment_id=cast.comment.pk, moderator=cast.moderator, action="hide"
    )
    assert changed.state == CommentState.HIDDEN
    comment = Comment.objects.get(pk=cast.comment.pk)
    assert comment.moderated_by == cast.moderator
    assert "comment--hidden" in comment.fragment_html
