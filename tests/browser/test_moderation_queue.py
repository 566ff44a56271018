"""A moderator works through the queue: a first comment held for approval, a reader's flag,
the keys that act only inside the queue, and Undo before anything is removed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.guard.models import Ban
from broadsheet.guard.ratelimits import DAY, MODERATION, Window
from broadsheet.moderation import services
from broadsheet.moderation.models import ModerationAction
from broadsheet.publishing.models import Post
from broadsheet.screening.models import ScreeningSettings


def test_a_held_first_comment_is_seen_by_everyone_once_a_moderator_approves_it(
    page: Page,
    log_in: Callable[..., None],
    fresh_page: Callable[..., Page],
    site_url: str,
    post: Post,
) -> None:
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    make_user("rosa")
    make_user("mo_moderator", Role.MODERATOR)
    address = post.get_absolute_url()

    log_in(page, "rosa", address)
    form = page.locator("#reply-form")
    form.get_by_label("Subject").fill("The delay costs money")
    form.get_by_label("Comment", exact=True).fill("Every month of delay is real money.")
    form.get_by_role("button", name="Post").click()
    expect(page).to_have_url(re.compile(r"\?comment=\d+#comment-\d+$"))
    comment_id = page.url.rsplit("#comment-", 1)[1]
    own = page.locator(f"article#comment-{comment_id}")
    expect(own.locator(".comment__subject")).to_have_text("The delay costs money")
    expect(own.locator(".comment__notice")).to_contain_text("Awaiting moderation")

    visitor = fresh_page()
    visitor.goto(f"{site_url}{address}")
    expect(visitor.locator("#comments")).to_be_visible()
    expect(visitor.locator(f"#comment-{comment_id}")).to_have_count(0)
    expect(visitor.get_by_text("The delay costs money")).to_have_count(0)
    expect(visitor.locator("#comments-title")).to_have_text("0 Responses")

    moderator = fresh_page()
    log_in(moderator, "mo_moderator", "/")
    queue_link = moderator.get_by_role("navigation", name="Account").get_by_role(
        "link", name=re.compile(r"^Queue")
    )
    expect(queue_link.locator(".badge")).to_have_text("1")
    queue_link.click()
    expect(moderator).to_have_url(f"{site_url}/moderation/queue/")
    item = moderator.locator(f".queue-item[data-comment-id='{comment_id}']")
    expect(item.locator(".queue-item__subject")).to_have_text("The delay costs money")
    expect(item.locator(".queue-item__meta")).to_contain_text("by rosa")
    item.get_by_role("button", name="Approve", exact=True).click()

    _announced(moderator, "Comment #1 approved.")
    expect(item).to_have_count(0)

    visitor.reload()
    shown = visitor.locator(f"article#comment-{comment_id}")
    expect(shown.locator(".comment__subject")).to_have_text("The delay costs money")
    expect(shown.locator(".comment__body")).to_have_text("Every month of delay is real money.")
    expect(shown.locator(".comment__notice")).to_have_count(0)
    expect(visitor.locator("#comments-title")).to_have_text("1 Response")

    # Approved, the comment leaves the queue and its count.
    moderator.goto(f"{site_url}/moderation/queue/")
    expect(moderator.locator(".queue-item")).to_have_count(0)
    expect(moderator.get_by_text("Nothing is waiting.")).to_be_visible()
    expect(queue_link.locator(".badge")).to_have_text("0")


def test_a_flagged_comment_is_approved_from_the_keyboard_and_leaves_the_queue(
    page: Page,
    log_in: Callable[..., None],
    fresh_page: Callable[..., Page],
    site_url: str,
    post: Post,
) -> None:
    comment = discussion.post_comment(
        post=post,
        author=make_user("other_reader"),
        subject="The councillors are crooks",
        body="All of them, every one.",
    )
    make_user("rosa")
    make_user("mo_moderator", Role.MODERATOR)

    log_in(page, "rosa", post.get_absolute_url())
    page.locator(f"article#comment-{comment.pk}").get_by_role("link", name="Flag").click()
    expect(page).to_have_url(f"{site_url}/comments/{comment.pk}/flag/")
    expect(page.get_by_role("heading", name="Flag comment #1")).to_be_visible()
    page.get_by_label("Abuse or harassment").check()
    page.get_by_label("Anything a moderator should know").fill("Names no one")
    page.get_by_role("button", name="Flag", exact=True).click()
    expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    expect(page.locator(".messages")).to_contain_text(
        "Thank you: a moderator will look at this comment."
    )

    moderator = fresh_page()
    log_in(moderator, "mo_moderator", "/moderation/queue/")
    items = moderator.locator(".queue-item")
    expect(items).to_have_count(1)
    item = items.first
    expect(item).to_have_attribute("data-comment-id", str(comment.pk))
    expect(item.locator(".queue-item__reasons")).to_contain_text(
        "flagged: Abuse or harassment (Names no one)"
    )

    moderator.wait_for_load_state("load")  # queue.js (a module) has run: the keys are live
    moderator.get_by_label("Select all").focus()  # the keys act inside the queue only
    moderator.keyboard.press("j")
    expect(item).to_be_focused()
    expect(item).to_have_class(re.compile(r"\bqueue-item--current\b"))
    moderator.keyboard.press("a")

    _announced(moderator, "Comment #1 approved.")
    expect(moderator.locator(".queue-item")).to_have_count(0)
    expect(moderator.get_by_text("Nothing is waiting.")).to_be_focused()


# The queue's keys, Undo and what it says (WCAG 2.1.4, 3.3.4, 4.1.3)

# A fixed fake time for the tests that move the page's clock by hand.
CLOCK_START = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def held(post: Post) -> list[Comment]:
    """Two first comments, held for approval, and a moderator to decide on them."""
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    make_user("mo_moderator", Role.MODERATOR)
    comments = [
        discussion.post_comment(
            post=post, author=make_user(name), subject=subject, body="Held for a first look."
        )
        for name, subject in (("rosa", "Dredging moves the silt"), ("bot7", "Cheap followers"))
    ]
    assert {comment.state for comment in comments} == {CommentState.HELD}
    return comments


def _state(comment: Comment) -> str:
    return Comment.objects.get(pk=comment.pk).state


@pytest.fixture
def open_queue(log_in: Callable[..., None]) -> Callable[..., None]:
    """`open_queue(page, clock=False)`: the moderator's queue, its script loaded; with
    `clock`, the page's time stands still until the test moves it (Playwright's fake clock,
    installed before the page loads)."""

    def as_the_moderator(page: Page, *, clock: bool = False) -> None:
        if clock:
            page.clock.install(time=CLOCK_START)
        log_in(page, "mo_moderator", "/moderation/queue/")
        page.wait_for_load_state("load")
        if clock:
            page.clock.pause_at(CLOCK_START + timedelta(minutes=1))

    return as_the_moderator


def _announced(page: Page, text: str, *, undo: bool = False) -> None:
    """What the queue's live region gives assistive technology: the sentence, and the Undo
    button while the last removal can be taken back."""
    status = page.locator("#queue-status")
    if undo:
        expect(status).to_match_aria_snapshot(
            f'- status:\n  - text: {json.dumps(text)}\n  - button "Undo"'
        )
    else:
        expect(status).to_match_aria_snapshot(f"- status: {json.dumps(text)}")


def _let_the_network_settle(page: Page) -> None:
    """That nothing was sent can only be seen by waiting: a request the page started would
    reach this machine's server, and be reported, well within a second (real time)."""
    page.wait_for_timeout(1_000)


