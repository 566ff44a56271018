"""A site exported, emptied and imported again is the same site: the second export is the
first byte for byte, the pages show what they showed, and a file that cannot be imported
leaves the site exactly as it was.

"A fresh empty database" is the test's own database, emptied inside the test's transaction
in the order the foreign keys need (`empty_the_site`).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.accounts.models import ApiToken, User
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings, Rating
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.guard.models import Ban
from broadsheet.interop.models import ImportedObject, Redirect
from broadsheet.interop.site_format import SETTINGS, SETTINGS_FIELDS, TABLES
from broadsheet.interop.site_json import (
    SiteFileError,
    SiteNotEmpty,
    export_site,
    import_site,
    site_content,
)
from broadsheet.interop.streamed_json import MalformedJson
from broadsheet.moderation import services as moderation
from broadsheet.moderation.models import Flag, ModerationAction
from broadsheet.page_versions import site_token
from broadsheet.publishing.models import Post, PostStatus, SiteSettings
from broadsheet.publishing.tests.factories import make_post, make_section, make_tag
from broadsheet.screening.models import ScreeningSettings, SpamExample

pytestmark = pytest.mark.django_db

EXPORTED_AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)  # both exports of a round trip say it


def export_text() -> str:
    out = io.StringIO()
    export_site(out, exported_at=EXPORTED_AT)
    return out.getvalue()


def empty_the_site() -> None:
    """Delete every row the format carries, the later tables first (they name the earlier
    ones; replies name their parents, which may not go first), put the settings back to
    their defaults, and let the ids start again from 1, as in a new database."""
    Comment.objects.update(parent=None)
    for table in reversed(TABLES):
        table.model._base_manager.all().delete()
    for model in SETTINGS.values():
        model._default_manager.all().delete()
        model.current()
    start_ids_again()
    assert site_content() == {}


def start_ids_again() -> None:
    models = [table.model for table in TABLES]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            tables = [model._meta.db_table for model in models]
            for table in tables:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
        else:  # on empty tables, this makes each sequence give 1 next
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def round_trip() -> tuple[str, str]:
    first = export_text()
    empty_the_site()
    import_site(io.StringIO(first))
    return first, export_text()


def site_rows() -> dict[str, list[Any]]:
    """Every value the format carries, read from the database: the round trip must give
    these back exactly, not only an export that reads the same (a lossy export, of times
    to the second say, would read the same the second time too)."""
    rows: dict[str, list[Any]] = {}
    for table in TABLES:
        names = [field.attname for field in table.model_fields()]
        rows[table.key] = list(table.model._base_manager.order_by("pk").values_list(*names))
        for name in table.many:
            relation = table.model._meta.get_field(name)
            through = relation.remote_field.through
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            pairs = through.objects.values_list(f"{source}_id", f"{target}_id")
            rows[f"{table.key}.{name}"] = sorted(pairs)
    for key, model in SETTINGS.items():  # a row not made yet holds the defaults: so does the file
        row = model.current()
        rows[key] = [getattr(row, name) for name in SETTINGS_FIELDS[key]]
    return rows


def fragments() -> list[tuple[int, str, str]]:
    return list(Comment.objects.order_by("pk").values_list("pk", "fragment_html", "line_html"))


@pytest.fixture
def full_site(editor: User, moderator: User, reader: User, admin_user: User) -> dict[str, Any]:
    """A small site with a row in every table the format carries, and settings changed from
    their defaults: what a site that has run for a while holds."""
    site = SiteSettings.current()
    site.name, site.time_zone, site.tagline = "The Lantern", "Europe/Paris", "Nouvelles « ici »"
    site.save()
    DiscussionSettings.objects.filter(pk=1).update(hide_below_average=1.5, show_ratings=True)
    ScreeningSettings.objects.filter(pk=1).update(held_words="casino\n/v[i1]agra/")
    reader.display_name, reader.bio, reader.preferences = "Rita ✍", "Reads.", {"sort": "new"}
    reader.last_login = timezone.now()
    reader.reputation = 3.75
    reader.save()
    columnists = Group.objects.create(name="columnists")
    columnists.permissions.add(Permission.objects.get(codename="publish_post"))
    editor.groups.add(columnists)
    editor.user_permissions.add(Permission.objects.get(codename="view_flag"))
    ApiToken.objects.create(user=editor)
    banned = make_user("bo_banned")

    section, tag, other_tag = make_section("Justice"), make_tag("jails"), make_tag("courts")
    story = make_post(
        editor,
        "Audit finds gaps",
        body="Below **the fold**.",
        section=section,
        tags=[tag, other_tag],
        authors=[editor, admin_user],
        video_url="https://www.youtube.com/watch?v=aBcD3fGh1jK",
    )
    blog = make_post(editor, "A blog thread", comment_style="blog", hours_ago=30)
    make_post(editor, "Draft", status=PostStatus.DRAFT)
    make_post(
        editor,
        "Later",
        status=PostStatus.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=2),
    )

    first = make_comment(story, reader, "Which facilities were *worst*?", subject="Which?")
    reply = make_comment(
        story, moderator, "Harrow, by far. [Table](https://example.org/t)", parent=first
    )
    make_comment(story, banned, "A third level.", parent=reply)
    spam = make_comment(story, banned, "Cheap watches at https://spam.example/buy now")
    discussion.edit_comment(
        comment=first, editor=reader, subject="Which ones?", body="Which were worst?"
    )
    discussion.rate_comment(comment=reply, rater=reader, value=5)
    discussion.rate_comment(comment=reply, rater=editor, value=4)
    discussion.rate_comment(comment=first, rater=moderator, value=3)
    moderation.flag_comment(comment=spam, reporter=reader, reason="spam", note="a shop")
    moderation.moderate_comment(comment_id=spam.pk, moderator=moderator, action="reject")
    post_comments(
        post=blog,
        comments=[
            NewComment(
                author=None,
                body="From the old blog.",
                anonymous_name="Old Timer",
                anonymous_email="old@example.org",
                author_url="https://old.example.org/",
                created=timezone.now() - timedelta(days=400),
                state=CommentState.HELD,
            ),
            NewComment(author=reader, body="Replying in the old days.", parent_position=0),
        ],
        imported=True,
    )
    ban = moderation.ban_reader(user=banned, moderator=moderator, reason="Selling watches")
    moderation.lift_ban(ban=ban, moderator=moderator, reason="Promised to stop")
    moderation.ban_network(network="203.0.113.0/24", moderator=moderator, reason="A spam farm")
    Redirect.objects.create(
        old_path="/?p=12", new_path=story.get_absolute_url(), source="wordpress"
    )
    ImportedObject.objects.create(source="wordpress", kind="post", key="12", object_id=story.pk)
    SpamExample.objects.create(text="Buy now", is_spam=True, source="import", external_id="r1")
    for table in TABLES:
        assert table.model._base_manager.exists(), f"the site has no {table.key}"
    return {"story": story, "blog": blog}


def test_a_full_site_comes_back_byte_for_byte_and_renders_as_before(full_site):
    rows, before = site_rows(), fragments()
    first, second = round_trip()
    assert second == first
    assert site_rows() == rows
    assert fragments() == before
    document = json.loads(first)
    assert document["format"] == "broadsheet" and document["version"] == 1
    assert document["exported_at"] == "2026-03-01T09:30:00.000000Z"
    assert all(document[table.key] for table in TABLES)


def test_what_the_file_holds_and_what_it_leaves_out(full_site):
    document = json.loads(export_text())
    editor = next(user for user in document["users"] if user["username"] == "ed_editor")
    assert editor["password"] == User.objects.get(username="ed_editor").password != ""
    assert editor["groups"] == ["columnists", "editor"]
    assert editor["user_permissions"] == ["moderation.view_flag"]
    assert "token" not in json.dumps(editor) and "api_token" not in document
    story = next(post for post in document["posts"] if post["title"] == "Audit finds gaps")
    assert len(story["authors"]) == 2 and len(story["tags"]) == 2
    comment = document["comments"][0]
    assert "fragment_html" not in comment and comment["body_html"].startswith("<p>")
    assert comment["created"].endswith("Z")
    assert document["settings"]["site"]["time_zone"] == "Europe/Paris"
    assert [row["id"] for row in document["comments"]] == sorted(
        row["id"] for row in document["comments"]
    )


def test_after_an_import_the_pages_show_the_site_and_no_page_cached_before(
    full_site, client: Client, django_capture_on_commit_callbacks
):
    story = full_site["story"]
    text = export_text()
    assert client.get(story.get_absolute_url()).status_code == 200  # cached now
    token = site_token()
    empty_the_site()
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_site(io.StringIO(text))
    assert site_token() != token
    assert summary.counts["comments"] == Comment.objects.count() == 6
    assert summary.recounted_posts == 0
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Which ones?" in page and "Harrow, by far." in page
    assert Post.objects.get(pk=story.pk).comment_count == 3


def test_new_rows_after_an_import_take_ids_after_the_imported_ones(full_site, reader, moderator):
    story = full_site["story"]
    text = export_text()
    highest_comment = Comment.objects.order_by("-pk").values_list("pk", flat=True).first()
    highest_flag = Flag.objects.order_by("-pk").values_list("pk", flat=True).first()
    empty_the_site()  # ids start again from 1 here, as in a new database
    import_site(io.StringIO(text))
    post = Post.objects.get(pk=story.pk)
    comment = make_comment(post, User.objects.get(pk=reader.pk), "New.")
    assert comment.pk > highest_comment
    assert comment.number == 5  # after the thread's numbers, the rejected spam's included
    flag = moderation.flag_comment(
        comment=comment, reporter=User.objects.get(pk=moderator.pk), reason="other"
    )
    assert flag.pk > highest_flag
    assert make_user("newcomer").pk > max(
        User.objects.exclude(username="newcomer").values_list("pk", flat=True)
    )


def test_counts_the_file_has_wrong_are_counted_again(full_site):
    document = json.loads(export_text())
    for post in document["posts"]:
        post["comment_count"] = 99
    empty_the_site()
    summary = import_site(io.StringIO(json.dumps(document)))
    assert summary.recounted_posts == 4
    assert Post.objects.get(pk=full_site["story"].pk).comment_count == 3


def test_spam_examples_in_the_file_queue_a_retraining(
    full_site, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    text = export_text()
    empty_the_site()
    with django_capture_on_commit_callbacks(execute=True):
        import_site(io.StringIO(text))
    assert DBTaskResult.objects.filter(task_path__endswith="retrain_spam_model").exists()


# Refusals: each leaves the site as it was.


def snapshot() -> str:
    return export_text()


def test_a_site_with_content_is_not_overwritten(full_site):
    before = snapshot()
    with pytest.raises(SiteNotEmpty) as error:
        import_site(io.StringIO(before))
    assert "not empty" in error.value.message and "posts" in error.value.message
    assert snapshot() == before


@pytest.fixture
def exported(full_site) -> dict[str, Any]:
    """The full site's file as parsed JSON, and the site emptied to take it back."""
    document = json.loads(export_text())
    empty_the_site()
    return document


