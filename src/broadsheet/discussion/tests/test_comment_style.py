"""A site chooses how its comments look: Scoop's (page A) or a blog's (page B), with or
without ratings; stored fragments follow the choice on the next read."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from broadsheet.conftest import make_user
from broadsheet.discussion import services
from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import NotAllowed
from broadsheet.publishing.models import CommentStyle, Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


def use_style(style: CommentStyle = CommentStyle.BLOG, *, ratings: bool = True) -> None:
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"comment_style": style, "show_ratings": ratings}
    )


@pytest.fixture
def post(editor):
    return make_post(editor, "Ceasefire talks resume")


@pytest.fixture
def thread(post, reader, editor):
    """Page B's shape: two top-level responses, the first with two replies, then a third."""
    first = make_comment(post, reader, "The corridor text matters.", subject="Corridor")
    make_comment(post, make_user("amelie"), "Une précision utile.", parent=first)
    make_comment(post, editor, "The date is not set.", parent=first)
    second = make_comment(post, make_user("civic"), "Watch the delegations.")
    services.rate_comment(comment=second, rater=reader, value=4)
    make_comment(post, make_user("sam"), "Clear and careful.")
    return post


def page(client: Client, post: Post, query: str = "") -> str:
    response = client.get(post.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_blog_style_numbers_top_level_responses_and_nests_replies_without_ratings(
    client, thread, reader
):
    use_style()
    client.force_login(make_user("visitor"))
    html = page(client, thread)
    assert "5 Responses" in html
    discussion = html[html.index('<ol class="comments') :]
    assert discussion.startswith('<ol class="comments comments--nested comments--numbered">')
    # Three numbered items at the top level; the replies sit in a nested list under the first.
    top = re.findall(
        r"</ol></li>|<ol class=\"comments__replies\">|<li class=\"comments__item\">", discussion
    )
    assert top[:4] == [
        '<li class="comments__item">',
        '<ol class="comments__replies">',
        '<li class="comments__item">',
        '<li class="comments__item">',
    ]
    assert discussion.count('class="comment comment--blog comment--visible"') == 5
    author = '<a href="/accounts/people/rita_reader/" dir="auto">rita_reader</a>'
    assert f'<h3 class="comment__author">{author}</h3>' in discussion
    assert re.search(
        r'<p class="comment__date"><a href="\?comment=\d+#comment-\d+"><time ', discussion
    )
    for scoop_only in (
        "(none / 0)",
        "(4.00 / 1)",
        "(#1)",
        'class="comment__rating"',
        ">Parent</a>",
    ):
        assert scoop_only not in discussion
    assert discussion.count(">Reply</a>") == 5
    assert "Subject" not in html[html.index('id="reply-form"') :]  # no subjects to write


def test_the_blog_style_shows_a_subject_only_when_its_author_wrote_one(client, thread):
    use_style()
    html = page(client, thread)
    assert '<p class="comment__title"><strong>Corridor</strong></p>' in html
    assert "<strong>Watch the delegations.</strong>" not in html  # a subject made of first words


def test_the_scoop_style_is_the_default_and_keeps_page_a_s_elements(client, thread):
    html = page(client, thread)
    assert "comments--numbered" not in html
    assert "(4.00 / 1)" in html
    assert "(#4)" in html
    assert ">Parent</a>" in html


def test_a_later_page_of_blog_responses_goes_on_counting(client, thread):
    use_style()
    DiscussionSettings.objects.filter(pk=1).update(top_level_comments_per_page=2)
    html = page(client, thread, "?page=2")
    assert '<ol class="comments comments--nested comments--numbered" start="3">' in html


def test_changing_the_style_renders_stored_comments_again_on_the_next_read(client, thread):
    before = set(Comment.objects.values_list("fragment_key", flat=True))
    use_style()
    page(client, thread)
    after = set(Comment.objects.values_list("fragment_key", flat=True))
    assert len(before) == len(after) == 1
    assert before != after
    assert all(
        "comment--blog" in html for html in Comment.objects.values_list("fragment_html", flat=True)
    )
    use_style(CommentStyle.SCOOP, ratings=False)
    html = page(client, thread)
    assert "(#1)" in html
    assert "(4.00 / 1)" not in html


def test_without_ratings_no_rating_shows_and_none_can_be_given(client, thread, reader, editor):
    use_style(CommentStyle.SCOOP, ratings=False)
    client.force_login(make_user("visitor"))
    html = page(client, thread)
    assert "(none / 0)" not in html
    assert 'class="rate-form"' not in html
    assert 'value="highest"' not in html
    comment = Comment.objects.get(number=1)
    with pytest.raises(NotAllowed, match="does not use ratings"):
        services.rate_comment(comment=comment, rater=editor, value=5)
    with pytest.raises(NotAllowed):
        services.remove_rating(comment=comment, rater=editor)
    refused = client.post(f"/comments/{comment.pk}/rate/", {"value": "5"})
    assert refused.status_code == 403
    client.force_login(editor)
    api = client.put(
        f"/api/comments/{comment.pk}/rating", {"value": 5}, content_type="application/json"
    )
    assert api.status_code == 403
    assert Comment.objects.get(pk=comment.pk).rating_count == 0
    # A saved order by rating falls back to the oldest first.
    assert 'value="oldest" selected' in page(client, thread, "?sort=highest")


def test_counts_use_thousands_separators(client, post):
    Post.objects.filter(pk=post.pk).update(comment_count=2000)
    assert "2,000 Responses" in page(client, post)


def test_blog_replies_name_whom_they_answer_where_the_nesting_does_not(client, thread):
    use_style()
    flat = page(client, thread, "?display=flat")
    assert ">In reply to rita_reader</a>" in flat
    nested = page(client, thread, "?display=nested")
    assert "In reply to" not in nested


def test_a_reply_form_in_the_blog_style_names_the_author_answered(client, thread, editor):
    use_style()
    first = Comment.objects.get(number=1)
    client.force_login(editor)
    html = page(client, thread, f"?reply={first.pk}")
    assert f'Reply to <a href="#comment-{first.pk}">rita_reader</a>' in html


def test_the_front_pages_counts_use_thousands_separators_too(client, post):
    Post.objects.filter(pk=post.pk).update(comment_count=12345)
    assert "12,345 comments</a>" in client.get("/").content.decode()


def test_a_post_may_choose_the_blog_style_on_a_scoop_site(client, thread, post, editor):
    other = make_post(editor, "County jail audit")
    make_comment(other, make_user("kay"), "A Scoop-style comment.", subject="Gaps")
    Post.objects.filter(pk=thread.pk).update(comment_style=CommentStyle.BLOG)
    blog = page(client, thread)
    assert "comments--numbered" in blog
    assert "(#1)" not in blog
    assert "(4.00 / 1)" not in blog
    scoop = page(client, other)
    assert "(#1)" in scoop
    assert "(none / 0)" in scoop
    comment = Comment.objects.get(post=thread, number=1)
    with pytest.raises(NotAllowed, match="does not use ratings"):
        services.rate_comment(comment=comment, rater=editor, value=5)


def test_a_post_may_choose_the_scoop_style_on_a_blog_site(client, thread):
    use_style()
    Post.objects.filter(pk=thread.pk).update(comment_style=CommentStyle.SCOOP)
    html = page(client, thread)
    assert "(#4)" in html
    assert "(4.00 / 1)" in html


def test_editing_a_blog_comment_asks_for_no_subject_and_keeps_the_authors_own(client, thread):
    use_style()
    corridor, civic = Comment.objects.get(number=1), Comment.objects.get(number=4)
    client.force_login(corridor.author)
    form = client.get(f"/comments/{corridor.pk}/edit/").content.decode()
    assert 'name="subject"' not in form
    assert 'name="body"' in form
    saved = client.post(
        f"/comments/{corridor.pk}/edit/",
        {"body": "The corridor text matters most.", "language": ""},
    )
    assert saved.status_code == 302
    assert Comment.objects.get(pk=corridor.pk).subject == "Corridor"
    client.force_login(civic.author)
    client.post(f"/comments/{civic.pk}/edit/", {"body": "Watch who arrives.", "language": ""})
    assert Comment.objects.get(pk=civic.pk).subject == "Watch who arrives."
