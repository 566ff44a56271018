"""The Disqus reader turns an export into thread links and comments, without the site."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.interop.disqus import read_disqus, read_thread_map
from broadsheet.interop.records import (
    CommentStatus,
    ImportedComment,
    ImportedPostLink,
    ImportFileError,
    ImportSummary,
    Record,
)
from broadsheet.interop.thread_matching import address_parts

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "disqus_export.xml"


class FakeSite:
    """Posts 1 (/posts/first-post/), 2 (behind an old WordPress address) and 3 (WordPress
    post 123), found the way the site would find them."""

    addresses = {"/posts/first-post": 1, "/2014/05/06/second": 2, "/posts/mapped": 4}
    slugs = {"mapped": 4}

    def post_for_address(self, address: str) -> int | None:
        return self.addresses.get(address_parts(address)[0].rstrip("/"))

    def post_for_identifier(self, identifier: str) -> int | None:
        return 3 if identifier.split(" ")[0] == "123" else None

    def post_for_target(self, target: str) -> int | None:
        return self.slugs.get(target) or self.post_for_address(target)


def _read(
    source: Path | io.BytesIO = EXPORT, mapping: dict[str, str] | None = None
) -> tuple[list[Record], list[tuple[str, str]]]:
    report = ImportSummary()
    records = list(read_disqus(source, mapping=mapping, matcher=FakeSite(), report=report))
    return records, report.skipped


def _comments(records: list[Record]) -> dict[str, ImportedComment]:
    return {r.key: r for r in records if isinstance(r, ImportedComment)}


def test_threads_match_by_link_old_address_and_identifier() -> None:
    records, _ = _read()
    links = {r.key: r.post_id for r in records if isinstance(r, ImportedPostLink)}
    assert links == {"200": 1, "201": 2, "202": 3}


def test_unmatched_threads_with_comments_are_reported_with_their_link() -> None:
    records, skipped = _read()
    assert "310" not in _comments(records)
    assert len(skipped) == 1
    what, why = skipped[0]
    assert "203" in what and "http://old.example.org/lost-page/" in what
    assert "1 comment" in why and "--map" in why


def test_the_map_attaches_a_thread_by_link_or_id() -> None:
    for key in ("http://old.example.org/lost-page/", "203"):
        records, skipped = _read(mapping={key: "mapped"})
        links = {r.key: r.post_id for r in records if isinstance(r, ImportedPostLink)}
        assert links["203"] == 4
        assert _comments(records)["310"].post_key == "203"
        assert skipped == []


def test_a_map_to_no_post_is_an_error() -> None:
    with pytest.raises(ImportFileError, match="no post here"):
        _read(mapping={"203": "nowhere-at-all"})


def test_comments_keep_parents_authors_dates_and_flags() -> None:
    comments = _comments(_read()[0])
    first, reply, deeper = comments["300"], comments["301"], comments["302"]
    assert (first.post_key, first.parent_key) == ("200", None)
    assert (reply.parent_key, deeper.parent_key) == ("300", "301")
    assert (first.author_name, first.author_email, first.ip_address) == (
        "Ann",
        "ann@example.org",
        "198.51.100.7",
    )
    assert first.created == datetime(2015, 1, 1, 11, 0, tzinfo=UTC)
    assert deeper.created == datetime(2015, 1, 1, 13, 0, tzinfo=UTC)  # no zone: UTC
    assert first.body.startswith("<p>First comment, with <b>bold</b>")
    assert first.original_id == "300"
    assert comments["320"].status is CommentStatus.SPAM
    assert comments["321"].status is CommentStatus.DELETED
    assert comments["321"].body  # exported empty, kept with a placeholder
    assert comments["330"].author_name == "Zoë"


def test_links_come_first_and_each_threads_comments_together() -> None:
    records, _ = _read()
    kinds = [type(r).__name__ for r in records]
    assert kinds.index("ImportedComment") > max(
        i for i, kind in enumerate(kinds) if kind == "ImportedPostLink"
    )
    threads = [r.post_key for r in records if isinstance(r, ImportedComment)]
    runs = [key for i, key in enumerate(threads) if i == 0 or threads[i - 1] != key]
    assert sorted(runs) == sorted(set(runs)) == ["200", "201", "202"]


def test_a_reply_whose_parent_is_missing_names_the_line() -> None:
    with pytest.raises(ImportFileError, match=r"line 7.*post 301 replies to post 299"):
        _read(FIXTURES / "disqus_missing_parent.xml")


def test_xml_broken_midway_names_the_line_and_element() -> None:
    with pytest.raises(ImportFileError, match=r"line 13.*not well-formed XML") as caught:
        _read(FIXTURES / "disqus_broken.xml")
    assert caught.value.line == 13


def test_entities_and_document_types_are_refused() -> None:
    with pytest.raises(ImportFileError, match="document type declaration"):
        _read(FIXTURES / "disqus_entities.xml")


def test_a_file_that_is_not_disqus_is_refused() -> None:
    with pytest.raises(ImportFileError, match="not a Disqus export"):
        _read(io.BytesIO(b"<?xml version='1.0'?><rss><channel/></rss>"))


def test_a_post_on_a_thread_the_file_lacks_is_an_error() -> None:
    xml = (
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        b'<post dsq:id="1"><message>x</message><thread dsq:id="9"/></post></disqus>'
    )
    with pytest.raises(ImportFileError, match=r"line 2.*post 1 belongs to thread 9"):
        _read(io.BytesIO(xml))


def test_threads_written_after_their_posts_are_found() -> None:
    xml = (
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        b'<post dsq:id="1"><message>x</message><thread dsq:id="200"/></post>'
        b'<thread dsq:id="200"><link>https://example.org/posts/first-post/</link></thread>'
        b"</disqus>"
    )
    records, _ = _read(io.BytesIO(xml))
    assert [type(r).__name__ for r in records] == ["ImportedPostLink", "ImportedComment"]


def test_the_map_file_is_read_with_or_without_a_header(tmp_path: Path) -> None:
    with_header = tmp_path / "map.csv"
    with_header.write_text(
        "disqus link,post\nhttp://old.example.org/lost-page/,mapped\n203,/posts/mapped/\n\n",
        encoding="utf-8",
    )
    assert read_thread_map(with_header) == {
        "http://old.example.org/lost-page/": "mapped",
        "203": "/posts/mapped/",
    }
    bare = tmp_path / "bare.csv"
    bare.write_text("203,mapped\n", encoding="utf-8")
    assert read_thread_map(bare) == {"203": "mapped"}
    broken = tmp_path / "broken.csv"
    broken.write_text("203,mapped\n204\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="line 2"):
        read_thread_map(broken)


def test_an_author_without_a_name_is_anonymous() -> None:
    xml = (
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        b'<thread dsq:id="200"><link>https://example.org/posts/first-post/</link></thread>'
        b'<post dsq:id="1"><message>x</message><author><isAnonymous>true</isAnonymous>'
        b'</author><thread dsq:id="200"/></post></disqus>'
    )
    records, _ = _read(io.BytesIO(xml))
    assert _comments(records)["1"].author_name == "Anonymous"


def test_only_threads_with_comments_are_looked_for() -> None:
    asked: list[str] = []

    class CountingSite(FakeSite):
        def post_for_address(self, address: str) -> int | None:
            asked.append(address)
            return super().post_for_address(address)

    list(read_disqus(EXPORT, matcher=CountingSite()))
    assert "http://old.example.org/quiet/" not in asked  # thread 204 has no comments
    assert "http://old.example.org/lost-page/" in asked
