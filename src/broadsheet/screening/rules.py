"""Hold rules: which new comments wait for a moderator, which go to the spam folder, and
which are refused outright.

Pure functions over plain facts, so that each rule is tested on its own and the comment
service decides a new comment's state with no queries of its own beyond gathering the facts
(filter.screen_new_comment gathers the spam score and remembered spam). Each rule is a
setting (ScreeningSettings, in the admin); see docs/moderation.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from broadsheet.screening.links import count_links
from broadsheet.screening.models import ScreeningSettings

__all__ = ["AuthorFacts", "Screening", "count_links", "parse_word_list", "screen_comment"]

MAX_PATTERN_LENGTH = 200  # a word list entry, not a program


@dataclass(frozen=True)
class AuthorFacts:
    """What the rules need to know about whoever writes the comment."""

    is_anonymous: bool
    is_trusted: bool  # trusted readers, moderators and editors skip the hold rules
    # A comment of theirs was approved (is visible). As with WordPress's "previously
    # approved" rule, they are not held for being new: neither the first-comment rule nor
    # the spam score's hold threshold holds them, and a score that would reject only holds.
    # The site's explicit rules (word lists, link limit, reputation, remembered spam) still
    # apply to them, as WordPress's moderation keys do.
    has_approved_comment: bool
    reputation: float | None


@dataclass(frozen=True)
class Screening:
    """The decision on a new comment: refused (with a message), rejected as spam (the spam
    folder), held for review (with reasons), or shown."""

    hold_reasons: list[str] = field(default_factory=list)
    refusal: str | None = None
    rejected: bool = False  # into the spam folder; hold_reasons says why
    spam_score: float | None = None

    @property
    def held(self) -> bool:
        return bool(self.hold_reasons) and not self.rejected


def parse_word_list(text: str) -> list[re.Pattern[str]]:
    """One entry per line: a word or phrase (whole words, any case), or /a regular expression/.

    Entries that are not valid expressions are matched as plain text, so a typo in the
    settings cannot break comment posting.
    """
    patterns = []
    for raw in text.splitlines():
        entry = raw.strip()[:MAX_PATTERN_LENGTH]
        if not entry or entry.startswith("#"):
            continue
        if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
            try:
                patterns.append(re.compile(entry[1:-1], re.IGNORECASE))
                continue
            except re.error:
                pass
        patterns.append(re.compile(rf"(?<!\w){re.escape(entry)}(?!\w)", re.IGNORECASE))
    return patterns


def first_match(text: str, patterns: list[re.Pattern[str]]) -> str | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


def screen_comment(
    *,
    text: str,
    author: AuthorFacts,
    rules: ScreeningSettings,
    spam_score: float | None = None,
    remembered_spam: Sequence[str] = (),
) -> Screening:
    """Apply every rule to a new comment's text (subject and Markdown body).

    The spam score is compared with the site's two thresholds, and only with those: the
    editor moves them both ways (docs/moderation.md, "Settings").
    """
    blocked = first_match(text, parse_word_list(rules.blocked_words))
    if blocked is not None:
        return Screening(
            refusal="Your comment contains words this site does not accept; please rephrase it.",
            spam_score=spam_score,
        )
    if author.is_trusted:
        return Screening(spam_score=spam_score)
    reasons = list(remembered_spam)
    rejected = False
    known = author.has_approved_comment
    reject_at, hold_at = rules.spam_reject_threshold, rules.spam_hold_threshold
    if spam_score is not None and reject_at is not None and spam_score >= reject_at:
        if known:
            reasons.append(
                f"spam score {spam_score:.2f} (reaches {reject_at:.2f}; held, not rejected: "
                "the author has an approved comment)"
            )
        else:
            rejected = True
            reasons.append(f"spam score {spam_score:.2f} (rejected from {reject_at:.2f})")
    elif spam_score is not None and hold_at is not None and spam_score >= hold_at and not known:
        reasons.append(f"spam score {spam_score:.2f} (held from {hold_at:.2f})")
    if author.is_anonymous and rules.hold_anonymous_comments:
        reasons.append("anonymous comment")
    if not author.is_anonymous and rules.hold_first_comments and not known:
        reasons.append("first comment of this reader")
    links = count_links(text)
    if rules.hold_link_limit is not None and links > rules.hold_link_limit:
        reasons.append(f"{links} links (more than {rules.hold_link_limit})")
    word = first_match(text, parse_word_list(rules.held_words))
    if word is not None:
        reasons.append(f"contains “{word}”")
    floor = rules.hold_below_reputation
    if floor is not None and author.reputation is not None and author.reputation < floor:
        reasons.append(f"reputation {author.reputation:.2f} below {floor:.2f}")
    return Screening(hold_reasons=reasons, rejected=rejected, spam_score=spam_score)
