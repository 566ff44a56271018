"""What the spam classifier reads besides words: links and how they sit, contact details,
scripts, and the author's name and web address.

Word and character n-grams learn the vocabulary of spam, but vocabulary is what changes from
one campaign to the next and from one language to another. These signals describe the
*shape* of a comment instead, and carry over to comments the model has never seen: a
phone number next to "WhatsApp", a link to a fresh `.xyz` shop at the end of generic praise,
a keyword phrase for a name with a web address attached, Latin letters hidden among
Cyrillic ones. None decides alone: each is one column the logistic regression weighs with
the others (docs/moderation.md, "What the filter reads").

Pure functions over `SpamInput` values, no database, so that training, scoring and the
evaluation compute them identically.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import numpy as np
from numpy.typing import NDArray

from broadsheet.screening.links import (
    Link,
    email_addresses,
    find_links,
    host_of,
    mentioned_domains,
    registered_domain,
)


@dataclass(frozen=True)
class SpamInput:
    """One comment as the classifier sees it: its text (subject and body, Markdown, HTML or
    plain) and what the writer said about themselves."""

    text: str
    author_name: str = ""
    author_url: str = ""


# Top-level domains most used for spam in the abuse trackers' yearly rankings (Spamhaus,
# Interisle), cheap or free to register, plus the gambling ones. A link to one is a signal,
# not a verdict: real sites live on `.info` and `.online` too.
CHEAP_TLDS = frozenset(
    """xyz top club online site shop store click loan win bid icu buzz vip bet casino poker cc
    pw tk ml ga cf gq su work rest fun live cash pro biz info today life world space website
    stream download date love racing review trade party men cam monster cyou sbs cfd""".split()  # noqa: SIM905 - a word list reads best as words
)
# Labels that public bodies, courts and universities put in their host names across
# countries (`cbo.gov`, `insee.fr` aside: `gouv.fr`, `gob.es`, `gc.ca`, `admin.ch`, `ac.uk`,
# `europa.eu`, `who.int`). Citing them is what readers who argue from sources do.
PUBLIC_LABELS = frozenset(
    """gov gouv gob govt gv gc go admin edu ac int mil europa parliament judiciary courts nhs
    police bund gouvernement""".split()  # noqa: SIM905 - a word list reads best as words
)
# News agencies, papers, broadcasters, encyclopedias, journals and data sites that readers
# cite, across the languages the shipped comments are in. A signal like the public bodies
# above, never a pass: it only ever lowers a score, and a site's own decisions outweigh it.
REFERENCE_DOMAINS = frozenset(
    """reuters.com apnews.com afp.com bbc.co.uk bbc.com nytimes.com washingtonpost.com
    wsj.com ft.com economist.com theguardian.com guardian.co.uk independent.co.uk
    telegraph.co.uk thetimes.co.uk npr.org pbs.org cbsnews.com nbcnews.com abcnews.go.com
    cnn.com politico.com politico.eu axios.com bloomberg.com propublica.org theatlantic.com
    newyorker.com latimes.com usatoday.com aljazeera.com aljazeera.net channel4.com
    sky.com itv.com rte.ie irishtimes.com cbc.ca theglobeandmail.com abc.net.au smh.com.au
    nzherald.co.nz thehindu.com hindustantimes.com scmp.com japantimes.co.jp dw.com
    spiegel.de zeit.de faz.net sueddeutsche.de tagesschau.de welt.de handelsblatt.com
    lemonde.fr lefigaro.fr liberation.fr francetvinfo.fr franceinfo.fr radiofrance.fr
    lesechos.fr mediapart.fr elpais.com elmundo.es lavanguardia.com eldiario.es rtve.es
    clarin.com lanacion.com.ar elfinanciero.com.mx corriere.it repubblica.it ansa.it
    publico.pt folha.uol.com.br globo.com nos.nl volkskrant.nl svt.se yle.fi nrk.no
    premiumtimesng.com nation.africa dailymaverick.co.za bellingcat.com fullfact.org
    snopes.com politifact.com factcheck.org wikipedia.org wikimedia.org ourworldindata.org
    statista.com doi.org arxiv.org nature.com science.org sciencedirect.com thelancet.com
    nejm.org bmj.com jamanetwork.com pubmed.ncbi.nlm.nih.gov ncbi.nlm.nih.gov plos.org
    springer.com wiley.com jstor.org ssrn.com osf.io imf.org worldbank.org oecd.org
    un.org who.int ilo.org wto.org europa.eu ipcc.ch brookings.edu pewresearch.org
    ifs.org.uk resolutionfoundation.org courtlistener.com justia.com law.cornell.edu
    documentcloud.org archive.org youtube.com meduza.io kommersant.ru rbc.ru tass.ru
    interfax.ru novayagazeta.eu pravda.com.ua suspilne.media kyivindependent.com ukrinform.ua
    caixin.com xinhuanet.com people.com.cn thepaper.cn nhk.or.jp asahi.com yna.co.kr""".split()  # noqa: SIM905 - a word list reads best as words
)
# The same, where the body's own domain is the first label (`gov.uk`, `europa.eu`); short
# ones such as `go` or `ac` begin ordinary host names too, so they count only further in.
PUBLIC_FIRST_LABELS = frozenset(
    """gov gouv gob europa parliament judiciary nhs""".split()  # noqa: SIM905 - a word list reads best as words
)
URL_SHORTENERS = frozenset(
    """bit.ly tinyurl.com goo.gl t.co is.gd ow.ly cutt.ly rebrand.ly shorturl.at tiny.cc rb.gy
    s.id v.gd buff.ly""".split()  # noqa: SIM905 - a word list reads best as words
)
MESSENGER = re.compile(
    r"telegram|whats\s?app|wickr|signal\b|viber|wechat|weixin|微信|\bqq\b|t\.me/|wa\.me/|"
    r"телеграм|вотсап|ватсап|واتس|واتساب|تيليجرام|تلغرام|line\s?id",
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z][\w.]{3,}")
PHONE = re.compile(
    r"(?<![\w/=.-])(?:\+|00)?\(?\d{1,4}\)?(?:[\s.\-]{0,2}\(?\d{2,5}\)?){2,5}(?![\w/])"
)
OBFUSCATED_EMAIL = re.compile(
    r"\w+\s*(?:\(at\)|\[at\]|\(@\)|\sat\s)\s*\w+\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*(?:com|net|org)",
    re.IGNORECASE,
)
MONEY = re.compile(
    r"[$€£₹¥₦]\s?\d[\d,.]*\s?(?:k|m|bn)?|\d[\d,.]*\s?(?:[$€£₹¥]|usd|usdt|btc|eth|euros?|"
    r"dollars?|рублей|руб|元|万)",  # noqa: RUF001 - Cyrillic on purpose
    re.IGNORECASE,
)
RETURNS = re.compile(
    r"\d+\s?%\s*(?:daily|weekly|monthly|per\s(?:day|week|month)|a\s(?:day|week|month)|"
    r"return|profit|roi|win\s?rate|accura)",
    re.IGNORECASE,
)
QUOTED_LINE = re.compile(r"^\s*>", re.MULTILINE)
QUOTATION = re.compile(r"[«»„“”\"]")
SPINTAX = re.compile(r"\{[^{}|\n]{1,40}(?:\|[^{}|\n]{1,40}){1,}\}")
ARTICLE_PATH = re.compile(r"/(?:19|20)\d\d[/-]|\d{4,}|\.pdf\b|/[a-z0-9]+(?:/[^/\s]+){2,}", re.I)
REFERRAL = re.compile(r"[?&](?:ref|aff|affiliate|invite|code|utm_[a-z]+|partner|promo)=", re.I)
GENERIC_ANCHORS = frozenset(
    """here link source this report study paper ruling data table page pdf
    article""".split()  # noqa: SIM905 - a word list reads best as words
)

SHORT_WORDS = 25  # a line or two: praise, thanks, agreement
_COUNT_CAP = 5  # the fifth link or phone number says about as much as the fiftieth
_LENGTH_SCALE = math.log1p(5_000)


@cache
def _script(character: str) -> str:
    """A letter's script, by the first word of its Unicode name ("LATIN", "CYRILLIC", ...)."""
    if not character.isalpha():
        return ""
    name = unicodedata.name(character, "")
    word = name.split(" ", 1)[0]
    if word in {"CJK", "HIRAGANA", "KATAKANA", "HANGUL"}:
        return "CJK"
    return word


