"""The thread's controls work without JavaScript and change nothing until the reader says so:
Display and Sort wait for Apply, a 0 (hide) rating is asked once more, and a comment that
could not be posted says why first, in the server's words."""

from __future__ import annotations

import pytest

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion.models import Comment, Rating
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(editor):
    return make_post(editor, "A story")


def test_display_and_sort_are_applied_by_a_button(client, post, reader):
    make_comment(post, reader)
    html = client.get(post.get_absolute_url()).content.decode()
    controls = html[html.index('<form class="thread-controls"') :]
    controls = controls[: controls.index("</form>")]
    assert '<button type="submit" class="button button--small">Apply</button>' in controls


def test_a_0_rating_without_script_asks_first_and_rates_only_once_confirmed(client, post, reader):
    comment = make_comment(post, reader)
    client.force_login(make_user("tess", Role.TRUSTED))
    asked = client.post(f"/comments/{comment.pk}/rate/", {"value": "0"})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Rate this comment 0 (hide)?" in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert not Rating.objects.exists()

    confirmed = client.post(f"/comments/{comment.pk}/rate/", {"value": "0", "confirmed": "1"})
    assert confirmed.status_code == 302
    assert Rating.objects.get().value == 0


def test_a_reader_who_may_not_rate_0_is_refused_rather_than_asked(client, post, reader):
    comment = make_comment(post, reader)
    client.force_login(make_user("plain_reader"))
    refused = client.post(f"/comments/{comment.pk}/rate/", {"value": "0"})
    assert refused.status_code == 403
    assert "trusted readers only" in refused.content.decode()


def test_other_ratings_are_sent_at_once(client, post, reader):
    comment = make_comment(post, reader)
    client.force_login(make_user("rosa"))
    assert client.post(f"/comments/{comment.pk}/rate/", {"value": "3"}).status_code == 302
    assert Comment.objects.get(pk=comment.pk).rating_count == 1


def test_the_comment_form_leaves_validation_to_the_server(client, post, reader):
    client.force_login(reader)
    html = client.get(post.get_absolute_url()).content.decode()
    form = html[html.index('<form id="reply-form"') :]
    assert form[: form.index(">")].endswith("novalidate")
    body = form[form.index('<textarea name="body"') :]
    assert "maxlength" not in body[: body.index(">")]  # a long paste is not cut short silently


def test_a_failed_comment_comes_back_with_a_summary_that_takes_the_focus(client, post, reader):
    client.force_login(reader)
    response = client.post(post.get_absolute_url(), {"subject": "kept", "body": " ", "post": "1"})
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[html.index('<div class="error-summary" id="comment-errors"') :]
    summary = summary[: summary.index("</div>")]
    assert 'tabindex="-1" autofocus' in summary
    assert "Your comment is not posted yet" in summary
    assert (
        '<a href="#id_body">Comment: The comment is empty: write something in the body.</a>'
        in summary
    )
    assert 'value="kept"' in html


def test_a_failed_edit_says_why_first(client, post, reader):
    comment = make_comment(post, reader)
    client.force_login(reader)
    response = client.post(f"/comments/{comment.pk}/edit/", {"subject": "x", "body": ""})
    html = response.content.decode()
    assert "Your changes are not saved yet" in html
    assert 'id="comment-errors" tabindex="-1" autofocus' in html
