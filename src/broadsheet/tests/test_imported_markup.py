"""Imported HTML and plain text: paragraphs from blank lines, never Markdown, always sanitized."""

from __future__ import annotations

import pytest

from broadsheet.markup import (
    MarkupFormat,
    paragraphs_from_blank_lines,
    render_comment_text,
    render_post_text,
)


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("A line\nand the next", "<p>A line<br>\nand the next</p>"),
        ("Windows\r\n\r\nline ends", "<p>Windows</p>\n<p>line ends</p>"),
        ("    indented, not code", "<p>indented, not code</p>"),
        ("<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        (
            "Before<blockquote>Quoted</blockquote>After",
            "<p>Before</p>\n<blockquote>Quoted</blockquote>\n<p>After</p>",
        ),
        ("<p>Already a paragraph.</p>", "<p>Already a paragraph.</p>"),
        ("<pre>keep\n\n  this\nas is</pre>", "<pre>keep\n\n  this\nas is</pre>"),
        ("Text <em>with\nemphasis</em>", "<p>Text <em>with<br>\nemphasis</em></p>"),
        ("", ""),
        ("\n \n", ""),
    ],
)  # fmt: skip
def test_paragraphs_come_from_blank_lines_as_on_wordpress(source: str, html: str) -> None:
    assert paragraphs_from_blank_lines(source) == html


def test_imported_html_is_never_read_as_markdown() -> None:
    html = render_post_text("*not emphasis* and 1. not a list\n\n    not code", "html").html
    assert "<em>" not in html and "<ol>" not in html and "<code>" not in html
    assert "*not emphasis*" in html


def test_plain_text_is_escaped_and_keeps_its_lines() -> None:
    html = render_comment_text("<b>not a tag</b>\nsecond line", MarkupFormat.PLAIN)
    assert html == "<p>&lt;b&gt;not a tag&lt;/b&gt;<br>\nsecond line</p>"


def test_imported_html_gets_the_same_allow_lists() -> None:
    post = render_post_text('<h2 style="x">Hi</h2><img src="a.png" onerror="x()">', "html").html
    assert post == '<h2>Hi</h2>\n<p><img src="a.png"></p>'
    comment = render_comment_text('<h2>Hi</h2><a href="https://x.example">x</a>', "html")
    # A heading is not for comments: its words stay, the tag goes.
    assert comment == 'Hi\n<p><a href="https://x.example" rel="nofollow ugc noopener">x</a></p>'


def test_markdown_stays_markdown() -> None:
    assert render_comment_text("*yes*", MarkupFormat.MARKDOWN) == "<p><em>yes</em></p>\n"
