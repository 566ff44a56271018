"""An author URL a moderator rejected as spam holds the next comment that carries it, from the
comment form to the queue and back; "not spam" lets it through again."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings
from broadsheet.moderation import services
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import RememberedSpam, ScreeningSettings

pytestmark = pytest.mark.django_db

SITE = "https://www.patlee.example.org/notes/"
BODY = (
    "The council's own survey found the silt returns within five months, so a yearly dredge "
    "leaves the channel shallow for half of every year."
)
HELD_REASON = "author URL patlee.example.org/notes was rejected as spam before"


@pytest.fixture
def post(editor: User) -> Post:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    # Not every anonymous comment held, so that what holds one is the remembered address.
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_anonymous_comments": False})
    return make_post(editor, "Harbour dredging approved")


def comment_through_the_form(client: Client, post: Post, *, name: str) -> Comment:
    response = client.post(
        post.get_absolute_url(),
        {
            "body": BODY,
            "name": name,
            "email": f"{name.split()[0].lower()}@example.net",
            "url": SITE,
            "post": "1",
        },
    )
    assert response.status_code == 302
    return Comment.objects.latest("id")


def test_a_rejected_author_url_holds_the_next_comment_carrying_it(
    client: Client, post: Post, moderator: User
) -> None:
    first = comment_through_the_form(client, post, name="Pat Lee")
    assert first.state == CommentState.VISIBLE, first.hold_reasons
    assert first.hold_reasons == []

    services.moderate_comment(comment_id=first.pk, moderator=moderator, action="reject")
    assert RememberedSpam.objects.filter(
        kind=RememberedSpam.Kind.AUTHOR_URL, value="patlee.example.org/notes"
    ).exists()

    # Another name and e-mail address: the web site gives it away.
    second = comment_through_the_form(client, post, name="Kim Doe")
    assert second.state == CommentState.HELD
    assert HELD_REASON in second.hold_reasons
    # The moderator sees the address, as text: no link to follow by mistake.
    moderators = Client()
    moderators.force_login(moderator)
    queue = moderators.get("/moderation/queue/").content.decode()
    assert f'website <span class="queue-item__url">{SITE}</span>' in queue
    assert f'href="{SITE}"' not in queue

    services.moderate_comment(comment_id=first.pk, moderator=moderator, action="not_spam")
    assert not RememberedSpam.objects.filter(kind=RememberedSpam.Kind.AUTHOR_URL).exists()
    third = comment_through_the_form(client, post, name="Sam Roe")
    assert HELD_REASON not in third.hold_reasons