def refused(document: dict[str, Any] | str) -> str:
    text = document if isinstance(document, str) else json.dumps(document)
    settings_before = SiteSettings.current().name
    with pytest.raises((SiteFileError, MalformedJson)) as error:
        import_site(io.StringIO(text))
    assert site_content() == {}
    assert SiteSettings.current().name == settings_before
    return error.value.message


def test_an_unknown_version_is_refused_by_number(exported):
    exported["version"] = 2
    assert refused(exported) == "Unknown version 2: this Broadsheet reads version 1."


def test_a_file_of_another_format_is_refused(exported):
    exported["format"] = "wordpress"
    assert "not a Broadsheet export" in refused(exported)
    assert "not a Broadsheet export" in refused('{"posts": []}')
    assert "not a Broadsheet export" in refused("{}")


def test_a_reply_to_a_comment_that_is_not_there_is_refused_with_its_path(exported):
    last = len(exported["comments"]) - 1
    exported["comments"][last]["parent"] = 99999
    assert refused(exported).startswith(f"comments[{last}].parent: comment 99999 does not exist")


def test_a_rating_of_a_missing_rater_is_refused_with_its_path(exported):
    exported["ratings"][1]["rater"] = 424242
    assert refused(exported).startswith("ratings[1].rater: user 424242 does not exist")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d["posts"][0].update(status="gone"), "posts[0].status: 'gone' is not one of"),
        (lambda d: d["posts"][0].pop("slug"), "posts[0]: lacks slug"),
        (lambda d: d["users"][0].update(karma=3), 'users[0]: has "karma", which version 1'),
        (
            lambda d: d["users"][0].update(is_staff="yes"),
            "users[0].is_staff: expected true or false",
        ),
        (
            lambda d: d["comments"][0].update(created="yesterday"),
            "comments[0].created: 'yesterday'",
        ),
        (lambda d: d["comments"][0].update(created="2026-01-01T10:00:00"), "has no time zone"),
        (lambda d: d["comments"][0].update(subject="a\x00b"), "comments[0].subject: holds a NUL"),
        (lambda d: d["comments"][1].update(depth=5), "comments[1].depth: 5, but the comment it"),
        (
            lambda d: d["users"][1].update(id=d["users"][0]["id"]),
            "users[1].id: another user has id",
        ),
        (
            lambda d: d["settings"]["site"].update(time_zone="Mars/Olympus"),
            "settings.site.time_zone",
        ),
        (
            lambda d: d["users"][0].update(groups=["wizards"]),
            'users[0].groups[0]: there is no group "wizards"',
        ),
        (lambda d: d.pop("imported_objects"), 'The file ends before its member "imported_objects"'),
        (lambda d: d.pop("redirects"), 'imported_objects: "redirects" must come before it'),
        (lambda d: d.update(posts=d.pop("posts")), 'threads: "posts" must come before it'),
    ],
)
def test_wrong_values_are_refused_naming_where_they_are(exported, change, says):
    change(exported)
    assert says in refused(exported)


