"""Anyone can read the public moderation log; it never republishes the text of spam."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.publishing.models import PostStatus
from broadsheet.publishing.services import create_post
from broadsheet.screening.models import ScreeningSettings

SPAM_SUBJECT = "Cheap watches, best prices"
SPAM_BODY = "Visit the replica watch outlet today."


def test_the_public_log_names_the_moderator_and_never_shows_rejected_text(
    page: Page, log_in: Callable[..., None], fresh_page: Callable[..., Page], site_url: str
) -> None:
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    post = create_post(
        editor=make_user("ed_editor", Role.EDITOR),
        title="Turnout Figures Revised",
        intro="The clerk corrected two precincts.",
        status=PostStatus.PUBLISHED,
    ).post
    spam = discussion.post_comment(
        post=post, author=make_user("spammer"), subject=SPAM_SUBJECT, body=SPAM_BODY
    )
    good = discussion.post_comment(
        post=post,
        author=make_user("rosa"),
        subject="Precinct 12 was counted twice",
        body="The clerk said so at the hearing.",
    )
    make_user("mo_moderator", Role.MODERATOR)

    page.clock.install()  # the queue holds a rejection back for its Undo time; skip the wait
    log_in(page, "mo_moderator", "/moderation/queue/")
    expect(page.locator(".queue-item")).to_have_count(2)

    page.locator(f".queue-item[data-comment-id='{spam.pk}']").get_by_role(
        "button", name="Reject as spam"
    ).click()
    page.clock.run_for(10_000)
    expect(page.locator(f".queue-item[data-comment-id='{spam.pk}']")).to_have_count(0)
    page.locator(f".queue-item[data-comment-id='{good.pk}']").get_by_role(
        "button", name="Approve", exact=True
    ).click()
    # (That the approved comment leaves the queue is test_moderation_queue.py's business.)
    expect(page.locator("#queue-status")).to_have_text("Comment #2 approved.")

    visitor = fresh_page()
    visitor.goto(f"{site_url}/moderation/log/")
    expect(visitor.get_by_role("heading", name="Moderation log")).to_be_visible()
    rows = visitor.locator("table.moderation-log tbody tr")
    expect(rows).to_have_count(2)
    # Newest first: the approval, then the rejection.
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("mo_moderator")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text(
        "approved comment #2 on “Turnout Figures Revised”"
    )
    expect(rows.nth(0).get_by_role("link")).to_have_attribute(
        "href", re.compile(rf"#comment-{good.pk}$")
    )
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("mo_moderator")
    expect(rows.nth(1).locator("td").nth(2)).to_have_text(
        "rejected as spam comment #1 on “Turnout Figures Revised”"
    )
    expect(rows.nth(1).get_by_role("link")).to_have_count(0)

    text = visitor.locator("body").inner_text()
    for secret in (SPAM_SUBJECT, SPAM_BODY, "replica watch"):
        assert secret not in text
    assert "replica" not in visitor.content()
