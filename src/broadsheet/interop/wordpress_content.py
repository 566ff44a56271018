"""WordPress's post and comment text turned into the HTML it showed its readers.

WordPress stores text that its themes finish at display time: the classic editor keeps
paragraphs as blank lines (`wpautop` adds the `<p>`s when the page is shown), the block
editor wraps HTML in `<!-- wp:... -->` comments, `<!--more-->` marks the fold, and
shortcodes (`[embed]`, `[youtube]`, `[caption]`) stand for markup made on the fly. An import
must do that finishing once, here, so that the stored HTML reads as it did there; the writer
then sanitizes it like any other HTML.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from broadsheet.errors import InvalidInput
from broadsheet.publishing.embeds import parse_video_url

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[a-z0-9/_-]+(?:\s+\{.*?\})?\s*/?-->\n?", re.DOTALL)
# An embed block: its opening comment's attributes name the URL; its HTML is the fallback.
_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[a-z0-9_-]+)?\s+(\{.*?\})\s*-->"
    r"(.*?)<!--\s*/wp:(?:core-)?embed(?:/[a-z0-9_-]+)?\s*-->",
    re.DOTALL,
)
_MORE = re.compile(r"<!--more(.*?)?-->", re.DOTALL)
_NOTEASER = re.compile(r"<!--noteaser-->")
_EMBED_SHORTCODE = re.compile(r"\[embed(?:\s[^\]]*)?\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
# Jetpack and WordPress.com: [youtube URL], [youtube=URL&w=320], [vimeo 12345], [vimeo=URL].
_PROVIDER_SHORTCODE = re.compile(
    r"\[(youtube|vimeo)(?:\s*=\s*|\s+)(?:url=)?[\"']?([^\s\]\"']+)[\"']?[^\]]*\](?:\[/\1\])?",
    re.IGNORECASE,
)
# oEmbed: WordPress turns a URL alone on its line into the provider's player.
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
_CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
_CAPTION_ATTR = re.compile(r"caption=\"([^\"]*)\"")
_CAPTION_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.IGNORECASE)
_GALLERY_IDS = re.compile(r"\bids\s*=\s*[\"']?([\d,\s]+)")

# Elements that start a block of their own: `wpautop` puts no <p> around them.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|caption|details|dd|div|dl|dt|fieldset|figcaption|figure|"
    "footer|form|h[1-6]|header|hr|li|main|math|nav|ol|p|pre|section|summary|table|tbody|td|"
    "tfoot|th|thead|tr|ul|style|script|iframe|video|audio|object|embed|noscript|svg|select|"
    "option|map|area|legend|hgroup|menu"
)
_STARTS_WITH_BLOCK = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_ENDS_WITH_BLOCK = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^>]*>\s*$", re.IGNORECASE)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Attachment:
    """A file uploaded to WordPress: it stays where it is, and posts show it from there."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class MediaLibrary:
    """The export's attachments, by id and by the post they were uploaded to."""

    by_id: Mapping[str, Attachment] = field(default_factory=dict)
    by_parent: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def image(self, attachment_id: str) -> str:
        """A figure showing the attachment at its original address, or "" if unknown."""
        attachment = self.by_id.get(attachment_id.strip())
        if attachment is None:
            return ""
        url, alt = html.escape(attachment.url), html.escape(attachment.title)
        return f'<figure><img src="{url}" alt="{alt}"></figure>'


@dataclass
class WordPressText:
    intro: str
    body: str
    video_url: str = ""
    notes: list[str] = field(default_factory=list)


def _video_watch_url(url: str) -> str:
    """The canonical link when `url` names a YouTube or Vimeo video, else ""."""
    try:
        return parse_video_url(html.unescape(url)).watch_url
    except InvalidInput:
        return ""


class _Embeds:
    """Collects the videos a text embeds: the first becomes the post's video, others links."""

    def __init__(self) -> None:
        self.video_url = ""

    def replace(self, url: str, *, block: bool = False) -> str:
        """What stands in the text for an embed of `url`: nothing for the post's video."""
        url = html.unescape(url.strip())
        watch_url = _video_watch_url(url)
        if watch_url and not self.video_url:
            self.video_url = watch_url
            return ""
        shown = html.escape(url)
        link = f'<a href="{shown}">{shown}</a>'
        return f"<p>{link}</p>" if block else link


def _embed_block(match: re.Match[str], embeds: _Embeds) -> str:
    try:
        attributes = json.loads(match.group(1))
    except ValueError:
        attributes = {}
    url = attributes.get("url") if isinstance(attributes, dict) else None
    if not isinstance(url, str) or not url:
        return match.group(2)  # an embed that names nothing: keep its fallback HTML
    return embeds.replace(url, block=True)


