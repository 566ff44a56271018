"""Whatever a reader or editor types, the stored HTML cannot run script (hypothesis-driven)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.markup import render_comment_markdown, render_post_markdown

HOSTILE_PIECES = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)", "<iframe src=//evil></iframe>",
    '<div style="background:url(javascript:alert(1))">', "<object data=x>", "<embed src=x>",
    "<style>*{}</style>", '<a href="&#106;avascript:alert(1)">x</a>', "<form action=//evil>",
    "<math><mi xlink:href=javascript:alert(1)>", "<body onload=alert(1)>", "<<script>>",
    "`<script>`", "> <script>x</script>", "<details open ontoggle=alert(1)>", "<!--",
    "<base href=//evil>", "<meta http-equiv=refresh content=0;url=//evil>",
]  # fmt: skip

DANGEROUS_TAGS = {
    "script", "iframe", "object", "embed", "style", "form", "base", "meta", "svg", "math",
    "body", "details", "link", "frame", "input", "button", "textarea",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")


class TagCollector(HTMLParser):
    """The real tags and attributes of a document, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=40)), max_size=8
).map("".join)


def assert_inert(html: str) -> None:
    collector = TagCollector()
    collector.feed(html)
    for tag, attributes in collector.tags:
        assert tag not in DANGEROUS_TAGS, html
        for name, value in attributes:
            assert not name.startswith("on"), html
            if name in {"href", "src"} and value:
                cleaned = "".join(value.split()).lower()
                assert not cleaned.startswith(DANGEROUS_SCHEMES), html


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_reader_comments_are_inert(text):
    assert_inert(render_comment_markdown(text))


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_editor_posts_are_inert(text):
    assert_inert(render_post_markdown(text).html)


@settings(max_examples=100, deadline=None)
@given(hostile_text)
def test_every_link_in_a_comment_says_nofollow_ugc(text):
    html = render_comment_markdown(text + " [link](https://example.org)")
    for anchor in re.findall(r"<a\s[^>]*>", html):
        assert 'rel="nofollow ugc noopener"' in anchor, anchor