def _capped(count: int) -> float:
    return min(count, _COUNT_CAP) / _COUNT_CAP


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _labels(url: str) -> list[str]:
    return host_of(url).split(".")


def _top_level(url: str) -> str:
    labels = _labels(url)
    return labels[-1] if labels else ""


def is_public_body(url: str) -> bool:
    """A host of a government, court, parliament or university (`*.gov`, `*.gouv.fr`, ...)."""
    labels = _labels(url)
    return labels[0] in PUBLIC_FIRST_LABELS or any(label in PUBLIC_LABELS for label in labels[1:])


def is_reference_site(url: str) -> bool:
    domain = registered_domain(url)
    host = host_of(url)
    return domain in REFERENCE_DOMAINS or host in REFERENCE_DOMAINS


def is_cheap_domain(url: str) -> bool:
    return _top_level(url) in CHEAP_TLDS


def _keyword_domain(url: str) -> bool:
    """A domain made of words joined by hyphens (`cheap-pills-online`), as bought for SEO."""
    domain = registered_domain(url).split(".", 1)[0]
    return domain.count("-") >= 2


def _article_like(link: Link) -> bool:
    """A link to a page deep inside a site (a dated path, an id, a PDF), as sources are,
    rather than to a home page or a one-word landing page."""
    try:
        path = urlsplit(link.url).path
    except ValueError:
        return False
    return bool(ARTICLE_PATH.search(path)) or path.count("/") >= 3