def _into_the_queue(page: Page) -> None:
    page.get_by_label("Select all").focus()


def test_the_keys_do_nothing_while_focus_is_outside_the_queue(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page)
    first = page.locator(f".queue-item[data-comment-id='{held[0].pk}']")

    for place in (page.locator("body"), page.get_by_text("Keyboard shortcuts")):
        place.focus()
        for key in ("j", "x", "a", "d", "s", "?"):
            page.keyboard.press(key)
        expect(first).not_to_be_focused()
        expect(page.locator(".queue-item--pending")).to_have_count(0)
        expect(page.locator("#queue-status [data-status-text]")).to_have_text("")
        expect(page.locator("#queue-help")).not_to_have_attribute("open", "")
    expect(page.locator("input[name=comment]:checked")).to_have_count(0)
    assert [_state(comment) for comment in held] == [CommentState.HELD, CommentState.HELD]

    _into_the_queue(page)
    page.keyboard.press("j")
    expect(first).to_be_focused()
    page.keyboard.press("x")
    expect(first.locator("input[name=comment]")).to_be_checked()


def test_question_mark_in_the_queue_opens_the_help_and_escape_goes_back(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page)
    help_panel = page.locator("#queue-help")
    expect(help_panel.get_by_text("next, previous comment")).to_be_hidden()
    _into_the_queue(page)
    page.keyboard.press("j")
    page.keyboard.press("?")
    expect(help_panel).to_have_attribute("open", "")
    expect(help_panel.get_by_text("Keyboard shortcuts")).to_be_focused()
    expect(help_panel.get_by_text("next, previous comment")).to_be_visible()
    page.keyboard.press("Escape")
    expect(help_panel).not_to_have_attribute("open", "")
    expect(page.locator(f".queue-item[data-comment-id='{held[0].pk}']")).to_be_focused()


