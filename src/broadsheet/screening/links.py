"""The links in a comment, each found once, in whichever markup the writer used.

Readers write Markdown (`[text](url)`), HTML (`<a href>`, which comments keep), BBCode
(`[url=...]`, pasted by spam tools made for forums) or a bare address. Each form is found
and then blanked out of the text, so that the address inside `<a href="https://www.x">`
is not found a second time as a bare URL, and `https://www.` is one link, not two. Bare
addresses are found by linkify-it (the markdown-it family's recogniser), which knows
where a URL ends in running text and in any script. Domains are reduced to the part a
person registers (`news.bbc.co.uk` -> `bbc.co.uk`) with tldextract and the copy of the
Public Suffix List it ships; it never fetches a newer list at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import tldextract
from linkify_it import LinkifyIt

MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^>]*>(.*?)(?:</a\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
BBCODE_LINK = re.compile(
    r"\[url=([^\]\s]+)\](.*?)\[/url\]|\[url\]([^\[\s]+)\[/url\]", re.IGNORECASE | re.DOTALL
)
HOST_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)*")
MAX_SCANNED_CHARACTERS = 50_000  # well above a comment's limit; bounds the regular expressions


@dataclass(frozen=True)
class Link:
    url: str  # as written, with http:// added to a bare www. address
    anchor: str  # the words a reader clicks; the address itself for a bare link
    markup: str  # "markdown", "html", "bbcode" or "bare"

    @property
    def host(self) -> str:
        return host_of(self.url)

    @property
    def domain(self) -> str:
        return registered_domain(self.url)


@cache
def _linkify() -> LinkifyIt:
    return LinkifyIt()


@cache
def _domains() -> tldextract.TLDExtract:
    # The list shipped with the package: no download at run time, the same answer everywhere.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_of(url: str) -> str:
    """The host name of a URL or of a bare address, lower case, without `www.`."""
    candidate = url.strip()
    if "//" not in candidate:
        candidate = "http://" + candidate
    try:
        host = urlsplit(candidate).hostname or ""
    except ValueError:
        return ""
    if not HOST_NAME.fullmatch(host):
        return ""
    return host.removeprefix("www.")


def registered_domain(url: str) -> str:
    """The domain a person registers (`shop.spam.example.co.uk` -> `example.co.uk`), or the
    host itself when it has no public suffix (an address, `localhost`)."""
    host = host_of(url)
    if not host:
        return ""
    parts = _domains()(host)
    return parts.top_domain_under_public_suffix or host


def find_links(text: str) -> list[Link]:
    """Every link in the text, once each, in the order the forms are searched."""
    remaining = text[:MAX_SCANNED_CHARACTERS]
    found: list[Link] = []

    def take(pattern: re.Pattern[str], make: object) -> None:
        nonlocal remaining

        def blank(match: re.Match[str]) -> str:
            link = make(match)  # type: ignore[operator]
            if link is not None:
                found.append(link)
            return " " * len(match.group(0))

        remaining = pattern.sub(blank, remaining)

    take(
        BBCODE_LINK,
        lambda m: Link(
            url=_with_scheme(m.group(1) or m.group(3)), anchor=m.group(2) or "", markup="bbcode"
        ),
    )
    take(
        HTML_LINK,
        lambda m: _linked(m.group(1) or m.group(2) or m.group(3) or "", m.group(4), "html"),
    )
    take(MARKDOWN_LINK, lambda m: _linked(m.group(2), m.group(1), "markdown"))
    for match in _linkify().match(remaining) or []:
        raw = match.raw
        if match.schema == "mailto:" or not _is_address(raw):
            continue
        found.append(Link(url=_with_scheme(raw), anchor=raw, markup="bare"))
    return found


def _linked(url: str, anchor: str, markup: str) -> Link | None:
    url = url.strip()
    if not url or not _is_address(url):
        return None
    return Link(url=_with_scheme(url), anchor=re.sub(r"<[^>]*>", "", anchor).strip(), markup=markup)


def _is_address(url: str) -> bool:
    """A web address written as one: with a scheme or `www.`, not a bare word like `ftc.gov`."""
    lowered = url.lower()
    return lowered.startswith(("http://", "https://", "www.", "//"))


def _with_scheme(url: str) -> str:
    if url.lower().startswith(("http://", "https://")):
        return url
    return "http://" + url.lstrip("/")


def count_links(text: str) -> int:
    """How many links the text holds, each counted once whatever its markup."""
    return len(find_links(text))


def mentioned_domains(text: str) -> list[str]:
    """Domains written as plain words (`reportfraud.ftc.gov`, `royalmail-redelivery.info`),
    which are not links but are how spam slips an address past link counting."""
    remaining = text[:MAX_SCANNED_CHARACTERS]
    for pattern in (BBCODE_LINK, HTML_LINK, MARKDOWN_LINK):
        remaining = pattern.sub(" ", remaining)
    return [
        registered_domain(match.raw)
        for match in _linkify().match(remaining) or []
        if match.schema == "" and not _is_address(match.raw)
    ]


def email_addresses(text: str) -> list[str]:
    """E-mail addresses written in the text, lower case."""
    return [
        match.url.removeprefix("mailto:").lower()
        for match in _linkify().match(text[:MAX_SCANNED_CHARACTERS]) or []
        if match.schema == "mailto:"
    ]
