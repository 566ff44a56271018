"""Markdown (or imported HTML) to safe HTML, done once when text is written.

markdown-it-py renders; nh3 (the Rust ammonia sanitizer) keeps only the tags and attributes
listed here. Authors may mix a little HTML into posts (a <cite>, a <figure>); what the
sanitizer drops is reported back so that the editor is told instead of silently losing it.

Text imported from WordPress, Disqus or Scoop is HTML already, written for a renderer that
makes paragraphs from blank lines (WordPress's wpautop). It never goes through Markdown,
where an indented line would become a code block and a `*` emphasis: it gets paragraphs
from blank lines (`paragraphs_from_blank_lines`), then the same sanitizer and allow-lists.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from itertools import pairwise

import nh3
from django.db import models
from markdown_it import MarkdownIt


class MarkupFormat(models.TextChoices):
    """How a stored text was written: what renders it to HTML."""

    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML (imported; paragraphs from blank lines)"
    PLAIN = "plain", "Plain text (imported; line breaks kept)"


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


def _clean_post_html(raw_html: str) -> str:
    return str(
        nh3.clean(
            raw_html,
            tags=POST_TAGS,
            attributes=POST_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener",
        )
    )


def render_post_markdown(source: str) -> RenderedMarkup:
    safe_html = _clean_post_html(_post_renderer.render(source))
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
    return _clean_comment_html(_comment_renderer.render(source))


def _clean_comment_html(raw_html: str) -> str:
    return str(
        nh3.clean(
            raw_html,
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


# Elements that make their own block: a blank line next to one starts no paragraph, and a
# paragraph is never opened around one (the list WordPress's wpautop keeps, in short).
_BLOCK_TAGS = (
    "address|article|aside|blockquote|caption|col|colgroup|dd|details|div|dl|dt|figcaption|"
    "figure|footer|form|h[1-6]|header|hr|li|nav|ol|p|pre|section|summary|table|tbody|td|"
    "tfoot|th|thead|tr|ul"
)
_BLOCK_OPEN = re.compile(rf"(<(?:{_BLOCK_TAGS})(?=[\s/>]))", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</(?:{_BLOCK_TAGS})\s*>)", re.IGNORECASE)
_STARTS_WITH_BLOCK = re.compile(rf"^</?(?:{_BLOCK_TAGS})(?=[\s/>])", re.IGNORECASE)
_ENDS_WITH_BLOCK = re.compile(rf"</?(?:{_BLOCK_TAGS})(?:\s[^>]*)?/?>$", re.IGNORECASE)
_PRE_ELEMENT = re.compile(r"<pre[\s>].*?</pre\s*>", re.IGNORECASE | re.DOTALL)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_PLACEHOLDER = "\x00{}\x00"  # NUL never reaches here: check_storable refuses it first


def paragraphs_from_blank_lines(source: str) -> str:
    """HTML with a paragraph for each run of text between blank lines, and a <br> for each
    single line break, as WordPress shows posts and comments (its `wpautop`).

    Written here rather than taken from a package: the few Python ports of wpautop are
    unmaintained copies of 500 lines of PHP regular expressions, and what matters for
    imported text is small: paragraphs from blank lines, line breaks kept, nothing opened
    around or inside block elements, <pre> left exactly as written. The sanitizer runs
    afterwards and repairs whatever nesting this leaves odd.
    """
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return "\n\n" + _PLACEHOLDER.format(len(kept) - 1) + "\n\n"

    text = _PRE_ELEMENT.sub(keep, text)
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    pieces: list[str] = []
    for chunk in _BLANK_LINES.split(text):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        if chunk.startswith("\x00"):
            pieces.append(chunk)
        elif _STARTS_WITH_BLOCK.match(chunk.lstrip()):
            pieces.append(_line_breaks(chunk.strip()))
        else:
            pieces.append("<p>" + _line_breaks(chunk.strip()) + "</p>")
    html_text = "\n".join(pieces)
    for index, element in enumerate(kept):
        html_text = html_text.replace(_PLACEHOLDER.format(index), element)
    return html_text


def _line_breaks(chunk: str) -> str:
    """A <br> at each line break that is not next to a block element's tag."""
    lines = chunk.split("\n")
    joined = lines[0]
    for before, line in pairwise(lines):
        after_block = _ENDS_WITH_BLOCK.search(before.rstrip()) is not None
        before_block = _STARTS_WITH_BLOCK.match(line.lstrip()) is not None
        joined += ("\n" if after_block or before_block else "<br>\n") + line
    return joined


def _imported_html(source: str, markup: str) -> str:
    """Imported HTML with paragraphs made, or plain text escaped and given paragraphs."""
    if markup == MarkupFormat.HTML:
        return paragraphs_from_blank_lines(source)
    return paragraphs_from_blank_lines(html.escape(source, quote=False))


def render_post_text(source: str, markup: str) -> RenderedMarkup:
    """A post's intro or extended part as sanitized HTML, from the format it was written in.

    Imported text is not reviewed by an editor here, so nothing is reported as removed."""
    if markup == MarkupFormat.MARKDOWN:
        return render_post_markdown(source)
    return RenderedMarkup(html=_clean_post_html(_imported_html(source, markup)))


def render_comment_text(source: str, markup: str) -> str:
    """A comment's body as sanitized HTML, from the format it was written in."""
    if markup == MarkupFormat.MARKDOWN:
        return render_comment_markdown(source)
    return _clean_comment_html(_imported_html(source, markup))
