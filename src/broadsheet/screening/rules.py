"""Hold rules: which new comments wait for a moderator, and which are refused outright.

Pure functions over plain facts, so that each rule is tested on its own and the comment
service decides a new comment's state with no queries of its own beyond gathering the facts.
Each rule is a setting (ScreeningSettings, in the admin); see docs/moderation.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from broadsheet.screening.models import ScreeningSettings

LINK_PATTERN = re.compile(r"https?://|www\.|<a\s", re.IGNORECASE)
MAX_PATTERN_LENGTH = 200  # a word list entry, not a program


@dataclass(frozen=True)
class AuthorFacts:
    """What the rules need to know about whoever writes the comment."""

    is_anonymous: bool
    is_trusted: bool  # trusted readers, moderators and editors skip the hold rules
    has_approved_comment: bool
    reputation: float | None


@dataclass(frozen=True)
class Screening:
    hold_reasons: list[str] = field(default_factory=list)
    refusal: str | None = None

    @property
    def held(self) -> bool:
        return bool(self.hold_reasons)


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


def count_links(text: str) -> int:
    return len(LINK_PATTERN.findall(text))


def screen_comment(
    *,
    text: str,
    author: AuthorFacts,
    rules: ScreeningSettings,
    spam_score: float | None = None,
    spam_threshold: float | None = None,
) -> Screening:
    """Apply every rule to a new comment's text (subject and Markdown body)."""
    blocked = first_match(text, parse_word_list(rules.blocked_words))
    if blocked is not None:
        return Screening(
            refusal="Your comment contains words this site does not accept; please rephrase it."
        )
    if author.is_trusted:
        return Screening()
    reasons = []
    if author.is_anonymous and rules.hold_anonymous_comments:
        reasons.append("anonymous comment")
    if not author.is_anonymous and rules.hold_first_comments and not author.has_approved_comment:
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
    if spam_score is not None:
        # The model's own threshold (chosen for its precision) or the site's, the lower.
        threshold = min(rules.spam_hold_threshold, spam_threshold or rules.spam_hold_threshold)
        if spam_score >= threshold:
            reasons.append(f"spam score {spam_score:.2f}")
    return Screening(hold_reasons=reasons)
