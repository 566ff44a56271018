"""The post's count of visible comments and each comment's reply count are kept as comments
change, in the same transaction, and always agree with a recount."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from broadsheet.accounts.models import User
from broadsheet.discussion import services
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.moderation import services as moderation
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import ScreeningSettings


def visible_count(post: Post) -> int:
    return Comment.objects.filter(post=post, state=CommentState.VISIBLE).count()


def assert_counts_right(post: Post) -> None:
    post.refresh_from_db()
    assert post.comment_count == visible_count(post)
    for comment in Comment.objects.filter(post=post):
        assert comment.reply_count == Comment.objects.filter(parent=comment).count()
    assert services.recount_comments(post_ids=[post.pk]) == []  # nothing to repair


@pytest.fixture
def post(editor: User) -> Post:
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"held_words": "hold-me"})
    return make_post(editor, "Open thread")


def test_counts_follow_post_delete_hide_approve_and_restore(
    post: Post, reader: User, moderator: User
) -> None:
    first = make_comment(post, reader, "First")
    reply = make_comment(post, moderator, "Reply", parent=first)
    held = make_comment(post, reader, "Please hold-me")
    assert held.state == CommentState.HELD
    assert_counts_right(post)
    assert post.comment_count == 2

    moderation.moderate_comment(comment_id=held.pk, moderator=moderator, action="approve")
    assert_counts_right(post)
    assert post.comment_count == 3
    moderation.moderate_comment(comment_id=first.pk, moderator=moderator, action="hide")
    assert_counts_right(post)
    assert post.comment_count == 2
    moderation.moderate_comment(comment_id=first.pk, moderator=moderator, action="unhide")
    assert_counts_right(post)
    services.delete_comment(comment=reply, user=moderator)
    moderation.moderate_comment(comment_id=held.pk, moderator=moderator, action="reject")
    assert_counts_right(post)
    assert post.comment_count == 1


@pytest.mark.parametrize("seed", range(4))
def test_counts_stay_right_through_any_sequence_of_writes(
    post: Post, reader: User, moderator: User, seed: int
) -> None:
    chooser = random.Random(seed)
    comments: list[Comment] = []
    for _ in range(30):
        action = chooser.choice(["post", "reply", "held", "delete", "hide", "unhide", "approve"])
        target = chooser.choice(comments) if comments else None
        if target is not None:
            target.refresh_from_db()
        if action in {"post", "held"} or target is None:
            text = "Please hold-me" if action == "held" else "A thought"
            comments.append(make_comment(post, chooser.choice([reader, moderator]), text))
        elif action == "reply" and target.state != CommentState.DELETED:
            # Only those who see a held or hidden comment may answer it.
            replier = reader if services.can_see(user=reader, comment=target) else moderator
            comments.append(make_comment(post, replier, "An answer", parent=target))
        elif action == "delete":
            services.delete_comment(comment=target, user=moderator)
        elif action in {"hide", "unhide", "approve"}:
            moderation.moderate_comment(comment_id=target.pk, moderator=moderator, action=action)
        assert_counts_right(post)


def test_rating_a_comment_below_the_threshold_takes_it_out_of_the_count(
    post: Post, reader: User, moderator: User
) -> None:
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"hide_min_ratings": 1, "hide_below_average": 2.0}
    )
    comment = make_comment(post, reader, "Rate me")
    services.rate_comment(comment=comment, rater=moderator, value=1)
    assert Comment.objects.get(pk=comment.pk).state == CommentState.HIDDEN
    assert_counts_right(post)
    assert post.comment_count == 0
    services.rate_comment(comment=comment, rater=moderator, value=5)
    assert_counts_right(post)
    assert post.comment_count == 1


def test_the_recount_command_repairs_what_went_wrong_outside_the_services(
    post: Post, reader: User, capsys: pytest.CaptureFixture[str]
) -> None:
    first = make_comment(post, reader, "First")
    make_comment(post, reader, "Reply", parent=first)
    Post.objects.filter(pk=post.pk).update(comment_count=40)
    Comment.objects.filter(pk=first.pk).update(reply_count=7)
    call_command("recount_comments")
    output = capsys.readouterr().out
    assert f"post {post.pk}: 40 -> 2 visible comments; 1 reply counts repaired" in output
    assert "1 posts repaired." in output
    assert_counts_right(post)
    call_command("recount_comments", post=[post.pk])
    assert "nothing repaired" in capsys.readouterr().out
