"""Write a big WordPress export (WXR 1.2) for the import benchmark, the same for the same seed.

    python -m bench.wxr_file OUT.xml [--posts 1000] [--comments 200] [--seed 1]

Each post has `--comments` comments of 200 to 800 characters, threaded as readers answer
(most at the top level, some several levels deep), a few held, spam or trashed, with a
pingback now and then; 1,000 posts of 200 comments make about 200 MB, the size the import
must stream within its memory bound. The file is written as it is generated, so writing it
costs no more memory than one comment.
"""

from __future__ import annotations

import argparse
import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

import django

AUTHORS = ("editor", "reporter", "columnist")
SECTIONS = ("news", "sport", "culture", "opinion")


def cdata(text: str) -> str:
    """Text as WordPress writes it: one CDATA section, its own "]]>" split in two."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _channel_head() -> str:
    authors = "".join(
        f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(login)}"
        f"</wp:author_login><wp:author_email>{cdata(login + '@bench.example.org')}"
        f"</wp:author_email><wp:author_display_name>{cdata(login.title())}"
        "</wp:author_display_name></wp:author>\n"
        for n, login in enumerate(AUTHORS, start=1)
    )
    sections = "".join(
        f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{name}"
        f"</wp:category_nicename><wp:category_parent></wp:category_parent>"
        f"<wp:cat_name>{cdata(name.title())}</wp:cat_name></wp:category>\n"
        for n, name in enumerate(SECTIONS, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        "<title>Bench Gazette</title><link>https://bench.example.org</link>\n"
        "<wp:wxr_version>1.2</wp:wxr_version>\n"
        "<wp:base_site_url>https://bench.example.org</wp:base_site_url>\n"
        "<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n"
        f"{authors}{sections}"
    )


def _comment_state(chooser: random.Random) -> tuple[str, str]:
    roll = chooser.random()
    approved = "1" if roll < 0.9 else "0" if roll < 0.95 else "spam" if roll < 0.98 else "trash"
    kind = "pingback" if chooser.random() < 0.01 else "comment"
    return approved, kind


def _comments(chooser: random.Random, first_id: int, count: int, start: datetime) -> Iterator[str]:
    from broadsheet.discussion.sample_threads import sample_body

    ids: list[int] = []
    when = start
    for offset in range(count):
        comment_id = first_id + offset
        # Most comments start a thread; the rest answer a recent one, so threads go deep.
        parent = chooser.choice(ids[-20:]) if ids and chooser.random() < 0.6 else 0
        ids.append(comment_id)
        when += timedelta(seconds=chooser.randint(5, 900))
        approved, kind = _comment_state(chooser)
        reader = f"reader{chooser.randint(1, 5000)}"
        stamp = when.strftime("%Y-%m-%d %H:%M:%S")
        yield (
            f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
            f"<wp:comment_author>{cdata(reader.title())}</wp:comment_author>"
            f"<wp:comment_author_email>{cdata(reader + '@mail.example.net')}"
            "</wp:comment_author_email>"
            "<wp:comment_author_url></wp:comment_author_url>"
            f"<wp:comment_author_IP>{cdata(f'198.51.100.{chooser.randint(1, 254)}')}"
            "</wp:comment_author_IP>"
            f"<wp:comment_date>{cdata(stamp)}</wp:comment_date>"
            f"<wp:comment_date_gmt>{cdata(stamp)}</wp:comment_date_gmt>"
            f"<wp:comment_content>{cdata(sample_body(chooser, 20, 250))}</wp:comment_content>"
            f"<wp:comment_approved>{cdata(approved)}</wp:comment_approved>"
            f"<wp:comment_type>{cdata(kind)}</wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent>"
            "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n"
        )


def write_wxr(out: TextIO, *, posts: int, comments: int, seed: int) -> None:
    from broadsheet.discussion.sample_threads import sample_body

    chooser = random.Random(seed)
    out.write(_channel_head())
    start = datetime(2020, 1, 1, 8, 0, tzinfo=UTC)
    for number in range(1, posts + 1):
        published = start + timedelta(hours=7 * number)
        stamp = published.strftime("%Y-%m-%d %H:%M:%S")
        slug = f"story-{number}"
        section = chooser.choice(SECTIONS)
        body = sample_body(chooser, 800, 3000)
        out.write(
            f"<item><title>{cdata(f'Story number {number}')}</title>"
            f"<link>https://bench.example.org/{published:%Y/%m/%d}/{slug}/</link>"
            f"<dc:creator>{cdata(chooser.choice(AUTHORS))}</dc:creator>"
            f"<content:encoded>{cdata(body.replace(chr(10) * 2, chr(10) * 2 + '<!--more-->', 1))}"
            "</content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
            f"<wp:post_id>{number}</wp:post_id>"
            f"<wp:post_date>{cdata(stamp)}</wp:post_date>"
            f"<wp:post_date_gmt>{cdata(stamp)}</wp:post_date_gmt>"
            "<wp:comment_status>open</wp:comment_status>"
            f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
            "<wp:post_type>post</wp:post_type><wp:is_sticky>0</wp:is_sticky>"
            f'<category domain="category" nicename="{section}">{cdata(section.title())}'
            "</category>\n"
        )
        for comment in _comments(chooser, number * 1_000_000, comments, published):
            out.write(comment)
        out.write("</item>\n")
    out.write("</channel>\n</rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=200, help="comments per post")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    django.setup()
    with args.out.open("w", encoding="utf-8") as out:
        write_wxr(out, posts=args.posts, comments=args.comments, seed=args.seed)
    print(
        f"{args.out}: {args.posts} posts, {args.posts * args.comments} comments, "
        f"{args.out.stat().st_size / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
