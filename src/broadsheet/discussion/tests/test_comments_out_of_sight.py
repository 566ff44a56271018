"""Nobody replies to, rates or flags a comment they may not see (a held comment of someone
else, a hidden one for an ordinary reader): the answer is the one for a comment that does not
exist, word for word, on the services, the API and the HTML pages, so that trying ids tells
nothing. The rule of who sees what is selectors.visible_comments_filter."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.api.tests.conftest import token_header
from broadsheet.conftest import make_user
from broadsheet.discussion import services
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings, Rating
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput, NotFound
from broadsheet.moderation import services as moderation
from broadsheet.moderation.models import Flag
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import ScreeningSettings

pytestmark = pytest.mark.django_db

MISSING = 987_654  # no comment has this id


@pytest.fixture
def post(editor: User) -> Post:
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"held_words": "hold-me"})
    return make_post(editor, "Budget vote delayed")


@pytest.fixture
def writer() -> User:
    return make_user("wren_writer")


@pytest.fixture
def held(post: Post, writer: User) -> Comment:
    comment = make_comment(post, writer, "Please hold-me, it says.", subject="Held subject")
    assert comment.state == CommentState.HELD
    return comment


@pytest.fixture
def hidden(post: Post, writer: User, moderator: User) -> Comment:
    comment = make_comment(post, writer, "Hide this.", subject="Hidden subject")
    moderation.moderate_comment(comment_id=comment.pk, moderator=moderator, action="hide")
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    return comment


@pytest.fixture(params=["held", "hidden"])
def unseen(request: pytest.FixtureRequest) -> Comment:
    """A comment the reader fixture may not see."""
    comment: Comment = request.getfixturevalue(request.param)
    return comment


def api(client: Client, method: str, url: str, body: Any, user: User) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", headers=token_header(user)
    )


def same_answer(unseen_response: Any, missing_response: Any) -> None:
    """Both answers alike, the ids apart: the JSON error, or the page's main part."""
    assert unseen_response.status_code == missing_response.status_code
    assert said(unseen_response) == said(missing_response)


def said(response: Any) -> str:
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return re.sub(r"\bcomment \d+", "comment ID", text)
    return text[text.index("<main") : text.index("</main>")]


# Replies


def test_the_service_refuses_a_reply_to_an_unseen_comment_as_to_a_missing_one(post, reader, unseen):
    with pytest.raises(InvalidInput) as missing:
        services.post_comment(post=post, author=reader, subject="", body="Hi", parent_id=MISSING)
    with pytest.raises(InvalidInput) as refused:
        services.post_comment(post=post, author=reader, subject="", body="Hi", parent_id=unseen.pk)
    assert (
        refused.value.message
        == missing.value.message
        == ("The comment you are replying to does not exist.")
    )
    assert Comment.objects.count() == 1


def test_the_api_refuses_a_reply_to_an_unseen_comment_as_to_a_missing_one(
    client, post, reader, unseen
):
    url = f"/api/posts/{post.pk}/comments"
    refused = api(client, "post", url, {"body": "Hi", "parent": unseen.pk}, reader)
    missing = api(client, "post", url, {"body": "Hi", "parent": MISSING}, reader)
    assert refused.status_code == 422
    same_answer(refused, missing)
    assert not Comment.objects.filter(parent=unseen).exists()


def test_the_comment_form_refuses_a_reply_to_a_held_comment_and_never_shows_it(
    client, post, reader, held
):
    client.force_login(reader)
    response = client.post(post.get_absolute_url(), {"body": "Hi", "parent": held.pk})
    assert response.status_code == 422
    page = response.content.decode()
    assert "The comment you are replying to does not exist." in page
    assert "Held subject" not in page
    assert (
        "Held subject"
        not in client.get(f"{post.get_absolute_url()}?reply={held.pk}").content.decode()
    )
    assert not Comment.objects.filter(parent=held).exists()


def test_who_sees_a_comment_may_answer_it(post, writer, moderator, held, hidden):
    assert make_comment(post, writer, "My own, still held.", parent=held).parent_id == held.pk
    assert make_comment(post, moderator, "A moderator's note.", parent=held).parent_id == held.pk
    trusted = make_user("tess_trusted", Role.TRUSTED)
    assert make_comment(post, trusted, "Seen it.", parent=hidden).parent_id == hidden.pk


def test_a_hidden_comment_shown_to_readers_as_a_line_still_takes_no_replies(post, reader, hidden):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"show_hidden_to_readers": True})
    with pytest.raises(InvalidInput, match="does not exist"):
        make_comment(post, reader, "Hi", parent=hidden)


# Ratings


def test_the_service_refuses_to_rate_an_unseen_comment_as_a_missing_one(reader, unseen):
    with pytest.raises(NotFound, match=f"^There is no comment {unseen.pk}.$"):
        services.rate_comment(comment=unseen, rater=reader, value=4)
    with pytest.raises(NotFound, match=f"^There is no comment {unseen.pk}.$"):
        services.remove_rating(comment=unseen, rater=reader)
    assert not Rating.objects.exists()


def test_the_api_refuses_to_rate_an_unseen_comment_as_a_missing_one(client, reader, unseen):
    for method, body in (("put", {"value": 4}), ("delete", None)):
        refused = api(client, method, f"/api/comments/{unseen.pk}/rating", body, reader)
        missing = api(client, method, f"/api/comments/{MISSING}/rating", body, reader)
        assert refused.status_code == 404
        same_answer(refused, missing)
    assert not Rating.objects.exists()


def test_the_rating_form_answers_404_for_an_unseen_comment(client, reader, unseen):
    client.force_login(reader)
    refused = client.post(f"/comments/{unseen.pk}/rate/", {"value": "4"})
    missing = client.post(f"/comments/{MISSING}/rate/", {"value": "4"})
    assert refused.status_code == 404
    same_answer(refused, missing)
    assert not Rating.objects.exists()


def test_trusted_readers_still_rate_hidden_comments(hidden):
    trusted = make_user("tess_trusted", Role.TRUSTED)
    services.rate_comment(comment=hidden, rater=trusted, value=4)
    assert Rating.objects.get().value == 4


# Flags


def test_the_service_refuses_to_flag_an_unseen_comment_as_a_missing_one(reader, unseen):
    with pytest.raises(NotFound, match=f"^There is no comment {unseen.pk}.$"):
        moderation.flag_comment(comment=unseen, reporter=reader, reason="spam")
    assert not Flag.objects.exists()


def test_the_api_refuses_to_flag_an_unseen_comment_as_a_missing_one(client, reader, unseen):
    body = {"reason": "spam"}
    refused = api(client, "post", f"/api/comments/{unseen.pk}/flag", body, reader)
    missing = api(client, "post", f"/api/comments/{MISSING}/flag", body, reader)
    assert refused.status_code == 404
    same_answer(refused, missing)
    assert not Flag.objects.exists()


def test_the_flag_page_answers_404_for_an_unseen_comment(client, reader, unseen):
    client.force_login(reader)
    for send in (client.get, client.post):
        refused = send(f"/comments/{unseen.pk}/flag/", {"reason": "spam"})
        missing = send(f"/comments/{MISSING}/flag/", {"reason": "spam"})
        assert refused.status_code == 404
        same_answer(refused, missing)
    assert not Flag.objects.exists()


def test_a_trusted_reader_flags_a_hidden_comment(hidden):
    trusted = make_user("tess_trusted", Role.TRUSTED)
    assert moderation.flag_comment(comment=hidden, reporter=trusted, reason="abuse").pk
