"""Addresses carried by comments moderators rejected as spam hold the next comment carrying
them; an approval forgets them."""

from __future__ import annotations

import pytest

from broadsheet.screening.filter import FIRST_TIME_COMMENTER, CommentFacts, screen_new_comment
from broadsheet.screening.models import RememberedSpam, ScreeningSettings
from broadsheet.screening.rules import AuthorFacts
from broadsheet.screening.spam import record_moderation_decision

pytestmark = pytest.mark.django_db

KNOWN_READER = AuthorFacts(
    is_anonymous=False, is_trusted=False, has_approved_comment=True, reputation=None
)


def screened(text: str, *, author: AuthorFacts = FIRST_TIME_COMMENTER, **facts: str):
    return screen_new_comment(
        comment=CommentFacts(text=text, **facts), author=author, rules=ScreeningSettings()
    )


def test_a_rejected_link_domain_holds_the_next_comment_that_links_to_it():
    record_moderation_decision(
        text="Nice post, see [my shop](https://shop.quiet-widgets.com/deals)", is_spam=True
    )
    assert RememberedSpam.objects.filter(kind="domain", value="quiet-widgets.com").exists()
    later = "An honest question: is https://www.quiet-widgets.com/about a real company?"
    for author in (FIRST_TIME_COMMENTER, KNOWN_READER):
        screening = screened(later, author=author)
        assert screening.held
        assert "link domain quiet-widgets.com was rejected as spam before" in (
            screening.hold_reasons
        )
    assert not screened("Nothing to do with it: https://www.reuters.com/world/").held


def test_a_rejected_author_url_and_email_are_remembered():
    record_moderation_decision(
        text="Great article!",
        is_spam=True,
        author_name="Paul",
        author_url="https://www.pauls-gutters.com/offers/",
        email="Paul@Gutters.example",
    )
    by_url = screened("Agreed.", author_name="P", author_url="http://pauls-gutters.com/offers")
    assert "author URL pauls-gutters.com/offers was rejected as spam before" in by_url.hold_reasons
    by_email = screened("Agreed.", email="paul@gutters.example")
    assert by_email.hold_reasons == [
        "e-mail address paul@gutters.example was rejected as spam before"
    ]


def test_a_moderators_approval_forgets_what_the_comment_carries():
    record_moderation_decision(text="see https://www.youtube.com/watch?v=spam", is_spam=True)
    assert screened("The debate: https://www.youtube.com/watch?v=abc").held
    record_moderation_decision(
        text="The debate: https://www.youtube.com/watch?v=abc", is_spam=False
    )
    assert not RememberedSpam.objects.filter(value="youtube.com").exists()
    assert not screened("The debate: https://www.youtube.com/watch?v=def").held


def test_a_second_rejection_counts_and_trusted_authors_are_not_looked_up():
    for _ in range(2):
        record_moderation_decision(text="buy at https://pills.example.org", is_spam=True)
    assert RememberedSpam.objects.get(value="example.org").rejected_comments == 2
    trusted = AuthorFacts(
        is_anonymous=False, is_trusted=True, has_approved_comment=True, reputation=None
    )
    assert not screened("https://pills.example.org", author=trusted).held