def test_a_moderator_turns_the_keys_off_and_they_stay_off(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page)
    first = page.locator(f".queue-item[data-comment-id='{held[0].pk}']")
    help_panel = page.locator("#queue-help")

    # The panel is a disclosure the keyboard reaches: Tab to it, Enter opens it.
    page.get_by_role("link", name="Public log").focus()
    page.keyboard.press("Tab")
    expect(help_panel.get_by_text("Keyboard shortcuts")).to_be_focused()
    page.keyboard.press("Enter")
    switch = help_panel.get_by_label("Use these single-key shortcuts")
    expect(switch).to_be_checked()
    switch.uncheck()
    help_panel.get_by_role("button", name="Save").click()

    _announced(page, "Single-key shortcuts are off in the queue.")
    _into_the_queue(page)
    page.keyboard.press("j")
    expect(first).not_to_be_focused()
    moderator = User.objects.get(username="mo_moderator")
    assert moderator.preferences["queue_shortcuts"] is False

    page.reload()
    page.wait_for_load_state("load")
    expect(
        page.locator("#queue-help").get_by_label("Use these single-key shortcuts")
    ).not_to_be_checked()
    _into_the_queue(page)
    for key in ("j", "d"):
        page.keyboard.press(key)
    expect(first).not_to_be_focused()
    expect(page.locator(".queue-item--pending")).to_have_count(0)

    # On again, from the same switch: the keys work at once, without a reload.
    page.locator("#queue-help summary").click()
    page.get_by_label("Use these single-key shortcuts").check()
    page.get_by_role("button", name="Save").click()
    _announced(page, "Single-key shortcuts are on in the queue.")
    _into_the_queue(page)
    page.keyboard.press("j")
    expect(first).to_be_focused()


def test_undo_within_ten_seconds_keeps_the_comment_and_sends_nothing(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page, clock=True)
    first = page.locator(f".queue-item[data-comment-id='{held[0].pk}']")
    second = page.locator(f".queue-item[data-comment-id='{held[1].pk}']")
    sent: list[str] = []
    page.on(
        "request", lambda request: sent.append(request.url) if request.method == "POST" else None
    )

    _into_the_queue(page)
    page.keyboard.press("j")
    page.keyboard.press("d")

    expect(first).to_contain_text("Comment #1 deleted.")
    expect(first.get_by_role("heading")).to_be_hidden()
    _announced(page, "Comment #1 deleted.", undo=True)
    expect(second).to_be_focused()  # the keys go on with the next comment
    page.clock.run_for(9_000)
    first.get_by_role("button", name="Undo: comment #1 deleted").click()

    expect(first.get_by_role("heading")).to_have_text("Dredging moves the silt")
    expect(first).to_be_focused()
    _announced(page, "Comment #1 restored: nothing was deleted.")
    page.clock.run_for(60_000)
    _let_the_network_settle(page)
    expect(first.get_by_role("heading")).to_be_visible()
    assert sent == []
    assert _state(held[0]) == CommentState.HELD
    assert not ModerationAction.objects.exists()

    # The u key undoes the last removal too, as does the status line's button.
    page.keyboard.press("s")
    _announced(page, "Comment #1 rejected as spam.", undo=True)
    page.keyboard.press("u")
    _announced(page, "Comment #1 restored: nothing was rejected as spam.")
    first.get_by_role("button", name="Delete").click()
    page.locator("#queue-status").get_by_role("button", name="Undo").click()
    expect(first.get_by_role("heading")).to_be_visible()
    page.clock.run_for(60_000)
    _let_the_network_settle(page)
    assert sent == []
    assert _state(held[0]) == CommentState.HELD


