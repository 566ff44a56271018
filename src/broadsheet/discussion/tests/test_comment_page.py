"""Each comment has its own page with every control its reader may use: where the thread's
Reply and Rate links lead without JavaScript, since the thread carries no per-comment forms."""

from __future__ import annotations

import pytest

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion.models import Comment, CommentState, Rating
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(editor):
    return make_post(editor, "Ceasefire talks resume")


@pytest.fixture
def comment(post, editor):
    return make_comment(post, editor, "The corridor text matters.", subject="Corridor")


def test_the_threads_reply_and_rate_links_lead_to_the_comments_page(client, post, comment):
    client.force_login(make_user("rosa"))
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'href="/comments/{comment.pk}/#reply-form"' in html
    assert f'href="/comments/{comment.pk}/#rate"' in html


def test_a_reader_replies_and_rates_from_the_comments_page_without_javascript(
    client, post, comment, settings
):
    settings.BROADSHEET_FORM_MIN_SECONDS = 0
    client.force_login(make_user("rosa"))
    page = client.get(f"/comments/{comment.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "The corridor text matters." in html
    assert f'<input type="hidden" name="parent" value="{comment.pk}"' in html
    assert f'action="/comments/{comment.pk}/rate/"' in html
    assert f'href="/comments/{comment.pk}/flag/"' in html
    assert f'href="/comments/{comment.pk}/edit/"' not in html  # not theirs

    rated = client.post(f"/comments/{comment.pk}/rate/", {"value": "4"})
    assert rated.status_code == 302
    assert Rating.objects.get(comment=comment).value == 4
    assert '<option value="4" selected>' in client.get(f"/comments/{comment.pk}/").content.decode()

    replied = client.post(
        post.get_absolute_url(),
        {"parent": comment.pk, "subject": "Agreed", "body": "It does.", "post": "1"},
    )
    assert replied.status_code == 302
    assert Comment.objects.get(parent=comment).body == "It does."


def test_the_author_sees_edit_and_delete_and_no_rating_or_flag(client, comment, editor):
    client.force_login(editor)
    html = client.get(f"/comments/{comment.pk}/").content.decode()
    assert f'href="/comments/{comment.pk}/edit/"' in html
    assert f'href="/comments/{comment.pk}/delete/"' in html
    assert "rate/" not in html
    assert "/flag/" not in html


def test_a_visitor_is_asked_to_log_in_to_reply(client, comment):
    html = client.get(f"/comments/{comment.pk}/").content.decode()
    assert "to reply." in html
    assert 'id="reply-form"' not in html
    assert "rate/" not in html


def test_a_held_comments_page_is_as_missing_as_one_that_does_not_exist(client, comment):
    Comment.objects.filter(pk=comment.pk).update(state=CommentState.HELD)
    client.force_login(make_user("rosa"))
    held = client.get(f"/comments/{comment.pk}/")
    missing = client.get("/comments/999999/")
    assert held.status_code == missing.status_code == 404
    client.force_login(make_user("mona", Role.MODERATOR))
    assert client.get(f"/comments/{comment.pk}/").status_code == 200
