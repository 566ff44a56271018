"""post_comments: the one write path for one comment and for many (imports, demo, benchmark)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentState, Rating, ThreadState
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import ScreeningSettings


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Open thread")


def test_a_conversation_is_written_in_one_call_with_numbers_depths_and_fragments(
    post: Post, reader: User, moderator: User
) -> None:
    earlier = make_comment(post, reader, "Already here")
    made = post_comments(
        post=post,
        comments=[
            NewComment(author=moderator, body="A new top-level comment"),
            NewComment(author=reader, body="Answering the new one", parent_position=0),
            NewComment(author=moderator, body="Deeper still", parent_position=1),
            NewComment(author=moderator, body="Answering the old one", parent_id=earlier.pk),
        ],
    )
    assert [comment.number for comment in made] == [2, 3, 4, 5]
    assert [comment.depth for comment in made] == [0, 1, 2, 1]
    assert made[1].parent_id == made[0].pk and made[2].parent_id == made[1].pk
    stored = {comment.pk: comment for comment in Comment.objects.filter(post=post)}
    assert stored[earlier.pk].reply_count == 1
    assert (stored[made[0].pk].reply_count, stored[made[1].pk].reply_count) == (1, 1)
    for comment in made:
        assert f'id="comment-{comment.pk}"' in stored[comment.pk].fragment_html
        assert stored[comment.pk].subject  # the first words when no subject is given
    post.refresh_from_db()
    assert post.comment_count == 5
    assert ThreadState.objects.get(post=post).last_number == 5


def test_readers_comments_are_screened_and_imports_keep_their_states_dates_and_ratings(
    post: Post, reader: User, moderator: User, editor: User
) -> None:

    ScreeningSettings.objects.update_or_create(pk=1, defaults={"held_words": "casino"})
    held = post_comments(post=post, comments=[NewComment(author=reader, body="casino offer")])
    assert held[0].state == CommentState.HELD
    assert held[0].hold_reasons == ["contains “casino”"]

    long_ago = timezone.now() - timedelta(days=400)
    imported = post_comments(
        post=post,
        imported=True,
        comments=[
            NewComment(author=reader, body="casino, but imported", created=long_ago),
            NewComment(
                author=reader,
                body="Rated long ago",
                ratings=((moderator.pk, 5), (editor.pk, 4)),
                parent_position=0,
            ),
            NewComment(author=reader, body="Was spam", state=CommentState.DELETED),
        ],
    )
    assert imported[0].state == CommentState.VISIBLE
    assert imported[0].created == long_ago
    assert (imported[1].rating_count, imported[1].rating_average) == (2, 4.5)
    assert Rating.objects.filter(comment=imported[1]).count() == 2
    assert (imported[2].subject, imported[2].body) == ("[deleted]", "")
    post.refresh_from_db()
    assert post.comment_count == 2


def test_a_repeated_submission_returns_the_first_comment(post: Post, reader: User) -> None:
    first = post_comments(
        post=post, comments=[NewComment(author=reader, body="Once", submission_key="k1")]
    )
    again = post_comments(
        post=post,
        comments=[
            NewComment(author=reader, body="Once", submission_key="k1"),
            NewComment(author=reader, body="New", submission_key="k2"),
        ],
    )
    assert again[0].pk == first[0].pk
    assert Comment.objects.filter(post=post).count() == 2


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (NewComment(author=None, body="x", parent_position=0), "must come after"),  # type: ignore[arg-type]
        (NewComment(author=None, body="   "), "Comment 1: The comment is empty"),  # type: ignore[arg-type]
    ],
)
def test_a_bad_item_is_refused_with_its_position_and_nothing_is_written(
    post: Post, reader: User, item: NewComment, message: str
) -> None:
    from dataclasses import replace

    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(InvalidInput, match=message):
        post_comments(post=post, imported=True, comments=[replace(item, author=AnonymousUser())])
    assert not Comment.objects.filter(post=post).exists()
    post.refresh_from_db()
    assert post.comment_count == 0


def test_generated_threads_go_through_the_same_path(post: Post, reader: User, editor: User) -> None:
    from broadsheet.discussion.sample_threads import generate_thread

    generate_thread(post=post, authors=[reader, editor], count=60, seed=3)
    comments = list(Comment.objects.filter(post=post))
    assert len(comments) == 60
    assert all(comment.fragment_html and comment.subject for comment in comments)
    for comment in comments:
        assert comment.rating_count == Rating.objects.filter(comment=comment).count()
    post.refresh_from_db()
    assert post.comment_count == 60