def test_a_deletion_is_sent_once_ten_seconds_pass_without_undo(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page, clock=True)
    first = page.locator(f".queue-item[data-comment-id='{held[0].pk}']")

    first.get_by_role("button", name="Delete").click()
    page.clock.run_for(9_900)
    # The page's own delay, 10 s and not less: Undo still works (once sent, it is disabled).
    expect(first.get_by_role("button", name="Undo: comment #1 deleted")).to_be_enabled()
    expect(page.locator("#queue-status").get_by_role("button", name="Undo")).to_be_visible()
    assert _state(held[0]) == CommentState.HELD

    page.clock.run_for(200)
    expect(first).to_have_count(0)
    _announced(page, "Comment #1 deleted.")
    expect(page.locator("[data-queue-count]")).to_have_text("1 comment")
    assert _state(held[0]) == CommentState.DELETED
    assert ModerationAction.objects.get().action == "delete"


def test_selected_comments_are_rejected_together_after_the_undo_time(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page, clock=True)
    page.get_by_label("Select all").check()
    page.get_by_role("button", name="Reject selected as spam").click()

    _announced(page, "2 comments rejected as spam.", undo=True)
    expect(page.locator(".queue-item--pending")).to_have_count(2)
    page.clock.run_for(10_000)
    expect(page.get_by_text("Nothing is waiting. Well done.")).to_be_visible()
    assert [_state(comment) for comment in held] == [CommentState.SPAM, CommentState.SPAM]
    assert ModerationAction.objects.filter(action="reject").count() == 2


def test_leaving_the_page_sends_what_waits_for_its_undo_time(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page, clock=True)
    page.locator(f".queue-item[data-comment-id='{held[1].pk}']").get_by_role(
        "button", name="Reject as spam"
    ).click()
    page.get_by_role("link", name="Public log").click()
    expect(page.get_by_role("heading", name="Moderation log")).to_be_visible()
    # Sent as the page went (a keepalive request), it may land after the next page loads.
    for _ in range(50):
        if _state(held[1]) == CommentState.SPAM:
            break
        page.wait_for_timeout(100)
    assert _state(held[1]) == CommentState.SPAM  # rejected: into the spam folder
    assert ModerationAction.objects.get().action == "reject"


def test_a_refused_removal_comes_back_with_the_servers_reason(
    page: Page, open_queue: Callable[..., None], held: list[Comment], settings: Any
) -> None:
    open_queue(page, clock=True)
    none = (Window(0, DAY),)
    settings.BROADSHEET_RATE_LIMITS = {
        "moderation": replace(MODERATION, per_account=none, per_address=none)
    }
    first = page.locator(f".queue-item[data-comment-id='{held[0].pk}']")
    first.get_by_role("button", name="Delete").click()
    page.clock.run_for(10_000)
    expect(page.locator("#queue-status")).to_contain_text(
        "Comment #1 not deleted: You are moderating too"
    )
    expect(first.get_by_role("heading")).to_have_text("Dredging moves the silt")
    assert _state(held[0]) == CommentState.HELD


def test_a_comment_another_moderator_dealt_with_is_named_in_the_status(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page)
    services.moderate_comment(
        comment_id=held[0].pk, moderator=make_user("other_mod", Role.MODERATOR), action="approve"
    )
    first = page.locator(f".queue-item[data-comment-id='{held[0].pk}']")
    first.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#queue-status")).to_contain_text(
        "Comment #1 was already approved by other_mod"
    )
    expect(first).to_have_count(0)
    expect(page.locator("[data-queue-count]")).to_have_text("1 comment")


def test_a_failed_submit_moves_focus_to_the_error_summary(
    page: Page, open_queue: Callable[..., None], held: list[Comment]
) -> None:
    open_queue(page)
    page.get_by_role("button", name="Delete selected").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select at least one comment first.")
    assert [_state(comment) for comment in held] == [CommentState.HELD, CommentState.HELD]


