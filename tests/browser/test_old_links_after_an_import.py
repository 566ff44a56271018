"""A reader follows a link from the old blog to a comment deep in a long imported thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.interop.records import ImportedComment, ImportedPost, Record, Source
from broadsheet.interop.writer import run_import

WHEN = datetime(2010, 5, 4, 12, 0, tzinfo=UTC)


def test_an_old_comment_link_lands_on_the_comment_on_a_later_page(
    page: Page, site_url: str
) -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"overflow_after": 20})
    records: list[Record] = [
        ImportedPost(
            key="12",
            title="Hello world",
            slug="hello-world",
            intro="<p>The first post.</p>",
            published=WHEN,
            old_urls=("/2010/05/hello-world/",),
        )
    ]
    records += [
        ImportedComment(
            key=str(number),
            post_key="12",
            body=f"Old comment {number}",
            author_name=f"Reader {number}",
            created=WHEN + timedelta(minutes=number),
            original_id=str(1000 + number),
        )
        for number in range(60)
    ]
    run_import(source=Source.WORDPRESS, records=records)
    assert Comment.objects.filter(pk=1059, body="Old comment 59").exists()

    # The old address redirects; the browser keeps the fragment; the first page lacks the
    # comment, so the page asks for the one that holds it.
    page.goto(f"{site_url}/2010/05/hello-world/#comment-1059")
    target = page.locator("#comment-1059")
    expect(target).to_contain_text("Old comment 59")
    expect(target).to_be_in_viewport()
    assert "comment=1059" in page.url and page.url.endswith("#comment-1059")
