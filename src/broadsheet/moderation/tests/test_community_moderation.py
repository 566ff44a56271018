"""Reputation, earned trust, and comments hidden by trusted readers' ratings."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import is_trusted
from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import NotFound
from broadsheet.moderation.models import ModerationSettings
from broadsheet.moderation.reputation import compute_reputation
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_reputation_weighs_each_comment_by_its_ratings_up_to_the_cap():
    assert compute_reputation([], weight_cap=5) is None
    assert compute_reputation([(5.0, 1), (1.0, 3)], weight_cap=5) == pytest.approx(2.0)
    assert compute_reputation([(5.0, 1), (1.0, 30)], weight_cap=3) == pytest.approx(2.0)
    assert compute_reputation([(None, 0), (4.0, 2)], weight_cap=5) == 4.0


def test_ratings_move_the_authors_reputation_and_earn_trust(
    editor, django_capture_on_commit_callbacks
):
    ModerationSettings.objects.update_or_create(
        pk=1, defaults={"trusted_min_comments": 2, "trusted_min_reputation": 4.0}
    )
    author = make_user("writer")
    post = make_post(editor)
    rater = make_user("rater")
    first, second = make_comment(post, author), make_comment(post, author)
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_comment(comment=first, rater=rater, value=5)
    author.refresh_from_db()
    assert author.reputation == 5.0
    assert not author.earned_trust  # one rated comment is not enough
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_comment(comment=second, rater=rater, value=4)
    author.refresh_from_db()
    assert author.reputation == pytest.approx(4.5)
    assert author.earned_trust
    assert is_trusted(author)
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_comment(comment=second, rater=rater, value=1)
    author.refresh_from_db()
    assert not author.earned_trust  # and it is lost again


def test_roles_from_trusted_up_are_trusted():
    assert is_trusted(make_user("t", Role.TRUSTED))
    assert is_trusted(make_user("m", Role.MODERATOR))
    assert not is_trusted(make_user("r"))


def test_three_trusted_zero_ratings_hide_a_comment_from_anonymous_readers(editor, reader):
    post = make_post(editor)
    bad = make_comment(post, reader, "Buy cheap watches", subject="Offer")
    make_comment(post, make_user("answerer"), "Please don't.", parent=bad, subject="Reply")
    for name in ("t1", "t2", "t3"):
        services.rate_comment(comment=bad, rater=make_user(name, Role.TRUSTED), value=0)
    bad.refresh_from_db()
    assert bad.state == CommentState.HIDDEN

    anonymous_page = Client().get(post.get_absolute_url()).content.decode()
    assert "Buy cheap watches" not in anonymous_page
    assert "Hidden comment (#1)" in anonymous_page
    assert "Please don&#39;t." in anonymous_page or "Please don't." in anonymous_page

    trusted = Client()
    trusted.force_login(User.objects.get(username="t1"))
    trusted_page = trusted.get(post.get_absolute_url()).content.decode()
    assert "Buy cheap watches" in trusted_page
    assert "Hidden: readers rated this comment below" in trusted_page


def test_hidden_comments_can_be_left_out_entirely(editor, reader):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"show_hidden_to_readers": False})
    post = make_post(editor)
    bad = make_comment(post, reader, "Spam text")
    for name in ("t1", "t2", "t3"):
        services.rate_comment(comment=bad, rater=make_user(name, Role.TRUSTED), value=0)
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Hidden comment" not in page
    assert "Spam text" not in page


def test_trusted_readers_rate_a_hidden_comment_back_up(editor, reader):
    post = make_post(editor)
    comment = make_comment(post, reader)
    raters = [make_user(f"t{n}", Role.TRUSTED) for n in range(3)]
    for rater in raters:
        services.rate_comment(comment=comment, rater=rater, value=0)
    assert Comment.objects.get(pk=comment.pk).state == CommentState.HIDDEN
    with pytest.raises(NotFound, match=f"There is no comment {comment.pk}"):  # not for them
        services.rate_comment(comment=comment, rater=make_user("plain"), value=5)
    for rater in raters:
        services.rate_comment(comment=comment, rater=rater, value=4)
    assert Comment.objects.get(pk=comment.pk).state == CommentState.VISIBLE
