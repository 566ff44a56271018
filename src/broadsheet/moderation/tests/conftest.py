"""The queue as the queue's tests find it: a story, two first comments held for approval (a
reader's and a newcomer's offer), and a moderator's signed-in client."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.accounts.models import User
from broadsheet.conftest import make_user
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import ScreeningSettings

OFFER = "Buy followers now"


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Harbour dredging approved")


@pytest.fixture
def held(post: Post, reader: User) -> list[Comment]:
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    first = make_comment(post, reader, "Silt will move downstream.", subject="Silt")
    second = make_comment(post, make_user("newcomer"), OFFER, subject="Deal")
    assert {first.state, second.state} == {CommentState.HELD}
    return [first, second]


@pytest.fixture
def signed_in(client: Client, moderator: User) -> Client:
    client.force_login(moderator)
    return client