def _keyword_anchor(link: Link) -> bool:
    """Linked words that are a search phrase ("cheap essay writing"), not "here" or the URL."""
    if link.markup == "bare":
        return False
    words = re.findall(r"\w+", link.anchor.lower())
    return len(words) >= 2 and not GENERIC_ANCHORS.intersection(words) and "." not in link.anchor


def _phones(text: str) -> int:
    count = 0
    for match in PHONE.finditer(text):
        digits = sum(character.isdigit() for character in match.group(0))
        if 8 <= digits <= 15:
            count += 1
    return count


def _emoji(text: str) -> int:
    return sum(1 for character in text if unicodedata.category(character) == "So")


FEATURE_NAMES = (
    "links",
    "link domains",
    "links to public bodies",
    "links to news and reference sites",
    "links to cheap top-level domains",
    "links to hyphenated keyword domains",
    "links deep into a site",
    "links through a shortener",
    "links with referral codes",
    "links with keyword anchors",
    "links in HTML or BBCode",
    "text ends with a link",
    "words per link",
    "domains written without a link",
    "phone numbers",
    "messenger names",
    "messenger with a handle or number",
    "handles (@name)",
    "e-mail addresses in the text",
    "sums of money",
    "promised returns",
    "Latin letters",
    "Cyrillic letters",
    "CJK letters",
    "Arabic letters",
    "words mixing Latin and Cyrillic",
    "emoji and symbols",
    "exclamation marks",
    "capitals",
    "digits",
    "length",
    "quoted lines",
    "quotation marks",
    "spintax",
    "author URL",
    "author URL on a cheap top-level domain",
    "author URL on a hyphenated keyword domain",
    "author URL to an inner page",
    "author URL bears the author's name",
    "author URL not the author's own",
    "short text with a link",
    "no way to reach anyone",
    "author name words",
    "author name in lower case",
    "author name with digits",
)