def test_without_javascript_removing_asks_first_and_errors_are_the_servers(
    log_in: Callable[..., None],
    fresh_page: Callable[..., Page],
    site_url: str,
    held: list[Comment],
) -> None:
    page = fresh_page(java_script_enabled=False)
    log_in(page, "mo_moderator", "/moderation/queue/")

    expect(page.get_by_label("Select all")).to_be_hidden()  # it would need the script
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator(".error-summary")).to_contain_text("Select at least one comment first.")

    page.locator(f".queue-item[data-comment-id='{held[0].pk}']").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_role("heading", name="Delete comment #1?")).to_be_visible()
    expect(page.get_by_text("Dredging moves the silt")).to_be_visible()
    assert _state(held[0]) == CommentState.HELD
    page.get_by_role("link", name="Cancel, back to the queue").click()
    expect(page.locator(".queue-item")).to_have_count(2)

    page.get_by_label("Select comment #1", exact=True).first.check()
    page.get_by_role("button", name="Delete selected").click()
    expect(page.get_by_role("heading", name="Delete comment #1?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(f"{site_url}/moderation/queue/")
    expect(page.locator(".messages")).to_contain_text("You deleted comment #1.")
    assert _state(held[0]) == CommentState.DELETED

    page.locator("#queue-help summary").click()
    page.get_by_label("Use these single-key shortcuts").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Single-key shortcuts are off in the queue.")
    assert User.objects.get(username="mo_moderator").preferences["queue_shortcuts"] is False


def test_a_moderator_bans_an_author_from_the_queue_and_the_reader_is_told_why(
    page: Page,
    open_queue: Callable[..., None],
    log_in: Callable[..., None],
    fresh_page: Callable[..., Page],
    site_url: str,
    post: Post,
    held: list[Comment],
) -> None:
    open_queue(page)
    offer = page.locator(f".queue-item[data-comment-id='{held[1].pk}']")
    _into_the_queue(page)
    for key in ("j", "j", "b"):  # b: the key the help panel lists for a ban
        page.keyboard.press(key)

    # Asked first, on a page of its own that asks the reason: nothing is banned yet.
    expect(page.get_by_role("heading", name="Ban the author of comment #2?")).to_be_visible()
    expect(page.get_by_text("Cheap followers")).to_be_visible()
    reason = page.get_by_label("Reason")
    expect(reason).to_be_focused()
    page.get_by_role("button", name="Ban", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Give the reason for the ban: the reader is told.")
    assert not Ban.objects.exists()

    reason.fill("Selling followers in every comment.")
    page.get_by_label("How long").select_option(label="7 days")
    page.get_by_role("button", name="Ban", exact=True).click()

    expect(page).to_have_url(f"{site_url}/moderation/queue/")
    expect(page.locator(".messages")).to_contain_text(
        re.compile(r"You banned bot7 until \d{4}-\d\d-\d\d; they are told: Selling followers")
    )
    expect(offer).to_be_visible()  # the comment waits for its own decision
    ban = Ban.objects.get()
    assert ban.user is not None and ban.user.username == "bot7"
    assert ban.until is not None

    visitor = fresh_page()
    visitor.goto(f"{site_url}/moderation/log/")
    row = visitor.locator("table.moderation-log tbody tr").first
    expect(row).to_contain_text("banned reader bot7 until")
    expect(row).to_contain_text("Selling followers in every comment.")
    expect(visitor.get_by_text("Cheap followers")).to_have_count(0)

    banned = fresh_page()
    log_in(banned, "bot7", post.get_absolute_url())
    form = banned.locator("#reply-form")
    form.get_by_label("Subject").fill("Still cheap")
    form.get_by_label("Comment", exact=True).fill("Followers for sale.")
    form.get_by_role("button", name="Post").click()
    expect(banned.locator("#comment-errors")).to_contain_text("You cannot post here until")
    expect(banned.locator("#comment-errors")).to_contain_text("Selling followers in every comment.")
    expect(form.get_by_label("Comment", exact=True)).to_have_value("Followers for sale.")
    assert Comment.objects.filter(author__username="bot7").count() == 1