def test_a_harmful_link_is_refused_but_what_the_site_held_is_not(exported):
    exported["users"][0]["email"] = "not an address"  # held from an old import, say
    exported["users"][0]["username"] = "Old Timer"
    exported["comments"][0]["author_url"] = "javascript:alert(1)"
    assert refused(exported).startswith("comments[0].author_url: Enter a valid URL")
    exported["comments"][0]["author_url"] = ""
    import_site(io.StringIO(json.dumps(exported)))
    assert User.objects.filter(username="Old Timer", email="not an address").exists()


def test_database_rules_the_file_breaks_are_refused_too(exported):
    exported["users"][1]["username"] = exported["users"][0]["username"].upper()
    assert "users[0] to users[" in refused(exported)


def test_malformed_json_is_refused_with_its_line_and_column(exported):
    text = export_text_of(exported)
    broken = text.replace('"comments":[\n{', '"comments":[\n{,', 1)
    line = broken[: broken.index("{,")].count("\n") + 1
    assert f"line {line}, column 2" in refused(broken)


def export_text_of(document: dict[str, Any]) -> str:
    """The document as the exporter lays it out: one row per line."""
    lines = [
        "{"
        + ",".join(f"{json.dumps(key)}:{json.dumps(document[key])}" for key in list(document)[:5])
        + ","
    ]
    for key in list(document)[5:]:
        rows = ",\n".join(json.dumps(row) for row in document[key])
        lines.append(f"{json.dumps(key)}:[\n{rows}\n],")
    return "\n".join(lines).rstrip(",") + "}\n"