# The signals the second stage (spam_classifier.SpamClassifier) combines with the first
# stage's score, each with the only direction it may push: +1 may only raise the spam score,
# -1 only lower it, 0 either way. Left out: counts of links and length, capitals, digits,
# scripts and the like, which describe how someone writes, not whether they sell; the first
# stage still weighs them a little. Without this, trees learned that a medium-length English
# comment with no link looked like the spun spam in the training data, and held genuine
# replies. Whether the author URL bears the author's name may push either way: readers' sites
# often do not spell their names (a handle, a topical blog, their union or university), and
# keyword names spell their shops exactly ("Tree Service Austin", `austintreeservice.com`), so
# neither answer says which way on its own (docs/moderation.md, "Readers' own web sites").
BOOSTED_SIGNALS = {
    "links to public bodies": -1,
    "links to news and reference sites": -1,
    "links to cheap top-level domains": 1,
    "links to hyphenated keyword domains": 1,
    "links deep into a site": -1,
    "links through a shortener": 1,
    "links with referral codes": 1,
    "links with keyword anchors": 1,
    "links in HTML or BBCode": 1,
    "domains written without a link": 1,
    "phone numbers": 1,
    "messenger with a handle or number": 1,
    "e-mail addresses in the text": 1,
    "promised returns": 1,
    "words mixing Latin and Cyrillic": 1,
    "quoted lines": -1,
    "quotation marks": -1,
    "spintax": 1,
    "author URL on a cheap top-level domain": 1,
    "author URL on a hyphenated keyword domain": 1,
    "author URL bears the author's name": 0,
    "author URL not the author's own": 0,
    "no way to reach anyone": 0,
}
BOOSTED_COLUMNS = [FEATURE_NAMES.index(name) for name in BOOSTED_SIGNALS]


