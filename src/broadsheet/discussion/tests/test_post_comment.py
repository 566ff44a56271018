"""Posting a comment: numbering, subjects, sanitizing, replies, closing and double submits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from broadsheet.conftest import make_user
from broadsheet.discussion import services
from broadsheet.discussion.models import (
    MAX_COMMENT_LENGTH,
    Comment,
    CommentState,
    DiscussionSettings,
)
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput, NotAllowed, NotFound
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(editor):
    return make_post(editor, "A story")


def test_comments_are_numbered_in_order_of_posting_and_numbers_are_never_reused(post, reader):
    first = make_comment(post, reader)
    second = make_comment(post, reader)
    services.delete_comment(comment=second, user=reader)
    third = make_comment(post, reader)
    assert (first.number, second.number, third.number) == (1, 2, 3)


def test_numbers_are_counted_per_post(post, editor, reader):
    other = make_post(editor, "Other story")
    make_comment(post, reader)
    assert make_comment(other, reader).number == 1


def test_an_empty_subject_becomes_the_first_words_of_the_body(post, reader):
    comment = make_comment(
        post, reader, "**Courts** should publish every bail decision, with reasons, within a week."
    )
    assert comment.subject == "Courts should publish every bail decision, with reasons…"
    assert len(comment.subject) <= 60


def test_a_given_subject_is_kept_with_its_whitespace_folded(post, reader):
    assert make_comment(post, reader, subject="  A   point ").subject == "A point"


def test_body_markdown_is_sanitized_once_and_links_get_nofollow(post, reader):
    comment = make_comment(
        post,
        reader,
        "Read [this](https://example.org) <script>alert(1)</script>"
        '<img src=x onerror="alert(2)"> *now*\n\n> quoted',
    )
    html = comment.body_html
    assert 'rel="nofollow ugc noopener"' in html
    assert "<script" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "<em>now</em>" in html
    assert "<blockquote>" in html


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("", "   ", "The comment is empty"),
        ("x" * 101, "body", "The subject has 101 characters; the limit is 100"),
        ("", "x" * (MAX_COMMENT_LENGTH + 1), "the limit is 20,000"),
    ],
)
def test_bad_text_is_refused_with_a_message(post, reader, subject, body, message):
    with pytest.raises(InvalidInput, match=message):
        services.post_comment(post=post, author=reader, subject=subject, body=body)
    assert not Comment.objects.exists()


def test_replies_record_their_parent_and_depth_and_count_on_the_parent(post, reader, editor):
    top = make_comment(post, reader)
    reply = make_comment(post, editor, parent=top)
    deeper = make_comment(post, reader, parent=reply)
    assert (top.depth, reply.depth, deeper.depth) == (0, 1, 2)
    top.refresh_from_db()
    assert top.reply_count == 1


def test_a_reply_to_a_missing_comment_or_one_of_another_post_is_refused(post, editor, reader):
    other_comment = make_comment(make_post(editor, "Elsewhere"), reader)
    with pytest.raises(InvalidInput, match="does not exist"):
        services.post_comment(post=post, author=reader, subject="", body="x", parent_id=999999)
    with pytest.raises(InvalidInput, match="belongs to another post"):
        make_comment(post, reader, parent=other_comment)


def test_closed_posts_refuse_comments_with_the_reason(post, reader):
    Post.objects.filter(pk=post.pk).update(comments_open=False)
    post.refresh_from_db()
    with pytest.raises(NotAllowed, match="Comments are closed") as raised:
        make_comment(post, reader)
    assert raised.value.code == "comments_closed"
    assert raised.value.status == 403


def test_the_site_can_close_comments_on_old_posts(editor, reader):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"close_comments_after_days": 30})
    old = make_post(editor, "Old", hours_ago=24 * 31)
    recent = make_post(editor, "Recent", hours_ago=24 * 29)
    with pytest.raises(NotAllowed, match="close 30 days after"):
        make_comment(old, reader)
    assert make_comment(recent, reader).number == 1


def test_drafts_cannot_be_commented_on(editor, reader):
    draft = make_post(editor, "Draft", status=PostStatus.DRAFT)
    with pytest.raises(NotFound):
        make_comment(draft, reader)


def test_anonymous_comments_need_the_site_setting_a_name_and_an_email(post):
    anonymous = AnonymousUser()
    with pytest.raises(NotAllowed, match="Log in"):
        make_comment(post, anonymous)
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    with pytest.raises(InvalidInput, match="Give a name"):
        make_comment(post, anonymous)
    with pytest.raises(InvalidInput, match="valid e-mail"):
        make_comment(post, anonymous, anonymous_name="Sam", anonymous_email="nope")
    comment = make_comment(post, anonymous, anonymous_name="Sam", anonymous_email="s@example.org")
    assert comment.author is None
    assert comment.author_display_name == "Sam"


def test_submitting_the_same_form_twice_gives_one_comment(post, reader):
    first = make_comment(post, reader, submission_key="form-123")
    again = make_comment(post, reader, submission_key="form-123")
    assert again.pk == first.pk
    assert Comment.objects.count() == 1


def test_the_post_counts_every_visible_comment_replies_included(post, reader, editor):
    top = make_comment(post, reader)
    make_comment(post, editor, parent=top)
    make_comment(post, reader)
    post.refresh_from_db()
    assert post.comment_count == 3


def test_authors_edit_within_the_window_and_moderators_any_time(post, reader, moderator):
    comment = make_comment(post, reader, "first words")
    edited = services.edit_comment(comment=comment, editor=reader, subject="New", body="*better*")
    assert edited.edited is not None
    assert "<em>better</em>" in edited.body_html
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(NotAllowed, match="15 minutes"):
        services.edit_comment(comment=comment, editor=reader, subject="", body="late")
    services.edit_comment(comment=comment, editor=moderator, subject="", body="tidied")
    someone_else = make_user("someone")
    with pytest.raises(NotAllowed, match="Only the author or a moderator"):
        services.edit_comment(comment=comment, editor=someone_else, subject="", body="mine now")


def test_deleting_a_comment_with_replies_leaves_a_placeholder(post, reader, editor):
    top = make_comment(post, reader)
    make_comment(post, editor, parent=top)
    services.delete_comment(comment=top, user=reader)
    top.refresh_from_db()
    assert top.state == CommentState.DELETED
    assert top.subject == "[deleted]"
    assert top.body == ""
    post.refresh_from_db()
    assert post.comment_count == 1
    with pytest.raises(NotAllowed):
        services.delete_comment(comment=make_comment(post, reader), user=make_user("stranger"))