def test_an_empty_file_is_refused():
    assert "Expecting a JSON object" in refused("")


# Generated sites

PASSWORD_HASH = "pbkdf2_sha256$1000000$salt$hash="  # what the file carries; nobody logs in
words = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() != "")
times = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


@st.composite
def generated_sites(draw: st.DrawFn) -> dict[str, Any]:
    users = draw(st.integers(1, 4))
    posts = draw(
        st.lists(st.tuples(words, st.sampled_from(["", "scoop", "blog"])), min_size=1, max_size=3)
    )
    comments = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(posts) - 1),  # post
                st.integers(0, 30),  # parent: an earlier comment of the post, when there is one
                st.integers(-1, users - 1),  # author; -1: anonymous
                words,  # body
                st.sampled_from(list(CommentState)),
                times,
                st.lists(st.tuples(st.integers(0, users - 1), st.integers(0, 5)), max_size=3),
            ),
            max_size=12,
        )
    )
    return {
        "users": [
            (
                draw(words),
                draw(st.none() | st.floats(-10, 10)),
                draw(st.dictionaries(words, st.integers() | words, max_size=2)),
            )
            for _ in range(users)
        ],
        "posts": posts,
        "comments": comments,
        "flags": draw(
            st.lists(
                st.tuples(
                    st.integers(0, 30),
                    st.integers(0, users - 1),
                    st.sampled_from(list(Flag.Reason)),
                ),
                max_size=3,
            )
        ),
        "bans": draw(
            st.lists(st.tuples(st.integers(-1, users - 1), st.none() | times, words), max_size=2)
        ),
        "log": draw(
            st.lists(
                st.tuples(st.sampled_from(list(ModerationAction.Kind)), words, times), max_size=3
            )
        ),
        "redirects": draw(st.lists(words, max_size=3, unique=True)),
    }