def comment_signals(item: SpamInput) -> list[float]:
    """The values of FEATURE_NAMES for one comment, each between 0 and 1."""
    text = item.text
    links = find_links(text)
    link_count = len(links)
    words = re.findall(r"\w+", re.sub(r"\S*(?:https?://|www\.)\S*", " ", text))
    letters = [character for character in text if character.isalpha()]
    scripts = [_script(character) for character in letters]
    messenger = len(MESSENGER.findall(text))
    handles = len(HANDLE.findall(text))
    phones = _phones(text)
    stripped = text.rstrip(" .!)\n")
    ends_with_link = bool(links) and bool(re.search(r"(?:https?://|www\.)\S+$|\[/url\]$", stripped))
    mixed_words = sum(
        1
        for word in re.findall(r"[^\W\d_]+", text)
        if {"LATIN", "CYRILLIC"} <= {_script(character) for character in word}
    )
    author_url = item.author_url.strip()
    name_words = re.findall(r"\w+", item.author_name)
    own_site = _names_own_site(item.author_name, author_url)
    emails = len(email_addresses(text)) + len(OBFUSCATED_EMAIL.findall(text))
    bare_domains = len(mentioned_domains(text))
    # Promotion needs a way back to the promoter: a link, an address, a number or a handle in
    # the comment, or an author URL that looks bought for it. Any author URL counted as one
    # when most readers' sites in the data bore their names, and a short thanks signed with a
    # handle's blog or a union's site then scored as a link drop (docs/moderation.md,
    # "Readers' own web sites").
    reachable = (
        link_count or _bought_address(author_url) or phones or handles or emails or bare_domains
    )
    return [
        _capped(link_count),
        _capped(len({link.domain for link in links})),
        _share(sum(is_public_body(link.url) for link in links), link_count),
        _share(sum(is_reference_site(link.url) for link in links), link_count),
        _share(sum(is_cheap_domain(link.url) for link in links), link_count),
        _share(sum(_keyword_domain(link.url) for link in links), link_count),
        _share(sum(_article_like(link) for link in links), link_count),
        _share(sum(link.domain in URL_SHORTENERS for link in links), link_count),
        _share(sum(bool(REFERRAL.search(link.url)) for link in links), link_count),
        _share(sum(_keyword_anchor(link) for link in links), link_count),
        _share(sum(link.markup in {"html", "bbcode"} for link in links), link_count),
        float(ends_with_link),
        min(len(words) / (link_count + 1), 100) / 100,
        _capped(bare_domains),
        _capped(phones),
        _capped(messenger),
        float(messenger > 0 and (handles > 0 or phones > 0)),
        _capped(handles),
        _capped(emails),
        _capped(len(MONEY.findall(text))),
        _capped(len(RETURNS.findall(text))),
        _share(scripts.count("LATIN"), len(letters)),
        _share(scripts.count("CYRILLIC"), len(letters)),
        _share(scripts.count("CJK"), len(letters)),
        _share(scripts.count("ARABIC"), len(letters)),
        _capped(mixed_words),
        _capped(_emoji(text)),
        _capped(text.count("!")),
        _share(sum(character.isupper() for character in letters), len(letters)),
        _share(sum(character.isdigit() for character in text), len(text)),
        math.log1p(len(text)) / _LENGTH_SCALE,
        _capped(len(QUOTED_LINE.findall(text))),
        _capped(len(QUOTATION.findall(text)) // 2),
        float(bool(SPINTAX.search(text))),
        float(bool(author_url)),
        float(bool(author_url) and is_cheap_domain(author_url)),
        float(bool(author_url) and _keyword_domain(author_url)),
        float(bool(author_url) and urlsplit(_url(author_url)).path.strip("/") != ""),
        float(own_site),
        float(bool(author_url) and not own_site),
        float(len(words) < SHORT_WORDS and link_count > 0),
        float(not reachable),
        _capped(len(name_words)),
        float(bool(name_words) and item.author_name == item.author_name.lower()),
        float(any(character.isdigit() for character in item.author_name)),
    ]


def _bought_address(url: str) -> bool:
    """An author URL that looks registered to be linked to: on a cheap top-level domain, or a
    domain of words joined by hyphens (`carpetcleaning-melbourne.net.au`). Readers' own sites,
    profiles and their organisations' sites are signatures, not ways back to a seller; the
    address's other signals and words still count either way."""
    if not url:
        return False
    return is_cheap_domain(url) or "-" in registered_domain(url).split(".", 1)[0]


def _names_own_site(name: str, url: str) -> bool:
    """A personal site or profile: a part of the address is the author's name and little else
    (`jacobstone.blog`, `mastodon.ie/@liamk`, `github.com/mfell` for Marcus Fell), whereas a
    shop keeps its trade in the address even under a person's name
    (`kevinbrooksroofing.com`, `emilys-weightloss-secrets.net`)."""
    if not url:
        return False
    words = [word for word in re.findall(r"[^\W\d_]+", name.lower()) if len(word) >= 2]
    if not words:
        return False
    host_labels = host_of(url).split(".")[:-1]
    segments = [segment.lstrip("@~") for segment in urlsplit(_url(url)).path.split("/")]
    for part in [*host_labels, *segments]:
        token = re.sub(r"[\W_]", "", part.lower())
        if len(token) < 3:
            continue
        rest = token
        for word in sorted(words, key=len, reverse=True):
            for length in range(len(word), 2, -1):  # the word, or its start ("meg" of Megan)
                if word[:length] in rest:
                    rest = rest.replace(word[:length], "", 1)
                    break
        if len(rest) <= 2 and len(rest) < len(token) / 2:
            return True
    return False


def _url(url: str) -> str:
    return url if "//" in url else "http://" + url


def spam_signals(items: Sequence[SpamInput]) -> NDArray[np.float64]:
    """FEATURE_NAMES for each comment: one row per comment."""
    rows = [comment_signals(item) for item in items]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


def author_words(item: SpamInput) -> str:
    """The author's name and web address as words, for n-grams of their own: spam tools fill
    the name with a keyword phrase ("Cheap Flights NYC") and the address with a shop."""
    url = item.author_url.strip()
    address = ""
    if url:
        parts = urlsplit(_url(url))
        address = f"{host_of(url)} {parts.path}".replace("-", " ").replace("/", " ")
    return f"{item.author_name} {address}".strip().lower()
