"""A scam the filter rejects as it is posted: its author is told it waits for review, readers
never see it, and a moderator finds it in the spam folder, where Not spam would publish it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.publishing.models import Post

SCAM = (
    "I lost $96,000 to a fake broker and Mr. Morgan Davies recovered everything within a "
    "week. Contact him on WhatsApp +1 (917) 555 0163 or Telegram @morgandavies_recovery."
)


def test_a_rejected_scam_waits_in_the_spam_folder_and_not_spam_publishes_a_genuine_one(
    page: Page,
    log_in: Callable[..., None],
    fresh_page: Callable[..., Page],
    site_url: str,
    post: Post,
    tmp_path: Path,
    settings,
) -> None:
    settings.BROADSHEET_FORM_MIN_SECONDS = 0
    make_user("scammer")
    make_user("mo_moderator", Role.MODERATOR)
    address = post.get_absolute_url()
    # A genuine comment a moderator rejected by mistake, already in the folder.
    mistaken = discussion.post_comment(
        post=post,
        author=make_user("rosa"),
        subject="The delay costs money",
        body="Every month of delay is real money; the audit says so.",
    )
    discussion.set_comment_state(comment=mistaken, state=CommentState.SPAM)

    log_in(page, "scammer", address)
    form = page.locator("#reply-form")
    form.get_by_label("Subject").fill("Thank you")
    form.get_by_label("Comment", exact=True).fill(SCAM)
    form.get_by_role("button", name="Post").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(site_url + address)}(#reply-form)?$"))
    expect(page.locator(".messages")).to_have_text(
        "Thank you. Your comment is waiting for a moderator's review."
    )
    expect(page.get_by_text("Morgan Davies")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "author-told.png"), full_page=True)
    assert Comment.objects.get(author__username="scammer").state == CommentState.SPAM

    moderator = fresh_page()
    log_in(moderator, "mo_moderator", "/")
    moderator.get_by_role("navigation", name="Account").get_by_role("link", name="Spam").click()
    expect(moderator).to_have_url(f"{site_url}/moderation/spam/")
    expect(moderator.get_by_role("heading", name="Spam folder")).to_be_visible()
    items = moderator.locator(".queue-item")
    expect(items).to_have_count(2)
    scam = items.filter(has_text="Morgan Davies")
    expect(scam.locator(".queue-item__meta")).to_contain_text("rejected by the filter")
    expect(scam.locator(".queue-item__reasons")).to_contain_text(re.compile(r"spam score"))
    moderator.screenshot(path=str(tmp_path / "spam-folder.png"), full_page=True)

    genuine = items.filter(has_text="Every month of delay")
    genuine.get_by_role("button", name="Not spam").click()
    expect(moderator).to_have_url(f"{site_url}/moderation/spam/")
    expect(moderator.locator(".messages")).to_contain_text(
        f"You marked as not spam comment #{mistaken.number}."
    )
    expect(moderator.locator(".queue-item")).to_have_count(1)

    visitor = fresh_page()
    visitor.goto(f"{site_url}{address}")
    shown = visitor.locator(f"article#comment-{mistaken.pk}")
    expect(shown.locator(".comment__subject")).to_have_text("The delay costs money")
    expect(visitor.get_by_text("Morgan Davies")).to_have_count(0)
    print("screenshots in", tmp_path)
