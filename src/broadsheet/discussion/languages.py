"""Each comment's language: told from its text when it is written, or chosen by its author.

The page renders it as the comment's `lang`, so that a screen reader reads a French reply with
French rules and a browser hyphenates and quotes it as French. A wrong `lang` is worse than
none (the comment then simply inherits the page's), so a comment too short to tell, or one the
detector is unsure of, gets no language.

Detection is py3langid (a maintained fork of langid.py): offline, a 4.6 MB model shipped in the
package and numpy, about 100 µs for a comment, 97 languages. lingua-language-detector is more
accurate on very short texts but its wheel is 170 MB and its models take hundreds of MB of
memory in every worker; short texts are the ones this module declines to tag anyway.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from typing import Any

import nh3
from django.conf.locale import LANG_INFO

DETECT = "detect"  # the comment form's choice: let the site tell the language
MIN_LETTERS = 16  # below this the detector guesses: "Good point" (9) scores 11% English
MIN_CONFIDENCE = 0.8  # normalised probability of the best language, calibrated by length
# The start of a long comment tells its language as well as all of it, and the classifier's
# time grows with the text: 400 characters cost about 100 us.
SAMPLE_CHARACTERS = 400
WIDE_LETTER_WEIGHT = 3  # one Chinese or Japanese character says about as much as a short word
MAX_LANGUAGE_TAG_LENGTH = 16  # as Comment.language
NOT_LANGUAGES = {"zxx", "und"}  # the detector's "no linguistic content" and "undetermined"

# Well-formed BCP 47 tags of the common shape: language, then optional script, region or
# variant subtags ("fr", "pt-BR", "zh-Hant", "sr-Latn-RS"). Private use and grandfathered
# tags are not accepted: nothing on a comment needs them.
_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-[a-z\d]{5,8})*$", re.I)
_URL = re.compile(r"://|^www\.", re.I)  # a word that is an address
_SKIPPED_ELEMENTS = {"blockquote", "code", "pre"}  # quoted or technical: often another language


def canonical_tag(tag: str) -> str:
    """A well-formed language tag in its usual case ("pt-br" -> "pt-BR"), or "" if it is not
    one."""
    tag = tag.strip().replace("_", "-")
    if not tag or len(tag) > MAX_LANGUAGE_TAG_LENGTH or not _TAG.match(tag):
        return ""
    first, *rest = tag.split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())
        elif len(part) in {2, 3} and (part.isalpha() or part.isdigit()):
            parts.append(part.upper())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def own_words(subject: str, body_html: str) -> str:
    """What the author wrote in their own words: the subject they typed and the start of the
    body, less quotes, code and addresses."""
    # A space before each tag keeps the words of two paragraphs apart once the tags go; the
    # start of a long body is enough (a tag cut in two is only dropped).
    body = nh3.clean(
        body_html[: 4 * SAMPLE_CHARACTERS].replace("<", " <"),
        tags=set(),
        attributes={},
        clean_content_tags=_SKIPPED_ELEMENTS,
    )
    # Twice the sample: what the addresses take out still leaves a whole one.
    text = f"{subject}\n{html.unescape(body)}"[: 2 * SAMPLE_CHARACTERS]
    return " ".join(word for word in text.split() if not _URL.search(word))


def has_enough_letters(text: str) -> bool:
    """At least MIN_LETTERS letters (a Chinese or Japanese character counting for several)."""
    weight = 0
    for character in text:
        if character.isalpha():
            wide = unicodedata.east_asian_width(character) in {"W", "F"}
            weight += WIDE_LETTER_WEIGHT if wide else 1
            if weight >= MIN_LETTERS:
                return True
    return False


@cache
def _identifier() -> Any:
    """The detector, loaded once per process (about 0.6 s) when the first comment needs it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The BCP 47 tag of the language `text` is written in, or "" when it cannot be told."""
    sample = text[:SAMPLE_CHARACTERS]
    if not has_enough_letters(sample):
        return ""
    language, confidence = _identifier().classify(sample)
    if language in NOT_LANGUAGES or confidence < MIN_CONFIDENCE:
        return ""
    return canonical_tag(str(language))


def comment_language(*, chosen: str | None, subject: str, body_html: str) -> str:
    """The language to store: the one chosen (by the author or an import) when given and
    well formed, else the one detected from the subject the author typed (not one made of
    the body's first words, which would count them twice) and the body; "" when neither
    says."""
    if chosen is not None and chosen != DETECT:
        return canonical_tag(chosen)
    return detect_language(own_words(subject, body_html))


def _language_name(code: str, info: dict[str, Any]) -> str:
    name, local = str(info["name"]), str(info.get("name_local", info["name"]))
    return name if local == name else f"{local} ({name})"


@cache
def language_choices() -> list[tuple[str, str]]:
    """The languages an author may choose for a comment, by English name, after "detect"."""
    named = sorted(
        (str(info["name"]), canonical_tag(code), _language_name(code, info))
        for code, info in LANG_INFO.items()
        if "name" in info and canonical_tag(code)
    )
    return [(DETECT, "Tell from the text"), *((tag, label) for _, tag, label in named)]