def _caption(match: re.Match[str]) -> str:
    attributes, inner = match.group(1), match.group(2)
    media = _CAPTION_MEDIA.match(inner)
    if media is None:
        return inner
    caption = media.group(2).strip()
    if not caption:  # before WordPress 3.4 the caption lived in the attribute
        attribute = _CAPTION_ATTR.search(attributes)
        caption = attribute.group(1) if attribute else ""
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{media.group(1)}{figcaption}</figure>"


def add_paragraphs(text: str) -> str:
    """WordPress's `wpautop`, simplified: blank lines make paragraphs, single newlines breaks.

    Chunks that already are blocks (a <p>, <ul>, <figure> ...) are left alone, and so is
    everything inside <pre>.
    """
    if not text.strip():
        return ""
    preserved: list[str] = []

    def keep(match: re.Match[str]) -> str:
        preserved.append(match.group(0))
        return f"\x00{len(preserved) - 1}\x00"

    text = _PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    chunks = []
    for chunk in _PARAGRAPH_BREAK.split(text.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("\x00") or (
            _STARTS_WITH_BLOCK.match(chunk) and _ENDS_WITH_BLOCK.search(chunk)
        ):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    joined = "\n\n".join(chunks)
    return re.sub(r"\x00(\d+)\x00", lambda m: preserved[int(m.group(1))], joined)


def convert_post_content(
    content: str,
    *,
    media: MediaLibrary | None = None,
    post_id: str = "",
    featured_image: str = "",
) -> WordPressText:
    """A post's `content:encoded` as intro and body HTML, its first video, and what changed.

    `media` shows galleries' images (and the featured image, `featured_image` by id, at the
    top, where WordPress's themes put it) at their original addresses.
    """
    media = media or MediaLibrary()
    notes: list[str] = []
    embeds = _Embeds()
    uses_blocks = "<!-- wp:" in content
    text = _EMBED_BLOCK.sub(lambda m: _embed_block(m, embeds), content)
    text = _BLOCK_COMMENT.sub("", text)
    text = _EMBED_SHORTCODE.sub(lambda m: embeds.replace(m.group(1)), text)
    text = _PROVIDER_SHORTCODE.sub(lambda m: embeds.replace(_provider_url(m)), text)
    text = _BARE_URL_LINE.sub(
        lambda m: embeds.replace(m.group(1)) if _video_watch_url(m.group(1)) else m.group(0),
        text,
    )
    text = _CAPTION.sub(_caption, text)
    text = _GALLERY.sub(lambda m: _gallery(m, media, post_id, notes), text)
    featured = media.image(featured_image) if featured_image else ""
    if featured and featured_image.strip() not in _images_shown(text, media, featured_image):
        text = featured + "\n\n" + text
        notes.append("its featured image is shown at the top of the text")
    text = _NOTEASER.sub("", text)
    more = _MORE.search(text)
    intro, body = (text[: more.start()], text[more.end() :]) if more else (text, "")
    if more and (more.group(1) or "").strip():
        notes.append(f"the fold's own link text {more.group(1).strip()!r} was dropped")
    if not uses_blocks:
        intro, body = add_paragraphs(intro), add_paragraphs(body)
    return WordPressText(
        intro=intro.strip(), body=body.strip(), video_url=embeds.video_url, notes=notes
    )


def _gallery(match: re.Match[str], media: MediaLibrary, post_id: str, notes: list[str]) -> str:
    ids_given = _GALLERY_IDS.search(match.group(1))
    ids = (
        [part for part in re.split(r"[\s,]+", ids_given.group(1)) if part]
        if ids_given
        else list(media.by_parent.get(post_id, ()))  # no ids: the post's own uploads
    )
    figures = [figure for figure in (media.image(i) for i in ids) if figure]
    if len(figures) < len(ids) or not ids:
        notes.append(
            "a [gallery] named images the export does not hold: "
            f"{len(figures)} of {len(ids)} are shown"
        )
    return "\n".join(figures)


def _images_shown(text: str, media: MediaLibrary, attachment_id: str) -> set[str]:
    """{attachment_id} if the text already shows that attachment's file, else nothing."""
    attachment = media.by_id.get(attachment_id.strip())
    return {attachment_id.strip()} if attachment and attachment.url in text else set()


def _provider_url(match: re.Match[str]) -> str:
    provider, value = match.group(1).lower(), html.unescape(match.group(2))
    if value.startswith(("http://", "https://")):
        # WordPress.com's [youtube=URL&w=320&h=240] puts its options in the URL's query.
        return re.sub(r"&(?:w|h|fs|hd|rel|showinfo|start)=[^&]*", "", value)
    if provider == "vimeo":
        return f"https://vimeo.com/{value}"
    return f"https://www.youtube.com/watch?v={value}"


def convert_comment_content(content: str) -> str:
    """A comment's text as WordPress showed it: paragraphs from blank lines."""
    return add_paragraphs(content)