def build_site(plan: dict[str, Any]) -> None:
    users = [
        User.objects.create(
            username=f"user{index}",
            password=PASSWORD_HASH,
            email=f"user{index}@example.org",
            display_name=name[:80],
            reputation=reputation,
            preferences=preferences,
        )
        for index, (name, reputation, preferences) in enumerate(plan["users"])
    ]
    editor = users[0]
    posts = []
    for index, (title, style) in enumerate(plan["posts"]):
        post = Post.objects.create(
            title=title[:200],
            slug=f"post-{index}",
            intro=title,
            intro_html=f"<p>{title}</p>",
            status=PostStatus.PUBLISHED,
            publish_at=timezone.now(),
            comment_style=style,
        )
        post.authors.set([editor])
        posts.append(post)
    by_post: dict[int, list[int]] = {index: [] for index in range(len(posts))}
    made: list[Comment] = []
    for post_index, parent, author, body, state, created, ratings in plan["comments"]:
        earlier = by_post[post_index]
        raters = {users[rater].pk: value for rater, value in ratings}
        (comment,) = post_comments(
            post=posts[post_index],
            comments=[
                NewComment(
                    author=users[author] if author >= 0 else None,
                    body=body,
                    anonymous_name=body[:20],
                    parent_id=made[earlier[parent % len(earlier)]].pk
                    if earlier and parent % 2
                    else None,
                    created=created,
                    state=state,
                    ratings=tuple(raters.items()),
                )
            ],
            imported=True,
        )
        earlier.append(len(made))
        made.append(comment)
    for comment_index, reporter, reason in plan["flags"]:
        if made:
            Flag.objects.get_or_create(
                comment=made[comment_index % len(made)],
                reporter=users[reporter],
                defaults={"reason": reason},
            )
    for user, until, reason in plan["bans"]:
        Ban.objects.create(
            user=users[user] if user >= 0 else None,
            network="" if user >= 0 else "2001:db8::/32",
            until=until,
            reason=reason,
            created_by=users[0],
        )
    for action, label, created in plan["log"]:
        entry = ModerationAction.objects.create(
            moderator=users[0],
            action=action,
            target_type="comment",
            target_id="1",
            target_label=label,
        )
        ModerationAction.objects.filter(pk=entry.pk).update(created=created)
    for index, old in enumerate(plan["redirects"]):
        Redirect.objects.create(old_path=f"/{old}"[:500], new_path=f"/posts/post-{index}/")
    Rating.objects.filter(comment__in=made).update(created=timezone.now())


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=generated_sites())
def test_generated_sites_come_back_byte_for_byte(db, plan):
    empty_the_site()
    build_site(plan)
    rows, before = site_rows(), fragments()
    first, second = round_trip()
    assert second == first
    assert site_rows() == rows
    assert fragments() == before
    empty_the_site()
