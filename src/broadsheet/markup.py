"""Markdown to safe HTML, done once when text is written.

markdown-it-py renders; nh3 (the Rust ammonia sanitizer) keeps only the tags and attributes
listed here. Authors may mix a little HTML into posts (a <cite>, a <figure>); what the
sanitizer drops is reported back so that the editor is told instead of silently losing it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt

POST_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del",
    "ins", "sub", "sup", "mark", "small", "blockquote", "cite", "q", "figure", "figcaption",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "pre", "code", "table", "thead", "tbody",
    "tr", "th", "td", "abbr", "span",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_post_renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_TAG_PATTERN = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ATTRIBUTE_PATTERN = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=|\s|$)")


@dataclass(frozen=True)
class RenderedMarkup:
    html: str
    removed: list[str] = field(default_factory=list)


def _disallowed_html(
    source: str, tags: set[str], attributes: dict[str, set[str]], renderer: MarkdownIt
) -> list[str]:
    """Name the raw HTML tags and attributes in `source` that the sanitizer will drop."""
    found: list[str] = []
    for token in renderer.parse(source):
        pieces = [token, *(token.children or [])]
        for piece in pieces:
            if piece.type not in {"html_block", "html_inline"}:
                continue
            for match in _TAG_PATTERN.finditer(piece.content):
                tag = match.group(1).lower()
                if tag not in tags:
                    label = f"<{tag}>"
                    if label not in found:
                        found.append(label)
                    continue
                for attribute in _ATTRIBUTE_PATTERN.findall(match.group(2)):
                    name = attribute.lower()
                    if name not in attributes.get(tag, set()) and name not in found:
                        found.append(name)
    return found


def render_post_markdown(source: str) -> RenderedMarkup:
    raw_html = _post_renderer.render(source)
    safe_html = nh3.clean(
        raw_html,
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )
    removed = _disallowed_html(source, POST_TAGS, POST_ATTRIBUTES, _post_renderer)
    return RenderedMarkup(html=safe_html, removed=removed)


COMMENT_TAGS = {
    "p", "br", "em", "strong", "del", "a", "blockquote", "ul", "ol", "li", "code", "pre", "sup",
    "sub",
}  # fmt: skip
COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
COMMENT_LINK_REL = "nofollow ugc noopener"
# Readers get a safe subset: no headings, images, tables or rules, which would let one comment
# dress up as the article or pull in third-party images.
_comment_renderer = (
    MarkdownIt("commonmark", {"html": True})
    .enable(["strikethrough"])
    .disable(["heading", "lheading", "image", "hr", "table"], ignoreInvalid=True)
)


def render_comment_markdown(source: str) -> str:
    """A reader's Markdown as sanitized HTML; raw HTML tags are removed, their text kept."""
    return str(
        nh3.clean(
            _comment_renderer.render(source),
            tags=COMMENT_TAGS,
            attributes=COMMENT_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=COMMENT_LINK_REL,
        )
    )


def plain_text(html_fragment: str) -> str:
    """The words of an HTML fragment, without tags and with entities decoded."""
    return html.unescape(nh3.clean(html_fragment, tags=set())).strip()


def first_words(text: str, limit: int) -> str:
    """The start of `text`, cut at a word boundary to at most `limit` characters."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0] if " " in words[: limit - 1] else words[: limit - 1]
    return cut.rstrip(" ,.;:!?") + "…"
