"""run_import: records in, a site out, as if its people had posted everything here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.test import Client

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role, role_of
from broadsheet.discussion.models import Comment, CommentKind, CommentState, Rating
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.interop.models import ImportedObject, Redirect
from broadsheet.interop.records import (
    CommentKind as RecordKind,
)
from broadsheet.interop.records import (
    CommentStatus,
    ImportedComment,
    ImportedPost,
    ImportedPostLink,
    ImportedRedirect,
    ImportedSection,
    ImportedTag,
    ImportedUser,
    ImportFileError,
    PostStatus,
    Record,
    Source,
)
from broadsheet.interop.writer import run_import
from broadsheet.publishing.models import Post, Section, Tag
from broadsheet.publishing.models import PostStatus as LocalStatus
from broadsheet.publishing.tests.factories import make_post

WHEN = datetime(2010, 5, 4, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return WHEN + timedelta(minutes=minutes)


def blog_records() -> list[Record]:
    """A small WordPress-like blog: two people, a nested category, a tag, a post with a
    conversation (arriving children before parents), a pingback, a draft, old links."""
    return [
        ImportedUser(key="1", username="alice", display_name="Alice A.", email="alice@old.example",
                     is_author=True),
        ImportedUser(key="2", username="bob smith", email="bob@old.example"),
        ImportedSection(key="politics", name="Politics", slug="politics"),
        ImportedSection(key="europe", name="Europe", slug="europe", parent_key="politics"),
        ImportedTag(key="elections", name="Elections", slug="elections"),
        ImportedPost(
            key="12",
            title="Hello world",
            slug="hello-world",
            published=WHEN,
            author_keys=("1",),
            intro="First paragraph.\n\n    Indented, not code.\nSame paragraph.",
            body="<p>Below the fold.</p>",
            section_key="europe",
            tag_keys=("elections",),
            sticky=True,
            excerpt="A greeting.",
            old_urls=("/2010/05/hello-world/", "/?p=12"),
        ),
        ImportedComment(key="c3", post_key="12", parent_key="c2", body="Deepest",
                        created=at(30), original_id="103"),
        ImportedComment(key="c1", post_key="12", body="First!", author_key="2",
                        created=at(10), original_id="101", ratings=(("1", 4),)),
        ImportedComment(key="p1", post_key="12", body="Linked from elsewhere",
                        author_name="Other blog", author_url="https://other.example/post",
                        kind=RecordKind.PINGBACK, created=at(5), original_id="104"),
        ImportedComment(key="c2", post_key="12", parent_key="c1", body="A <b>reply</b>",
                        author_name="Carol", author_email="carol@old.example",
                        ip_address="192.0.2.7", created=at(20), original_id="102"),
        ImportedComment(key="c4", post_key="12", body="Buy pills", author_name="Spammer",
                        status=CommentStatus.SPAM, created=at(40), original_id="105"),
        ImportedPost(key="13", title="Unfinished", status=PostStatus.DRAFT, published=None,
                     intro="Not yet."),
        ImportedRedirect(old="/category/politics/europe/", section_key="europe"),
        ImportedRedirect(old="/author/alice/", user_key="1"),  # the same address: none needed
        ImportedRedirect(old="/author/bobsmith/", user_key="2"),
    ]  # fmt: skip


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "publishing", "discussion", "interop", "auth"}
    }


@pytest.mark.django_db
def test_records_become_people_sections_posts_and_a_threaded_discussion() -> None:
    summary = run_import(source=Source.WORDPRESS, records=blog_records())

    assert summary.created == {
        "user": 2, "section": 2, "tag": 1, "post": 2, "comment": 4, "pingback": 1, "redirect": 4,
    }  # fmt: skip
    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob-smith")
    assert not alice.has_usable_password() and not bob.has_usable_password()
    assert role_of(alice) == Role.EDITOR and role_of(bob) == Role.READER
    child = Section.objects.get(slug="europe")
    assert child.name == "Politics / Europe"

    post = Post.objects.get(slug="hello-world")
    assert (post.status, post.publish_at, post.sticky, post.excerpt) == (
        LocalStatus.PUBLISHED, WHEN, True, "A greeting."
    )  # fmt: skip
    assert post.section == child and list(post.tags.all()) == [Tag.objects.get(slug="elections")]
    assert list(post.authors.all()) == [alice]
    # HTML with paragraphs from blank lines, never Markdown: the indented line is no code block.
    assert "<pre>" not in post.intro_html and "<code>" not in post.intro_html
    assert post.intro_html.count("<p>") == 2 and "<br>" in post.intro_html
    assert post.body_html == "<p>Below the fold.</p>"
    assert Post.objects.get(title="Unfinished").status == LocalStatus.DRAFT

    comments = {c.pk: c for c in Comment.objects.filter(post=post)}
    first, reply, deepest = comments[101], comments[102], comments[103]
    # Numbered in the order they were written, parents first, as if posted here.
    assert [(c.number, c.depth) for c in (first, reply, deepest)] == [(1, 0), (2, 1), (3, 2)]
    assert reply.parent_id == first.pk and deepest.parent_id == reply.pk
    assert first.author == bob and reply.author_name == "Carol"
    assert reply.ip_address == "192.0.2.7"
    assert "<strong>" not in reply.body_html and "reply" in reply.body_html
    assert first.rating_count == 1 and Rating.objects.get(comment=first).rater == alice
    assert comments[105].state == CommentState.SPAM
    # The pingback comes after the conversation, kept as what it is.
    assert comments[104].kind == CommentKind.PINGBACK and comments[104].number == 5
    post.refresh_from_db()
    assert post.comment_count == 4  # visible ones
    for comment in comments.values():
        assert f'id="comment-{comment.pk}"' in comment.fragment_html

    assert Redirect.objects.get(old_path="/?p=12").new_path == post.get_absolute_url()
    assert (
        Redirect.objects.get(old_path="/category/politics/europe/").new_path == "/section/europe/"
    )
    assert Redirect.objects.get(old_path="/author/bobsmith/").new_path == "/author/bob-smith/"
    assert not Redirect.objects.filter(old_path="/author/alice/").exists()


@pytest.mark.django_db
def test_importing_again_creates_nothing_and_says_so() -> None:
    run_import(source=Source.WORDPRESS, records=blog_records())
    before = model_counts()

    again = run_import(source=Source.WORDPRESS, records=blog_records())

    assert again.created == {} and again.updated == {}
    assert model_counts() == before
    said = dict((why, what) for what, why in again.skipped)
    assert "already imported, unchanged" in said
    assert ("5 comments", "already imported, unchanged") in again.skipped


@pytest.mark.django_db
def test_a_changed_post_is_updated_in_place() -> None:
    run_import(source=Source.WORDPRESS, records=blog_records())
    changed = [
        ImportedPost(**{**vars(record), "title": "Hello again"})
        if isinstance(record, ImportedPost) and record.key == "12"
        else record
        for record in blog_records()
    ]
    summary = run_import(source=Source.WORDPRESS, records=changed)
    assert summary.updated == {"post": 1}
    assert Post.objects.get(slug="hello-world").title == "Hello again"


@pytest.mark.django_db
def test_an_error_halfway_leaves_every_table_as_it_was() -> None:
    before = model_counts()
    broken = [
        *blog_records(),
        ImportedComment(key="orphan", post_key="12", parent_key="nowhere", body="Lost"),
    ]
    # The orphan arrives after the post's other comments were flushed? No: it is buffered
    # with them only if consecutive; here it follows redirects, so it is a batch of its own.
    with pytest.raises(ImportFileError, match="orphan"):
        run_import(source=Source.WORDPRESS, records=broken)
    assert model_counts() == before


@pytest.mark.django_db
def test_a_parent_missing_from_a_posts_comments_is_a_file_error_naming_the_comment() -> None:
    records = blog_records()
    records.insert(6, ImportedComment(key="c9", post_key="12", parent_key="c99", body="Who?"))
    with pytest.raises(ImportFileError, match="c9"):
        run_import(source=Source.WORDPRESS, records=records)
    assert not Comment.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_returns_the_summary_and_writes_nothing() -> None:
    before = model_counts()
    summary = run_import(source=Source.WORDPRESS, records=blog_records(), dry_run=True)
    assert summary.dry_run and summary.created["comment"] == 4
    assert model_counts() == before


@pytest.mark.django_db
def test_comments_of_a_later_run_reply_to_comments_of_an_earlier_one() -> None:
    run_import(source=Source.WORDPRESS, records=blog_records())
    summary = run_import(
        source=Source.WORDPRESS,
        records=[
            *blog_records(),
            ImportedComment(key="c5", post_key="12", parent_key="c3", body="Late", created=at(90)),
        ],
    )
    assert summary.created == {"comment": 1}
    late = Comment.objects.get(body="Late")
    assert (late.parent_id, late.depth, late.number) == (103, 3, 6)


@pytest.mark.django_db
def test_an_original_id_that_is_taken_becomes_an_anchor_in_the_fragment(editor: User) -> None:
    other = make_post(editor, "Already here")
    taken = post_comments(
        post=other, comments=[NewComment(author=editor, body="x")] * 3, imported=True
    )
    taken_id = taken[0].pk
    records: list[Record] = [
        ImportedPost(key="1", title="Old", intro="Text", published=WHEN),
        ImportedComment(key="a", post_key="1", body="Mine", original_id=str(taken_id)),
        ImportedComment(key="b", post_key="1", body="Free", original_id="900"),
    ]
    run_import(source=Source.WORDPRESS, records=records)
    mine = Comment.objects.get(body="Mine")
    assert mine.pk != taken_id and mine.original_anchor == str(taken_id)
    assert f'id="comment-{taken_id}"' in mine.fragment_html
    assert Comment.objects.filter(pk=900, body="Free").exists()
    # New comments take ids after the ones imported, never one of them.
    later = post_comments(post=other, comments=[NewComment(author=editor, body="y")])
    assert later[0].pk > 900


@pytest.mark.django_db
def test_hostile_html_is_inert() -> None:
    records: list[Record] = [
        ImportedPost(
            key="1",
            title="<script>alert(1)</script>Title",
            intro='<p onclick="steal()">Hi</p><script>alert(2)</script>'
            '<a href="javascript:alert(3)">x</a><img src=x onerror=alert(4)>',
            published=WHEN,
        ),
        ImportedComment(
            key="a",
            post_key="1",
            body='<iframe src="https://evil.example"></iframe><a href="javascript:x()">y</a>'
            "<style>body{display:none}</style>ok",
            author_name='<img src=x onerror="alert(5)">',
            author_url="javascript:alert(6)",
        ),
    ]
    run_import(source=Source.WORDPRESS, records=records)
    post = Post.objects.get()
    for hostile in ("<script", "onclick", "javascript:", "onerror", "<iframe", "<style"):
        assert hostile not in post.intro_html
    fragment = Comment.objects.get().fragment_html
    for hostile in ("<script", "<img", "javascript:", "<iframe", "<style"):
        assert hostile not in fragment  # the name's markup shows as text
    assert Comment.objects.get().author_url == ""


@pytest.mark.django_db
def test_a_linked_post_takes_comments_from_another_source(editor: User) -> None:
    post = make_post(editor, "Written here")
    summary = run_import(
        source=Source.DISQUS,
        records=[
            ImportedPostLink(key="thread-1", post_id=post.pk),
            ImportedComment(key="d2", post_key="thread-1", parent_key="d1", body="Reply",
                            created=at(2)),
            ImportedComment(key="d1", post_key="thread-1", body="Top", created=at(1)),
        ],
    )  # fmt: skip
    assert summary.created == {"comment": 2}
    top, reply = Comment.objects.filter(post=post).order_by("number")
    assert (top.body, reply.body, reply.parent_id) == ("Top", "Reply", top.pk)


@pytest.mark.django_db
def test_an_account_with_the_same_address_is_joined_not_doubled(editor: User) -> None:
    summary = run_import(
        source=Source.WORDPRESS,
        records=[ImportedUser(key="7", username="ed", email=editor.email.upper())],
    )
    assert summary.created == {}
    assert ImportedObject.objects.get(kind="user", key="7").object_id == editor.pk


@pytest.mark.django_db
def test_usernames_that_clash_get_a_suffix(reader: User) -> None:
    run_import(
        source=Source.WORDPRESS,
        records=[ImportedUser(key="7", username=reader.username.upper(), email="x@example.org")],
    )
    assert User.objects.filter(username=f"{reader.username.upper()}-2").exists()


@pytest.mark.django_db
def test_the_writer_answers_the_old_addresses(client: Client) -> None:
    run_import(source=Source.WORDPRESS, records=blog_records())
    post = Post.objects.get(slug="hello-world")
    for old in ("/2010/05/hello-world/", "/2010/05/hello-world", "/?p=12"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())


@pytest.mark.django_db
def test_imported_ratings_give_the_figures_and_the_reputation_the_old_site_showed() -> None:
    from django.utils import timezone

    recently = timezone.now() - timedelta(days=2)
    raters = [ImportedUser(key=f"r{n}", username=f"rater{n}") for n in range(2)]
    run_import(
        source=Source.SCOOP,
        records=[
            ImportedUser(key="w", username="writer"),
            *raters,
            ImportedPost(key="s1", title="Story", intro="Intro", published=recently),
            ImportedComment(key="1", post_key="s1", body="Rated", author_key="w",
                            created=recently, ratings=(("r0", 5), ("r1", 4), ("r0", 4))),
        ],
    )  # fmt: skip
    comment = Comment.objects.get()
    # A reader's last rating stands: r0 changed their 5 to a 4.
    assert (comment.rating_count, comment.rating_average) == (2, 4.0)
    assert "(4.00 / 2)" in comment.fragment_html
    assert User.objects.get(username="writer").reputation is not None


@pytest.mark.django_db
def test_one_person_twice_in_a_file_is_one_account_and_names_stay_unique(reader: User) -> None:
    summary = run_import(
        source=Source.DISQUS,
        records=[
            ImportedUser(key="a", username="sam", email="sam@example.org"),
            ImportedUser(key="b", username="Sam", email="SAM@example.org"),
            ImportedUser(key="c", username="sam", email="other@example.org"),
            ImportedUser(key="d", username=reader.username, email=""),
            ImportedUser(key="e", username="", display_name="Jo Bloggs"),
        ],
    )
    assert summary.created == {"user": 4}
    ids = dict(ImportedObject.objects.values_list("key", "object_id"))
    assert ids["a"] == ids["b"] != ids["c"]
    names = {User.objects.get(pk=ids[key]).username for key in "acde"}
    assert names == {"sam", "sam-2", f"{reader.username}-2", "Jo-Bloggs"}


@pytest.mark.django_db
def test_sections_and_tags_already_here_are_joined_not_doubled() -> None:
    here = Tag.objects.create(name="Elections", slug="elections")
    summary = run_import(source=Source.WORDPRESS, records=blog_records())
    assert "tag" not in summary.created
    assert ("1 tag", "one of the same name or slug exists here already; the imported posts "
            "join it") in summary.skipped  # fmt: skip
    assert list(Post.objects.get(slug="hello-world").tags.all()) == [here]


@pytest.mark.django_db
def test_text_that_cannot_be_stored_is_a_file_error_naming_the_record() -> None:
    records = [*blog_records(), ImportedPost(key="99", title="Bad\x00title", intro="x")]
    with pytest.raises(ImportFileError, match=r"Post '99'.*NUL"):
        run_import(source=Source.WORDPRESS, records=records)
    assert not Post.objects.exists()
