"""Ratings: 1 to 5, one per reader, changeable and removable, never one's own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services
from broadsheet.discussion.models import Rating
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput, NotAllowed
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(editor, reader):
    return make_comment(make_post(editor), reader)


def test_average_and_count_are_kept_on_the_comment(comment, editor):
    second = make_user("second_rater")
    services.rate_comment(comment=comment, rater=editor, value=5)
    rated = services.rate_comment(comment=comment, rater=second, value=4)
    assert (rated.rating_average, rated.rating_count) == (4.5, 2)


def test_changing_a_rating_moves_the_average_and_keeps_one_rating(comment, editor):
    services.rate_comment(comment=comment, rater=editor, value=1)
    rated = services.rate_comment(comment=comment, rater=editor, value=3)
    assert (rated.rating_average, rated.rating_count) == (3.0, 1)
    assert Rating.objects.count() == 1


def test_removing_a_rating_returns_to_unrated(comment, editor):
    services.rate_comment(comment=comment, rater=editor, value=2)
    cleared = services.remove_rating(comment=comment, rater=editor)
    assert (cleared.rating_average, cleared.rating_count, cleared.rating_sum) == (None, 0, 0)
    assert services.remove_rating(comment=comment, rater=editor).rating_count == 0


def test_readers_may_not_rate_their_own_comment(comment, reader):
    with pytest.raises(NotAllowed, match="your own comment"):
        services.rate_comment(comment=comment, rater=reader, value=5)


@pytest.mark.parametrize("value", [-1, 6, 100])
def test_ratings_out_of_range_are_refused(comment, editor, value):
    with pytest.raises(InvalidInput, match="1 to 5"):
        services.rate_comment(comment=comment, rater=editor, value=value)


def test_zero_is_reserved_for_trusted_readers(comment):
    with pytest.raises(NotAllowed, match="trusted readers"):
        services.rate_comment(comment=comment, rater=make_user("ordinary"), value=0)
    trusted = make_user("trusty", Role.TRUSTED)
    assert services.rate_comment(comment=comment, rater=trusted, value=0).rating_count == 1


def test_anonymous_readers_cannot_rate(comment):
    with pytest.raises(NotAllowed, match="Log in") as raised:
        services.rate_comment(comment=comment, rater=AnonymousUser(), value=3)
    assert raised.value.status == 401
