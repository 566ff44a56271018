"""The Scoop reader turns a Scoop database (built in the local MariaDB) into records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from broadsheet.interop.records import (
    CommentStatus,
    ImportedComment,
    ImportedPost,
    ImportedRedirect,
    ImportedSection,
    ImportedTag,
    ImportedUser,
    ImportFileError,
    ImportSummary,
    PostStatus,
    Record,
)
from broadsheet.interop.scoop import (
    ScoopSettings,
    decode_stored_text,
    read_scoop,
    server_time_zone,
)

STORY = "2004/3/12/222115/671"
BOOKS = "2004/3/13/101010/123"
DIARY = "2004/3/14/90000/555"
QUEUED = "2004/3/15/120000/999"
CLOSED = "2004/3/16/120000/111"


@pytest.fixture(scope="module")
def records(scoop_database_url: str) -> list[Record]:
    return list(read_scoop(scoop_database_url))


def _of[T](records: list[Record], kind: type[T]) -> dict[str, T]:
    keyed = [record for record in records if isinstance(record, kind)]
    return {record.key: record for record in keyed}  # type: ignore[attr-defined]


def _comment(records: list[Record], sid: str, cid: int) -> ImportedComment:
    return _of(records, ImportedComment)[f"{sid}/{cid}"]


def test_users_keep_nickname_real_name_email_and_no_password(records: list[Record]) -> None:
    users = _of(records, ImportedUser)
    assert sorted(users) == ["1", "2", "3", "4"]
    rusty = users["1"]
    assert (rusty.username, rusty.display_name, rusty.email) == (
        "rusty",
        "Rusty Foster",
        "rusty@example.org",
    )
    assert rusty.url == "http://www.example.org/"
    assert rusty.joined == datetime(2000, 8, 27, 22, 0, tzinfo=UTC)
    assert "secret" not in repr(users)
    assert users["3"].joined is None  # Scoop's zero date
    # Scoop's mojo and trust level, as it last computed them.
    assert (rusty.reputation, rusty.trusted) == (4.12, True)
    assert (users["2"].reputation, users["2"].trusted) == (4.5, False)
    assert (users["3"].reputation, users["3"].trusted) == (None, True)
    # Authors of published stories join the editors; diarists, submitters and commenters not.
    assert (rusty.is_author, users["2"].is_author, users["3"].is_author) == (True, False, False)


def test_utf8_bytes_and_latin1_text_in_latin1_columns_both_read_right(
    records: list[Record],
) -> None:
    assert _of(records, ImportedUser)["4"].username == "José"
    assert _comment(records, BOOKS, 1).subject == "café"
    assert _comment(records, BOOKS, 2).body == "<P>naïve</P>"


def test_sections_topics_and_the_diary_section(records: list[Record]) -> None:
    sections = _of(records, ImportedSection)
    assert {key: section.name for key, section in sections.items()} == {
        "news": "News",
        "culture": "Culture",
        "Diary": "Diaries",
    }
    # "all" means every topic in Scoop, and diaries have their own section.
    assert {key: tag.name for key, tag in _of(records, ImportedTag).items()} == {
        "scoop": "Scoop",
        "books": "Books",
    }


def test_stories_keep_intro_fold_author_section_topic_and_time(records: list[Record]) -> None:
    post = _of(records, ImportedPost)[STORY]
    assert post.title == "Scoop is installed"
    assert post.intro == "<P>It worked.</P>"
    assert post.body == "<P>Read on below the fold.</P>"
    assert post.author_keys == ("1",)
    assert (post.section_key, post.tag_keys) == ("news", ("scoop",))
    assert post.published == datetime(2004, 3, 12, 22, 21, 15, tzinfo=UTC)
    assert post.status is PostStatus.PUBLISHED
    assert post.comments_open


def test_display_and_comment_status(records: list[Record]) -> None:
    posts = _of(records, ImportedPost)
    section_only = posts[BOOKS]
    assert section_only.status is PostStatus.PUBLISHED
    assert any("only in its section" in note for note in section_only.notes)
    assert not section_only.comments_open  # read-only
    assert posts[QUEUED].status is PostStatus.DRAFT  # submitted, in the queue
    assert posts[CLOSED].status is PostStatus.DRAFT  # never displayed
    assert not posts[CLOSED].comments_open
    assert any("disabled" in note for note in posts[CLOSED].notes)


def test_a_diary_goes_to_the_diary_section_without_the_diary_topic(
    records: list[Record],
) -> None:
    diary = _of(records, ImportedPost)[DIARY]
    assert (diary.section_key, diary.tag_keys, diary.author_keys) == ("Diary", (), ("2",))
    assert diary.status is PostStatus.PUBLISHED
    assert not any("only in its section" in note for note in diary.notes)


def test_comments_keep_threading_subject_author_ip_and_anchor(records: list[Record]) -> None:
    first = _comment(records, STORY, 1)
    assert (first.parent_key, first.author_key, first.subject) == (None, "2", "First!")
    assert first.ip_address == "10.0.0.2"
    assert first.created == datetime(2004, 3, 12, 23, 0, tzinfo=UTC)
    assert first.original_id == "1"
    reply = _comment(records, STORY, 3)
    assert reply.parent_key == f"{STORY}/2"
    assert (reply.author_key, reply.author_name) == (None, "Anonymous Hero")


def test_each_readers_rating_is_kept_on_scoops_scale(records: list[Record]) -> None:
    # Scoop showed "(4.50 / 2)" for this comment.
    ratings = _comment(records, STORY, 1).ratings
    assert sorted(ratings) == [("1", 5), ("3", 4)]
    assert sum(value for _, value in ratings) / len(ratings) == 4.5
    # A trusted reader's 0 stays the hide rating; a rater no longer among the users is left.
    assert _comment(records, STORY, 4).ratings == (("3", 0),)
    assert _comment(records, BOOKS, 2).ratings == (("2", 3),)


def test_hidden_and_editorial_comments(records: list[Record]) -> None:
    assert _comment(records, STORY, 4).status is CommentStatus.HIDDEN
    assert _comment(records, STORY, 5).status is CommentStatus.HELD
    assert _comment(records, STORY, 1).status is CommentStatus.VISIBLE


def test_comments_on_polls_and_replies_to_lost_comments_are_passed_over_and_reported(
    scoop_database_url: str,
) -> None:
    report = ImportSummary()
    records = list(read_scoop(scoop_database_url, report=report))
    assert not [c for c in _of(records, ImportedComment).values() if "967438565" in c.key]
    assert report.skipped == [
        (
            f"2 comments on Scoop story {DIARY}",
            "replies to comments gone from the database, which Scoop never showed",
        ),
        (
            "1 comment on Scoop item 967438565_opsmxIVg",
            "no story has this sid (a poll's discussion, or a story deleted since)",
        ),
    ]
    assert f"{DIARY}/3" not in _of(records, ImportedComment)
    assert f"{DIARY}/1" in _of(records, ImportedComment)
    # Scoop's default scale is Broadsheet's: the only note is the clock's zone.
    assert report.notes == [
        "Scoop's times were read in the time zone UTC (its time_zone site control: GMT)."
    ]


def test_the_site_controls_time_zone_names_the_servers_clock() -> None:
    assert str(server_time_zone("EST")) == "America/New_York"
    assert str(server_time_zone("Europe/Berlin")) == "Europe/Berlin"
    assert server_time_zone("XYZ") is UTC
    assert server_time_zone("") is UTC


def test_every_key_comes_before_what_names_it_and_a_storys_comments_together(
    records: list[Record],
) -> None:
    seen: set[tuple[str, str]] = set()
    comment_runs: list[str] = []
    for record in records:
        match record:
            case ImportedUser(key=key):
                seen.add(("user", key))
            case ImportedSection(key=key):
                seen.add(("section", key))
            case ImportedTag(key=key):
                seen.add(("tag", key))
            case ImportedPost():
                assert all(("user", key) in seen for key in record.author_keys)
                assert record.section_key is None or ("section", record.section_key) in seen
                assert all(("tag", key) in seen for key in record.tag_keys)
                seen.add(("post", record.key))
            case ImportedComment():
                assert ("post", record.post_key) in seen
                assert record.author_key is None or ("user", record.author_key) in seen
                assert all(("user", rater) in seen for rater, _ in record.ratings)
                if not comment_runs or comment_runs[-1] != record.post_key:
                    comment_runs.append(record.post_key)
            case ImportedRedirect():
                for kind, key in (
                    ("post", record.post_key),
                    ("section", record.section_key),
                    ("user", record.user_key),
                ):
                    assert key is None or (kind, key) in seen
    assert len(comment_runs) == len(set(comment_runs)) == 3


def test_old_scoop_addresses_redirect(records: list[Record]) -> None:
    redirects = {r.old: r for r in records if isinstance(r, ImportedRedirect)}
    assert redirects[f"/story/{STORY}"].post_key == STORY
    assert redirects[f"/comments/{STORY}"].post_key == STORY
    assert redirects[f"/comments/{STORY}/3"].post_key == STORY
    assert redirects[f"/comments/{STORY}/3"].target == "#comment-3"
    assert redirects[f"/?op=displaystory;sid={STORY}"].post_key == STORY
    assert redirects["/section/culture"].section_key == "culture"
    assert redirects["/user/Ada%20Reader"].user_key == "2"
    assert redirects["/user/Jos%C3%A9"].user_key == "4"
    assert redirects["/user/uid:2"].user_key == "2"


def test_the_servers_time_zone_is_applied(scoop_database_url: str) -> None:
    posts = _of(
        list(read_scoop(scoop_database_url, time_zone=ZoneInfo("America/New_York"))), ImportedPost
    )
    assert posts[STORY].published == datetime(2004, 3, 13, 3, 21, 15, tzinfo=UTC)


def test_another_rating_scale_is_spread_over_one_to_five() -> None:
    three_point = ScoopSettings.from_vars({"rating_min": "1", "rating_max": "3"})
    assert [three_point.broadsheet_rating(value) for value in (0, 1, 2, 3)] == [0, 1, 3, 5]
    assert three_point.scale_note()
    default = ScoopSettings.from_vars({})
    assert [default.broadsheet_rating(value) for value in (0, 1, 3, 5, 9)] == [0, 1, 3, 5, 5]
    assert default.scale_note() == ""
    assert three_point.broadsheet_mojo("2.5") == 4.0
    assert default.broadsheet_mojo("3.75") == 3.75
    assert default.broadsheet_mojo("") is None


def test_stored_text_is_decoded_as_utf8_else_windows_1252() -> None:
    assert decode_stored_text("café".encode()) == "café"
    assert decode_stored_text(b"caf\xe9 \x93quoted\x94") == "café “quoted”"
    assert decode_stored_text(b"\x81") == "\x81"  # undefined in cp1252, as MySQL reads it
    assert decode_stored_text(None) == ""


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(ImportFileError, match=r"cannot reach a MySQL server at 127\.0\.0\.1:1"):
        list(read_scoop("mysql://root@127.0.0.1:1/scoop"))


def test_wrong_credentials_are_a_clear_error(scoop_database_url: str) -> None:
    wrong = scoop_database_url.replace("mysql://root@", "mysql://nobody:wrong@")
    with pytest.raises(ImportFileError, match="wrong user name or password") as caught:
        list(read_scoop(wrong))
    assert "wrong@" not in str(caught.value)


def test_a_database_that_is_not_scoop_is_refused(mysql_database: Callable[..., str]) -> None:
    url = mysql_database("not_scoop.sql")
    with pytest.raises(ImportFileError, match=r"not a Scoop database.*`stories`, `comments`"):
        list(read_scoop(url))


def test_an_address_that_is_not_mysql_is_refused() -> None:
    with pytest.raises(ImportFileError, match="not a MySQL address"):
        list(read_scoop("postgres://localhost/scoop"))
    with pytest.raises(ImportFileError, match="names no database"):
        list(read_scoop("mysql://root:secret@localhost/"))


def test_the_archive_database_is_read_with_the_sites(
    scoop_database_url: str, mysql_database: Callable[..., str]
) -> None:
    archive_url = mysql_database("scoop_schema.sql", "scoop_archive_rows.sql")
    records = list(read_scoop(scoop_database_url, archive_url=archive_url))
    posts = _of(records, ImportedPost)
    assert posts["2001/1/1/120000/100"].title == "An archived story"
    assert _comment(records, "2001/1/1/120000/100", 2).parent_key == "2001/1/1/120000/100/1"
    assert _comment(records, "2001/1/1/120000/100", 1).ratings == (("3", 5),)
    # What both hold comes once.
    assert [r.key for r in records if isinstance(r, ImportedPost)].count(STORY) == 1
    assert [r.key for r in records if isinstance(r, ImportedComment)].count(f"{STORY}/1") == 1
    assert len(_of(records, ImportedComment)) == 10
    # trusty wrote only the archived story: an author all the same.
    assert _of(records, ImportedUser)["3"].is_author


def test_an_archive_that_is_not_scoop_is_refused(
    scoop_database_url: str, mysql_database: Callable[..., str]
) -> None:
    with pytest.raises(ImportFileError, match="not a Scoop database"):
        list(read_scoop(scoop_database_url, archive_url=mysql_database("not_scoop.sql")))


def test_authors_named_by_nickname_in_older_scoops(mysql_database: Callable[..., str]) -> None:
    url = mysql_database("scoop_schema.sql", "scoop_rows.sql", "scoop_nickname_authors.sql")
    records = list(read_scoop(url))
    posts = _of(records, ImportedPost)
    assert posts["2000/8/27/224648/707"].author_keys == ("3",)
    assert _of(records, ImportedUser)["3"].is_author
    gone = posts["2000/8/28/100000/100"]
    assert gone.author_keys == ()
    assert any("nobody-now" in note for note in gone.notes)


def test_a_database_the_server_lacks_is_a_clear_error(scoop_database_url: str) -> None:
    missing = scoop_database_url.rsplit("/", 1)[0] + "/no_such_scoop_database"
    with pytest.raises(ImportFileError, match="the server has no database 'no_such_scoop_"):
        list(read_scoop(missing))
